"""Strict parser for script sets (pure: a YamlDoc in, a ScriptSet and problems out).

Follows ``simulator.scenario``: every problem is collected as a
``YamlProblem`` located at the offending key (FILE:LINE:COL), misspelt keys
get a did-you-mean hint. Beyond the shape it checks that ids are unique,
that every standard line and every variant says every key point, and that
no answer is listed twice. Whether lines score as their ``expect`` says is
checked by the loader (it runs the scorer).
"""

from __future__ import annotations

import re
from typing import Any

from scoring.model import CHANNELS, REPLY_CRITERIA, REVIEW_CRITERIA, Message
from scoring.yamldoc import YamlDoc, YamlProblem
from simulator.drill import (
    NAME_PLACEHOLDER,
    PASS_SIMILARITY,
    KeyPoint,
    ScriptItem,
    ScriptSet,
    key_point_spans,
)
from simulator.drill_text import tokens
from simulator.said import AppSaid, said
from simulator.scenario import LANGUAGES, _Reader, out_of_range

TOP_KEYS = {"id", "title", "channel", "language", "pass_similarity", "items"}
REQUIRED_TOP = {"id", "title", "channel", "language", "items"}
ITEM_KEYS = {"id", "situation", "lines", "key_points", "variants", "expect", "pass_similarity"}
REQUIRED_ITEM = {"id", "situation", "lines", "key_points"}
POINT_KEYS = {"id", "label", "phrases"}
# What ``expect`` may name: score_reply's criteria and checks.
CHAT_EXPECT = (*REPLY_CRITERIA, "courtesy", "no_template", "no_review_inducement")
REVIEW_EXPECT = (*CHAT_EXPECT, *REVIEW_CRITERIA)
# Every key a script set file has, for the YAML reader's messages (a key indented too far).
KEYS = frozenset({*TOP_KEYS, *ITEM_KEYS, *POINT_KEYS, "zh", "en", *REVIEW_EXPECT})
_MISSING = Message("?", "?")  # stands in for a required value reported missing
_ID = re.compile(r"^[a-z0-9][a-z0-9-]*$")
_POINT_ID = re.compile(r"^[a-z0-9][a-z0-9_-]*$")
_BRACES = re.compile(r"\{[^{}]*\}|[{}]")


def _id(r: _Reader, path: tuple, value: Any, pattern: re.Pattern[str] = _ID) -> str:
    """An id: a non-empty text matching ``pattern``."""
    text = r.text(path, value)
    if text and not pattern.match(text):
        r.fail(path, said("id_chars" if pattern is _ID else "drill.point_id_chars"))
    return text


def _answers(r: _Reader, path: tuple, value: Any) -> tuple[str, ...]:
    """A non-empty list of lines, each with something to compare (not only punctuation)."""
    out = r.texts(path, value)
    for i, line in enumerate(out):
        if line and not tokens(line).words:
            r.fail((*path, i), said("drill.nothing_to_compare"))
    return out


def _similarity(r: _Reader, path: tuple, value: Any, default: float) -> float:
    """``pass_similarity``: a number above 0 and at most 1."""
    if value is None:
        return default
    if not isinstance(value, int | float) or isinstance(value, bool) or not 0 < value <= 1:
        r.fail(path, out_of_range(path, said("range.similarity"), value))
        return default
    return float(value)


def _key_point(r: _Reader, path: tuple, raw: Any) -> KeyPoint | None:
    k = r.mapping(path, raw, POINT_KEYS, POINT_KEYS)
    if not k.keys() >= POINT_KEYS:
        return None  # what is missing is already reported
    phrases = r.texts((*path, "phrases"), k.get("phrases"))
    for i, phrase in enumerate(phrases):
        if phrase and not _placeholders_ok(r, (*path, "phrases", i), phrase):
            continue
        if phrase and not tokens(phrase.replace(NAME_PLACEHOLDER, "")).words:
            r.fail((*path, "phrases", i), said("drill.nothing_to_match"))
    return KeyPoint(
        _id(r, (*path, "id"), k.get("id"), _POINT_ID),
        r.message((*path, "label"), k.get("label")),
        phrases,
    )


def _placeholders_ok(r: _Reader, path: tuple, phrase: str) -> bool:
    """``{name}`` at most once; no other braces (a misspelt placeholder)."""
    marks = _BRACES.findall(phrase)
    wrong = [m for m in marks if m != NAME_PLACEHOLDER]
    if wrong:
        r.fail(path, said("drill.placeholder", mark=wrong[0], name=NAME_PLACEHOLDER))
    elif len(marks) > 1:
        r.fail(path, said("drill.placeholder_twice", name=NAME_PLACEHOLDER))
    return not wrong and len(marks) <= 1


