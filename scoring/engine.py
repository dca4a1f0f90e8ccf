"""score_reply: the verdict on one agent reply (conversations: conversation.py).

A reply is normalised once, every rule for its channel runs over the
normalised text, ``cancel`` findings remove the ``earn`` findings they
overlap (a conditional apology is no apology), and the four criteria are
decided from what is left. A conversation adds the order of events: the
apology in the first reply to each grievance and within the response-time
target, listening before the remedy, options offered, template replies.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import replace
from functools import lru_cache
from typing import Any

from scoring import remedy as remedy_mod
from scoring.kinds import CLAUSE_END, SENTENCE_END, units
from scoring.learned import LearnedModel
from scoring.model import (
    CHANNELS,
    REVIEW_CRITERIA,
    Finding,
    Message,
    RemedyOffer,
    ReplyResult,
)
from scoring.normalize import Normalized, normalize
from scoring.rubric import CompiledRule, Rubric, default_rubric, default_rubric_for

_SENTENCE = re.compile(r"[^。!?;\n]*(?:[。!?;\n]+|$)")
_CJK = re.compile(r"[\u3400-\u9fff]")
_LATIN = re.compile(r"[a-z]")
_LATIN_WORD = re.compile(r"[a-z]+")
MAX_FUZZY_CHARS = 2000
TEMPLATE_RULE = "TPL001"
CANNED_RULE = "TPL002"


class _Raw:
    """A rule hit on the normalised text (before cancellation)."""

    __slots__ = ("rule", "start", "end")

    def __init__(self, rule: Any, start: int, end: int) -> None:
        self.rule = rule
        self.start = start
        self.end = end


def _target(hit: _Raw, text: str) -> str | None:
    """Whom a hit blames: the rule's target; for a rule that reads the party
    from its words, the first party the matched text names, else the party
    named nearest to it in the same sentence ("快递慢了,您自己去问吧")."""
    return _party(hit, text)[0]


def _blame_targets(hits: Sequence[_Raw], text: str) -> tuple[str, ...]:
    """The targets of the blame in ``hits``, once each. Hits whose words overlap
    are one piece of blame: the parties they name and the fixed targets of
    the rules win over a hand-off rule's default, else the first hit's target
    stands ("pls contact them directly" blames one third party, not also a
    colleague)."""
    out: list[str] = []
    cluster: list[_Raw] = []
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


def _cluster_targets(cluster: list[_Raw], text: str) -> list[str]:
    found = [(*_party(h, text), h.rule.parties is None) for h in cluster]
    # Parties the words name, and the targets of rules that always blame the
    # same one (the buyer, a denial); a hand-off rule's default only when
    # nothing else says whom this blame is on.
    said = [t for t, by_name, fixed in found if t and (by_name or fixed)]
    return said or [t for t, _, _ in found[:1] if t]


def _party(hit: _Raw, text: str) -> tuple[str | None, bool]:
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


def detect_lang(norm: Normalized) -> str:
    """zh, zh-Hant or en, from the reply's own characters."""
    latin_words = len(_LATIN_WORD.findall(norm.text))
    # Without Latin words only whether there is any CJK character matters.
    cjk = len(_CJK.findall(norm.text)) if latin_words else int(bool(_CJK.search(norm.text)))
    if cjk and cjk >= latin_words:
        return "zh-Hant" if norm.traditional else "zh"
    return "en" if latin_words else "zh"


def _sentences(text: str) -> list[tuple[int, int]]:
    return [m.span() for m in _SENTENCE.finditer(text) if m.end() > m.start()]


def _run_rules(
    norm: Normalized,
    rubric: Rubric,
    channel: str,
    criteria: frozenset[str] | None = None,
    demand: frozenset[str] = frozenset(),
) -> list[_Raw]:
    """Hits of every rule that fires (of ``criteria`` only, if given);
    helper rules only when they can matter (or are in ``demand``)."""
    text = norm.text
    fuzzy = len(text) <= MAX_FUZZY_CHARS
    rules = rubric.by_channel[channel]
    hits: list[_Raw] = []
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
            hits.append(_Raw(rule, start, end))
    if not deferred:
        return hits
    # Specifics matter only next to a remedy; ownership only to forgive a soft blame.
    wanted = set(demand)
    if any(h.rule.criterion == "remedy" and h.rule.level == "earn" for h in hits):
        wanted.add("specific")
    if any(h.rule.soft and h.rule.level == "cost" for h in hits):
        wanted.add("ownership")
    for compiled, only in deferred:
        if compiled.rule.criterion in wanted:
            for start, end in compiled.matcher.find(text, only, fuzzy):
                hits.append(_Raw(compiled.rule, start, end))
    return hits


