"""score_reply: the verdict on one agent reply (conversations: conversation.py).

A reply is normalised once, every rule for its channel runs over the
normalised text, ``cancel`` findings remove the ``earn`` findings they
overlap (a conditional apology is no apology), and the four criteria are
decided from what is left. A conversation adds the order of events: the
apology in the first reply to each grievance and within the response-time
target, listening before the remedy, options offered, template replies.

The parts: scoring.hits runs the rules and reads their hits, scoring.
second_opinion lets the learned model overrule the rules' verdict, and
scoring.templates finds canned and repeated replies.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import replace
from functools import lru_cache
from typing import Any

from scoring import remedy as remedy_mod
from scoring.hits import (
    Hit,
    blame_targets,
    cancel,
    drop_accusing_questions,
    group_hits,
    hit_target,
    offers_nothing,
    owned_causes,
    pays_for_good,
    remedy_hits,
    run_rules,
)
from scoring.model import CHANNELS, REPLY_CHECKS, REVIEW_CRITERIA, Finding, RemedyOffer, ReplyResult
from scoring.normalize import Normalized, normalize
from scoring.rubric import Rubric, default_rubric, default_rubric_for
from scoring.second_opinion import admits_fault, second_opinion
from scoring.templates import canned_finding, template_findings

_CJK = re.compile(r"[\u3400-\u9fff]")
_LATIN_WORD = re.compile(r"[a-z]+")


def detect_lang(norm: Normalized) -> str:
    """zh, zh-Hant or en, from the reply's own characters."""
    latin_words = len(_LATIN_WORD.findall(norm.text))
    # Without Latin words only whether there is any CJK character matters.
    cjk = len(_CJK.findall(norm.text)) if latin_words else int(bool(_CJK.search(norm.text)))
    if cjk and cjk >= latin_words:
        return "zh-Hant" if norm.traditional else "zh"
    return "en" if latin_words else "zh"


def _finding(
    norm: Normalized, hit: Hit, criterion: str | None = None, level: str | None = None
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
        target=hit_target(hit, norm.text),
        remedy_type=r.remedy_type,
        specific=r.specific,
        soft=r.soft,
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
    template = template_findings(norm, rubric, previous) if previous else []
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


def _finding_order(f: Finding) -> tuple[int, int, str]:
    return (f.start, f.end, f.rule)


@lru_cache(maxsize=MEMO_SIZE)
def _judged_memo(text: str, channel: str) -> _Judged:
    return _judged(text, channel, default_rubric())


def _judged(text: str, channel: str, rubric: Rubric) -> _Judged:
    norm = normalize(text)
    hits, polite = cancel(run_rules(norm, rubric, channel), norm.text)
    by = group_hits(hits)
    concrete, specifics = remedy_hits(hits, norm.text)
    # An offer of nothing ("退您0元") is no remedy, whatever the model reads.
    zeroed = not concrete and offers_nothing(hits, norm.text)
    # A cause named while the reply owns the fix, or in a polite decline (an
    # apology word that is not a non-apology, or a request to the buyer), is
    # an explanation, not blame-shifting (CRITERIA.md). A bare question (a soft
    # listening earn) does not count: "怎么会这样呢?我们发货前都检查了" argues.
    asks = [h for h in by.get(("listening", "earn"), []) if not h.rule.soft]
    owned = bool(concrete or polite or by.get(("ownership", "earn")) or asks)
    costs = [h for h in by.get(("no_blame", "cost"), []) if not (h.rule.soft and owned)]
    costs = owned_causes(costs, hits, norm.text)
    if concrete and pays_for_good(costs, norm.text):
        concrete, specifics = [], []
    if costs:
        # A question in the same clause as blame is accusing, not listening
        # ("您是不是没按说明书装?").
        hits = drop_accusing_questions(hits, costs, norm.text)
        by = group_hits(hits)
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
        criteria, findings = second_opinion(
            rubric.learned,
            norm,
            criteria,
            findings,
            lambda: admits_fault(norm, rubric, channel),
            frozenset({"remedy"}) if zeroed else frozenset(),
        )
    findings.sort(key=_finding_order)
    canned = canned_finding(norm, rubric)
    # The offer is what the words promise, as the rules read them; where the
    # learned model doubts that the promise is a concrete remedy, the verdict
    # changes, not the promise ("马上赔您50元,您别给差评就行" is no remedy
    # under CRITERIA.md, and still a cash payout the shop's policy forbids).
    offer = remedy_mod.extract(norm, concrete, specifics, costs)
    # Blame the learned model cleared names no target (scenario checks read them).
    blamed = costs if not criteria["no_blame"] else []
    targets = blame_targets(blamed, norm.text)
    return _Judged(norm, criteria, tuple(findings), canned, offer, targets, detect_lang(norm))


_OFFER_CRITERIA = frozenset({"remedy", "specific", "no_blame", "ownership"})


def remedy_offer(text: str, *, channel: str = "chat", rubric: Rubric | None = None) -> RemedyOffer:
    """Only what ``text`` offers (types, amounts, payer): cheaper than score_reply.

    Used to check model replies against a policy card; it agrees with
    ``score_reply(text).remedy``.
    """
    rubric = rubric or default_rubric()
    norm = normalize(text)
    hits, _ = cancel(run_rules(norm, rubric, channel, _OFFER_CRITERIA), norm.text)
    concrete, specifics = remedy_hits(hits, norm.text)
    costs = [h for h in hits if h.rule.criterion == "no_blame" and h.rule.level == "cost"]
    if concrete and pays_for_good(costs, norm.text):
        concrete, specifics = [], []
    return remedy_mod.extract(norm, concrete, specifics, costs)


_TERMS_CRITERIA = frozenset({"remedy", "specific", "no_blame"})
# Of the blame rules only those that make the buyer pay: paying for the shop's own
# mistake, never paid back, voids the remedy (see pays_for_good).
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
    hits, _ = cancel(run_rules(norm, rubric, channel, _TERMS_CRITERIA), norm.text)
    concrete, specifics = remedy_hits(hits, norm.text)
    costs = [h for h in hits if h.rule.target == "buyer_pays" and h.rule.level == "cost"]
    if concrete and pays_for_good(costs, norm.text):
        concrete, specifics = [], []
    amounts = [h for h in specifics if h.rule.specific == "amount"]
    offer = remedy_mod.extract(norm, concrete, amounts, ())
    return replace(offer, payer=None)


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


def _checks(findings: Sequence[Finding], channel: str) -> dict[str, bool]:
    """The extra checks: true means the reply passes it."""
    names = _REVIEW_CHECKS if channel == "review_reply" else _CHECKS
    failed = {f.criterion for f in findings if f.level == "cost"}
    return {n: n not in failed for n in names}


_REVIEW_CHECKS = REPLY_CHECKS
_CHECKS = tuple(c for c in REPLY_CHECKS if c not in REVIEW_CRITERIA)
