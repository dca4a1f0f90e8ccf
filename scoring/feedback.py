"""Findings to what the trainee reads, in the reply's language.

Messages are stored in Simplified Chinese and English; Traditional Chinese
is produced from the Simplified text with OpenCC ``s2twp`` so that a
Traditional-speaking trainee reads Taiwan-style wording.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from functools import lru_cache
from typing import TYPE_CHECKING

import opencc

from scoring.model import Message

if TYPE_CHECKING:
    from scoring.model import CriterionResult, Evidence, ReplyScore


CRITERION_NAMES = {
    "timely_apology": Message("及时道歉", "Timely apology"),
    "apology": Message("道歉", "Apology"),
    "listening": Message("倾听询问", "Listening"),
    "remedy": Message("具体补救", "Concrete remedy"),
    "no_blame": Message("不推卸责任", "No blame-shifting"),
    "courtesy": Message("礼貌", "Courtesy"),
    "no_template": Message("不套模板", "No template replies"),
    "no_review_inducement": Message("不诱导好评", "No review inducement"),
    "formal_register": Message("书面语气", "Formal register"),
    "no_private_data": Message("不泄露隐私", "No private data"),
}

_ADVICE = {
    "timely_apology": Message(
        "买家投诉后的第一条回复就先道歉,例如「非常抱歉给您添麻烦了」。",
        'Apologise in your first reply to the complaint, e.g. "I\'m so sorry for the trouble."',
    ),
    "listening": Message(
        "先请买家讲清情况再给方案，例如「方便拍张照片发给我看看吗？」。",
        'Ask for the buyer\'s account before solving, e.g. "Could you send me a photo of it?"',
    ),
    "remedy": Message(
        "给出具体的补救：说明补救方式和金额、时间或谁付运费，例如「今天给您补发，运费我们承担」。",
        'Offer a concrete remedy and say how much, by when or who pays, e.g. "We\'ll reship today at our cost."',
    ),
    "no_blame": Message(
        "不要把责任推给买家、快递或同事;说明原因的同时由店铺承担解决。",
        "Don't push the blame onto the buyer, courier or colleagues; explain the cause and own the fix.",
    ),
    "courtesy": Message(
        "保持礼貌耐心,不用反问、讽刺或过度贬低自己。",
        "Stay polite and patient: no sarcasm, no impatience, no grovelling.",
    ),
    "no_template": Message(
        "针对这位买家的具体问题回答,不要重复套话。",
        "Answer this buyer's actual problem instead of repeating stock text.",
    ),
    "no_review_inducement": Message(
        "不要用钱或礼物换好评或改评价,这违反平台规则。",
        "Never trade money or gifts for a good or changed review: platforms forbid it.",
    ),
    "formal_register": Message(
        "公开评价回复用书面语,不用「亲」「哈」和表情。",
        "Public review replies use a formal register: no slang or emoji.",
    ),
    "no_private_data": Message(
        "公开回复里不要出现电话、地址等隐私信息。",
        "Never put phone numbers or addresses in a public reply.",
    ),
}


@lru_cache(maxsize=1)
def _s2t() -> opencc.OpenCC:
    """The converter, built on first use (it costs start-up time)."""
    return opencc.OpenCC("s2twp")


# Where OpenCC's phrase table turns our wording into something else: 买家私信
# ("message the buyer privately") came out as 買傢俬信 (傢俬: furniture),
# 公开回复 as 公開回復 (回復: restore) beside 回覆 (reply) everywhere else,
# 权限 (authority) as 許可權 (a software permission), 质量 (product
# quality) as 質量 (mass) where Taiwan says 品質, and 全局 (global: 全局的快捷键)
# as 全域性 ("global-ness"; Taiwan says 全域, and 全局性 still reads 全域性).
_HANT_FIXES = (
    ("傢俬", "家私"),
    ("回復", "回覆"),
    ("許可權", "權限"),
    ("質量", "品質"),
    ("全域性", "全域"),
)


@lru_cache(maxsize=2048)
def to_traditional(text: str) -> str:
    """Simplified to Traditional (Taiwan wording), as every zh-Hant text is made."""
    converted = _s2t().convert(text)
    for wrong, right in _HANT_FIXES:
        converted = converted.replace(wrong, right)
    return converted


def localize(message: Message, lang: str) -> str:
    """The message in ``lang`` (zh, zh-Hant or en)."""
    if lang == "en":
        return message.en
    if lang == "zh-Hant":
        return to_traditional(message.zh)
    return message.zh


def conversation_feedback(
    criteria: Mapping[str, CriterionResult],
    replies: Sequence[ReplyScore],
    options: Sequence[str],
    option_points: float = 0,
) -> list[Message]:
    """One line per criterion: passed, or what went wrong and a better phrasing.

    A remedy that passed with a single option says what choosing among two or
    three would have added (``option_points``), so the score's last points are
    not a mystery."""
    lines: list[Message] = []
    for name, result in criteria.items():
        label = CRITERION_NAMES[name]
        if result.passed:
            zh = en = ""
            if name == "remedy" and len(options) >= 2:
                zh, en = (
                    f"（提供了 {len(options)} 种方案供选择）",
                    f" ({len(options)} options offered)",
                )
            elif name == "remedy" and option_points:
                pts = f"{option_points:g}"
                zh = f"（只给了一种方案；让买家在两三种方案里选，可再得 {pts} 分）"
                en = f" (one option; offering two or three to choose from earns {pts} more points)"
            lines.append(Message(f"✓ {label.zh}{zh}", f"✓ {label.en}{en}"))
            continue
        lines.append(_failure_line(label, result, result.advice or _ADVICE[name], replies))
    return lines


def _sentence(text: str) -> str:
    """``text`` ending as a sentence, so more can run on after it (English)."""
    text = text.rstrip()
    return text if not text or text[-1] in _SENTENCE_END else text + "."


def _sentence_zh(text: str) -> str:
    """``text`` ending as a sentence, so more can run on straight after it (Chinese)."""
    text = text.rstrip()
    if not text or text[-1] in _SENTENCE_END:
        return text
    return text + (" " if text[-1] in _CLOSERS else "。")


_SENTENCE_END = ".!?。！？…:：;；"
_CLOSERS = ")）」』】\"'"


def reply_number(replies: Sequence[ReplyScore], turn: int) -> int:
    """Which of the agent's replies (1, 2, ...) sits at ``turn`` of the
    conversation: a trainee counts their own replies, not the buyer's messages."""
    return 1 + sum(1 for r in replies if r.turn < turn)


