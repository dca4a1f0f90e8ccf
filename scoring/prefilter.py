"""A one-pass prefilter: which rules can possibly fire on a text.

Python's ``re`` tries every alternative of every rule at every position; with
seventy rules that would be most of the scorer's time. Instead, each rule's
regex is read once (with the standard library's own regex parser) to find the
literal strings any match must contain, as clauses: "抱歉 or 对不起", and
"快递 or 物流" and "找 or 联系". One Aho-Corasick pass over the reply finds
every such literal at once; only rules whose clauses are all satisfied are
run with ``re``, which keeps lookarounds, guards and spans exact.

The literals are *necessary* conditions, so the prefilter never hides a hit.
A rule with no usable literal (it could match anything) always runs, and a
typo-tolerant rule also runs when half of one of its phrases appears, since
rapidfuzz may find the phrase with one wrong character.
"""

from __future__ import annotations

import re._constants as c  # the standard library's regex parser, read-only use
import re._parser as sre
from collections.abc import Sequence
from dataclasses import dataclass
from operator import itemgetter

import ahocorasick

from scoring import derived
from scoring.regex_source import parsed_regex

MAX_CLASS = 64  # a character class this small still narrows the search
MAX_CLAUSES = 3  # the most selective few are enough (Prefilter checks up to three)

Clause = frozenset[str]


def _literals(items: sre.SubPattern | list) -> list[Clause]:
    """Clauses (sets of strings, one of each must occur) for a parsed sequence."""
    clauses: list[Clause] = []
    buf = ""
    for op, av in items:
        if op is c.LITERAL:
            buf += chr(av)
            continue
        if buf:
            clauses.append(frozenset([buf]))
            buf = ""
        if op is c.SUBPATTERN:
            clauses.extend(_literals(av[3]))
        elif op is c.BRANCH:
            best = [_best(_literals(branch)) for branch in av[1]]
            if all(b is not None for b in best):
                clauses.append(frozenset().union(*best))  # type: ignore[arg-type]
        elif op in (c.MAX_REPEAT, c.MIN_REPEAT, c.POSSESSIVE_REPEAT):
            low, _high, sub = av
            if low >= 1:
                clauses.extend(_literals(sub))
        elif op is c.IN:
            chars = [chr(v) for kind, v in av if kind is c.LITERAL]
            if chars and len(chars) == len(av) and len(chars) <= MAX_CLASS:
                clauses.append(frozenset(chars))
        elif op is c.ATOMIC_GROUP:
            clauses.extend(_literals(av))
    if buf:
        clauses.append(frozenset([buf]))
    return clauses


# Literals so common in replies that requiring them narrows nothing.
_COMMON = frozenset(
    "我你您他她的是了不在有这那们个就也都和与吗呢吧啊哦亲给让对要会能可以说看好一上下"
    "?!,.~ 0123456789abcdefghijklmnopqrstuvwxyz"
) | {
    " you ",
    "you",
    "the",
    " the ",
    "to",
    "we",
    "i ",
    " a ",
    "is",
    "it",
    "and",
    " to ",
    " we",
    "we ",
    "我们",
    "您的",
    "你的",
    "这个",
    "那个",
    "一下",
    "可以",
    "没有",
    "就是",
    "不是",
    "我们的",
    "亲亲",
    "这边",
    "已经",
    "问题",
    "时候",
    "什么",
    "还是",
    "如果",
    "是否",
    "因为",
    "所以",
    "但是",
    "不过",
}


def _rarity(literal: str) -> int:
    return 0 if literal in _COMMON else len(literal.strip()) or len(literal)


def _score(clause: Clause) -> tuple[int, int]:
    """Higher is more selective: a rarer weakest literal, then fewer choices."""
    return (min(_rarity(s) for s in clause), -len(clause))


def _best(clauses: list[Clause]) -> Clause | None:
    return max(clauses, key=_score) if clauses else None


