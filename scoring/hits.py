"""Rule hits on one normalised reply, and what the engine reads from them.

``run_rules`` runs the rules a prefilter lets through; ``cancel`` drops the
earns a cancel overlaps; ``remedy_hits`` finds the remedies that carry a
specific; ``blame_targets`` says whom blame is on. scoring.engine turns the
hits into a verdict and findings.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from typing import Any

from scoring import remedy as remedy_mod
from scoring.kinds import CLAUSE_END, SENTENCE_END, unit_index, units
from scoring.normalize import Normalized
from scoring.rubric import Rubric
from scoring.rule_file import CompiledRule

_SENTENCE = re.compile(r"[^。!?;\n]*(?:[。!?;\n]+|$)")
MAX_FUZZY_CHARS = 2000


class Hit:
    """A rule hit on the normalised text (before cancellation)."""

    __slots__ = ("rule", "start", "end")

    def __init__(self, rule: Any, start: int, end: int) -> None:
        self.rule = rule
        self.start = start
        self.end = end


def hit_target(hit: Hit, text: str) -> str | None:
    """Whom a hit blames: the rule's target; for a rule that reads the party
    from its words, the first party the matched text names, else the party
    named nearest to it in the same sentence ("快递慢了,您自己去问吧")."""
    return _party(hit, text)[0]


def blame_targets(hits: Sequence[Hit], text: str) -> tuple[str, ...]:
    """The targets of the blame in ``hits``, once each. Hits whose words overlap
    are one piece of blame: the parties they name and the fixed targets of
    the rules win over a hand-off rule's default, else the first hit's target
    stands ("pls contact them directly" blames one third party, not also a
    colleague)."""
    out: list[str] = []
    cluster: list[Hit] = []
    end = -1  # where the current cluster's words end
    for h in sorted(hits, key=lambda h: (h.start, -h.end)):
        if cluster and h.start >= end:
            out.extend(_cluster_targets(cluster, text))
            cluster = []
        cluster.append(h)
        end = max(end, h.end)
    if cluster:
        out.extend(_cluster_targets(cluster, text))
    return tuple(dict.fromkeys(out))


def _cluster_targets(cluster: list[Hit], text: str) -> list[str]:
    found = [(*_party(h, text), h.rule.parties is None) for h in cluster]
    # Parties the words name, and the targets of rules that always blame the
    # same one (the buyer, a denial); a hand-off rule's default only when
    # nothing else says whom this blame is on.
    said = [t for t, by_name, fixed in found if t and (by_name or fixed)]
    return said or [t for t, _, _ in found[:1] if t]


def _party(hit: Hit, text: str) -> tuple[str | None, bool]:
    """The hit's target and whether the words named that party."""
    rule = hit.rule
    parties = rule.parties
    if parties is None:
        return rule.target, False
    named = parties.search(text, hit.start, hit.end)
    if named is None:
        lo = max(text.rfind(c, 0, hit.start) for c in _SENTENCE_ENDS) + 1
        ends = [i for c in _SENTENCE_ENDS if (i := text.find(c, hit.end)) >= 0]
        named = min(
            parties.finditer(text, lo, min(ends, default=len(text))),
            key=lambda m: m.start() - hit.end if m.start() >= hit.end else hit.start - m.end(),
            default=None,
        )
    return (named.lastgroup, True) if named else (rule.target, False)


_SENTENCE_ENDS = "。.!?;\n"


def _sentences(text: str) -> list[tuple[int, int]]:
    return [m.span() for m in _SENTENCE.finditer(text) if m.end() > m.start()]


