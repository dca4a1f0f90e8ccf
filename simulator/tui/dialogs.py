"""Small dialogs: a choice between a few buttons, and a read-only card.

Both take callables for their text, called in ``compose``, so a language
change while a dialog is open redraws it in the new language.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from rich.console import RenderableType
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.widgets import Button, Static

from simulator.tui.screens.base import KefuModal
from simulator.tui.widgets.fit import FitFooter

TextFn = Callable[[], RenderableType]


class ChoiceDialog(KefuModal):
    """A question with a few answers as buttons; dismissed with the chosen value.

    ``choices`` are ``(value, catalog key of the label)``; the first button is
    focused, Tab / arrow keys move, Enter picks, Escape dismisses with None.
    """

    BINDINGS = [
        Binding("escape", "cancel", "cancel", id="dialog.cancel"),
        Binding("left", "app.focus_previous", "previous", id="dialog.previous", show=False),
        Binding("right", "app.focus_next", "next", id="dialog.next", show=False),
    ]

    def __init__(
        self, title: Callable[[], str], body: TextFn, choices: Sequence[tuple[str, str]]
    ) -> None:
        super().__init__()
        self.title_fn = title
        self.body_fn = body
        self.choices = list(choices)

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog-box"):
            yield Static(self.title_fn(), classes="title")
            yield Static(self.body_fn(), classes="dialog-body")
            with Horizontal(classes="dialog-buttons"):
                for i, (value, label) in enumerate(self.choices):
                    yield Button(
                        self.t(label),
                        id=f"choice-{value}",
                        compact=True,
                        variant="primary" if i == 0 else "default",
                    )
        yield FitFooter()

    def on_mount(self) -> None:
        super().on_mount()
        self.query(Button).first().focus()

    async def relabel(self) -> None:
        """Redraw in the new language, keeping the focused answer."""
        focused = self.focused.id if self.focused else None
        await super().relabel()
        if focused:
            self.query_one(f"#{focused}", Button).focus()

    @on(Button.Pressed)
    def _chosen(self, event: Button.Pressed) -> None:
        self.dismiss((event.button.id or "").removeprefix("choice-"))

    def action_cancel(self) -> None:
        """Close without choosing."""
        self.dismiss(None)


class CardDialog(KefuModal):
    """A read-only card (the policy card, a hint) over the current screen."""

    BINDINGS = [
        Binding("escape", "close", "close", id="dialog.close"),
        Binding("enter", "close", "close", id="dialog.close_enter", show=False),
        Binding("f2", "close", "close", id="dialog.close_f2", show=False),  # F2 opened the policy
    ]

    def __init__(self, title: Callable[[], str], body: TextFn) -> None:
        super().__init__()
        self.title_fn = title
        self.body_fn = body

    def compose(self) -> ComposeResult:
        with VerticalScroll(classes="dialog-box card-box"):
            yield Static(self.title_fn(), classes="title")
            yield Static(self.body_fn(), classes="dialog-body")
        yield FitFooter()

    def action_close(self) -> None:
        """Close the card."""
        self.dismiss(None)