def _top(clauses: list[Clause]) -> list[Clause]:
    return sorted(set(clauses), key=_score, reverse=True)[:MAX_CLAUSES]


def required_literals(pattern: str) -> list[Clause]:
    """The most selective clauses every match of ``pattern`` satisfies ([] if none)."""
    return list(_required_literals(pattern))


def _ranked(pattern: str) -> tuple[Clause, ...]:
    """The most selective clauses ``pattern``'s matches satisfy, best first
    (ties in a fixed order, so the answer is the same in every process)."""
    # Remembered in derived.RANKED: both channels' prefilters share most
    # pieces, and the shipped rubric's answers are worked out ahead. The parse
    # is the one compiling the rule made (the parser unwraps the group, so the
    # tree is the pattern's own).
    known = derived.RANKED.get(pattern)
    if known is not None:
        return known
    try:
        parsed = parsed_regex(f"(?:{pattern})")
    except Exception:  # noqa: BLE001 - an unparseable pattern just always runs
        known = ()
    else:
        ranked = sorted(
            set(_literals(parsed)), key=lambda cl: (_score(cl), sorted(cl)), reverse=True
        )
        # The prefilter reads no further: a trigger among the first
        # MAX_CLAUSES (rarer literals sort first) and MAX_GATES more.
        known = tuple(ranked[: MAX_GATES + 1])
    derived.RANKED[pattern] = known
    return known


def _required_literals(pattern: str) -> tuple[Clause, ...]:
    ranked = _ranked(pattern)
    # A clause of very common literals ("您", "?") narrows little and makes the
    # automaton report it on nearly every reply: keep one only when nothing
    # better exists.
    useful = [cl for cl in ranked if _score(cl)[0] > 0] or ranked[:1]
    return tuple(useful[:MAX_CLAUSES])


def _gates(pattern: str, trigger: Clause) -> tuple[Clause, ...]:
    """Clauses besides ``trigger`` that every match of ``pattern`` satisfies,
    most selective first: checked once the trigger's literal is seen.

    Common literals are kept here: "您 or 你" narrows little as a trigger, but
    checking it costs next to nothing once a rarer literal has fired.
    """
    return tuple(cl for cl in _ranked(pattern) if cl != trigger)[:MAX_GATES]


MAX_GATES = 4  # further clauses rarely turn a piece away (Prefilter checks four)
_SHIFT = 16  # a candidate piece is the key rule << _SHIFT | piece


# A gated piece: its key, then the four clauses it needs besides its trigger.
_Gated = tuple[int, frozenset[int], frozenset[int], frozenset[int], frozenset[int]]


@dataclass
class Prefilter:
    """Rule indices that may fire on a text, from one Aho-Corasick pass.

    The automaton maps each required literal to a number. ``direct[n]`` holds
    the keys (rule << 16 | piece) of the pieces literal n alone makes
    possible; ``gated[n]`` the pieces whose most selective clause literal n
    satisfies, each with its other clauses (sets of literal numbers, one of
    each must have been seen; a missing clause is ``{_SEEN}``, always seen).
    """

    automaton: object | None
    direct: tuple[frozenset[int], ...]
    gated: tuple[tuple[_Gated, ...], ...]
    always: tuple[int, ...]  # rules none of whose pieces has a required literal
    fuzzy: tuple[tuple[int, tuple[str, ...]], ...] = ()
    always_keys: frozenset[int] = frozenset()  # pieces without a required literal
    triggers: frozenset[int] = frozenset()  # literal numbers with direct or gated pieces

    def candidates(self, text: str) -> dict[int, tuple[int, ...] | None]:
        """Rules worth running (index into the rule list), each with the
        alternatives (pieces) that can match, or None for all of them."""
        keys = set(self.always_keys)
        if self.automaton is not None:
            # Each distinct literal once, however often it occurs.
            seen = set(map(_second, self.automaton.iter(text)))  # type: ignore[attr-defined]
            direct, gated, disjoint = self.direct, self.gated, seen.isdisjoint
            # Literals that only gate (they trigger nothing) need no visit.
            triggered = seen.intersection(self.triggers)
            seen.add(_SEEN)
            for n in triggered:
                keys.update(direct[n])
                for key, a, b, c, d in gated[n]:
                    if not (disjoint(a) or disjoint(b) or disjoint(c) or disjoint(d)):
                        keys.add(key)
        found: dict[int, tuple[int, ...] | None] = dict.fromkeys(self.always)
        ordered = not found
        if keys:
            shift, mask = _SHIFT, _MASK
            ordered_keys = sorted(keys)
            rule = ordered_keys[0] >> shift
            chosen = [ordered_keys[0] & mask]
            for key in ordered_keys[1:]:
                if key >> shift == rule:
                    chosen.append(key & mask)
                else:
                    found[rule] = tuple(chosen)
                    rule, chosen = key >> shift, [key & mask]
            found[rule] = tuple(chosen)
        for index, halves in self.fuzzy:
            # One wrong character leaves one half of the phrase intact.
            if any(h in text for h in halves):
                ordered = ordered and index in found
                found[index] = None
        return found if ordered else dict(sorted(found.items()))


