"""The dialogue engine: a pure state machine over a Scenario.

``Session(scenario, seed=...)`` shows the buyer's opening line; ``submit(reply,
at=...)`` scores the reply, applies the first matching reaction of the current
node (mood change and next node), checks the reply against the shop's policy
card and the response-time target, and returns an ``Exchange`` saying what
happened and why. The same seed gives the same conversation, and a session
serialises to JSON and resumes from it (``to_dict`` / ``from_dict``).
"""

from __future__ import annotations

import random
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from scoring import score_conversation, score_reply
from scoring.model import REPLY_CHECKS, ConversationResult, Message, RemedyOffer, ReplyResult
from simulator.i18n import Translator, label_of
from simulator.scenario import Check, Policy, Scenario, money

SLOW_MOOD = 10
ALWAYS_ALLOWED = ("courier_chase", "reissue", "revisit")


@dataclass(frozen=True)
class Exchange:
    """One trainee reply and what it caused."""

    step: int
    reply: str
    at: float | None
    result: ReplyResult
    node: str
    mood_before: int
    mood_after: int
    reasons: tuple[Message, ...]
    breaches: tuple[Message, ...]
    slow: bool
    next_id: str
    buyer_line: str
    ended: bool

    @property
    def mood_change(self) -> int:
        return self.mood_after - self.mood_before


@dataclass(frozen=True)
class SessionResult:
    """The end of a session: the ending, the conversation score, the checks."""

    ending: str | None
    outcome: str | None
    summary: Message | None
    mood: int
    conversation: ConversationResult
    checks: Mapping[str, bool]
    breaches: tuple[Message, ...]

    @property
    def failed_checks(self) -> int:
        return sum(1 for passed in self.checks.values() if not passed)

    @property
    def distinct_breaches(self) -> int:
        """Policy breaches, each counted once however often it was repeated."""
        return len(set(self.breaches))

    @property
    def score(self) -> int:
        """The conversation's score less CHECK_COST per failed must / must-not
        check and BREACH_COST per policy breach: a reply that promises what the
        shop's policy forbids, or does what the scenario says never to do,
        cannot earn full marks however well it is worded."""
        lost = CHECK_COST * self.failed_checks + BREACH_COST * self.distinct_breaches
        return max(0, self.conversation.score - lost)

    def to_dict(self, lang: str = "zh") -> dict[str, Any]:
        from scoring.feedback import localize

        return {
            "ending": self.ending,
            "outcome": self.outcome,
            "summary": localize(self.summary, lang) if self.summary else None,
            "mood": self.mood,
            "score": self.score,
            "conversation_score": self.conversation.score,
            "criteria": {k: v.passed for k, v in self.conversation.criteria.items()},
            "checks": dict(self.checks),
            "policy_breaches": [localize(m, lang) for m in self.breaches],
            "feedback": [localize(m, lang) for m in self.conversation.feedback],
        }


HINT_COST = 5  # points off the attempt's score for each hint shown (practice mode)
CHECK_COST = 10  # points off for each of the scenario's must / must-not checks failed
BREACH_COST = 10  # points off for each distinct promise the shop's policy forbids


def score_after_hints(score: int, hints: int) -> int:
    """The score recorded for an attempt: ``SessionResult.score``, less HINT_COST per hint."""
    return max(0, score - HINT_COST * max(0, hints))


