"""Token alignment for the Script drill (pure: strings in, segments out).

A typed line is compared with a standard line token by token: Chinese (and
any other non-Latin script) one character per token, Latin text one word per
token. Tokens are taken from the scorer's normalised text
(``scoring.normalize``: width folding, lower case, Traditional to
Simplified), and punctuation and spaces are not tokens, so 「您好,」 and
「您好」 compare equal. Every token keeps its span in the *original* text.

Why not ``fuzz.partial_ratio``: on short Chinese phrases it swaps roles
(a fragment scores 100 against the whole phrase) and has edge effects
(TOOLCHAIN.md). Whole-sequence ``Indel`` similarity and opcodes on token
sequences have neither problem.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Literal

from scoring.normalize import normalize

SegmentKind = Literal["equal", "missing", "extra", "moved"]
SEGMENT_KINDS: tuple[SegmentKind, ...] = ("equal", "missing", "extra", "moved")

_LATIN = "0-9a-z\u00c0-\u024f"
_TOKEN = re.compile(rf"\d+(?:[.:,]\d+)+|[{_LATIN}]+(?:['\u2019][{_LATIN}]+)*|[^\W_]")
_LATIN_TOKEN = re.compile(rf"^[{_LATIN}'\u2019.:,]+$")
MOVED_MIN_TOKENS = 2  # a moved chunk: two tokens (两个字, two words) ...
MOVED_MIN_CHARS = 4  # ... or one word of four letters or more
MOVED_MAX_TOKENS = 400  # a longer typed text is pasted, not a reordering
_OPCODE_KINDS: dict[str, SegmentKind] = {"equal": "equal", "delete": "missing", "insert": "extra"}
_CODE_BASE = 0xF0000  # tokens are coded as private-use characters for fast search


@dataclass(frozen=True, slots=True)
class Tokens:
    """A text's tokens, each with its half-open span in the original text."""

    original: str
    words: tuple[str, ...]
    spans: tuple[tuple[int, int], ...]

    def compact(self) -> tuple[str, tuple[tuple[int, int], ...]]:
        """Tokens joined without punctuation, and each character's original span.

        Latin tokens next to each other keep one space between them, so
        English phrases still match on word boundaries.
        """
        parts: list[str] = []
        where: list[tuple[int, int]] = []
        for i, (word, span) in enumerate(zip(self.words, self.spans, strict=True)):
            if i and _is_latin(word) and _is_latin(self.words[i - 1]):
                parts.append(" ")
                where.append((span[0], span[0]))
            parts.append(word)
            where.extend([span] * len(word))
        return "".join(parts), tuple(where)

    def cover(self, start: int, end: int) -> tuple[int, int]:
        """Original span of tokens ``[start, end)``; empty spans sit where they would go."""
        if end > start:
            return self.spans[start][0], self.spans[end - 1][1]
        if start < len(self.spans):
            pos = self.spans[start][0]
        else:
            pos = self.spans[-1][1] if self.spans else 0
        return pos, pos


def _is_latin(word: str) -> bool:
    return bool(_LATIN_TOKEN.match(word))


def tokens(text: str) -> Tokens:
    """Normalise ``text`` and split it into comparison tokens."""
    norm = normalize(text)
    words, spans = [], []
    for m in _TOKEN.finditer(norm.text):
        words.append(m.group())
        spans.append(norm.span(m.start(), m.end()))
    return Tokens(text, tuple(words), tuple(spans))


def similarity(a: Tokens, b: Tokens) -> float:
    """0-1 similarity of two token sequences (0 when either is empty)."""
    if not a.words or not b.words:
        return 0.0
    from rapidfuzz.distance import (
        Indel,
    )  # here: slow to import, and `kefu validate` rarely needs it

    return float(Indel.normalized_similarity(a.words, b.words))


@dataclass(frozen=True, slots=True)
class Segment:
    """One piece of the alignment of a typed line with a standard line.

    ``typed`` is a span of the original typed text and ``standard`` a span of
    the standard line. ``missing`` has an empty ``typed`` span (where it was
    expected); ``extra`` an empty ``standard`` span. ``moved`` is a chunk the
    trainee typed (``typed``) that belongs elsewhere (``standard``). ``text``
    is the typed text, or for ``missing`` the standard text.
    """

    kind: SegmentKind
    text: str
    typed: tuple[int, int]
    standard: tuple[int, int]

    def to_dict(self) -> dict[str, object]:
        """JSON-ready form."""
        return {
            "kind": self.kind,
            "text": self.text,
            "typed": list(self.typed),
            "standard": list(self.standard),
        }


@dataclass
class _Piece:
    """A run of tokens: ``s0:s1`` of the standard line, ``t0:t1`` of the typed one."""

    kind: SegmentKind
    s0: int
    s1: int
    t0: int
    t1: int


