"""The rubric: rule files, scoring settings and the homophone table, as data.

``parse_rubric`` takes the *texts* of the rubric files (name -> YAML text) and
returns a compiled ``Rubric``, reporting every problem at once as
``FILE:LINE:COL: message``. ``default_rubric()`` loads the copy shipped with
the package (see resources.py). Rule ids are stable and never reused.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from functools import lru_cache
from typing import Any

from scoring import derived, resources
from scoring.kinds import KINDS, Matcher, compile_rule
from scoring.learned import LearnedModel, from_dict
from scoring.model import (
    CHANNELS,
    CONVERSATION_CRITERIA,
    LEVELS,
    REPLY_CRITERIA,
    REVIEW_CRITERIA,
    Message,
    Rule,
)
from scoring.normalize import normalize
from scoring.prefilter import Prefilter
from scoring.prefilter import build as build_prefilter
from scoring.yamldoc import YamlDoc, YamlError, YamlProblem, check_keys, parse

# Rule files judge the reply criteria and the extra checks, plus helper
# criteria: evidence the engine combines, never scored alone.
CRITERIA = (
    *REPLY_CRITERIA,
    *(c for c in CONVERSATION_CRITERIA if c not in REPLY_CRITERIA and c != "timely_apology"),
    *REVIEW_CRITERIA,
    "specific",
    "ownership",
    "grievance",
)
SPECIFICS = ("amount", "time", "payer", "tracking", "next_step", "full")
TARGETS = (
    "buyer",
    "courier",
    "platform",
    "manufacturer",
    "third_party",
    "colleague",
    "denial",
    "buyer_pays",
    "shop",  # ownership rules: the shop names the fault as its own
)
REMEDY_TYPES = (
    "refund",
    "partial_refund",
    "return",
    "exchange",
    "reship",
    "repair",
    "coupon",
    "compensation",
    "shop_pays_postage",
    "courier_chase",
    "gift",
    "reissue",
    "revisit",
)
RULE_FILE_KEYS = {"criterion", "guards", "parties", "rules"}
RULE_KEYS = {
    "id", "kind", "level", "message", "fix", "phrases", "typos", "patterns", "first",
    "then", "within", "same_clause", "not_after", "not_before", "soft", "target",
    "named_party", "remedy_type", "specific", "channels", "examples", "scope",
}  # fmt: skip
SETTINGS_KEYS = {"weights", "response_target_s", "template", "canned_replies"}
_RULE_ID = re.compile(r"^[A-Z]{2,4}\d{3}$")


@dataclass(frozen=True)
class CompiledRule:
    """A rule with its matcher."""

    rule: Rule
    matcher: Matcher


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


def _message(doc: YamlDoc, path: tuple, value: Any, problems: list[YamlProblem]) -> Message:
    if not isinstance(value, dict) or not {"zh", "en"} <= value.keys():
        problems.append(doc.problem(path, "needs both 'zh' and 'en' texts"))
        return Message("", "")
    problems.extend(check_keys(doc, path, value, {"zh", "en"}))
    return Message(str(value["zh"]), str(value["en"]))


def _str_list(doc: YamlDoc, path: tuple, value: Any, problems: list[YamlProblem]) -> list[str]:
    if value is None:
        return []
    if not isinstance(value, list) or not all(isinstance(v, str) and v for v in value):
        problems.append(doc.problem(path, "must be a list of non-empty texts"))
        return []
    return value


def _choice(doc, path, value, allowed, problems, what) -> str | None:
    if value is None:
        return None
    if value not in allowed:
        problems.append(
            doc.problem(path, f"unknown {what} '{value}' (one of: {', '.join(allowed)})")
        )
        return None
    return str(value)


def _parse_rule(
    doc: YamlDoc,
    path: tuple,
    raw: Any,
    criterion: str,
    guards: Mapping[str, list[str]],
    homophones: Mapping[str, str],
    problems: list[YamlProblem],
    lazy: bool = False,
    parties: re.Pattern[str] | None = None,
) -> CompiledRule | None:
    if not isinstance(raw, dict):
        problems.append(doc.problem(path, "a rule must be a mapping"))
        return None
    before = len(problems)
    problems.extend(
        check_keys(doc, path, raw, RULE_KEYS, {"id", "kind", "level", "message", "fix"})
    )
    rule_id = str(raw.get("id", ""))
    if "id" in raw and not _RULE_ID.match(rule_id):
        problems.append(doc.problem((*path, "id"), f"rule id '{rule_id}' must look like AP001"))
    kind = _choice(doc, (*path, "kind"), raw.get("kind"), KINDS, problems, "kind")
    level = _choice(doc, (*path, "level"), raw.get("level"), LEVELS, problems, "level")
    message = _message(doc, (*path, "message"), raw.get("message"), problems)
    fix = _message(doc, (*path, "fix"), raw.get("fix"), problems)
    channels = tuple(_str_list(doc, (*path, "channels"), raw.get("channels"), problems)) or CHANNELS
    for ch in channels:
        _choice(doc, (*path, "channels"), ch, CHANNELS, problems, "channel")
    examples = raw.get("examples") or {}
    if not isinstance(examples, dict):
        problems.append(doc.problem((*path, "examples"), "must have 'match' and 'no_match' lists"))
        examples = {}
    problems.extend(check_keys(doc, (*path, "examples"), examples, {"match", "no_match"}))
    ex_match = _str_list(doc, (*path, "examples", "match"), examples.get("match"), problems)
    ex_no = _str_list(doc, (*path, "examples", "no_match"), examples.get("no_match"), problems)
    for key in ("phrases", "patterns", "first", "then"):
        _str_list(doc, (*path, key), raw.get(key), problems)
    needs = {"phrase": ("phrases",), "pattern": ("patterns",), "near": ("first", "then")}
    for key in needs.get(kind or "", ()):
        if not raw.get(key):
            problems.append(doc.problem(path, f"kind '{kind}' needs a non-empty '{key}' list"))
    earn_guards = guards if level == "earn" else {}
    not_after = _str_list(doc, (*path, "not_after"), raw.get("not_after"), problems)
    not_before = _str_list(doc, (*path, "not_before"), raw.get("not_before"), problems)
    named_party = raw.get("named_party", False)
    if not isinstance(named_party, bool):
        problems.append(doc.problem((*path, "named_party"), "must be true or false"))
    elif named_party and parties is None:
        problems.append(
            doc.problem(
                (*path, "named_party"),
                "needs 'parties' (blame target: patterns) at the top of the file",
            )
        )
    if len(problems) > before or kind is None or level is None:
        return None
    try:
        matcher = compile_rule(
            kind,
            raw,
            homophones,
            not_after + list(earn_guards.get("not_after", [])),
            not_before + list(earn_guards.get("not_before", [])),
            lazy=lazy,
        )
    except ValueError as exc:
        problems.append(doc.problem(path, f"rule {rule_id}: {exc}"))
        return None
    rule = Rule(
        id=rule_id,
        criterion=criterion,
        kind=kind,
        level=level,
        message=message,
        fix=fix,
        file=doc.file,
        line=doc.where(path)[0],
        channels=channels,
        soft=bool(raw.get("soft", False)),
        target=_choice(doc, (*path, "target"), raw.get("target"), TARGETS, problems, "target"),
        parties=parties if named_party else None,
        remedy_type=_choice(
            doc,
            (*path, "remedy_type"),
            raw.get("remedy_type"),
            REMEDY_TYPES,
            problems,
            "remedy type",
        ),
        specific=_choice(
            doc, (*path, "specific"), raw.get("specific"), SPECIFICS, problems, "specific"
        ),
        data={k: raw[k] for k in ("phrases", "patterns", "first", "then", "within") if k in raw},
        examples_match=tuple(ex_match),
        examples_no_match=tuple(ex_no),
    )
    return CompiledRule(rule, matcher)


def _parse_rule_file(
    doc: YamlDoc,
    homophones: Mapping[str, str],
    problems: list[YamlProblem],
    only: frozenset[str] | None = None,
    lazy: bool = False,
) -> list[CompiledRule]:
    data = doc.data
    if not isinstance(data, dict):
        problems.append(
            doc.problem((), "a rule file must be a mapping with 'criterion' and 'rules'")
        )
        return []
    problems.extend(check_keys(doc, (), data, RULE_FILE_KEYS, {"criterion", "rules"}))
    criterion = _choice(doc, ("criterion",), data.get("criterion"), CRITERIA, problems, "criterion")
    # ``only`` names criteria, or "criterion:target" for the cost rules of one
    # blame target (with that criterion's cancel rules, which may void them).
    targets = {e.split(":", 1)[1] for e in only or () if e.startswith(f"{criterion}:")}
    if only is not None and criterion not in only and not targets:
        return []
    partial = only is not None and criterion not in only
    guards = data.get("guards") or {}
    if not isinstance(guards, dict):
        problems.append(doc.problem(("guards",), "must be a mapping"))
        guards = {}
    problems.extend(check_keys(doc, ("guards",), guards, {"not_after", "not_before"}))
    for key in ("not_after", "not_before"):
        _str_list(doc, ("guards", key), guards.get(key), problems)
    parties = _parse_parties(doc, data.get("parties"), problems)
    rules = data.get("rules")
    if not isinstance(rules, list) or criterion is None:
        if not isinstance(rules, list):
            problems.append(doc.problem(("rules",), "must be a list of rules"))
        return []
    out = []
    for i, raw in enumerate(rules):
        if partial and not (
            isinstance(raw, dict)
            and (
                raw.get("level") == "cancel"
                or raw.get("target") in targets
                or (
                    raw.get("named_party") is True
                    and parties is not None
                    and not targets.isdisjoint(parties.groupindex)
                )
            )
        ):
            continue
        compiled = _parse_rule(
            doc, ("rules", i), raw, criterion, guards, homophones, problems, lazy, parties
        )
        if compiled:
            out.append(compiled)
    return out


def _parse_parties(doc: YamlDoc, value: Any, problems: list[YamlProblem]) -> re.Pattern[str] | None:
    """A rule file's ``parties``: blame target -> patterns naming that party,
    as one regex with a named group per target (the leftmost name wins)."""
    if value is None:
        return None
    if not isinstance(value, dict) or not value:
        problems.append(doc.problem(("parties",), "must map blame targets to lists of patterns"))
        return None
    groups = []
    for name, patterns in value.items():
        if _choice(doc, ("parties", name), name, TARGETS, problems, "target") is None:
            continue
        listed = _str_list(doc, ("parties", name), patterns, problems)
        if not listed:
            problems.append(doc.problem(("parties", name), "needs a non-empty list of patterns"))
            continue
        for pattern in listed:
            try:
                re.compile(pattern)
            except re.error as exc:
                problems.append(doc.problem(("parties", name), f"bad pattern {pattern!r}: {exc}"))
                break
        else:
            groups.append(f"(?P<{name}>{'|'.join(f'(?:{p})' for p in listed)})")
    return re.compile("|".join(groups)) if groups else None


def _parse_settings(doc: YamlDoc, problems: list[YamlProblem]) -> dict[str, Any]:
    data = doc.data if isinstance(doc.data, dict) else {}
    problems.extend(check_keys(doc, (), data, SETTINGS_KEYS, SETTINGS_KEYS))
    weights = data.get("weights", {})
    for channel in CHANNELS:
        table = weights.get(channel) if isinstance(weights, dict) else None
        if not isinstance(table, dict) or not all(
            isinstance(v, int | float) for v in table.values()
        ):
            problems.append(
                doc.problem(("weights",), f"weights.{channel} must map criteria to numbers")
            )
        elif abs(sum(table.values()) - 100) > 1e-6:
            problems.append(
                doc.problem(
                    ("weights", channel),
                    f"weights.{channel} must add up to 100, not {sum(table.values()):g}",
                )
            )
    return data


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
            settings = _parse_settings(doc, problems)
        else:
            rules.extend(_parse_rule_file(doc, homophones, problems, only, lazy))
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
