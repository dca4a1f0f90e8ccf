"""Immutable values the scorer works with: rules, findings and results.

Every result has ``to_dict()`` giving plain JSON-ready data. Messages are kept
in Simplified Chinese and English; ``lang`` picks one when rendering, and
``zh-Hant`` is produced from the Simplified text by OpenCC (see feedback.py).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

REPLY_CRITERIA = ("apology", "listening", "remedy", "no_blame")
CONVERSATION_CRITERIA = (
    "timely_apology",
    "listening",
    "remedy",
    "no_blame",
    "courtesy",
    "no_template",
    "no_review_inducement",
)
REVIEW_CRITERIA = ("formal_register", "no_private_data")
# The checks beside the four criteria, as a reply result's ``checks`` holds them.
REPLY_CHECKS = (*CONVERSATION_CRITERIA[4:], *REVIEW_CRITERIA)
LEVELS = ("earn", "cancel", "cost", "note")
CHANNELS = ("chat", "review_reply")
LANGS = ("zh", "zh-Hant", "en")


@dataclass(frozen=True, slots=True)
class Message:
    """A short text in Simplified Chinese and English.

    The Chinese text is kept in Chinese punctuation: a half-width , : ; ! ? or
    pair of parentheses beside Chinese is made full-width (``zh_punctuation``),
    so messages assembled from parts read as one style.
    """

    zh: str
    en: str

    def __post_init__(self) -> None:
        zh = self.zh
        if _HALF_WIDTH.search(zh) and _HALF_WIDTH.search(_QUOTED.sub("", zh) if "「" in zh else zh):
            object.__setattr__(self, "zh", zh_punctuation(zh))

    def pick(self, lang: str) -> str:
        """The text for ``lang`` (zh-Hant is converted by the caller)."""
        return self.en if lang == "en" else self.zh


_HALF_WIDTH = re.compile(r"[,:;!?()]")
_FULL_WIDTH = {",": "，", ":": "：", ";": "；", "!": "！", "?": "？", "(": "（", ")": "）"}
_QUOTES = {"「": "」", "『": "』"}
_QUOTED = re.compile(r"「[^」]*」|『[^』]*』")


def _chinese(ch: str) -> bool:
    """A Han character, CJK punctuation (。「」、) or a full-width form."""
    return "\u3400" <= ch <= "\u9fff" or "\u3000" <= ch <= "\u303f" or "\uff00" <= ch <= "\uffef"


def zh_punctuation(text: str, keep_quoted: bool = True) -> str:
    """``text`` with half-width , : ; ! ? and parentheses made full-width where
    they stand beside Chinese (on either side, blanks skipped), without the
    blanks around them. Quoted words (「…」, 『…』: the trainee's own) stay as
    they are, and so do "5:30", "1,000" and English in parentheses."""
    out: list[str] = []
    opened: list[bool] = []  # for each "(" still open: was it made full-width?
    closing = ""  # the quote being skipped, if any
    for i, ch in enumerate(text):
        if closing:
            out.append(ch)
            closing = "" if ch == closing else closing
            continue
        if ch in _QUOTES and keep_quoted:
            closing = _QUOTES[ch]
            out.append(ch)
            continue
        if ch not in _FULL_WIDTH:
            if ch == " " and out and out[-1] in _FULL_WIDTH.values():
                continue  # no blank after full-width punctuation
            out.append(ch)
            continue
        before = next((c for c in reversed(text[:i]) if c != " "), "")
        after = next((c for c in text[i + 1 :] if c != " "), "")
        if ch == "(":
            full = _chinese(before) or _chinese(after)
            opened.append(full)
        elif ch == ")":
            full = opened.pop() if opened else _chinese(before)
        else:
            full = _chinese(before) or (_chinese(after) and not before.isdigit())
        if full:
            while out and out[-1] == " ":
                out.pop()
            out.append(_FULL_WIDTH[ch])
        else:
            out.append(ch)
    return "".join(out)


def _localize(message: Message, lang: str) -> str:
    """``scoring.feedback.localize``, imported only for Traditional Chinese."""
    if lang == "en":
        return message.en
    if lang == "zh-Hant":
        from scoring.feedback import localize

        return localize(message, lang)
    return message.zh


@dataclass(frozen=True, slots=True)
class Rule:
    """One rubric rule: a built-in kind plus its data (see scenarios/rubric)."""

    id: str
    criterion: str
    kind: str
    level: str
    message: Message
    fix: Message
    file: str = ""
    line: int = 0
    channels: tuple[str, ...] = CHANNELS
    soft: bool = False
    target: str | None = None
    # For a rule whose patterns name more than one party ("您联系快递/平台吧"):
    # the file's ``parties`` as one regex with a group per target. The party
    # the hit names first is its target; ``target`` when it names none.
    parties: Any = field(default=None, compare=False, hash=False)
    remedy_type: str | None = None
    specific: str | None = None
    data: dict[str, Any] = field(default_factory=dict, compare=False, hash=False)
    examples_match: tuple[str, ...] = ()
    examples_no_match: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class Finding:
    """A rule that fired, with the exact span of the original reply."""

    rule: str
    criterion: str
    level: str
    start: int
    end: int
    text: str
    message: Message
    fix: Message
    target: str | None = None
    remedy_type: str | None = None
    specific: str | None = None
    soft: bool = False  # a cost that only names a cause (no_blame.yaml): weaker evidence

    def to_dict(self, lang: str = "zh") -> dict[str, Any]:
        """JSON-ready form with messages in ``lang``."""
        if lang == "zh":
            message, fix = self.message.zh, self.fix.zh
        elif lang == "en":
            message, fix = self.message.en, self.fix.en
        else:
            message, fix = _localize(self.message, lang), _localize(self.fix, lang)
        out: dict[str, Any] = {
            "rule": self.rule,
            "criterion": self.criterion,
            "level": self.level,
            "span": [self.start, self.end],
            "text": self.text,
            "message": message,
            "fix": fix,
        }
        if self.target:
            out["target"] = self.target
        if self.remedy_type:
            out["remedy_type"] = self.remedy_type
        return out


@dataclass(frozen=True, slots=True)
class Amount:
    """A money amount named in a reply."""

    value: float
    currency: str
    text: str

    def to_dict(self) -> dict[str, Any]:
        return {"value": self.value, "currency": self.currency, "text": self.text}


@dataclass(frozen=True, slots=True)
class RemedyOffer:
    """What a reply offers the buyer, extracted for policy checks."""

    types: tuple[str, ...] = ()
    amounts: tuple[Amount, ...] = ()
    time_frames: tuple[str, ...] = ()
    payer: str | None = None
    tracking: tuple[str, ...] = ()
    committed: bool = False

    def to_dict(self) -> dict[str, Any]:
        return {
            "types": list(self.types),
            "amounts": [a.to_dict() for a in self.amounts],
            "time_frames": list(self.time_frames),
            "payer": self.payer,
            "tracking": list(self.tracking),
            "committed": self.committed,
        }


@dataclass(frozen=True, slots=True)
class ReplyResult:
    """The verdict on one agent reply."""

    text: str
    channel: str
    lang: str
    criteria: dict[str, bool]
    checks: dict[str, bool]
    findings: tuple[Finding, ...]
    remedy: RemedyOffer
    blame_targets: tuple[str, ...]

    def evidence(self, criterion: str) -> tuple[Finding, ...]:
        """Findings that bear on ``criterion`` (earned or cost)."""
        return tuple(f for f in self.findings if f.criterion == criterion)

    def to_dict(self, lang: str | None = None) -> dict[str, Any]:
        lang = lang or self.lang
        return {
            "criteria": dict(self.criteria),
            "checks": dict(self.checks),
            "remedy": self.remedy.to_dict(),
            "blame_targets": list(self.blame_targets),
            "findings": [f.to_dict(lang) for f in self.findings],
        }


@dataclass(frozen=True, slots=True)
class Evidence:
    """A finding located in a conversation (which turn it came from)."""

    turn: int
    finding: Finding

    def to_dict(self, lang: str) -> dict[str, Any]:
        return {"turn": self.turn, **self.finding.to_dict(lang)}


@dataclass(frozen=True, slots=True)
class CriterionResult:
    """Pass or fail for one conversation-level criterion, with evidence."""

    passed: bool
    evidence: tuple[Evidence, ...] = ()
    note: Message | None = None
    advice: Message | None = None  # a better way for this failure (else the criterion's own)

    def to_dict(self, lang: str) -> dict[str, Any]:
        out: dict[str, Any] = {
            "passed": self.passed,
            "evidence": [e.to_dict(lang) for e in self.evidence],
        }
        if self.note:
            out["note"] = _localize(self.note, lang)
        return out


@dataclass(frozen=True, slots=True)
class Turn:
    """One line of a conversation."""

    role: str
    text: str
    at: float | None = None


@dataclass(frozen=True, slots=True)
class ReplyScore:
    """An agent turn's index in the conversation and its verdict."""

    turn: int
    result: ReplyResult

    def to_dict(self, lang: str) -> dict[str, Any]:
        return {"turn": self.turn, **self.result.to_dict(lang)}


@dataclass(frozen=True, slots=True)
class TimeSlip:
    """Time going backwards in a conversation: turn ``turn`` is timestamped
    before turn ``before``, the last earlier turn with a time (a wrong clock
    or time zone). A delay across it is unknown, never a fast reply."""

    turn: int
    before: int


@dataclass(frozen=True, slots=True)
class ConversationResult:
    """The verdict on a whole conversation: score, criteria, replies, feedback.

    ``time_slips``: where the turns' times go backwards, for the caller to
    report (the scorer itself prints nothing)."""

    score: int
    channel: str
    lang: str
    criteria: dict[str, CriterionResult]
    replies: tuple[ReplyScore, ...]
    feedback: tuple[Message, ...]
    options_offered: tuple[str, ...] = ()
    time_slips: tuple[TimeSlip, ...] = ()

    def to_dict(self, lang: str | None = None) -> dict[str, Any]:
        lang = lang or self.lang
        return {
            "score": self.score,
            "criteria": {k: v.to_dict(lang) for k, v in self.criteria.items()},
            "replies": [r.to_dict(lang) for r in self.replies],
            "feedback": [m.zh if lang == "zh" else _localize(m, lang) for m in self.feedback],
        }