def run_rules(
    norm: Normalized,
    rubric: Rubric,
    channel: str,
    criteria: frozenset[str] | None = None,
    demand: frozenset[str] = frozenset(),
) -> list[Hit]:
    """Hits of every rule that fires (of ``criteria`` only, if given);
    helper rules only when they can matter (or are in ``demand``)."""
    text = norm.text
    fuzzy = len(text) <= MAX_FUZZY_CHARS
    rules = rubric.by_channel[channel]
    hits: list[Hit] = []
    deferred: list[tuple[CompiledRule, tuple[int, ...] | None]] = []
    for index, only in rubric.prefilters[channel].candidates(text).items():
        compiled = rules[index]
        rule = compiled.rule
        if criteria is not None and rule.criterion not in criteria:
            continue
        if rule.criterion in _ON_DEMAND:
            deferred.append((compiled, only))
            continue
        for start, end in compiled.matcher.find(text, only, fuzzy):
            hits.append(Hit(rule, start, end))
    if not deferred:
        return hits
    # Specifics matter only next to a remedy; ownership only to forgive a soft
    # blame or a cause put on the buyer (see owned_causes).
    wanted = set(demand)
    if any(h.rule.criterion == "remedy" and h.rule.level == "earn" for h in hits):
        wanted.add("specific")
    if any(h.rule.level == "cost" and (h.rule.soft or h.rule.target == "buyer") for h in hits):
        wanted.add("ownership")
    for compiled, only in deferred:
        if compiled.rule.criterion in wanted:
            for start, end in compiled.matcher.find(text, only, fuzzy):
                hits.append(Hit(compiled.rule, start, end))
    return hits


_ON_DEMAND = ("specific", "ownership")


def cancel(hits: list[Hit], text: str) -> tuple[list[Hit], bool]:
    """Drop earn and cost hits overlapped by a cancel hit of the same criterion.

    A soft cancel (an apology word next to a refusal or blame) stands only when
    the reply offers no help: when it also asks, offers a remedy or takes the
    fix on, the apology reads as regret followed by blame (CRITERIA.md).
    """
    kept = _apply_cancels(hits, [h for h in hits if h.rule.level == "cancel" and not h.rule.soft])
    soft = [h for h in hits if h.rule.level == "cancel" and h.rule.soft]
    polite = any(h.rule.criterion == "apology" and h.rule.level == "earn" for h in kept)
    if soft and not remedy_hits(kept, text)[0]:
        kept = _apply_cancels(kept, soft)
    return kept, polite


def _apply_cancels(hits: list[Hit], cancels: list[Hit]) -> list[Hit]:
    if not cancels:
        return hits
    return [
        h
        for h in hits
        if h.rule.level not in ("earn", "cost")
        or not any(
            c.rule.criterion == h.rule.criterion and c.start < h.end and h.start < c.end
            for c in cancels
        )
    ]


def _clause_start(text: str, pos: int) -> int:
    """Index of the first character of the clause holding ``pos``."""
    i = pos
    while i > 0 and text[i - 1] not in CLAUSE_END:
        i -= 1
    return i


# "If it has not arrived by Friday, we reship": the condition's clause holds
# the commitment's deadline. English sentences end at ". ", no clause
# boundary, so the condition may also start after one inside the clause.
_IF_CLAUSE = re.compile(
    r"(?:^|(?<=\. ))\s*(?:如果|若是|若|要是|假如|万一|倘若|(?:if|in case|should)\b)"
)


# "今日5点rider会嚟收返,同时送返正确的order": a clause joined to the one before
# shares its time.
_JOINED_CLAUSE = re.compile(r"\s*(同时|并且|一并|顺便|一起|连同)")


def _deadline_start(text: str, lo: int) -> int:
    """``lo``, or an earlier start when the clause before it is the condition
    of a fallback ("如果周五还没到,直接补发") or the remedy's clause is joined
    to it ("今天下午来收回,同时送上正确的")."""
    if lo == 0 or text[lo - 1] in SENTENCE_END:
        return lo
    prev = _clause_start(text, lo - 1)
    if _JOINED_CLAUSE.match(text, lo):
        return prev
    m = _IF_CLAUSE.search(text[prev:lo])
    return prev + m.start() if m else lo


# Offers of money: an amount of nothing next to them ("a $0 refund", "退款金额为0元")
# gives the buyer nothing, so it does not make them concrete.
_MONEY = frozenset({"refund", "partial_refund", "compensation", "coupon"})


def _zero_amount(hit: Hit, text: str) -> bool:
    if hit.rule.specific != "amount":
        return False
    amount = remedy_mod.parse_amount(text[hit.start : hit.end])
    return amount is not None and amount.value == 0


def offers_nothing(hits: list[Hit], text: str) -> bool:
    """A money offer next to an amount of nothing ("退您0元", "a $0 refund")."""
    return any(h.rule.criterion == "remedy" and h.rule.remedy_type in _MONEY for h in hits) and any(
        h.rule.criterion == "specific" and _zero_amount(h, text) for h in hits
    )