_ON_DEMAND = ("specific", "ownership")


def _cancel(hits: list[_Raw], text: str) -> tuple[list[_Raw], bool]:
    """Drop earn and cost hits overlapped by a cancel hit of the same criterion.

    A soft cancel (an apology word next to a refusal or blame) stands only when
    the reply offers no help: when it also asks, offers a remedy or takes the
    fix on, the apology reads as regret followed by blame (CRITERIA.md).
    """
    kept = _apply_cancels(hits, [h for h in hits if h.rule.level == "cancel" and not h.rule.soft])
    soft = [h for h in hits if h.rule.level == "cancel" and h.rule.soft]
    polite = any(h.rule.criterion == "apology" and h.rule.level == "earn" for h in kept)
    if soft and not _remedy_hits(kept, text)[0]:
        kept = _apply_cancels(kept, soft)
    return kept, polite


def _apply_cancels(hits: list[_Raw], cancels: list[_Raw]) -> list[_Raw]:
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


def _zero_amount(hit: _Raw, text: str) -> bool:
    if hit.rule.specific != "amount":
        return False
    amount = remedy_mod.parse_amount(text[hit.start : hit.end])
    return amount is not None and amount.value == 0


def _offers_nothing(hits: list[_Raw], text: str) -> bool:
    """A money offer next to an amount of nothing ("退您0元", "a $0 refund")."""
    return any(h.rule.criterion == "remedy" and h.rule.remedy_type in _MONEY for h in hits) and any(
        h.rule.criterion == "specific" and _zero_amount(h, text) for h in hits
    )


def _remedy_hits(hits: list[_Raw], text: str) -> tuple[list[_Raw], list[_Raw]]:
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
    concrete: list[_Raw] = []
    used: dict[int, _Raw] = {}
    for offer in offers:
        idx = next((i for i, (s, e) in enumerate(sentences) if s <= offer.start < e), 0)
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


def _finding(
    norm: Normalized, hit: _Raw, criterion: str | None = None, level: str | None = None
) -> Finding:
    start, end = norm.span(hit.start, hit.end)
    r = hit.rule
    return Finding(
        rule=r.id,
        criterion=criterion or r.criterion,
        level=level or r.level,
        start=start,
        end=end,
        text=norm.original[start:end],
        message=r.message,
        fix=r.fix,
        target=_target(hit, norm.text),
        remedy_type=r.remedy_type,
        specific=r.specific,
    )


def score_reply(
    text: str,
    *,
    channel: str = "chat",
    context: Mapping[str, Any] | None = None,
    rubric: Rubric | None = None,
) -> ReplyResult:
    """Judge one agent reply on apology, listening, remedy and no_blame.

    ``context`` may hold ``previous_replies`` (the agent's earlier replies in
    the conversation, for the template check). Pure: same input, same result.
    """
    if channel not in CHANNELS:
        raise ValueError(f"unknown channel {channel!r} (one of: {', '.join(CHANNELS)})")
    if rubric is None or rubric is default_rubric():
        rubric = default_rubric()
        core = _judged_memo(text, channel) if len(text) <= MEMO_MAX_CHARS else None
    else:
        core = None
    if core is None:
        core = _judged(text, channel, rubric)
    norm, findings = core.norm, core.findings
    previous = (context or {}).get("previous_replies", ())
    template = _template_findings(norm, rubric, previous) if previous else []
    if template:
        findings = tuple(sorted((*findings, *template), key=_finding_order))
    elif core.canned is not None:
        findings = tuple(sorted((*findings, core.canned), key=_finding_order))
    return ReplyResult(
        text=text,
        channel=channel,
        lang=core.lang,
        criteria=dict(core.criteria),
        checks=_checks(findings, channel),
        findings=findings,
        remedy=core.remedy,
        blame_targets=core.blame_targets,
    )


# Batch QA of real chat logs meets the same canned replies again and again
# ("亲,在的", a shop's stock apology): the verdict on a (text, channel) pair
# under the default rubric is kept, a bounded number of them, so memory stays
# flat. Long replies are rarely repeated word for word and are not kept.
MEMO_SIZE = 8192
MEMO_MAX_CHARS = 600


