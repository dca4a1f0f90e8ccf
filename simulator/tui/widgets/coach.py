"""The live coach: apology, listening, remedy and no blame, ticked as the trainee types."""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, cast

from textual.app import ComposeResult
from textual.containers import HorizontalGroup
from textual.widgets import Label

if TYPE_CHECKING:
    from simulator.tui.app import KefuApp

COACH_CRITERIA = ("apology", "listening", "remedy", "no_blame")


class CoachChecklist(HorizontalGroup):
    """One line: ``教练 ✓道歉 ·倾听 ·补救 ✓不推责``; items get class -on / -off / -bad.

    ``criteria`` is the scorer's verdict on the current draft, or None for an
    empty draft (nothing ticked, nothing crossed).
    """

    def __init__(self, criteria: Mapping[str, bool] | None = None, *, id: str | None = None):
        super().__init__(id=id)
        self.criteria = dict(criteria) if criteria is not None else None

    def compose(self) -> ComposeResult:
        t = cast("KefuApp", self.app).t
        yield Label(t("chat.coach"), classes="coach-title")
        for name in COACH_CRITERIA:
            yield Label(t(f"chat.criterion.{name}"), id=f"coach-{name}", classes="coach-item")

    def on_mount(self) -> None:
        self.show(self.criteria)

    def show(self, criteria: Mapping[str, bool] | None) -> None:
        """Tick the items ``criteria`` passes (None: all neutral)."""
        self.criteria = dict(criteria) if criteria is not None else None
        t = cast("KefuApp", self.app).t
        for name in COACH_CRITERIA:
            item = self.query_one(f"#coach-{name}", Label)
            on = bool(self.criteria and self.criteria.get(name))
            # Blame is the one thing a draft can do wrong: crossed, not just unticked.
            bad = self.criteria is not None and name == "no_blame" and not on
            mark = "✓" if on else "✗" if bad else "·"
            item.update(f"{mark} {t(f'chat.criterion.{name}')}")
            item.set_class(on, "-on")
            item.set_class(bad, "-bad")
            item.set_class(not on and not bad, "-off")

    def ticked(self) -> dict[str, bool]:
        """Which items are ticked now (for tests and the benchmark)."""
        return {name: bool(self.criteria and self.criteria.get(name)) for name in COACH_CRITERIA}
