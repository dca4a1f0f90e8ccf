"""Played conversations for report tests: real Session results of wrong-size-shoes."""

from __future__ import annotations

from functools import cache
from typing import Any

from simulator import loader
from simulator.session import Session

DAY = 86400.0
T0 = 1793620800.0  # 2026-11-02 12:00 UTC, a Monday
GOOD = [
    "非常抱歉给您发错了尺码!方便拍一下鞋盒上的尺码标签吗?",
    "看到了,是我们发错了。今天给您寄42码,错的那双顺丰到付寄回,运费我们承担。",
]
BLAME = ["是您自己选错了尺码吧", "您自己没看清楚详情页"]
CONDITIONAL = ["如果您觉得不满意,那我道歉。", "嗯嗯收到", "嗯嗯收到"]


@cache
def scenario() -> Any:
    """The built-in wrong-size-shoes scenario."""
    return loader.load().scenarios["wrong-size-shoes"]


def play(replies: list[str], start: float, gap: float = 30.0) -> tuple[dict[str, Any], list[float]]:
    """Play ``replies`` ``gap`` seconds apart; the result dict and each reply's time."""
    session = Session(scenario(), seed=1, started_at=start)
    times = []
    for i, text in enumerate(replies):
        times.append(start + gap * (i + 1))
        session.submit(text, at=times[-1])
    return session.result().to_dict(), times
