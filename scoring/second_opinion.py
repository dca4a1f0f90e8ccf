"""The learned model's second opinion on the rules' verdict, and the
findings that tell the trainee where the model overruled them
(scoring/learned.py has the model)."""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import replace

from scoring.hits import run_rules
from scoring.kinds import units
from scoring.learned import LearnedModel
from scoring.model import Finding, Message
from scoring.normalize import Normalized
from scoring.rubric import Rubric

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


def second_opinion(
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


def admits_fault(norm: Normalized, rubric: Rubric, channel: str) -> bool:
    """The reply names the fault as the shop's own (ownership rules with target shop)."""
    hits = run_rules(norm, rubric, channel, _OWNERSHIP, demand=_OWNERSHIP)
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
