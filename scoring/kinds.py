"""The few built-in rule kinds. A rubric rule names one and supplies data.

- ``phrase``: a list of literal phrases. With ``typos: true`` each phrase also
  matches when one of its characters is replaced by a homophone (the usual
  pinyin input-method slip: 报歉 for 抱歉), but never by an unrelated
  character (抱着, 报告 stay unmatched). Phrases of five or more characters
  also tolerate one arbitrary wrong character, found with rapidfuzz.
- ``pattern``: a list of regular expressions over the normalised text.
- ``near``: a phrase from ``first`` followed within ``within`` characters of
  the same sentence by a phrase from ``then``.

Every kind accepts ``not_after`` / ``not_before`` guards: regular
expressions that, if they match right before (or after) a hit within the same
clause, drop it. Every kind compiles to one regular expression, so matching
a reply costs one ``finditer`` per rule.

``scope: clause`` (or ``sentence``) makes a rule judge whole clauses: the
regex is searched inside each clause and a hit marks the whole clause. A
rhetorical question or a closing formula is a property of its clause, and
this keeps such rules linear in the reply's length.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Protocol

from scoring.normalize import normalize, to_simplified
from scoring.regex_source import (
    _guarded_alternation,
    piece_source,
    split_alternatives,
)

KINDS = ("phrase", "pattern", "near")
SENTENCE_END = "。!?;\n"
CLAUSE_END = SENTENCE_END + ",、:~"
GUARD_WINDOW = 16
FUZZY_MIN_LEN = 5
_SUBSET_CACHE = 4096  # narrowed searchers kept per rule
_WORDISH = re.compile(r"^[a-z0-9' -]+$")
SCOPES = ("match", "clause", "sentence")
# An English full stop ends a unit only before a space or the end ("¥20.5" stays whole).
_UNIT_SPLIT = {
    "clause": re.compile(
        r"[^,、:~。!?;\n.]*(?:\.(?!\s|$)[^,、:~。!?;\n.]*)*(?:[,、:~。!?;\n]+|\.+|$)"
    ),
    "sentence": re.compile(r"[^。!?;\n.]*(?:\.(?!\s|$)[^。!?;\n.]*)*(?:[。!?;\n]+|\.+|$)"),
}


UNIT_TRAIL = CLAUSE_END + ". "  # what closes a unit: stripped to its words
# The last text split, per scope: a reply's clause rules all split the same text.
_last_units: dict[str, tuple[str, tuple[tuple[int, int], ...]]] = {}


def units(text: str, scope: str) -> tuple[tuple[int, int], ...]:
    """Spans of the clauses (or sentences) of ``text``, delimiters included."""
    last = _last_units.get(scope)
    if last is not None and last[0] is text:  # the very same string object
        return last[1]
    spans = tuple(m.span() for m in _UNIT_SPLIT[scope].finditer(text) if m.end() > m.start())
    _last_units[scope] = (text, spans)
    return spans


def unit_index(spans: Sequence[tuple[int, int]], pos: int, default: int = -1) -> int:
    """Which of ``spans`` (from :func:`units`) holds ``pos``; ``default`` if none."""
    return next((i for i, (s, e) in enumerate(spans) if s <= pos < e), default)


def norm_phrase(phrase: str) -> str:
    """A phrase as it appears in normalised text."""
    return normalize(phrase).text


# ``\b`` in Python is Unicode-aware: there is no boundary between 很 and
# "sorry" in 很sorry. Rubric authors mean a boundary of an English word.
ASCII_BOUNDARY = r"(?:(?<![a-z0-9])(?=[a-z0-9])|(?<=[a-z0-9])(?![a-z0-9]))"
_BACKSLASH_B = re.compile(r"(?<!\\)\\b")


def norm_pattern(pattern: str) -> str:
    """A regex with CJK text in Simplified and ``\\b`` as an English word boundary.

    Write patterns in lower case: replies are lower-cased before matching.
    """
    return _BACKSLASH_B.sub(lambda _: ASCII_BOUNDARY, to_simplified(pattern))


def phrase_regex(phrase: str, homophones: Mapping[str, str] | None = None) -> str:
    """Regex source for one literal phrase, optionally typo-tolerant."""
    text = norm_phrase(phrase)
    escaped = re.escape(text)
    if _WORDISH.match(text):
        # English words match whole words only ("sorry" not "sorryful").
        escaped = f"{ASCII_BOUNDARY}{escaped}{ASCII_BOUNDARY}"
    if not homophones or len(text) < 2:
        return escaped
    variants = [escaped]
    for i, ch in enumerate(text):
        alts = homophones.get(ch, "")
        if alts:
            cls = "[" + re.escape(alts) + "]"
            variants.append(re.escape(text[:i]) + cls + re.escape(text[i + 1 :]))
    return "|".join(variants)


class Searcher(Protocol):
    """What matching needs of a regex: ``search`` and ``finditer``."""

    def search(self, string: str, pos: int = 0) -> re.Match[str] | None: ...

    def finditer(self, string: str) -> Iterator[re.Match[str]]: ...


class _Alternation:
    """``a|b|c`` run as separate compiled regexes, with the same matches.

    At each position an alternation takes its first alternative that matches
    there, and scanning finds the leftmost position where any matches. Each
    piece's own leftmost match from the scan position is kept until the scan
    passes its start, so every piece scans the text about once. Pieces never
    match the empty string (``Matcher.narrowed`` checks), so the scan always
    advances.
    """

    __slots__ = ("pieces",)

    def __init__(self, pieces: tuple[re.Pattern[str], ...]) -> None:
        self.pieces = pieces

    def search(self, string: str, pos: int = 0) -> re.Match[str] | None:
        best: re.Match[str] | None = None
        for piece in self.pieces:
            m = piece.search(string, pos)
            if m is not None and (best is None or m.start() < best.start()):
                best = m
        return best

    def finditer(self, string: str) -> Iterator[re.Match[str]]:
        pieces = self.pieces
        return _merge(pieces, [piece.search(string) for piece in pieces], string)


def _repeat(piece: re.Pattern[str], first: re.Match[str], text: str) -> Iterator[re.Match[str]]:
    """``piece.finditer(text)`` from its known first match (pieces never match empty)."""
    m: re.Match[str] | None = first
    while m is not None:
        yield m
        m = piece.search(text, m.end())


def _alternate(
    ahead: list[tuple[re.Pattern[str], re.Match[str]]], text: str
) -> Iterator[re.Match[str]]:
    """``_Alternation.finditer`` from each piece's known first match (in piece order)."""
    return _merge([p for p, _m in ahead], [m for _p, m in ahead], text)