_MASK = (1 << _SHIFT) - 1
_second = itemgetter(1)  # the literal number of an automaton hit (end, number)
_SEEN = -1  # a literal number every text has: stands for "no further clause"
_ALWAYS_SEEN = frozenset([_SEEN])


def build(sources: Sequence[Sequence[str]], fuzzy: Sequence[Sequence[str]] = ()) -> Prefilter:
    """A prefilter over each rule's regex pieces (its top-level alternatives).

    ``fuzzy[i]`` lists rule i's typo-tolerant phrases (see the module docstring).
    """
    halves = tuple(
        (i, tuple(h for p in phrases for h in (p[: len(p) // 2], p[len(p) // 2 :])))
        for i, phrases in enumerate(fuzzy)
        if phrases
    )
    automaton = ahocorasick.Automaton()
    direct: dict[str, set[int]] = {}
    gated: dict[str, list[tuple[int, tuple[Clause, ...]]]] = {}
    always: list[int] = []
    always_keys: set[int] = set()
    for rule, pieces in enumerate(sources):
        if len(pieces) > _MASK:
            raise ValueError(f"rule {rule} has more than {_MASK} alternatives")
        alternatives = [required_literals(p) for p in pieces]
        if not any(alternatives):
            always.append(rule)
            continue
        for piece, clauses in enumerate(alternatives):
            key = rule << _SHIFT | piece
            if not clauses:
                always_keys.add(key)
                continue
            # Clauses come most selective first: that one triggers the check.
            gates = _gates(pieces[piece], clauses[0])
            for literal in clauses[0]:
                if gates:
                    gated.setdefault(literal, []).append((key, gates))
                else:
                    direct.setdefault(literal, set()).add(key)
    others = {lit for entries in gated.values() for _key, cl in entries for c in cl for lit in c}
    literals = sorted(direct.keys() | gated.keys() | others)
    number = {literal: n for n, literal in enumerate(literals)}
    for literal, n in number.items():
        automaton.add_word(literal, n)
    if literals:
        automaton.make_automaton()
    return Prefilter(
        automaton if literals else None,
        tuple(frozenset(direct.get(lit, ())) for lit in literals),
        tuple(
            tuple(_gate(key, others, number) for key, others in gated.get(lit, ()))
            for lit in literals
        ),
        tuple(always),
        halves,
        frozenset(always_keys),
        frozenset(number[lit] for lit in direct.keys() | gated.keys()),
    )


def _gate(key: int, others: tuple[Clause, ...], number: dict[str, int]) -> _Gated:
    """A gated piece: its key and its other clauses as sets of literal numbers."""
    sets = [frozenset(number[x] for x in clause) for clause in others]
    a, b, c, d = sets + [_ALWAYS_SEEN] * (MAX_GATES - len(sets))
    return key, a, b, c, d
