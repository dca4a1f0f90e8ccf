"""The exam countdown: the time left before a timed exam is submitted on its own."""

from __future__ import annotations

from typing import TYPE_CHECKING, cast

from textual.message import Message
from textual.widgets import Static

from simulator.tui.widgets.timer import TICK_S, clock_text

if TYPE_CHECKING:
    from simulator.store.base import Store
    from simulator.tui.app import KefuApp

WARN_LEFT_S = 60.0  # the last minute shows as a warning


def exam_deadline(store: Store | None, attempt_id: int) -> float | None:
    """When a timed exam attempt ends: its start plus its assignment's limit (None: untimed).

    From the stored attempt, so a resumed exam keeps its first deadline.
    Raises StoreError when the store cannot say.
    """
    if store is None:
        return None
    attempt = store.get_attempt(attempt_id)
    if attempt.assignment_id is None:
        return None
    limit = store.get_assignment(attempt.assignment_id).time_limit_s
    return attempt.started_at + limit if limit else None


def clock_level(left: float) -> str:
    """ok, warn (the last minute) or over (time is up)."""
    if left <= 0:
        return "over"
    return "warn" if left <= WARN_LEFT_S else "ok"


class ExamClock(Static):
    """``⌛ 12:34 left``, counted down every half second from ``app.clock`` to ``deadline``.

    The deadline is fixed (the attempt's start plus the assignment's time
    limit), so a resumed exam keeps counting to the same moment. Posts
    :class:`ExamClock.Expired` once when it reaches zero.
    """

    class Expired(Message):
        """The exam's time is up."""

    def __init__(self, deadline: float, *, id: str | None = None) -> None:
        super().__init__(id=id, markup=False)
        self.deadline = deadline
        self.expired = False

    def on_mount(self) -> None:
        self.tick()
        self.set_interval(TICK_S, self.tick)

    def left(self) -> float:
        """Seconds left (negative once past the deadline)."""
        return self.deadline - cast("KefuApp", self.app).clock()

    def tick(self) -> None:
        """Redraw the time left; at zero, say so once."""
        left = self.left()
        level = clock_level(left)
        for name in ("ok", "warn", "over"):
            self.set_class(name == level, f"-{name}")
        self.update(cast("KefuApp", self.app).t("chat.exam_left", left=clock_text(left)))
        if left <= 0 and not self.expired:
            self.expired = True
            self.post_message(self.Expired())
