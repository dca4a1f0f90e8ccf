"""What the rule engine reads off a regular expression's source: its
top-level alternatives (``split_alternatives``), the characters a match can
start with (``lead_guarded``), and a piece's searchable form (``piece_source``).

Parsed with the standard library's own regex parser, read-only; answers that
depend only on the pattern text are remembered in ``scoring.derived``.
"""

from __future__ import annotations

import re
import re._compiler as _compiler  # its info-block helpers, read-only use
import re._constants as _constants  # the standard library's regex parser, read-only use
import re._parser as _parser
from collections.abc import Iterator
from functools import lru_cache
from typing import Any

from scoring import derived

_UNKNOWN: Any = object()  # not remembered yet


_CATEGORY_CLASS = {
    _constants.CATEGORY_DIGIT: r"\d",
    _constants.CATEGORY_NOT_DIGIT: r"\D",
    _constants.CATEGORY_SPACE: r"\s",
    _constants.CATEGORY_NOT_SPACE: r"\S",
    _constants.CATEGORY_WORD: r"\w",
    _constants.CATEGORY_NOT_WORD: r"\W",
}
_ZERO_WIDTH = (_constants.AT, _constants.ASSERT, _constants.ASSERT_NOT)
_REPEATS = (_constants.MAX_REPEAT, _constants.MIN_REPEAT, _constants.POSSESSIVE_REPEAT)


def _first_class(items: Any) -> tuple[list[str], bool] | None:
    """The character class items a match of the parsed ``items`` can start
    with, and whether it can be empty; None if it can start with nearly anything."""
    out: list[str] = []
    for op, av in items:
        if op is _constants.LITERAL:
            return [*out, re.escape(chr(av))], False
        if op is _constants.IN:
            for kind, value in av:
                if kind is _constants.LITERAL:
                    out.append(re.escape(chr(value)))
                elif kind is _constants.RANGE:
                    out.append(f"{re.escape(chr(value[0]))}-{re.escape(chr(value[1]))}")
                elif kind is _constants.CATEGORY and value in _CATEGORY_CLASS:
                    out.append(_CATEGORY_CLASS[value])
                else:  # a negated class, or something rarer
                    return None
            return out, False
        if op in _ZERO_WIDTH:
            continue  # consumes nothing: the first character comes after it
        if op is _constants.SUBPATTERN:
            if av[1] or av[2]:  # local flags such as (?i:...)
                return None
            sub = _first_class(av[3])
        elif op is _constants.ATOMIC_GROUP:
            sub = _first_class(av)
        elif op is _constants.BRANCH:
            branches = [_first_class(branch) for branch in av[1]]
            if any(b is None for b in branches):
                return None
            sub = (
                [c for b in branches if b for c in b[0]],
                any(b[1] for b in branches if b),
            )
        elif op in _REPEATS:
            low, _high, body = av
            sub = _first_class(body)
            if sub is not None and low == 0:
                sub = (sub[0], True)
        else:  # any character, a back reference...
            return None
        if sub is None:
            return None
        out.extend(sub[0])
        if not sub[1]:
            return out, False
    return out, True


@lru_cache(maxsize=8192)
def parsed_regex(source: str) -> Any:
    """``source`` parsed by the standard library's regex parser (read only;
    cached, since compiling a rubric reads each piece more than once)."""
    return _parser.parse(source)


@lru_cache(maxsize=8192)
def _first_chars(source: str) -> tuple[str, ...] | None:
    """Class items every match of ``source`` starts with; None if unknown or if
    it can match the empty string."""
    try:
        parsed = parsed_regex(source)
    except re.error:
        return None
    if parsed.state.flags & ~re.UNICODE:  # global inline flags must stay first
        return None
    first = _first_class(parsed.data)
    if first is None or first[1] or not first[0]:
        return None
    return tuple(dict.fromkeys(first[0]))


def _behind_lookahead(source: str, first: tuple[str, ...] | None) -> str:
    return source if first is None else f"(?=[{''.join(first)}])(?:{source})"


def lead_guarded(source: str) -> str:
    """``source`` behind a lookahead for the characters its matches start with.

    ``re`` tries every alternative of a pattern at every position of a text;
    a lookahead of one character class turns most positions away at once
    (rule regexes search about four times faster). The matches are the same,
    since every match starts with one of those characters. A pattern that
    can match the empty string, or start with nearly anything, is returned
    as it is.
    """
    return _behind_lookahead(source, _first_chars(source))


