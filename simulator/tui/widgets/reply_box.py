"""The reply box: a multi-line TextArea where Enter sends and Ctrl+N starts a new line.

Terminals cannot tell Shift+Enter from Enter, so the new-line key is Ctrl+N;
both keys are shown in the footer and the help screen.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, cast

from textual.binding import Binding
from textual.message import Message
from textual.widgets import TextArea

from simulator.tui.screens.base import localize_bindings

if TYPE_CHECKING:
    from simulator.tui.app import KefuApp


class ReplyBox(TextArea):
    """Where the trainee types; Enter posts ``ReplyBox.Send``, Ctrl+N inserts a line break."""

    BINDINGS = [
        Binding("enter", "send", "send", id="chat.send", priority=True),
        Binding("ctrl+n", "newline", "new line", id="chat.newline"),
    ]

    @dataclass
    class Send(Message):
        """The trainee pressed Enter to send the box's text."""

        box: ReplyBox

    def on_mount(self) -> None:
        localize_bindings(self, cast("KefuApp", self.app).t)

    def action_send(self) -> None:
        """Ask the screen to send the reply (it validates, saves, then submits)."""
        self.post_message(self.Send(self))

    def action_newline(self) -> None:
        """Insert a line break at the cursor (replacing any selection)."""
        if not self.read_only:
            self.replace("\n", *self.selection)

    def set_draft(self, text: str) -> None:
        """Replace the whole text and put the cursor at its end."""
        self.load_text(text)
        self.move_cursor(self.document.end)
