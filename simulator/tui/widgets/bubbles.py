"""Chat bubbles: the buyer on the left, the trainee on the right, notes in between.

Text is shown as plain Rich ``Text`` (never markup: a reply may contain
``[brackets]``); Rich wraps CJK by cell width, so Chinese lines fill the
bubble and align.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Literal

from rich.text import Text
from textual.containers import HorizontalGroup, VerticalScroll
from textual.widget import Widget
from textual.widgets import Static

Who = Literal["buyer", "me"]


class Bubble(Static):
    """One line of the conversation, titled with who said it."""

    def __init__(self, text: str, who: Who, name: str) -> None:
        super().__init__(Text(text), classes=f"bubble -{who}", markup=False)
        self.who = who
        self.text = text
        self.border_title = Text(name)


class BubbleRow(HorizontalGroup):
    """A full-width row holding one bubble, aligned left (buyer) or right (trainee)."""

    def __init__(self, text: str, who: Who, name: str) -> None:
        super().__init__(Bubble(text, who, name), classes=f"bubble-row -{who}")


class Note(Static):
    """Why the mood changed, and any broken-promise risk, between the bubbles."""

    def __init__(self, text: Text, *, classes: str = "") -> None:
        super().__init__(text, classes=f"chat-note {classes}".strip(), markup=False)


class Transcript(VerticalScroll):
    """The scrolling conversation; ``show`` replaces its contents and scrolls to the end."""

    async def show(self, widgets: Iterable[Widget]) -> None:
        """Replace everything with ``widgets`` and show the newest line."""
        with self.app.batch_update():
            await self.remove_children()
            await self.mount_all(list(widgets))
        self.scroll_end(animate=False)

    def bubbles(self) -> list[Bubble]:
        """The bubbles shown, oldest first."""
        return list(self.query(Bubble).results(Bubble))