def piece_source(source: str) -> str | None:
    """What to compile for the piece ``source``: itself when ``re`` scans for
    its start natively, else behind its first characters' lookahead; None if
    it can match the empty string (such a piece is never run)."""
    # Remembered as the lookahead's characters ("" for none, None for empty).
    lead = derived.SOURCES.get(source, _UNKNOWN)
    if lead is _UNKNOWN:
        if parsed_regex(source).getwidth()[0] == 0:
            lead = None
        elif _scanned_natively(source):
            lead = ""
        else:
            lead = "".join(_first_chars(source) or ())
        derived.SOURCES[source] = lead
    if lead is None:
        return None
    return _behind_lookahead(source, (lead,)) if lead else source


def _scanned_natively(source: str) -> bool:
    """Whether ``re`` itself skips ahead to where matches of ``source`` can start.

    A pattern that begins with a literal, or with a set of literal first
    characters, gets a prefix or a character set in its compiled info block,
    and searching scans for it in one tight loop: faster than a leading
    lookahead (``lead_guarded``), which ``re`` must try at every position and
    which hides that prefix. Read with the compiler's own helpers; anything
    unexpected just answers False.
    """
    try:
        parsed = parsed_regex(source)
        flags = parsed.state.flags
        prefix, _skip, _all = _compiler._get_literal_prefix(parsed, flags)
        return bool(prefix) or bool(_compiler._get_charset_prefix(parsed, flags))
    except Exception:  # noqa: BLE001 - a private helper changed: keep the lookahead
        return False


def _guarded_alternation(pieces: list[str]) -> str:
    """``(?:a)|(?:b)|...`` behind the lookahead of its pieces' first characters
    (what ``lead_guarded`` gives, from the pieces' cached analyses)."""
    joined = "|".join(f"(?:{p})" for p in pieces)
    firsts = [_first_chars(f"(?:{p})") for p in pieces]
    if not firsts or any(f is None for f in firsts):
        return joined
    return _behind_lookahead(joined, tuple(dict.fromkeys(c for f in firsts if f for c in f)))


def split_alternatives(pattern: str) -> list[str]:
    """``pattern``'s top-level alternatives: "a|(b|c)d" gives ["a", "(b|c)d"].

    Each alternative then becomes a piece of its own, so the prefilter can tell
    which alternatives of a long authored pattern can match a reply, and only
    those run. ``a|b|c`` matches exactly what its alternatives run as an
    alternation match (``_Alternation``). A pattern that does not split
    cleanly (every part a valid regex) is kept whole. Answers are remembered
    in ``derived.SPLITS`` as the positions of the cutting "|"s.
    """
    cuts = derived.SPLITS.get(pattern)
    if cuts is None:
        parts = _split_alternatives(pattern)
        cuts = derived.SPLITS[pattern] = tuple(_cuts(parts))
        return parts
    bounds = [-1, *cuts, len(pattern)]
    return [pattern[a + 1 : b] for a, b in zip(bounds, bounds[1:], strict=False)]


def _cuts(parts: list[str]) -> Iterator[int]:
    """The positions of the "|" between ``parts`` in the pattern they split."""
    at = -1
    for part in parts[:-1]:
        at += len(part) + 1
        yield at


def _split_alternatives(pattern: str) -> list[str]:
    """``split_alternatives`` worked out from the pattern text."""
    parts: list[str] = []
    depth, start, i, n = 0, 0, 0, len(pattern)
    closed_nothing = False  # a ")" with no "(" open before it
    while i < n:
        ch = pattern[i]
        if ch == "\\":
            i += 2
            continue
        if ch == "[":
            i += 1
            if i < n and pattern[i] == "^":
                i += 1
            if i < n and pattern[i] == "]":  # a leading ] is literal
                i += 1
            while i < n and pattern[i] != "]":
                i += 2 if pattern[i] == "\\" else 1
        elif ch == "(":
            depth += 1
        elif ch == ")":
            depth -= 1
            closed_nothing = closed_nothing or depth < 0
        elif ch == "|" and depth == 0:
            parts.append(pattern[start:i])
            start = i + 1
        i += 1
    parts.append(pattern[start:])
    if len(parts) == 1 or depth != 0:
        return [pattern]
    # Each part must be a valid regex of its own. Most are checked with the
    # cached parse of "(?:part)", the one the prefilter and compiling read, so
    # each piece is parsed once: the parser accepts "(?:part)" exactly when it
    # accepts the part, save for a ")" closing nothing (the wrapper's "(" would
    # take it), global flags at the part's start (allowed only there) and
    # comments (whose brackets the scan above counts). Those are parsed bare.
    bare = closed_nothing or "#" in pattern
    try:
        for part in parts:
            if bare or (part[:2] == "(?" and part[2:3] in _FLAG_START):
                _parser.parse(part)
            else:
                parsed_regex(f"(?:{part})")
    except re.error:
        return [pattern]
    return parts


_FLAG_START = "aiLmstux-"  # "(?" then one of these: inline flags, maybe global ones