class _Judged:
    """What a reply earns on its own, before the conversation's template check."""

    __slots__ = ("norm", "criteria", "findings", "canned", "remedy", "blame_targets", "lang")

    def __init__(
        self,
        norm: Normalized,
        criteria: dict[str, bool],
        findings: tuple[Finding, ...],
        canned: Finding | None,
        remedy: RemedyOffer,
        blame_targets: tuple[str, ...],
        lang: str,
    ) -> None:
        self.norm: Normalized = norm
        self.criteria: dict[str, bool] = criteria
        self.findings: tuple[Finding, ...] = findings
        self.canned: Finding | None = canned
        self.remedy: RemedyOffer = remedy
        self.blame_targets: tuple[str, ...] = blame_targets
        self.lang: str = lang


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


def _pays_for_good(costs: Sequence[_Raw], text: str) -> bool:
    """The buyer is asked to pay for the shop's own mistake and is never paid
    back: CRITERIA.md calls that no remedy at all (and it fails no_blame)."""
    return any(c.rule.target == "buyer_pays" for c in costs) and not _REIMBURSED.search(text)


def _finding_order(f: Finding) -> tuple[int, int, str]:
    return (f.start, f.end, f.rule)


@lru_cache(maxsize=MEMO_SIZE)
def _judged_memo(text: str, channel: str) -> _Judged:
    return _judged(text, channel, default_rubric())


def _judged(text: str, channel: str, rubric: Rubric) -> _Judged:
    norm = normalize(text)
    hits, polite = _cancel(_run_rules(norm, rubric, channel), norm.text)
    by = _group(hits)
    concrete, specifics = _remedy_hits(hits, norm.text)
    # An offer of nothing ("退您0元") is no remedy, whatever the model reads.
    zeroed = not concrete and _offers_nothing(hits, norm.text)
    # A cause named while the reply owns the fix, or in a polite decline (an
    # apology word that is not a non-apology, or a request to the buyer), is
    # an explanation, not blame-shifting (CRITERIA.md). A bare question (a soft
    # listening earn) does not count: "怎么会这样呢?我们发货前都检查了" argues.
    asks = [h for h in by.get(("listening", "earn"), []) if not h.rule.soft]
    owned = bool(concrete or polite or by.get(("ownership", "earn")) or asks)
    costs = [h for h in by.get(("no_blame", "cost"), []) if not (h.rule.soft and owned)]
    if concrete and _pays_for_good(costs, norm.text):
        concrete, specifics = [], []
    if costs:
        # A question in the same clause as blame is accusing, not listening
        # ("您是不是没按说明书装?").
        hits = _drop_accusing_questions(hits, costs, norm.text)
        by = _group(hits)
    findings: list[Finding] = []
    for h in hits:
        crit, level = h.rule.criterion, h.rule.level
        if crit in ("specific", "ownership", "grievance") or (
            crit == "no_blame" and h not in costs
        ):
            continue
        if crit == "remedy" and level == "earn" and h not in concrete:
            findings.append(_finding(norm, h, level="note"))
            continue
        findings.append(_finding(norm, h))
    findings.extend(_finding(norm, s, criterion="remedy", level="earn") for s in specifics)
    findings = _drop_overlapping_earns(findings, rubric)
    criteria = {
        "apology": bool(by.get(("apology", "earn"))),
        "listening": bool(by.get(("listening", "earn"))),
        "remedy": bool(concrete),
        "no_blame": not costs,
    }
    if rubric.learned is not None:
        criteria, findings = _second_opinion(
            rubric.learned,
            norm,
            criteria,
            findings,
            lambda: _admits_fault(norm, rubric, channel),
            frozenset({"remedy"}) if zeroed else frozenset(),
        )
    findings.sort(key=_finding_order)
    canned = _canned_finding(norm, rubric)
    # The offer is what the words promise, as the rules read them; where the
    # learned model doubts that the promise is a concrete remedy, the verdict
    # changes, not the promise ("马上赔您50元,您别给差评就行" is no remedy
    # under CRITERIA.md, and still a cash payout the shop's policy forbids).
    offer = remedy_mod.extract(norm, concrete, specifics, costs)
    # Blame the learned model cleared names no target (scenario checks read them).
    blamed = costs if not criteria["no_blame"] else []
    targets = _blame_targets(blamed, norm.text)
    return _Judged(norm, criteria, tuple(findings), canned, offer, targets, detect_lang(norm))


