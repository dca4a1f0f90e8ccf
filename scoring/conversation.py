"""score_conversation: the order of events across a conversation.

Each agent reply is judged by ``score_reply``; this module adds what only a
conversation shows: the apology in the first reply to each grievance and
within the response-time target, listening before the remedy, the options
offered, template replies, and the 0-100 score with the rubric's weights.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime
from functools import lru_cache
from typing import Any

from scoring import remedy as remedy_mod
from scoring.engine import MEMO_MAX_CHARS, MEMO_SIZE, score_reply
from scoring.feedback import conversation_feedback, reply_number
from scoring.model import (
    CONVERSATION_CRITERIA,
    REVIEW_CRITERIA,
    ConversationResult,
    CriterionResult,
    Evidence,
    Message,
    ReplyScore,
    TimeSlip,
    Turn,
)
from scoring.normalize import normalize
from scoring.rubric import Rubric, default_rubric

# Remedy types a buyer can choose between; postage and courier chasing are
# details of a remedy, and a return goes with a refund or an exchange.
OPTION_TYPES = (
    "refund",
    "partial_refund",
    "exchange",
    "reship",
    "repair",
    "coupon",
    "compensation",
    "gift",
)


def _as_turn(raw: Turn | Mapping[str, Any]) -> Turn:
    if isinstance(raw, Turn):
        return raw
    return Turn(
        role=str(raw.get("role", "")), text=str(raw.get("text", "")), at=parse_time(raw.get("at"))
    )


def parse_time(value: Any) -> float | None:
    """Seconds since the epoch from an ISO-8601 text, a number or a datetime."""
    if value is None or value == "":
        return None
    if isinstance(value, int | float):
        return float(value)
    if isinstance(value, datetime):
        return value.timestamp()
    text = str(value).strip().replace("Z", "+00:00")
    return datetime.fromisoformat(text).timestamp()


def _is_grievance(text: str, rubric: Rubric, channel: str) -> bool:
    if rubric is default_rubric() and len(text) <= MEMO_MAX_CHARS:
        return _is_grievance_memo(text, channel)
    return _grievance(text, rubric, channel)


@lru_cache(maxsize=MEMO_SIZE)
def _is_grievance_memo(text: str, channel: str) -> bool:
    # Buyers' openers repeat in real logs as canned replies do ("在吗", "还没发货?").
    return _grievance(text, default_rubric(), channel)


def _grievance(text: str, rubric: Rubric, channel: str) -> bool:
    norm = normalize(text).text
    rules = rubric.grievance
    if rubric.grievance_prefilter is None:
        candidates: Mapping[int, tuple[int, ...] | None] = dict.fromkeys(range(len(rules)))
    else:
        candidates = rubric.grievance_prefilter.candidates(norm)
    said = [
        rules[i].rule
        for i, only in candidates.items()
        if channel in rules[i].rule.channels and rules[i].matcher.find(norm, only)
    ]
    # A plain complaint is one; a problem named calmly (soft, with a cancel:
    # "好的,谢谢。那退款几天到账?") is a buyer cooperating with the remedy.
    if any(r.level == "earn" and not r.soft for r in said):
        return True
    return any(r.level == "earn" for r in said) and not any(r.level == "cancel" for r in said)


def score_conversation(
    turns: Sequence[Turn | Mapping[str, Any]],
    *,
    channel: str = "chat",
    response_target_s: float | None = None,
    rubric: Rubric | None = None,
) -> ConversationResult:
    """Judge a whole conversation; see CRITERIA.md "Across a conversation"."""
    rubric = rubric or default_rubric()
    seq = [_as_turn(t) for t in turns]
    target = (
        response_target_s
        if response_target_s is not None
        else rubric.response_target_s.get(channel)
    )
    replies: list[ReplyScore] = []
    previous: list[str] = []
    for i, turn in enumerate(seq):
        if turn.role == "agent":
            result = score_reply(
                turn.text, channel=channel, context={"previous_replies": previous}, rubric=rubric
            )
            replies.append(ReplyScore(i, result))
            previous.append(turn.text)
    criteria: dict[str, CriterionResult] = {
        "timely_apology": _timely_apology(seq, replies, rubric, channel, target),
        "listening": _listening_first(seq, replies),
        "remedy": _any_reply(replies, "remedy"),
        "no_blame": _all_replies(replies, "no_blame"),
    }
    for name in CONVERSATION_CRITERIA[4:] + (REVIEW_CRITERIA if channel == "review_reply" else ()):
        criteria[name] = _all_replies(replies, name)
    options = tuple(
        dict.fromkeys(
            t
            for r in replies
            if r.result.criteria["remedy"]
            for t in r.result.remedy.types
            if t in OPTION_TYPES
        )
    )
    score = _score(criteria, options, rubric.weights[channel])
    lang = replies[0].result.lang if replies else "zh"
    return ConversationResult(
        score=score,
        channel=channel,
        lang=lang,
        criteria=criteria,
        replies=tuple(replies),
        feedback=tuple(
            conversation_feedback(
                criteria, replies, options, rubric.weights[channel].get("remedy_options", 0)
            )
        )
        if replies
        else (_UNANSWERED,),
        options_offered=options,
        time_slips=_time_slips(seq),
    )


def _time_slips(seq: Sequence[Turn]) -> tuple[TimeSlip, ...]:
    """Each turn timestamped before the last earlier turn that has a time
    (turns without one are skipped: ``at`` is optional on any turn)."""
    slips: list[TimeSlip] = []
    last: tuple[int, float] | None = None
    for i, turn in enumerate(seq):
        if turn.at is None:
            continue
        if last is not None and turn.at < last[1]:
            slips.append(TimeSlip(i, last[0]))
        last = (i, turn.at)
    return tuple(slips)


def _score(
    criteria: Mapping[str, CriterionResult], options: Sequence[str], weights: Mapping[str, float]
) -> int:
    total = sum(w for name, w in weights.items() if name in criteria and criteria[name].passed)
    if len(options) >= 2 and criteria["remedy"].passed:
        total += weights.get("remedy_options", 0)
    return max(0, min(100, round(total)))


def _evidence(replies: Sequence[ReplyScore], criterion: str, level: str) -> tuple[Evidence, ...]:
    return tuple(
        [
            Evidence(r.turn, f)
            for r in replies
            for f in r.result.findings
            if f.criterion == criterion and f.level == level
        ]
    )


def _any_reply(replies: Sequence[ReplyScore], criterion: str) -> CriterionResult:
    passed = any(r.result.criteria[criterion] for r in replies)
    return CriterionResult(passed, _evidence(replies, criterion, "earn" if passed else "note"))


def _all_replies(replies: Sequence[ReplyScore], criterion: str) -> CriterionResult:
    """No reply fails ``criterion``; a conversation the agent never answered earns nothing."""
    if not replies:
        return CriterionResult(False, (), _NO_REPLY)
    evidence = _evidence(replies, criterion, "cost")
    return CriterionResult(not evidence, evidence)


_NO_REPLY = Message("还没有任何回复,无从评分。", "There is no reply to judge.")
_UNANSWERED = Message(
    "✗ 没有回复:买家的消息没有得到任何回答,本次得 0 分。",
    "✗ No reply: the buyer's message went unanswered, so this scores 0.",
)


def _listening_first(seq: Sequence[Turn], replies: Sequence[ReplyScore]) -> CriterionResult:
    """A listening prompt at or before the first reply that offers a remedy."""
    first_remedy = next((r.turn for r in replies if r.result.criteria["remedy"]), None)
    upto = [r for r in replies if first_remedy is None or r.turn <= first_remedy]
    evidence = _evidence(upto, "listening", "earn")
    if evidence:
        return CriterionResult(True, evidence)
    buyer_text = " ".join(t.text for t in seq[: first_remedy or len(seq)] if t.role == "buyer")
    if first_remedy is not None and remedy_mod.buyer_gave_details(buyer_text):
        return CriterionResult(True, (), _DETAILS_GIVEN)
    late = _evidence(replies, "listening", "earn")
    return CriterionResult(False, late, _LISTEN_LATE if late else None)


_DETAILS_GIVEN = Message(
    "买家已经给出了订单号和照片等全部细节,无需再追问。",
    "The buyer already gave every detail (order number, photos).",
)
_LISTEN_LATE = Message(
    "询问细节出现在给出解决方案之后,应先听后解决。",
    "You asked for details only after settling the remedy: listen first.",
)
_NO_APOLOGY_FIRST = Message(  # reply 1, or the first after small talk: no number needed
    "对买家投诉的第一条回复里没有道歉。",
    "Your first reply to the buyer's complaint has no apology.",
)
_NO_APOLOGY_AGAIN = Message(
    "买家又提出了新的不满,之后的第一条回复(第{n}条回复)里没有道歉。",
    "The buyer raised a new complaint, and your first reply after it (reply {n}) has no apology.",
)
_LATE = Message(
    "道歉的回复在买家投诉后 {took}才发出,超过了响应时间目标({goal})。",
    "The apology came {took} after the complaint, past the response-time target ({goal}).",
)
_FASTER = Message(
    "先尽快回一句道歉，说明正在处理，再去查细节，例如「非常抱歉，我马上帮您查」。",
    'Answer sooner: send a quick apology and say you are on it, then look into the details, e.g. "So sorry, I\'m checking this right now."',
)


def _duration(seconds: float, zh: bool) -> str:
    """A delay as people read it: "45 s", "3 min 20 s", "1 h 5 min" (秒, 分, 小时)."""
    sec, mins, hours = ("秒", "分", "小时") if zh else ("s", "min", "h")
    t = max(0, round(seconds))
    if t < 60:
        return f"{t} {sec}"
    if t < 3600:
        return f"{t // 60} {mins} {t % 60} {sec}" if t % 60 else f"{t // 60} {mins}"
    rest = t % 3600 // 60
    return f"{t // 3600} {hours} {rest} {mins}" if rest else f"{t // 3600} {hours}"


_TIME_UNKNOWN = Message(
    "道歉的时间早于它回复的买家消息(时间倒退了),无法判断是否及时。",
    "The apology is timestamped before the buyer message it answers (time went "
    "backwards), so whether it came in time is unknown.",
)


def _timely_apology(
    seq: Sequence[Turn],
    replies: Sequence[ReplyScore],
    rubric: Rubric,
    channel: str,
    target: float | None,
) -> CriterionResult:
    """The first agent block after each grievance apologises, in time."""
    by_turn = {r.turn: r for r in replies}
    grievances = [
        i for i, t in enumerate(seq) if t.role == "buyer" and _is_grievance(t.text, rubric, channel)
    ]
    first_buyer = next((i for i, t in enumerate(seq) if t.role == "buyer"), None)
    if first_buyer is not None and first_buyer not in grievances:
        grievances.insert(0, first_buyer)
    if not grievances:
        grievances = [-1]  # a lone reply answers an implied complaint
    evidence: list[Evidence] = []
    unknown = False  # an apology timed before its complaint: its delay is unknown
    for g in grievances:
        block = _answer_block(seq, g, by_turn)
        if not block:
            continue
        apologies = [r for r in block if r.result.criteria["apology"]]
        if not apologies:
            # The first complaint, or one the buyer raised later in the chat.
            which = _NO_APOLOGY_FIRST if g == grievances[0] else _NO_APOLOGY_AGAIN
            n = reply_number(replies, block[0].turn)
            note = Message(which.zh.format(n=n), which.en.format(n=n))
            # An apology word used to refuse or deflect: point at it and say why.
            cancelled = _evidence(block, "apology", "cancel")
            return CriterionResult(False, cancelled or _evidence(replies, "apology", "earn"), note)
        first = apologies[0]
        asked, answered = (seq[g].at if g >= 0 else None), seq[first.turn].at
        if asked is not None and answered is not None and answered < asked:
            # Not a reply faster than instant: the clock is wrong, the delay unknown.
            unknown = True
        elif (
            target is not None
            and asked is not None
            and answered is not None
            and answered - asked > target
        ):
            took, goal = answered - asked, target
            late = Message(
                _LATE.zh.format(took=_duration(took, True), goal=_duration(goal, True)),
                _LATE.en.format(took=_duration(took, False), goal=_duration(goal, False)),
            )
            return CriterionResult(False, _evidence([first], "apology", "earn"), late, _FASTER)
        evidence.extend(_evidence([first], "apology", "earn"))
    if not replies:
        return CriterionResult(False, (), _NO_APOLOGY_FIRST)
    return CriterionResult(True, tuple(evidence), _TIME_UNKNOWN if unknown else None)


def _answer_block(
    seq: Sequence[Turn], g: int, by_turn: Mapping[int, ReplyScore]
) -> list[ReplyScore]:
    """The agent turns right after turn ``g``, up to the next buyer turn."""
    block = []
    for i in range(g + 1, len(seq)):
        if seq[i].role == "buyer":
            break
        if i in by_turn:
            block.append(by_turn[i])
    return block