def _lead(evidence: Sequence[Evidence]) -> Evidence:
    """The evidence a failure line quotes: the first reply's, and there a plain
    cost ("您自己找快递理赔吧") before one that only names a cause ("是快递摔的")."""
    first = evidence[0]
    same = (e for e in evidence if e.turn == first.turn and e.finding.level == first.finding.level)
    return next((e for e in same if not e.finding.soft), first)


def _failure_line(
    label: Message, result: CriterionResult, advice: Message, replies: Sequence[ReplyScore]
) -> Message:
    """✗ name: what went wrong (quoting the reply, counted among the agent's
    replies) — how to say it better."""
    if result.evidence and result.evidence[0].finding.level in ("cost", "note", "cancel"):
        ev = _lead(result.evidence)
        f = ev.finding
        quote = f.text if len(f.text) <= 40 else f.text[:38] + "…"
        n = reply_number(replies, ev.turn)
        return Message(
            f"✗ {label.zh}：第 {n} 条回复「{quote}」— {_sentence_zh(f.message.zh)}{f.fix.zh}",
            f'✗ {label.en}: reply {n} "{quote}" — {_sentence(f.message.en)} {f.fix.en}',
        )
    if result.note:
        return Message(
            f"✗ {label.zh}：{_sentence_zh(result.note.zh)}{advice.zh}",
            f"✗ {label.en}: {_sentence(result.note.en)} {advice.en}",
        )
    return Message(f"✗ {label.zh}：{advice.zh}", f"✗ {label.en}: {advice.en}")
