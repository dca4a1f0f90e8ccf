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
import re._compiler as _compiler  # its info-block helpers, read-only use
import re._constants as _constants  # the standard library's regex parser, read-only use
import re._parser as _parser
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any, Protocol

from scoring import derived
from scoring.normalize import normalize, to_simplified

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


_UNKNOWN = object()


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


def _near_part(phrase: str) -> str:
    """A ``near`` list item: a literal phrase, or a regex if wrapped in /.../."""
    if len(phrase) > 2 and phrase.startswith("/") and phrase.endswith("/"):
        return f"(?:{norm_pattern(phrase[1:-1])})"
    return phrase_regex(phrase)
