"""The two-language texts of a scenario (``{zh: ..., en: ...}``), checked for an
author: a missing, misnamed or Traditional-only language gets one plain problem
that says how to write it (pure: a YAML document in, problems out)."""

from __future__ import annotations

import json
import re
from difflib import get_close_matches
from typing import Any

from scoring.yamldoc import YamlDoc, YamlProblem
from simulator.said import AppSaid, said

# A text shown to trainees has two languages, zh (Simplified) and en; the
# Traditional Chinese screens convert zh with OpenCC, so it is never written.
_TRADITIONAL = frozenset(
    {"zh-hant", "zh_hant", "hant", "zh-tw", "zh_tw", "tw", "zh-hk", "zh_hk", "hk"}
)
_SIMPLIFIED = frozenset({"zh-hans", "zh_hans", "hans", "zh-cn", "zh_cn", "cn", "cn-zh", "chinese"})
_ENGLISH = frozenset({"en-us", "en_us", "en-gb", "en_gb", "eng", "english"})


_NEEDS_QUOTES = re.compile(r"[,:#\[\]{}\"'&*!|>%@`]|^[-?\s]|\s$")


def field_name(path: tuple) -> str:
    """A YAML key path as an author reads it: ``nodes.complaint.on[0].why``."""
    out = ""
    for part in path:
        out += f"[{part}]" if isinstance(part, int) else f".{part}" if out else str(part)
    return out or "the file"


def text_pair_problems(
    doc: YamlDoc, path: tuple, value: Any
) -> tuple[dict[str, str], list[YamlProblem]]:
    """The ``{zh: ..., en: ...}`` texts at ``path`` and one problem per thing amiss.

    Each problem names the field, the language missing or misnamed, and how to
    write it; a Traditional Chinese text comes back in Simplified in the example.
    """
    name = field_name(path)
    key = next((p for p in reversed(path) if isinstance(p, str)), "text")
    if not isinstance(value, dict):
        given = value if isinstance(value, str) and value.strip() else None
        example = _example(
            key,
            given if given and not given.isascii() else None,
            given if given and given.isascii() else None,
        )
        what = said("text.one_text") if given else _shown(value)
        return {}, [
            doc.problem(path, said("text.needs_two", field=name, what=what, example=example))
        ]
    problems: list[YamlProblem] = []
    out: dict[str, str] = {}
    for lang in ("zh", "en"):
        if lang in value:
            text = value[lang]
            if (
                isinstance(text, str | int | float)
                and not isinstance(text, bool)
                and str(text).strip()
            ):
                out[lang] = str(text)
            else:
                problems.append(
                    doc.problem((*path, lang), said("text.required", field=f"{name}.{lang}"))
                )
    fixes: list[AppSaid] = []
    covered: set[str] = set()
    stand_in: dict[str, str] = {}
    for k, v in value.items():
        if k in ("zh", "en"):
            continue
        low = str(k).lower()
        text = v if isinstance(v, str) and v.strip() else None
        if low in _TRADITIONAL and "zh" in value:
            fixes.append(said("text.remove_traditional", key=k))
        elif low in _TRADITIONAL:
            fixes.append(said("text.zh_for_traditional", key=k))
            covered.add("zh")
            if text:
                stand_in.setdefault("zh", _simplified(text))
        elif low in _SIMPLIFIED:
            fixes.append(said("text.rename", key=k, lang="zh"))
            covered.add("zh")
            if text:
                stand_in.setdefault("zh", text)
        elif low in _ENGLISH:
            fixes.append(said("text.rename", key=k, lang="en"))
            covered.add("en")
            if text:
                stand_in.setdefault("en", text)
        else:
            absent = [lang for lang in ("zh", "en") if lang not in value and lang not in covered]
            hint = get_close_matches(low, absent, n=1, cutoff=0.5)
            if hint:  # a slip of the keyboard: zn, ne, EN
                fixes.append(said("text.rename", key=k, lang=hint[0]))
                covered.add(hint[0])
                if text:
                    stand_in.setdefault(hint[0], text)
            else:
                fixes.append(said("text.not_a_language", key=k))
    missing = [lang for lang in ("zh", "en") if lang not in value]
    for lang in missing:
        if lang not in covered:
            fixes.append(said(f"text.add_{lang}"))
    if fixes:
        example = _example(
            key, out.get("zh") or stand_in.get("zh"), out.get("en") or stand_in.get("en")
        )
        fix = said("text.fix", field=name, fixes=tuple(fixes), example=example)
        problems.insert(0, doc.problem(path, fix))
    return out, problems


def _example(key: str, zh: str | None, en: str | None) -> str:
    def short(text: str | None) -> str:
        if not text:
            return "..."
        text = " ".join(text.split())
        text = text if len(text) <= 20 else text[:19] + "…"
        # Quoted when YAML would read it otherwise inside {...}.
        return json.dumps(text, ensure_ascii=False) if _NEEDS_QUOTES.search(text) else text

    return f"{key}: {{zh: {short(zh)}, en: {short(en)}}}"


def _simplified(text: str) -> str:
    from scoring.normalize import to_simplified  # OpenCC: only when a Traditional text is given

    return to_simplified(text)


def _shown(value: Any) -> str | AppSaid:
    """A wrong value as a message names it: as written, or what it is."""
    if value is None:
        return said("text.nothing")
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str):
        return json.dumps(value, ensure_ascii=False)
    if isinstance(value, dict):
        return said("text.a_mapping")
    if isinstance(value, list):
        text = json.dumps(value, ensure_ascii=False)
        return text if len(text) <= 40 else said("text.a_list")
    return repr(value)


def _text_read_as_key(path: tuple, value: dict) -> AppSaid:
    """A text YAML took for a mapping: "你们怎么搞的: 我买的42码" (a colon and a
    space inside it) or "?你们发错了" (a leading question mark)."""
    key, rest = next(iter(value.items()))
    text = f"{key}: {rest}" if rest is not None else f"?{key}"
    quoted = json.dumps(text, ensure_ascii=False)
    return said("text.read_as_key", field=field_name(path), quoted=quoted)


def out_of_range(
    path: tuple, allowed: AppSaid, value: Any, meaning: AppSaid | None = None
) -> AppSaid:
    """``buyer.mood must be a whole number from 0 to 100 (0 calm .. 100 furious), not 150``:
    ``allowed`` and ``meaning`` are messages of ``validate.range``."""
    name = field_name(path)
    if value is None:
        if meaning is None:
            return said("range.bare", field=name, allowed=allowed)
        return said("range.no_value", field=name, allowed=allowed, meaning=meaning)
    if meaning is None:
        return said("range.no_meaning", field=name, allowed=allowed, value=_shown(value))
    return said("range.full", field=name, allowed=allowed, meaning=meaning, value=_shown(value))