def policy_breaches(
    offer: RemedyOffer, policy: Policy, currency: str | None = None
) -> list[Message]:
    """Remedies offered beyond the policy card: a promise the shop may not keep.

    ``currency`` (the order's) names the unit of a limit in the message.
    """
    if not offer.committed:
        return []
    out = []
    allowed = policy.allowed
    for kind in offer.types:
        ok = kind in allowed or kind in ALWAYS_ALLOWED
        if kind == "return":
            ok = ok or bool({"refund", "exchange", "partial_refund"} & allowed.keys())
        if kind == "shop_pays_postage":
            # the card's "return postage: the shop pays" already promises it
            ok = ok or policy.return_postage == "shop"
        if not ok:
            zh, en = _remedy_names(kind)
            out.append(
                Message(
                    f"承诺了店铺政策不允许的补救:{zh}",
                    f"Offered a remedy the policy does not allow: {en}",
                )
            )
    caps = [allowed[k] for k in offer.types if allowed.get(k) is not None]
    if caps:
        cap = max(c for c in caps if c is not None)
        limit = money(cap, currency)
        for amount in offer.amounts:
            if amount.currency != "%" and amount.value > cap:
                out.append(
                    Message(
                        f"金额 {amount.text} 超过了政策上限 {limit.zh}",
                        f"Amount {amount.text} is above the policy limit of {limit.en}",
                    )
                )
    return out


def _remedy_names(kind: str) -> tuple[str, str]:
    """A remedy type as the policy card names it, in Chinese and in English
    (lower case, to run on in a sentence)."""
    key = f"briefing.remedy.{kind}"
    zh, en = label_of(Translator("zh"), key), label_of(Translator("en"), key)
    return zh, en[:1].lower() + en[1:]


def reply_facts(
    result: ReplyResult, breaches: list[Message], slow: bool, mood: int
) -> dict[str, Any]:
    """What conditions can test about one reply."""
    return {
        **result.criteria,
        **{check: result.checks.get(check, True) for check in REPLY_CHECKS},
        "remedy_type": set(result.remedy.types),
        "amounts": [a.value for a in result.remedy.amounts],
        "blame_target": set(result.blame_targets),
        "specific": {f.specific for f in result.findings if f.specific},
        "policy_breach": bool(breaches),
        "slow": slow,
        "mood": mood,
    }


def holds(cond: Mapping[str, Any], facts: Mapping[str, Any]) -> bool:
    """Whether every key of a condition holds for the facts of a reply."""
    for key, want in cond.items():
        if key in ("remedy_type", "blame_target", "specific"):
            options = set(want) if isinstance(want, list) else {want}
            if not options & facts[key]:
                return False
        elif key == "amount_at_least":
            if not any(a >= want for a in facts["amounts"]):
                return False
        elif key == "amount_at_most":
            if not facts["amounts"] or any(a > want for a in facts["amounts"]):
                return False
        elif key == "mood_at_least":
            if facts["mood"] < want:
                return False
        elif key == "mood_at_most":
            if facts["mood"] > want:
                return False
        elif bool(facts[key]) != want:
            return False
    return True