LEARNED_RULE = "ML-{}"
# What the trainee reads when the learned model overrules the rules: where it
# finds a criterion no rule matched (the words that weighed most), where it
# doubts what a rule matched, and the same for blame.
_LEARNED_EARN = Message(
    "用词和标注为合格的回复相近(模型判断,没有规则直接命中)",
    "Worded like replies labeled as earning this (the learned model's call; no rule matched)",
)
_LEARNED_EARN_FIX = Message(
    "说得更明确些,让买家一看就懂", "Say it more plainly so the buyer cannot miss it"
)
_LEARNED_DOUBT = Message(
    "规则读到了这几个字,但整句读下来不算数(模型判断)",
    "A rule matched these words, but the reply as a whole does not bear it out (the learned model's call)",
)
_LEARNED_BLAME = Message(
    "用词和标注为推卸责任的回复相近(模型判断,没有规则直接命中)",
    "Worded like replies labeled as shifting blame (the learned model's call; no rule matched)",
)
_LEARNED_BLAME_FIX = Message(
    "不要让买家觉得责任在他或别人身上;说明原因的同时由店铺承担解决",
    "Don't leave the buyer feeling the fault is theirs or someone else's; explain and own the fix",
)
_LEARNED_CLEARED = Message(
    "这里像在推卸,但整句读下来是在说明原因并承担解决(模型判断)",
    "This reads like blame, but the reply as a whole explains and owns the fix (the learned model's call)",
)


def _second_opinion(
    model: LearnedModel,
    norm: Normalized,
    rules: dict[str, bool],
    findings: list[Finding],
    admits_fault: Callable[[], bool],
    rules_stand: frozenset[str] = frozenset(),
) -> tuple[dict[str, bool], list[Finding]]:
    """The rules' verdicts, overruled where the learned model is sure of the
    opposite (scoring/learned.py), with findings that say so and where.

    A reply in which the shop owns the fault in so many words ("是我们发错了",
    "we should have told you") keeps the apology and the no_blame the rules
    gave it: n-grams cannot read the negation in "这不是您的问题" and take it
    for blame, and a sorry that owns the fault is no non-apology."""
    verdict = model.vote(norm.text, rules)
    for c in rules_stand:
        verdict[c] = rules[c]
    guarded = [c for c in _FAULT_GUARDED if rules[c] and not verdict[c]]
    if guarded and admits_fault():
        for c in guarded:
            verdict[c] = True
    if rules["apology"] and not verdict["apology"] and _plain_apology(norm, findings):
        verdict["apology"] = True
    if verdict == rules:
        return rules, findings
    out = findings
    for c, now in verdict.items():
        if now == rules[c]:
            continue
        # The side of the criterion the model leans to: earning it, or (no_blame) blame.
        if c == "no_blame" and now:
            out = [
                replace(f, level="note", message=_LEARNED_CLEARED)
                if f.criterion == c and f.level == "cost"
                else f
                for f in out
            ]
        elif c == "no_blame":
            out = out + _learned_findings(
                model, norm, c, "cost", _LEARNED_BLAME, _LEARNED_BLAME_FIX
            )
        elif now:
            out = out + _learned_findings(model, norm, c, "earn", _LEARNED_EARN, _LEARNED_EARN_FIX)
        else:
            out = [
                replace(f, level="note", message=_LEARNED_DOUBT)
                if f.criterion == c and f.level == "earn"
                else f
                for f in out
            ]
    return verdict, out


_OWNERSHIP = frozenset({"ownership"})
_FAULT_GUARDED = ("apology", "no_blame")
# An explicit, formal apology ("再次向您道歉", "we apologise for the delay")
# in a sentence of its own, with no "but", "if" or denial beside it, is an
# apology even when a refusal follows (CRITERIA.md, "Regret, then a refusal"):
# the n-gram model, which reads the whole reply, may not talk it away.
_FORMAL_APOLOGY = re.compile(r"道歉|致歉|歉意|apologi[sz]e|apolog(?:y|ies)", re.IGNORECASE)
_HEDGED = re.compile(
    r"\b(?:but|however|if|nothing|no need|why)\b|不过|但|如果|若|假如|可是|只是|没什么|没有什么|"
    r"不会|不用|凭什么|为什么|要是"
)


