"""The buyer's mood meter: anger 0-100 as a bar, a word (calm ... furious) and a colour."""

from __future__ import annotations

from typing import TYPE_CHECKING, cast

from textual.reactive import reactive
from textual.widgets import Static

if TYPE_CHECKING:
    from simulator.tui.app import KefuApp

BANDS = ((25, "calm"), (50, "upset"), (75, "angry"), (101, "furious"))
BAR_CELLS = 10


def mood_band(mood: int) -> str:
    """The band of an anger level: calm < 25 <= upset < 50 <= angry < 75 <= furious."""
    return next(name for limit, name in BANDS if mood < limit)


def mood_bar(mood: int, cells: int = BAR_CELLS) -> str:
    """A bar of ``cells`` cells, filled in proportion to ``mood`` (0-100)."""
    filled = round(max(0, min(100, mood)) * cells / 100)
    return "█" * filled + "░" * (cells - filled)


class MoodMeter(Static):
    """``买家情绪 ██████░░░░ 62 生气``, coloured by band (classes -calm ... -furious)."""

    mood: reactive[int] = reactive(0)

    def __init__(self, mood: int, *, id: str | None = None) -> None:
        super().__init__(id=id, markup=False)
        self.set_reactive(MoodMeter.mood, mood)

    def on_mount(self) -> None:
        self._show()

    def watch_mood(self) -> None:
        self._show()

    def _show(self) -> None:
        band = mood_band(self.mood)
        for _, name in BANDS:
            self.set_class(name == band, f"-{name}")
        t = cast("KefuApp", self.app).t
        self.update(
            t(
                "chat.mood_meter",
                bar=mood_bar(self.mood),
                mood=self.mood,
                label=t(f"chat.mood.{band}"),
            )
        )