def _merge(
    pieces: Sequence[re.Pattern[str]], nexts: list[re.Match[str] | None], text: str
) -> Iterator[re.Match[str]]:
    """Leftmost match of any piece, ties to the earlier piece; each piece's next
    match (``nexts``, None once it has none) is searched again once the scan passes it."""
    while True:
        best: re.Match[str] | None = None
        for m in nexts:
            if m is not None and (best is None or m.start() < best.start()):
                best = m
        if best is None:
            return
        yield best
        pos = best.end()
        for i, m in enumerate(nexts):
            if m is not None and m.start() < pos:
                nexts[i] = pieces[i].search(text, pos)


_UNKNOWN: Any = object()  # a piece not compiled yet


@dataclass(frozen=True, slots=True)
class Matcher:
    """A compiled rule: one regex (its pieces' alternation) plus its guards."""

    pieces: tuple[str, ...]  # the top-level alternatives ``regex`` joins
    not_after: re.Pattern[str] | None
    not_before: re.Pattern[str] | None
    fuzzy: tuple[str, ...] = ()
    scope: str = "match"
    _whole: list[re.Pattern[str]] = field(default_factory=list, compare=False)
    _subsets: dict[tuple[int, ...], Searcher] = field(default_factory=dict, compare=False)
    _pieces: dict[int, re.Pattern[str] | None] = field(default_factory=dict, compare=False)

    @property
    def regex(self) -> re.Pattern[str]:
        """The whole rule's regex, compiled on first use (``compile_rule`` compiles
        it at once unless told the rule is known to compile)."""
        if not self._whole:
            self._whole.append(re.compile(_guarded_alternation(list(self.pieces))))
        return self._whole[0]

    def narrowed(self, only: tuple[int, ...] | None) -> Searcher:
        """The regex restricted to alternatives ``only`` (None: all of them).

        Alternatives a prefilter ruled out cannot match, so the narrowed regex
        finds exactly what the full one finds, in less time. Compiling every
        distinct subset would cost more than it saves (replies bring thousands
        of them), so a subset runs its pieces' own compiled regexes as an
        alternation would: leftmost match first, ties to the earlier piece.
        """
        if only is None or len(only) == len(self.pieces):
            return self.regex
        cached = self._subsets.get(only)
        if cached is not None:
            return cached
        compiled = [c for c in (self._piece(i) for i in only) if c is not None]
        searcher: Searcher
        if len(compiled) < len(only):
            # A piece that can match the empty string: finditer's rules for
            # empty matches are not worth emulating; compile the subset.
            searcher = re.compile("|".join(f"(?:{self.pieces[i]})" for i in only))
        elif len(compiled) == 1:
            searcher = compiled[0]
        else:
            searcher = _Alternation(tuple(compiled))
        if len(self._subsets) < _SUBSET_CACHE:
            self._subsets[only] = searcher
        return searcher

    def _piece(self, index: int) -> re.Pattern[str] | None:
        """Piece ``index`` compiled, or None if it can match the empty string."""
        if index not in self._pieces:
            source = piece_source(f"(?:{self.pieces[index]})")
            self._pieces[index] = None if source is None else re.compile(source)
        return self._pieces[index]

    def spans(self, text: str, only: tuple[int, ...] | None = None) -> Iterator[tuple[int, int]]:
        """Half-open spans of ``text`` (normalised) where the rule fires."""
        return iter(self.find(text, only))

    def find(
        self, text: str, only: tuple[int, ...] | None = None, fuzzy: bool = True
    ) -> list[tuple[int, int]]:
        """``spans`` as a list; ``fuzzy=False`` leaves out typo matching."""
        if self.scope != "match":
            return self._unit_spans(text, self.narrowed(only))
        matches: Iterable[re.Match[str]]
        if only is None:
            matches = self.regex.finditer(text)
        else:
            # Each piece of ``only`` that matches, with its first match. A
            # piece that matches nowhere in the text can never win a position
            # of the alternation, so the pieces that do find exactly what the
            # narrowed regex finds: most candidate rules end here, after one
            # search per piece.
            compiled = self._pieces
            ahead: list[tuple[re.Pattern[str], re.Match[str]]] = []
            for i in only:
                piece = compiled.get(i, _UNKNOWN)
                if piece is _UNKNOWN:
                    piece = self._piece(i)
                if piece is None:  # it can match the empty string
                    break
                m = piece.search(text)
                if m is not None:
                    ahead.append((piece, m))
            else:
                piece = _UNKNOWN
            if piece is None:
                matches = self.narrowed(only).finditer(text)
            elif not ahead:
                return list(self._fuzzy_spans(text)) if fuzzy and self.fuzzy else []
            elif len(ahead) == 1:
                matches = _repeat(ahead[0][0], ahead[0][1], text)
            else:
                matches = _alternate(ahead, text)
        found = []
        if self.not_after is None and self.not_before is None:
            for m in matches:
                start, end = m.span()
                if start != end:
                    found.append((start, end))
        else:
            for m in matches:
                start, end = m.span()
                if start != end and not self._guarded(text, start, end):
                    found.append((start, end))
        if not found and fuzzy and self.fuzzy:
            return list(self._fuzzy_spans(text))
        return found

    def _unit_spans(self, text: str, regex: Searcher) -> list[tuple[int, int]]:
        found = []
        for start, end in units(text, self.scope):
            unit = text[start:end]
            m = regex.search(unit)
            if m is None or self._guarded(text, start + m.start(), start + m.end()):
                continue
            core = unit.rstrip(UNIT_TRAIL)
            lead = len(core) - len(core.lstrip())
            if core.strip():
                found.append((start + lead, start + len(core)))
        return found

    def _guarded(self, text: str, start: int, end: int) -> bool:
        if self.not_after is not None:
            before = _clause_tail(text[max(0, start - GUARD_WINDOW) : start])
            if self.not_after.search(before):
                return True
        if self.not_before is not None:
            after = _clause_head(text[end : end + GUARD_WINDOW])
            if self.not_before.search(after):
                return True
        return False

    def _fuzzy_spans(self, text: str) -> Iterator[tuple[int, int]]:
        """One wrong character in a long phrase (rapidfuzz alignment)."""
        from rapidfuzz import fuzz  # here: most callers never need it, and it is slow to import

        for phrase in self.fuzzy:
            n = len(phrase)
            if len(text) < n:
                continue
            # One substitution in n characters scores 100 * (2n - 2) / 2n.
            cutoff = 100.0 * (n - 1) / n - 0.01
            hit = fuzz.partial_ratio_alignment(phrase, text, score_cutoff=cutoff)
            if hit is None:
                continue
            start, end = hit.dest_start, hit.dest_end
            # Guard against rapidfuzz's edge effect: the window must be the
            # phrase's full length and differ in one inner character only.
            if end - start != n:
                continue
            window = text[start:end]
            diffs = [i for i in range(n) if window[i] != phrase[i]]
            if len(diffs) == 1 and 0 < diffs[0] < n - 1 and not self._guarded(text, start, end):
                yield start, end