@dataclass
class Session:
    """A scenario being played. Mutable on purpose; every step is an Exchange."""

    scenario: Scenario
    seed: int = 0
    started_at: float | None = None
    node: str = ""
    mood: int = 0
    stalls: int = 0
    ending: str | None = None
    exchanges: list[Exchange] = field(default_factory=list)
    buyer_lines: list[tuple[str, float | None]] = field(default_factory=list)

    def __post_init__(self) -> None:
        if not self.node:
            self.node = self.scenario.start
            self.mood = self.scenario.buyer.mood
            self.buyer_lines.append(
                (self._line(self.scenario.nodes[self.node].say), self.started_at)
            )

    @property
    def ended(self) -> bool:
        return self.ending is not None

    @property
    def current_line(self) -> str:
        """The buyer's latest line."""
        return self.buyer_lines[-1][0]

    def _line(self, variants: tuple[str, ...]) -> str:
        if not variants:
            return ""
        rng = random.Random(f"{self.seed}:{self.scenario.id}:{len(self.buyer_lines)}")
        return rng.choice(variants)

    def submit(self, reply: str, at: float | None = None) -> Exchange:
        """Score ``reply`` (sent at ``at`` seconds), move the buyer, and say why."""
        if self.ended:
            raise RuntimeError("the conversation has ended")
        s = self.scenario
        previous = [e.reply for e in self.exchanges]
        result = score_reply(reply, channel=s.channel, context={"previous_replies": previous})
        shown = self.buyer_lines[-1][1]
        slow = bool(
            s.response_target_s
            and at is not None
            and shown is not None
            and at - shown > s.response_target_s
        )
        breaches = policy_breaches(result.remedy, s.policy, s.order.get("currency"))
        facts = reply_facts(result, breaches, slow, self.mood)
        node = s.nodes[self.node]
        chosen = next(t for t in node.on if t.is_else or holds(t.cond, facts))
        reasons = [chosen.why] if chosen.why else []
        delta = chosen.mood
        if slow:
            delta += SLOW_MOOD
            reasons.append(
                Message(
                    f"回复超过了 {s.response_target_s:g} 秒的响应目标",
                    f"The reply took longer than the {s.response_target_s:g} s target",
                )
            )
        before = self.mood
        self.mood = max(0, min(100, self.mood + delta))
        progress = (
            result.criteria["apology"] or result.criteria["listening"] or result.criteria["remedy"]
        )
        self.stalls = 0 if progress else self.stalls + 1
        target = chosen.goto
        if self.stalls >= s.buyer.patience and s.buyer.gives_up:
            target = s.buyer.gives_up
            reasons.append(Message("买家失去了耐心", "The buyer ran out of patience"))
        if target in s.endings:
            self.ending = target
            line = self._line(s.endings[target].say)
        else:
            self.node = target
            line = self._line(s.nodes[target].say)
        self.buyer_lines.append((line, at))
        exchange = Exchange(
            step=len(self.exchanges), reply=reply, at=at, result=result, node=node.id,
            mood_before=before, mood_after=self.mood, reasons=tuple(reasons), breaches=tuple(breaches),
            slow=slow, next_id=target, buyer_line=line, ended=self.ended,
        )  # fmt: skip
        self.exchanges.append(exchange)
        return exchange

    def transcript(self) -> list[dict[str, Any]]:
        """Buyer and trainee turns in order, for the conversation scorer."""
        turns: list[dict[str, Any]] = []
        for i, (line, at) in enumerate(self.buyer_lines):
            if line:
                turns.append({"role": "buyer", "text": line, "at": at})
            if i < len(self.exchanges):
                e = self.exchanges[i]
                turns.append({"role": "agent", "text": e.reply, "at": e.at})
        return turns

    def result(self) -> SessionResult:
        """The conversation-level verdict (at the end, or so far)."""
        s = self.scenario
        conv = score_conversation(
            self.transcript(), channel=s.channel, response_target_s=s.response_target_s
        )
        ending = s.endings.get(self.ending) if self.ending else None
        return SessionResult(
            ending=self.ending,
            outcome=ending.outcome if ending else None,
            summary=ending.summary if ending else None,
            mood=self.mood,
            conversation=conv,
            checks={c.id: self._check(c) for c in s.checks},
            breaches=tuple(b for e in self.exchanges for b in e.breaches),
        )

    def _check(self, check: Check) -> bool:
        hit = any(
            holds(check.when, reply_facts(e.result, list(e.breaches), e.slow, e.mood_before))
            for e in self.exchanges
        )
        return hit if check.must else not hit

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready state: enough to resume by replaying the replies."""
        return {
            "scenario": self.scenario.id,
            "seed": self.seed,
            "started_at": self.started_at,
            "replies": [{"text": e.reply, "at": e.at} for e in self.exchanges],
            "ending": self.ending,
            "mood": self.mood,
        }

    @classmethod
    def from_dict(cls, scenario: Scenario, data: Mapping[str, Any]) -> Session:
        """Resume a saved session (the engine is deterministic, so replaying is exact)."""
        if data.get("scenario") != scenario.id:
            raise ValueError(
                f"saved session is for scenario {data.get('scenario')!r}, not {scenario.id!r}"
            )
        session = cls(scenario, seed=int(data.get("seed", 0)), started_at=data.get("started_at"))
        for item in data.get("replies", []):
            session.submit(item["text"], at=item.get("at"))
        return session
