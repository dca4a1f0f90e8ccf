"""The response timer: how long the buyer has been waiting, against the target."""

from __future__ import annotations

from typing import TYPE_CHECKING, cast

from textual.widgets import Static

if TYPE_CHECKING:
    from simulator.tui.app import KefuApp

TICK_S = 0.5
WARN_AT = 2 / 3  # of the target


def clock_text(seconds: float) -> str:
    """``m:ss`` for a duration, ``h:mm:ss`` from an hour (negative counts as zero)."""
    whole = max(0, int(seconds))
    hours, rest = divmod(whole, 3600)
    if hours:
        return f"{hours}:{rest // 60:02d}:{rest % 60:02d}"
    return f"{rest // 60}:{rest % 60:02d}"


def timer_level(elapsed: float, target: float | None) -> str:
    """ok, warn (past two thirds of the target) or over (past the target)."""
    if not target:
        return "ok"
    if elapsed > target:
        return "over"
    return "warn" if elapsed > target * WARN_AT else "ok"


class ResponseTimer(Static):
    """``⏱ 0:42 / 1:30``, updated every half second from ``app.clock``.

    Classes -ok / -warn / -over colour it; ``since`` is when the buyer's
    latest line arrived; ``paused`` freezes it while a reply is being sent.
    """

    def __init__(self, since: float | None, target: float | None, *, id: str | None = None):
        super().__init__(id=id, markup=False)
        self.since = since
        self.target = target
        self.paused = False

    def on_mount(self) -> None:
        self.tick()
        self.set_interval(TICK_S, self.tick)

    def restart(self, since: float | None) -> None:
        """Count again from ``since`` (the buyer just answered)."""
        self.since = since
        self.paused = False
        self.tick()

    def elapsed(self) -> float:
        """Seconds the buyer has been waiting."""
        if self.since is None:
            return 0.0
        return cast("KefuApp", self.app).clock() - self.since

    def tick(self) -> None:
        """Redraw the time and its level."""
        if self.paused:
            return
        elapsed = self.elapsed()
        level = timer_level(elapsed, self.target)
        for name in ("ok", "warn", "over"):
            self.set_class(name == level, f"-{name}")
        t = cast("KefuApp", self.app).t
        if self.target:
            text = t("chat.timer", elapsed=clock_text(elapsed), target=clock_text(self.target))
        else:
            text = t("chat.timer_free", elapsed=clock_text(elapsed))
        self.update(text)
