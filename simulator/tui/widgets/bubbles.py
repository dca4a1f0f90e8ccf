"""Chat bubbles: the buyer on the left, the trainee on the right, notes in between.

Text is shown as plain Rich ``Text`` (never markup: a reply may contain
``[brackets]``); Rich wraps CJK by cell width, so Chinese lines fill the
bubble and align.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING, Literal

from rich.text import Text
from textual.containers import HorizontalGroup, VerticalScroll
from textual.widget import Widget
from textual.widgets import Static

from scoring.feedback import localize

if TYPE_CHECKING:
    from simulator.session import Exchange, Session

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


def conversation(session: Session, revealed: int, t: Callable[..., str], lang: str) -> list[Widget]:
    """The chat so far as widgets, oldest first: each buyer line of the first
    ``revealed``, the notes on the reply before it, the reply; then "typing…"
    while the buyer's next line is held back, or "the conversation ended"."""
    buyer, me = session.scenario.buyer.name, t("chat.me")
    out: list[Widget] = []
    for i, (line, _) in enumerate(session.buyer_lines[:revealed]):
        if line:
            out.append(BubbleRow(line, "buyer", buyer))
        if i >= 1:
            out.extend(_notes(session.exchanges[i - 1], t, lang))
        if i < len(session.exchanges):
            out.append(BubbleRow(session.exchanges[i].reply, "me", me))
    if revealed < len(session.buyer_lines):
        out.append(Note(Text(t("chat.typing", name=buyer)), classes="-typing"))
    elif session.ended:
        out.append(Note(Text(t("chat.ended")), classes="-ended"))
    return out


def _notes(e: Exchange, t: Callable[..., str], lang: str) -> list[Note]:
    """How the buyer's mood moved and why, then any promise beyond the policy."""
    change = f"{e.mood_change:+d}"
    text = t("chat.mood_change", before=e.mood_before, after=e.mood_after, change=change)
    reasons = [localize(r, lang) for r in e.reasons]
    if reasons:
        text += t("chat.because", reasons=t("chat.reason_sep").join(reasons))
    trend = "-angrier" if e.mood_change > 0 else "-calmer" if e.mood_change < 0 else ""
    notes = [Note(Text(text), classes=trend)]
    for breach in e.breaches:
        notes.append(Note(Text(t("chat.breach", what=localize(breach, lang))), classes="-breach"))
    return notes