def _clause_tail(text: str) -> str:
    """The part of ``text`` after its last clause boundary."""
    for i in range(len(text) - 1, -1, -1):
        if text[i] in CLAUSE_END:
            return text[i + 1 :]
    return text


def _clause_head(text: str) -> str:
    """The part of ``text`` before its first clause boundary."""
    for i, ch in enumerate(text):
        if ch in CLAUSE_END:
            return text[:i]
    return text


def _guard(patterns: list[str], anchor_end: bool) -> re.Pattern[str] | None:
    if not patterns:
        return None
    body = "|".join(f"(?:{norm_pattern(p)})" for p in patterns)
    return re.compile(f"(?:{body})$" if anchor_end else f"^(?:{body})")


def compile_rule(
    kind: str,
    data: Mapping,
    homophones: Mapping[str, str],
    not_after: list[str],
    not_before: list[str],
    *,
    lazy: bool = False,
) -> Matcher:
    """Compile a rule's data into a Matcher; raises ValueError on bad data.

    ``lazy``: the rule is known to compile (the shipped rubric, which the tests
    compile whole), so its whole regex is left until first used: a run that
    only ever needs a few alternatives of it never pays for the rest.
    """
    fuzzy: tuple[str, ...] = ()
    if kind == "phrase":
        table = homophones if data.get("typos") else None
        phrases = sorted({norm_phrase(p) for p in data["phrases"]}, key=len, reverse=True)
        pieces = [phrase_regex(p, table) for p in phrases]
        if data.get("typos"):
            fuzzy = tuple(p for p in phrases if len(p) >= FUZZY_MIN_LEN and not p.isascii())
    elif kind == "pattern":
        pieces = [norm_pattern(p) for p in data["patterns"]]
    elif kind == "near":
        first = "|".join(_near_part(p) for p in data["first"])
        then = "|".join(_near_part(p) for p in data["then"])
        stop = re.escape(CLAUSE_END if data.get("same_clause") else SENTENCE_END)
        within = int(data.get("within", 12))
        pieces = [f"(?:{first})[^{stop}]{{0,{within}}}?(?:{then})"]
    else:
        raise ValueError(f"unknown kind '{kind}' (one of: {', '.join(KINDS)})")
    pieces = [branch for p in pieces for branch in split_alternatives(p)]
    scope = data.get("scope", "match")
    if scope not in SCOPES:
        raise ValueError(f"unknown scope '{scope}' (one of: {', '.join(SCOPES)})")
    try:
        matcher = Matcher(
            tuple(pieces), _guard(not_after, True), _guard(not_before, False), fuzzy, scope
        )
        if not lazy:
            matcher.regex  # noqa: B018 - compiled now, so a bad pattern is reported now
        return matcher
    except re.error as exc:
        raise ValueError(f"bad regular expression: {exc}") from None


def _near_part(phrase: str) -> str:
    """A ``near`` list item: a literal phrase, or a regex if wrapped in /.../."""
    if len(phrase) > 2 and phrase.startswith("/") and phrase.endswith("/"):
        return f"(?:{norm_pattern(phrase[1:-1])})"
    return phrase_regex(phrase)
