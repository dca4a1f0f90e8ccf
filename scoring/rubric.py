"""The rubric: rule files, scoring settings and the homophone table, as data.

``parse_rubric`` takes the *texts* of the rubric files (name -> YAML text) and
returns a compiled ``Rubric``, reporting every problem at once as
``FILE:LINE:COL: message``. ``default_rubric()`` loads the copy shipped with
the package (see resources.py). Rule ids are stable and never reused.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from functools import lru_cache
from typing import Any

from scoring import derived, resources
from scoring.learned import LearnedModel, from_dict
from scoring.model import CHANNELS, Rule
from scoring.normalize import normalize
from scoring.prefilter import Prefilter
from scoring.prefilter import build as build_prefilter
from scoring.rule_file import CompiledRule, parse_rule_file, parse_settings
from scoring.yamldoc import YamlDoc, YamlError, YamlProblem, parse


@dataclass(frozen=True)
class Rubric:
    """All rules, compiled, plus the scoring settings."""

    rules: tuple[CompiledRule, ...]
    weights: Mapping[str, Mapping[str, float]]
    response_target_s: Mapping[str, float]
    template_threshold: float
    template_min_chars: int
    canned_replies: tuple[str, ...]
    by_channel: Mapping[str, tuple[CompiledRule, ...]] = field(default_factory=dict)
    rule_order: Mapping[str, int] = field(default_factory=dict)
    prefilters: Mapping[str, Prefilter] = field(default_factory=dict)
    grievance: tuple[CompiledRule, ...] = ()
    canned_normalized: tuple[str, ...] = ()
    grievance_prefilter: Prefilter | None = None  # over ``grievance``
    # The learned second opinion (scoring/learned.py): the shipped rubric has one.
    learned: LearnedModel | None = None

    def rule(self, rule_id: str) -> Rule:
        """The rule with ``rule_id`` (KeyError if none)."""
        for compiled in self.rules:
            if compiled.rule.id == rule_id:
                return compiled.rule
        raise KeyError(rule_id)


class RubricError(YamlError):
    """Every problem found in the rubric files."""


def parse_rubric(
    texts: Mapping[str, str], only: frozenset[str] | None = None, *, lazy: bool = False
) -> Rubric:
    """Compile rubric files (file name -> YAML text); raise RubricError with every problem.

    With ``only``, just the rule files of those criteria are read and compiled:
    a smaller rubric, quicker to build, that finds exactly what the whole one
    finds for those criteria (rules are matched independently of each other).
    ``lazy``: the texts are known to compile (see ``kinds.compile_rule``).
    """
    problems: list[YamlProblem] = []
    docs: dict[str, YamlDoc] = {}
    for name in sorted(texts):
        try:
            docs[name] = parse(texts[name], name)
        except YamlError as exc:
            problems.extend(exc.problems)
    homophones: dict[str, str] = {}
    settings: dict[str, Any] = {}
    rules: list[CompiledRule] = []
    for name, doc in docs.items():
        base = name.replace("\\", "/").rsplit("/", 1)[-1]
        if base == "homophones.yaml":
            homophones = {str(k): str(v) for k, v in (doc.data or {}).get("homophones", {}).items()}
    for name, doc in docs.items():
        base = name.replace("\\", "/").rsplit("/", 1)[-1]
        if base == "homophones.yaml":
            continue
        if base == "scoring.yaml":
            settings = parse_settings(doc, problems)
        else:
            rules.extend(parse_rule_file(doc, homophones, problems, only, lazy))
    seen: dict[str, str] = {}
    for compiled in rules:
        r = compiled.rule
        if r.id in seen:
            problems.append(
                YamlProblem(r.file, r.line, 1, f"duplicate rule id {r.id} (also in {seen[r.id]})")
            )
        seen[r.id] = f"{r.file}:{r.line}"
    if not settings and not problems:
        problems.append(YamlProblem("scoring.yaml", 1, 1, "the rubric has no scoring.yaml"))
    if problems:
        raise RubricError(problems)
    template = settings.get("template", {})
    # Grievance rules read buyer turns; every other rule reads agent replies.
    by_channel = {
        ch: tuple(c for c in rules if ch in c.rule.channels and c.rule.criterion != "grievance")
        for ch in CHANNELS
    }
    canned = tuple(settings.get("canned_replies", []))
    grievance = tuple(c for c in rules if c.rule.criterion == "grievance")
    return Rubric(
        rules=tuple(rules),
        weights=settings["weights"],
        response_target_s=settings["response_target_s"],
        template_threshold=float(template.get("threshold", 90)),
        template_min_chars=int(template.get("min_chars", 12)),
        canned_replies=canned,
        by_channel=by_channel,
        rule_order={c.rule.id: i for i, c in enumerate(rules)},
        prefilters={
            ch: build_prefilter(
                [c.matcher.pieces for c in compiled], [c.matcher.fuzzy for c in compiled]
            )
            for ch, compiled in by_channel.items()
        },
        canned_normalized=tuple(normalize(c).text for c in canned),
        grievance=grievance,
        grievance_prefilter=build_prefilter(
            [c.matcher.pieces for c in grievance], [c.matcher.fuzzy for c in grievance]
        ),
    )


@lru_cache(maxsize=1)
def default_rubric() -> Rubric:
    """The rubric shipped with kefu-trainer.

    Its whole-rule regexes compile when first used: the prefilter runs most
    rules piece by piece, so a run pays only for the ones it needs. The tests
    compile the shipped rubric eagerly, so none can fail later.
    """
    _install_derived()
    rubric = parse_rubric(resources.rubric_texts(), lazy=True)
    return replace(rubric, learned=learned_model())


@lru_cache(maxsize=1)
def learned_model() -> LearnedModel:
    """The shipped learned model (scenarios/rubric/learned.json)."""
    try:
        text = resources.learned_model_text()
    except OSError as exc:
        raise _unreadable(exc) from exc
    return parse_learned(text)


def parse_learned(text: str) -> LearnedModel:
    """A learned model from the text of learned.json; RubricError says what is wrong."""
    try:
        return from_dict(json.loads(text))
    except ValueError as exc:
        raise _unreadable(exc) from exc


def _unreadable(exc: Exception) -> RubricError:
    return RubricError(
        [YamlProblem("learned.json", 1, 1, f"the learned model cannot be read: {exc}")]
    )


@lru_cache(maxsize=4)
def default_rubric_for(criteria: frozenset[str]) -> Rubric:
    """The shipped rubric's rules for ``criteria`` only (see ``parse_rubric``).

    Its whole-rule regexes compile when first used (the tests compile the
    shipped rubric whole, so none can fail later): ``kefu validate``'s lint
    needs only a few of them.
    """
    _install_derived()
    return parse_rubric(resources.rubric_texts(), only=criteria, lazy=True)


@lru_cache(maxsize=1)
def _install_derived() -> bool:
    """Look up what the shipped rubric's regexes imply instead of parsing them
    (scoring.derived); without the file the answers are worked out as before."""
    try:
        return derived.install(resources.derived_text())
    except OSError:
        return False
