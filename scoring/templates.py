"""Template replies: a reply near-identical to the agent's earlier ones or to
a known canned text (rapidfuzz similarity, thresholds in the rubric)."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from functools import lru_cache
from typing import Any

from scoring.model import Finding, Message
from scoring.normalize import Normalized, normalize
from scoring.rubric import Rubric

TEMPLATE_RULE = "TPL001"
CANNED_RULE = "TPL002"


def template_findings(norm: Normalized, rubric: Rubric, previous: Sequence[str]) -> list[Finding]:
    """A reply near-identical to one of the agent's earlier replies."""
    earlier = [normalize(p).text.strip() for p in previous]
    hit = _near_identical(norm, rubric, earlier)
    return [_template_finding(norm, TEMPLATE_RULE)] if hit else []


def canned_finding(norm: Normalized, rubric: Rubric) -> Finding | None:
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