@dataclass(frozen=True, slots=True)
class Alignment:
    """Segments in typed order, and the order-aware similarity (0-1).

    ``similarity`` is ``Indel``'s (2 x tokens in common / all tokens), with
    a moved chunk counted at half credit: the words were there, not in order.
    """

    segments: tuple[Segment, ...]
    similarity: float


def align(standard: Tokens, typed: Tokens) -> Alignment:
    """Align ``typed`` with ``standard``: equal, missing, extra and moved runs."""
    from rapidfuzz.distance import Indel

    std, typ = _encode(standard.words, typed.words)
    pieces: list[_Piece] = []
    for op in Indel.opcodes(std, typ):
        kind = _OPCODE_KINDS[op.tag]
        pieces.append(_Piece(kind, op.src_start, op.src_end, op.dest_start, op.dest_end))
    pieces = _find_moves(pieces, std, typ, standard.words)
    pieces.sort(key=lambda p: (p.t0, p.kind != "missing", p.s0))
    total = len(std) + len(typ)
    same = sum(2 * (p.s1 - p.s0) for p in pieces if p.kind == "equal")
    moved = sum(p.s1 - p.s0 for p in pieces if p.kind == "moved")
    sim = (same + moved) / total if std and typ else 0.0
    return Alignment(tuple(_segment(p, standard, typed) for p in pieces), sim)


def _encode(a: tuple[str, ...], b: tuple[str, ...]) -> tuple[str, str]:
    """Both token sequences as strings of one code point per distinct token."""
    codes: dict[str, str] = {}
    for w in (*a, *b):
        codes.setdefault(w, chr(_CODE_BASE + len(codes)))
    return "".join(codes[w] for w in a), "".join(codes[w] for w in b)


def _movable(words: tuple[str, ...]) -> bool:
    return len(words) >= MOVED_MIN_TOKENS or sum(map(len, words)) >= MOVED_MIN_CHARS


def _find_moves(
    pieces: list[_Piece], std: str, typ: str, std_words: tuple[str, ...]
) -> list[_Piece]:
    """Pair missing and extra runs that share a chunk: that chunk was moved.

    Greedy, longest shared chunk first, until no pair shares a movable chunk.
    """
    if len(typ) > MOVED_MAX_TOKENS:
        return pieces  # pasted text, not a reordering: keep the work bounded
    while True:
        best: tuple[int, _Piece, _Piece, int, int] | None = None
        for miss in (p for p in pieces if p.kind == "missing"):
            words = std_words[miss.s0 : miss.s1]
            for extra in (p for p in pieces if p.kind == "extra"):
                hit = _longest_shared(std[miss.s0 : miss.s1], typ[extra.t0 : extra.t1], words)
                if hit and (best is None or hit[0] > best[0]):
                    best = (hit[0], miss, extra, hit[1] + miss.s0, hit[2] + extra.t0)
        if best is None:
            return pieces
        pieces = _split(pieces, *best)


def _longest_shared(a: str, b: str, words: tuple[str, ...]) -> tuple[int, int, int] | None:
    """Longest movable common run: (length, start in ``a``, start in ``b``).

    ``a`` and ``b`` are coded token strings; ``words`` are ``a``'s tokens.
    """
    for length in range(min(len(a), len(b)), 0, -1):
        for i in range(len(a) - length + 1):
            j = b.find(a[i : i + length])
            if j >= 0 and _movable(words[i : i + length]):
                return length, i, j
    return None


def _split(
    pieces: list[_Piece], length: int, miss: _Piece, extra: _Piece, i: int, j: int
) -> list[_Piece]:
    """Replace ``miss`` and ``extra`` by their remainders plus one moved piece."""
    out = [p for p in pieces if p is not miss and p is not extra]
    if miss.s0 < i:
        out.append(_Piece("missing", miss.s0, i, miss.t0, miss.t0))
    if i + length < miss.s1:
        out.append(_Piece("missing", i + length, miss.s1, miss.t0, miss.t0))
    if extra.t0 < j:
        out.append(_Piece("extra", extra.s0, extra.s0, extra.t0, j))
    if j + length < extra.t1:
        out.append(_Piece("extra", extra.s0, extra.s0, j + length, extra.t1))
    out.append(_Piece("moved", i, i + length, j, j + length))
    return out


def _segment(p: _Piece, standard: Tokens, typed: Tokens) -> Segment:
    """A piece as spans of the original texts."""
    t = typed.cover(p.t0, p.t1)
    s = standard.cover(p.s0, p.s1)
    text = standard.original[s[0] : s[1]] if p.kind == "missing" else typed.original[t[0] : t[1]]
    return Segment(p.kind, text, t, s)