def remedy_hits(hits: list[Hit], text: str) -> tuple[list[Hit], list[Hit]]:
    """Remedy mentions that carry a specific, and those specifics.

    A specific counts from the start of the remedy's clause to the end of the
    next sentence: "今天给您补发" and "给您补发,今天发出" both do, while a date
    in an earlier clause ("本来今天到,我们在催了") does not.
    """
    offers = [h for h in hits if h.rule.criterion == "remedy" and h.rule.level == "earn"]
    if not offers:
        return [], []
    sentences = _sentences(text)
    specifics = [h for h in hits if h.rule.criterion == "specific" and h.rule.level == "earn"]
    concrete: list[Hit] = []
    used: dict[int, Hit] = {}
    for offer in offers:
        idx = unit_index(sentences, offer.start, 0)
        lo = _deadline_start(text, _clause_start(text, offer.start))
        hi = sentences[min(idx + 1, len(sentences) - 1)][1] if sentences else offer.end
        near = [
            s
            for s in specifics
            if lo <= s.start < hi
            and not (offer.rule.remedy_type in _MONEY and _zero_amount(s, text))
        ]
        if near or offer.rule.specific:  # e.g. "运费我们承担" names who pays itself
            concrete.append(offer)
            for s in near:
                used[id(s)] = s
    return concrete, list(used.values())


# The shop pays the buyer back for what they front: postage refunded, reimbursed,
# returned with the goods ("收到后连同运费一起退给您", "we'll reimburse it").
_REIMBURSED = re.compile(
    r"(收到|到了|到货|确认|之后|以后|后面|随后|到时|receive|arrive|once|after)[^。!?;\n]{0,40}(退|返|补|报销|汇还|refund|reimburs)"
    r"|(运费|邮费|快递费|postage|shipping)[^。!?;\n]{0,24}(退|返|报销|补给|汇还|refund|reimburs)"
    r"|(退|返|补|报销)(给)?(您|你|还)?[^,。!?;\n]{0,6}(运费|邮费)|reimburs|\brefund(ed)? (the |your |it)"
    r"|(退|返|补)(给)?(您|你)\s*\d+(\.\d+)?\s*(元|块|蚊)"  # part of it paid back
    r"|refund\s*(给|俾|返)\s*(你|您)|\b(we'll|we will|i'll|i will) refund (you|it)\b"
    r"|refund\s*(the\s*)?(postage|shipping)"
)


def pays_for_good(costs: Sequence[Hit], text: str) -> bool:
    """The buyer is asked to pay for the shop's own mistake and is never paid
    back: CRITERIA.md calls that no remedy at all (and it fails no_blame)."""
    return any(c.rule.target == "buyer_pays" for c in costs) and not _REIMBURSED.search(text)


def drop_accusing_questions(hits: list[Hit], costs: list[Hit], text: str) -> list[Hit]:
    clauses = units(text, "clause")
    blamed = {i for i, (s, e) in enumerate(clauses) for c in costs if c.start < e and s < c.end}

    return [
        h
        for h in hits
        if not (
            h.rule.criterion == "listening"
            and h.rule.level == "earn"
            and unit_index(clauses, h.start) in blamed
        )
    ]


def owned_causes(costs: list[Hit], hits: list[Hit], text: str) -> list[Hit]:
    """``costs`` without a cause put on the buyer in a sentence where the shop
    names the fault as its own ("漏水多半是进水管没锁紧,是我们师傅安装没做好"):
    a cause explained while owning it is not blame-shifting (CRITERIA.md)."""
    owned = [h for h in hits if h.rule.target == "shop"]
    if not owned:
        return costs
    sentences = units(text, "sentence")

    mine = {unit_index(sentences, h.start) for h in owned}
    return [
        c
        for c in costs
        if not (c.rule.target == "buyer" and unit_index(sentences, c.start) in mine)
    ]


def group_hits(hits: Iterable[Hit]) -> dict[tuple[str, str], list[Hit]]:
    out: dict[tuple[str, str], list[Hit]] = {}
    for h in hits:
        out.setdefault((h.rule.criterion, h.rule.level), []).append(h)
    return out