def _plain_apology(norm: Normalized, findings: Sequence[Finding]) -> bool:
    """Some apology the rules found is formal and stands in a sentence free of
    hedges (sentences as the rules cut them, read in the normalised text, so a
    Traditional 不過 hedges like 不过)."""
    formal = [
        f
        for f in findings
        if f.criterion == "apology" and f.level == "earn" and _FORMAL_APOLOGY.search(f.text)
    ]
    if not formal:
        return False
    for start, end in units(norm.text, "sentence"):
        lo, hi = norm.span(start, end)
        if any(lo <= f.start < hi for f in formal) and not _HEDGED.search(norm.text[start:end]):
            return True
    return False


def _admits_fault(norm: Normalized, rubric: Rubric, channel: str) -> bool:
    """The reply names the fault as the shop's own (ownership rules with target shop)."""
    hits = _run_rules(norm, rubric, channel, _OWNERSHIP, demand=_OWNERSHIP)
    return any(h.rule.target == "shop" for h in hits)


def _learned_findings(
    model: LearnedModel,
    norm: Normalized,
    criterion: str,
    level: str,
    message: Message,
    fix: Message,
) -> list[Finding]:
    toward = level == "earn"
    out = []
    for s, e in model.evidence(norm.text, criterion, toward):
        start, end = norm.span(s, e)
        out.append(
            Finding(
                rule=LEARNED_RULE.format(criterion),
                criterion=criterion,
                level=level,
                start=start,
                end=end,
                text=norm.original[start:end],
                message=message,
                fix=fix,
            )
        )
    return out


_OFFER_CRITERIA = frozenset({"remedy", "specific", "no_blame", "ownership"})


def remedy_offer(text: str, *, channel: str = "chat", rubric: Rubric | None = None) -> RemedyOffer:
    """Only what ``text`` offers (types, amounts, payer): cheaper than score_reply.

    Used to check model replies against a policy card; it agrees with
    ``score_reply(text).remedy``.
    """
    rubric = rubric or default_rubric()
    norm = normalize(text)
    hits, _ = _cancel(_run_rules(norm, rubric, channel, _OFFER_CRITERIA), norm.text)
    concrete, specifics = _remedy_hits(hits, norm.text)
    costs = [h for h in hits if h.rule.criterion == "no_blame" and h.rule.level == "cost"]
    if concrete and _pays_for_good(costs, norm.text):
        concrete, specifics = [], []
    return remedy_mod.extract(norm, concrete, specifics, costs)


_TERMS_CRITERIA = frozenset({"remedy", "specific", "no_blame"})
# Of the blame rules only those that make the buyer pay: paying for the shop's own
# mistake, never paid back, voids the remedy (see _pays_for_good).
_TERMS_RULES = frozenset({"remedy", "specific", "no_blame:buyer_pays"})


def remedy_terms(text: str, *, channel: str = "chat", rubric: Rubric | None = None) -> RemedyOffer:
    """The remedy types, amounts and commitment ``text`` offers: what a policy card limits.

    Equal to ``remedy_offer(text)`` in ``types``, ``amounts`` and ``committed``,
    for less: only remedy and specific rules run, with the blame rules that make
    the buyer pay (the other blame rules and ownership decide the payer alone,
    and cancellations stay within a criterion). The payer, time frames and
    tracking numbers are not read (None and empty).
    """
    rubric = rubric or default_rubric_for(_TERMS_RULES)
    norm = normalize(text)
    hits, _ = _cancel(_run_rules(norm, rubric, channel, _TERMS_CRITERIA), norm.text)
    concrete, specifics = _remedy_hits(hits, norm.text)
    costs = [h for h in hits if h.rule.target == "buyer_pays" and h.rule.level == "cost"]
    if concrete and _pays_for_good(costs, norm.text):
        concrete, specifics = [], []
    amounts = [h for h in specifics if h.rule.specific == "amount"]
    offer = remedy_mod.extract(norm, concrete, amounts, ())
    return replace(offer, payer=None)


def _drop_accusing_questions(hits: list[_Raw], costs: list[_Raw], text: str) -> list[_Raw]:
    clauses = units(text, "clause")
    blamed = {i for i, (s, e) in enumerate(clauses) for c in costs if c.start < e and s < c.end}

    def clause_of(pos: int) -> int:
        return next((i for i, (s, e) in enumerate(clauses) if s <= pos < e), -1)

    return [
        h
        for h in hits
        if not (
            h.rule.criterion == "listening"
            and h.rule.level == "earn"
            and clause_of(h.start) in blamed
        )
    ]