def _key_points(r: _Reader, path: tuple, raw: Any) -> tuple[KeyPoint, ...]:
    if not isinstance(raw, list) or not raw:
        r.fail(path, said("drill.key_points"))
        return ()
    points = [(i, p) for i, x in enumerate(raw) if (p := _key_point(r, (*path, i), x))]
    _duplicates(r, path, [(i, p.id) for i, p in points], "point")
    return tuple(p for _, p in points)


def _duplicates(r: _Reader, path: tuple, ids: list[tuple[int, str]], what: str) -> None:
    """A problem at each repeated id; ``ids`` are (index under ``path``, id); ``what``:
    "point" (a key point's id) or "item"."""
    seen: set[str] = set()
    for i, value in ids:
        if value and value in seen:
            r.fail((*path, i, "id"), said(f"drill.duplicate_{what}", id=value))
        seen.add(value)


def _expect(r: _Reader, path: tuple, raw: Any, channel: str) -> dict[str, bool]:
    e = r.mapping(path, raw, set(REVIEW_EXPECT))
    for key, value in e.items():
        if channel != "review_reply" and key in REVIEW_CRITERIA:
            r.fail((*path, key), said("drill.review_only", key=key))
        elif not isinstance(value, bool):
            r.fail((*path, key), said("bool", key=key))
    return {k: v for k, v in e.items() if isinstance(v, bool)}


def _check_answers(r: _Reader, path: tuple, item: ScriptItem) -> None:
    """Every answer says every key point; no answer repeats another."""
    seen: dict[tuple[str, ...], AppSaid] = {}
    for kind, answers in (("lines", item.lines), ("variants", item.variants)):
        for i, answer in enumerate(answers):
            where, name = (*path, kind, i), said(f"drill.{kind}", n=i + 1)
            words = tokens(answer).words
            if words in seen:
                r.fail(where, said("drill.repeats", name=name, other=seen[words]))
            seen.setdefault(words, name)
            for point in item.key_points:
                if point.phrases and not key_point_spans(point, answer):
                    phrases = ", ".join(point.phrases)
                    r.fail(where, said("drill.misses", name=name, point=point.id, phrases=phrases))


def _item(r: _Reader, path: tuple, raw: Any, channel: str, default_sim: float) -> ScriptItem | None:
    d = r.mapping(path, raw, ITEM_KEYS, REQUIRED_ITEM)
    if not d:
        return None
    lines = _answers(r, (*path, "lines"), d["lines"]) if "lines" in d else ()
    item = ScriptItem(
        id=_id(r, (*path, "id"), d["id"]) if "id" in d else "",
        situation=r.message((*path, "situation"), d["situation"]) if "situation" in d else _MISSING,
        lines=lines or ("?",),
        key_points=_key_points(r, (*path, "key_points"), d["key_points"])
        if "key_points" in d
        else (),
        variants=_answers(r, (*path, "variants"), d["variants"]) if "variants" in d else (),
        expect=_expect(r, (*path, "expect"), d["expect"], channel) if "expect" in d else {},
        pass_similarity=_similarity(
            r, (*path, "pass_similarity"), d.get("pass_similarity"), default_sim
        ),
    )
    if lines:
        _check_answers(r, path, item)
    return item


def parse_script_set(doc: YamlDoc) -> tuple[ScriptSet | None, list[YamlProblem]]:
    """A ScriptSet from a parsed YAML document, and every problem found."""
    r = _Reader(doc)
    d = r.mapping((), doc.data, TOP_KEYS, REQUIRED_TOP)
    if not d or not d.keys() >= REQUIRED_TOP:
        return None, r.problems
    channel = r.choice(("channel",), d.get("channel"), CHANNELS, "channel")
    default_sim = _similarity(r, ("pass_similarity",), d.get("pass_similarity"), PASS_SIMILARITY)
    raw_items = d.get("items")
    if not isinstance(raw_items, list) or not raw_items:
        r.fail(("items",), said("drill.items"))
        raw_items = []
    pairs = [
        (i, it)
        for i, x in enumerate(raw_items)
        if (it := _item(r, ("items", i), x, channel, default_sim))
    ]
    _duplicates(r, ("items",), [(i, it.id) for i, it in pairs], "item")
    script_set = ScriptSet(
        id=_id(r, ("id",), d.get("id")),
        title=r.message(("title",), d.get("title")),
        channel=channel,
        language=r.choice(("language",), d.get("language"), LANGUAGES, "language"),
        items=tuple(it for _, it in pairs),
        file=doc.file,
        line_of={it.id: doc.where(("items", i))[0] for i, it in reversed(pairs)},
    )
    return script_set, r.problems
