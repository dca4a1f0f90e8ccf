"""One rubric file read and checked: a rule file's rules (compiled) and the
scoring settings. Every problem is collected as ``FILE:LINE:COL`` (see
``scoring.rubric.parse_rubric``, which puts the files together)."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from scoring.kinds import KINDS, Matcher, compile_rule
from scoring.model import (
    CHANNELS,
    CONVERSATION_CRITERIA,
    LEVELS,
    REPLY_CRITERIA,
    REVIEW_CRITERIA,
    Message,
    Rule,
)
from scoring.yamldoc import YamlDoc, YamlProblem, check_keys

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


def parse_rule_file(
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


def parse_settings(doc: YamlDoc, problems: list[YamlProblem]) -> dict[str, Any]:
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
