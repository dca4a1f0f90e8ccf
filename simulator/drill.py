"""The Script drill (话术练习): the model, line checking and spaced repetition.

Pure: no disk, terminal or database. A trainee sees an item's situation and
types the shop's standard line from memory; :func:`check_line` aligns what
they typed with the nearest standard line or accepted variant, ticks the key
points and scores it; :func:`schedule` moves the item between Leitner boxes
and :func:`next_items` picks what to practise next. Parsing lives in
``simulator.drill_parse``, files in ``simulator.drill_loader``; the file
format is in docs/writing-scenarios.md ("Script sets").
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from functools import lru_cache
from typing import TYPE_CHECKING, Any, Literal

from scoring.engine import score_reply
from scoring.kinds import ASCII_BOUNDARY, Matcher, compile_rule, phrase_regex
from scoring.model import Message
from simulator.drill_text import SEGMENT_KINDS, Segment, Tokens, align, similarity, tokens

if TYPE_CHECKING:
    from simulator.store.base import DrillStat

__all__ = [
    "BOX_INTERVALS_S",
    "PASS_SIMILARITY",
    "SEGMENT_KINDS",
    "DrillResult",
    "NAME_PLACEHOLDER",
    "KeyPoint",
    "KeyPointHit",
    "ScriptItem",
    "ScriptSet",
    "Segment",
    "check_line",
    "expect_failures",
    "key_point_spans",
    "next_items",
    "schedule",
]

PASS_SIMILARITY = 0.8
SIMILARITY_WEIGHT = 0.6  # the rest of the score is the share of key points ticked
# Leitner boxes: a pass moves the item up one box and it comes back after
# BOX_INTERVALS_S[box - 1]; a miss puts it in box 0 and back after MISS_DELAY_S.
BOX_INTERVALS_S = (60.0, 600.0, 3600.0, 86400.0, 3 * 86400.0, 7 * 86400.0)
MAX_BOX = len(BOX_INTERVALS_S)
MISS_DELAY_S = 30.0
MISS_SLOWDOWN = 0.5  # each past miss shortens the next interval: / (1 + 0.5 * missed)
MAX_SLOWDOWN_MISSES = 6

# ``{name}`` in a key point phrase stands for any one name: one English word
# ("this is {name}" matches "this is Sam") or two Chinese characters right
# after the text before it ("我是{name}" matches 我是小王, 我是客服小美).
# Matching is on the scorer's normalised text, so case is gone: a few common
# words that follow "I'm" or "this is" are not names ("I'm sorry", 我是来…).
NAME_PLACEHOLDER = "{name}"
_LATIN_LETTER = "a-z\u00c0-\u024f"
_NOT_NAMES = (
    "a|about|afraid|also|always|an|and|at|available|busy|calling|checking|customer|delighted"
    "|from|glad|going|happy|here|in|it|just|not|now|on|our|pleased|really|so|sorry|still"
    "|sure|that|the|this|to|truly|very|what|with|writing|your|you"
)
_LATIN_NAME = (
    f"(?!(?:{_NOT_NAMES})(?![{_LATIN_LETTER}'\u2019]))"
    f"[{_LATIN_LETTER}](?:[{_LATIN_LETTER}]|['\u2019](?=[{_LATIN_LETTER}]))+(?![{_LATIN_LETTER}0-9])"
)
_HAN_NAME = (
    "(?![来在说想要不这那一您你他她我的很真非为对从会能可有没也都就还刚已正])[\u3400-\u9fff]{2}"
)


@dataclass(frozen=True)
class KeyPoint:
    """Something the line must say, and the phrases that count as saying it."""

    id: str
    label: Message
    phrases: tuple[str, ...]


@dataclass(frozen=True)
class ScriptItem:
    """One situation with its standard line(s), key points and accepted variants."""

    id: str
    situation: Message
    lines: tuple[str, ...]
    key_points: tuple[KeyPoint, ...]
    variants: tuple[str, ...] = ()
    expect: Mapping[str, bool] = field(default_factory=dict)
    pass_similarity: float = PASS_SIMILARITY

    def __post_init__(self) -> None:
        if not self.lines:
            raise ValueError(f"script item '{self.id}' needs at least one standard line")

    @property
    def answers(self) -> tuple[str, ...]:
        """Every accepted answer: the standard lines, then the variants."""
        return (*self.lines, *self.variants)


@dataclass(frozen=True)
class ScriptSet:
    """A set of script items for one channel and language."""

    id: str
    title: Message
    channel: str
    language: str
    items: tuple[ScriptItem, ...]
    file: str = ""
    line_of: Mapping[str, int] = field(default_factory=dict, compare=False)

    def item(self, item_id: str) -> ScriptItem | None:
        """The item with ``item_id``, or None."""
        return next((i for i in self.items if i.id == item_id), None)


@dataclass(frozen=True, slots=True)
class KeyPointHit:
    """A key point, and where the typed text says it (empty when it does not)."""

    id: str
    label: Message
    spans: tuple[tuple[int, int], ...]

    @property
    def found(self) -> bool:
        """Whether the typed text says it."""
        return bool(self.spans)


@dataclass(frozen=True, slots=True)
class DrillResult:
    """The verdict on one typed line.

    ``target`` is the answer it was aligned with (``target_kind`` ``line`` or
    ``variant``, ``target_index`` within that list); ``segments`` follow the
    typed text; ``similarity`` is 0-1 against ``target``; ``score`` 0-100.
    """

    item_id: str
    typed: str
    target: str
    target_kind: Literal["line", "variant"]
    target_index: int
    segments: tuple[Segment, ...]
    key_points: tuple[KeyPointHit, ...]
    similarity: float
    score: int
    passed: bool

    def of_kind(self, kind: str) -> tuple[Segment, ...]:
        """The segments of one kind (equal, missing, extra, moved)."""
        return tuple(s for s in self.segments if s.kind == kind)

    @property
    def exact(self) -> bool:
        """Typed exactly as an accepted answer (punctuation, width and script aside)."""
        return self.similarity == 1.0

    def to_dict(self, lang: str = "zh") -> dict[str, Any]:
        """JSON-ready form with labels in ``lang``."""
        return {
            "item_id": self.item_id,
            "target": self.target,
            "target_kind": self.target_kind,
            "target_index": self.target_index,
            "similarity": round(self.similarity, 4),
            "score": self.score,
            "passed": self.passed,
            "segments": [s.to_dict() for s in self.segments],
            "key_points": [
                {"id": k.id, "label": k.label.pick(lang), "found": k.found, "spans": k.spans}
                for k in self.key_points
            ],
        }


@lru_cache(maxsize=4096)
def _answer_tokens(text: str) -> Tokens:
    """Tokens of a standard line or variant (few and reused: cached)."""
    return tokens(text)


def _is_latin_char(ch: str) -> bool:
    return ch.isascii() and ch.isalnum() or "\u00c0" <= ch <= "\u024f"


def _literal(text: str) -> str:
    """Regex source for compacted text; a straight apostrophe also matches a curly one."""
    return re.escape(text).replace("'", "['\u2019]")


def _name_regexes(phrase: str) -> list[str]:
    """Regex sources (over compacted text) for a phrase with ``{name}`` in it."""
    before, after = (
        _answer_tokens(part).compact()[0] for part in phrase.split(NAME_PLACEHOLDER, 1)
    )
    out = []
    for name, latin in ((_LATIN_NAME, True), (_HAN_NAME, False)):
        source = ""
        if before:
            lead = ASCII_BOUNDARY if _is_latin_char(before[0]) else ""
            gap = " " if latin and _is_latin_char(before[-1]) else ""
            source = lead + _literal(before) + gap
        source += name
        if after:
            gap = " " if latin and _is_latin_char(after[0]) else ""
            tail = ASCII_BOUNDARY if _is_latin_char(after[-1]) else ""
            source += gap + _literal(after) + tail
        out.append(source)
    return out


@lru_cache(maxsize=1024)
def _matcher(phrases: tuple[str, ...]) -> Matcher:
    """The scorer's phrase matching over compacted phrases (no punctuation).

    A phrase with ``{name}`` matches any one name in its place.
    """
    plain = sorted(
        {c for p in phrases if NAME_PLACEHOLDER not in p if (c := _answer_tokens(p).compact()[0])},
        key=len,
        reverse=True,
    )
    named = [r for p in phrases if NAME_PLACEHOLDER in p for r in _name_regexes(p)]
    if not named:
        return compile_rule("phrase", {"phrases": plain}, {}, [], [])
    patterns = [phrase_regex(c) for c in plain] + named
    return compile_rule("pattern", {"patterns": patterns}, {}, [], [])


def key_point_spans(point: KeyPoint, text: str | Tokens) -> tuple[tuple[int, int], ...]:
    """Spans of ``text`` (original) where one of the key point's phrases is said.

    Matching ignores punctuation, spaces, width, case and Traditional vs
    Simplified; English phrases match whole words only.
    """
    toks = text if isinstance(text, Tokens) else tokens(text)
    compact, where = toks.compact()
    if not compact or not any(point.phrases):
        return ()
    return tuple((where[a][0], where[b - 1][1]) for a, b in _matcher(point.phrases).spans(compact))


def check_line(item: ScriptItem, typed: str) -> DrillResult:
    """Compare what the trainee typed with the nearest accepted answer.

    The nearest answer is the one with the highest ``Indel`` similarity over
    tokens (ties: the first, standard lines before variants).
    ``passed`` needs every key point and a similarity of at least the item's
    ``pass_similarity``; the score weighs similarity 60% and key points 40%.
    """
    typed_toks = tokens(typed)
    answers = tuple(_with_own_name(a, typed, item) for a in item.answers)
    sims = [similarity(_answer_tokens(a), typed_toks) for a in answers]
    best = max(range(len(answers)), key=lambda i: (sims[i], -i))  # ties: the first
    alignment = align(_answer_tokens(answers[best]), typed_toks)
    sim = alignment.similarity
    hits = tuple(
        KeyPointHit(k.id, k.label, key_point_spans(k, typed_toks)) for k in item.key_points
    )
    ticked = sum(h.found for h in hits) / len(hits) if hits else 1.0
    score = round(100 * (SIMILARITY_WEIGHT * sim + (1 - SIMILARITY_WEIGHT) * ticked))
    in_lines = best < len(item.lines)
    return DrillResult(
        item_id=item.id,
        typed=typed,
        target=answers[best],
        target_kind="line" if in_lines else "variant",
        target_index=best if in_lines else best - len(item.lines),
        segments=alignment.segments,
        key_points=hits,
        similarity=sim,
        score=score,
        passed=ticked == 1.0 and sim >= item.pass_similarity,
    )


def _with_own_name(answer: str, typed: str, item: ScriptItem) -> str:
    """``answer`` with the example's name swapped for the one the trainee typed.

    A trainee says their own name ("this is Sam"), not the example's ("this is
    Amy"). Where a ``{name}`` phrase matches both, with the same words around
    the name, the answer is compared with the trainee's name in it, if that
    brings it closer to what was typed (a phrase like "我是{name}" can take the
    "客服" of "我是客服小安" for a name: swapping that changes nothing for the better).
    """
    best, best_sim = answer, None
    typed_toks = tokens(typed)
    for point in item.key_points:
        for phrase in point.phrases:
            if NAME_PLACEHOLDER not in phrase:
                continue
            one = replace(point, phrases=(phrase,))
            for lo_t, hi_t in key_point_spans(one, typed_toks):
                for lo_e, hi_e in key_point_spans(one, answer):
                    said, example = typed[lo_t:hi_t], answer[lo_e:hi_e]
                    lo, hi = _around(said.lower(), example.lower())
                    name, other = said[lo : len(said) - hi], example[lo : len(example) - hi]
                    if not name or not other or any(ch.isspace() for ch in name + other):
                        continue
                    start = lo_e + lo
                    swapped = answer[:start] + name + answer[start + len(other) :]
                    if best_sim is None:
                        best_sim = similarity(_answer_tokens(answer), typed_toks)
                    sim = similarity(_answer_tokens(swapped), typed_toks)
                    if sim > best_sim:
                        best, best_sim = swapped, sim
    return best


def _around(a: str, b: str) -> tuple[int, int]:
    """How many characters ``a`` and ``b`` share at the start and at the end."""
    lo = 0
    while lo < min(len(a), len(b)) and a[lo] == b[lo]:
        lo += 1
    hi = 0
    while hi < min(len(a), len(b)) - lo and a[-1 - hi] == b[-1 - hi]:
        hi += 1
    return lo, hi


def expect_failures(item: ScriptItem, channel: str) -> list[tuple[str, str, bool]]:
    """Answers that fail the item's ``expect``: (answer, criterion or check, expected).

    Every standard line and variant must score as ``expect`` says with the
    project's scorer (e.g. an apology line must pass ``apology``).
    """
    out: list[tuple[str, str, bool]] = []
    if not item.expect:
        return out
    for answer in item.answers:
        res = score_reply(answer, channel=channel)
        verdicts = {**res.criteria, **res.checks}
        out += [(answer, k, v) for k, v in item.expect.items() if verdicts.get(k) != v]
    return out


def _interval(box: int, missed: int) -> float:
    """Seconds until an item in ``box`` (>= 1) is due; past misses shorten it."""
    slowdown = 1 + MISS_SLOWDOWN * min(missed, MAX_SLOWDOWN_MISSES)
    return max(BOX_INTERVALS_S[0], BOX_INTERVALS_S[box - 1] / slowdown)


def schedule(
    stat: DrillStat | None,
    result: DrillResult,
    now: float,
    set_id: str,
    item_id: str,
    elapsed_s: float | None = None,
) -> DrillStat:
    """The item's next state after ``result``: up one box on a pass, box 0 on a miss.

    ``last_score`` records the 0-100 score, ``last_elapsed_s`` the typing time.
    """
    # Imported here: the package ``simulator.store`` loads the database
    # drivers, and checking a line must not.
    from simulator.store.base import DrillStat

    old = stat or DrillStat(set_id, item_id, 0, now, 0, 0, None, None)
    if result.passed:
        box = min(max(old.box, 0) + 1, MAX_BOX)
        missed, due = old.missed, now + _interval(box, old.missed)
    else:
        box, missed, due = 0, old.missed + 1, now + MISS_DELAY_S
    return replace(
        old,
        set_id=set_id,
        item_id=item_id,
        box=box,
        due_at=due,
        seen=old.seen + 1,
        missed=missed,
        last_score=float(result.score),
        last_elapsed_s=elapsed_s,
    )


def next_items(
    script_set: ScriptSet,
    stats: Mapping[str, DrillStat],
    now: float,
    n: int,
    *,
    ahead: bool = False,
) -> list[ScriptItem]:
    """Up to ``n`` items to practise now, deterministic.

    Due items first (most overdue, then lowest box, then most missed), then
    items never seen, in file order. With ``ahead``, the rest is filled with
    items not yet due, soonest first (practising ahead of schedule).
    """
    order = {item.id: i for i, item in enumerate(script_set.items)}
    seen = [(stats[i.id], i) for i in script_set.items if i.id in stats]
    due = sorted(
        (p for p in seen if p[0].due_at <= now),
        key=lambda p: (p[0].due_at, p[0].box, -p[0].missed, order[p[1].id]),
    )
    new = [i for i in script_set.items if i.id not in stats]
    picked: list[ScriptItem] = [i for _, i in due] + new
    if ahead:
        later = sorted(
            (p for p in seen if p[0].due_at > now),
            key=lambda p: (p[0].due_at, p[0].box, order[p[1].id]),
        )
        picked += [i for _, i in later]
    return picked[: max(n, 0)]