def _drop_overlapping_earns(findings: list[Finding], rubric: Rubric) -> list[Finding]:
    """One piece of evidence per stretch of text: where earned findings of a
    criterion overlap, keep the most specific rule (the earlier in its file);
    a cost lying within another cost of the same criterion (or around it) is
    the same evidence twice, and only the earlier rule's stays (whom each rule
    says it blames still counts in ``blame_targets``)."""
    order = rubric.rule_order
    kept: list[Finding] = []
    for f in sorted(findings, key=lambda f: (f.level != "earn", order.get(f.rule, 0), f.start)):
        if f.level == "earn" and any(
            k.level == "earn" and k.criterion == f.criterion and k.start < f.end and f.start < k.end
            for k in kept
        ):
            continue
        if f.level == "cost" and any(
            k.level == "cost"
            and k.criterion == f.criterion
            and ((k.start <= f.start and f.end <= k.end) or (f.start <= k.start and k.end <= f.end))
            for k in kept
        ):
            continue
        kept.append(f)
    return kept


def _group(hits: Iterable[_Raw]) -> dict[tuple[str, str], list[_Raw]]:
    out: dict[tuple[str, str], list[_Raw]] = {}
    for h in hits:
        out.setdefault((h.rule.criterion, h.rule.level), []).append(h)
    return out


def _checks(findings: Sequence[Finding], channel: str) -> dict[str, bool]:
    """The extra checks: true means the reply passes it."""
    names = _REVIEW_CHECKS if channel == "review_reply" else _CHECKS
    failed = {f.criterion for f in findings if f.level == "cost"}
    return {n: n not in failed for n in names}


_CHECKS = ("courtesy", "no_template", "no_review_inducement")
_REVIEW_CHECKS = (*_CHECKS, *REVIEW_CRITERIA)


def _template_findings(norm: Normalized, rubric: Rubric, previous: Sequence[str]) -> list[Finding]:
    """A reply near-identical to one of the agent's earlier replies."""
    earlier = [normalize(p).text.strip() for p in previous]
    hit = _near_identical(norm, rubric, earlier)
    return [_template_finding(norm, TEMPLATE_RULE)] if hit else []


def _canned_finding(norm: Normalized, rubric: Rubric) -> Finding | None:
    """A reply near-identical to a known canned text."""
    hit = _near_identical(norm, rubric, rubric.canned_normalized)
    return _template_finding(norm, CANNED_RULE) if hit else None


def _template_finding(norm: Normalized, rule_id: str) -> Finding:
    msg = _TEMPLATE_MESSAGES[rule_id]
    return Finding(rule_id, "no_template", "cost", 0, len(norm.original), norm.original, *msg)


def _near_identical(norm: Normalized, rubric: Rubric, others: Iterable[str]) -> bool:
    text = norm.text.strip()
    if len(text) < rubric.template_min_chars:
        return False
    fuzz = _fuzz()
    n, cutoff = len(text), rubric.template_threshold
    for other in others:
        m = len(other)
        if m < rubric.template_min_chars:
            continue
        # fuzz.ratio is 100 * (1 - indel / (n + m)) and the indel distance is
        # at least |n - m|: texts of very different lengths never reach the
        # cutoff (the margin keeps float rounding on the safe side).
        if 100.0 * (1.0 - abs(n - m) / (n + m)) < cutoff - 1e-6:
            continue
        if fuzz.ratio(text, other, score_cutoff=cutoff):
            return True
    return False


@lru_cache(maxsize=1)
def _fuzz() -> Any:
    """rapidfuzz.fuzz, imported on first use: linting model replies never needs it."""
    from rapidfuzz import fuzz

    return fuzz


_TEMPLATE_MESSAGES = {
    TEMPLATE_RULE: (
        Message(
            "这条回复和你前面的回复几乎一样,像是复制粘贴的模板。",
            "This reply is nearly identical to an earlier one: it reads like a canned template.",
        ),
        Message(
            "针对买家刚说的内容回应,提到具体的订单、商品或问题。",
            "Answer what the buyer just said, naming their order, item or problem.",
        ),
    ),
    CANNED_RULE: (
        Message(
            "这是一段常见的套话模板,买家会觉得被敷衍。",
            "This is a known canned text; the buyer will feel brushed off.",
        ),
        Message(
            "用自己的话回应这位买家的具体问题,并给出具体的解决办法。",
            "Use your own words about this buyer's problem and give a concrete fix.",
        ),
    ),
}
