"""The override dialog: a new score and a mandatory reason, with the audit trail so far.

Dismissed with ``(score, reason)`` once both are valid, or None on Escape.
It only checks the input; the screen that opened it asks the store, which
may still refuse (``StorePermissionError``) and says why.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import datetime
from typing import TYPE_CHECKING

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.widgets import Button, Input, Static

from simulator.tui.screens.base import KefuModal
from simulator.tui.widgets.evidence import MUTED_STYLE
from simulator.tui.widgets.fit import FitFooter

if TYPE_CHECKING:
    from simulator.store.base import Override

MAX_REASON = 500  # characters


def trail_text(trail: Sequence[Override], t: Callable[..., str]) -> Text:
    """One line per change: when, who, old → new, why (oldest first)."""
    out = Text()
    if not trail:
        out.append(t("supervisor.no_overrides"), style=MUTED_STYLE)
        return out
    for o in trail:
        when = datetime.fromtimestamp(o.at).strftime("%Y-%m-%d %H:%M")
        old = "—" if o.old_score is None else str(o.old_score)
        line = t(
            "supervisor.override_line", when=when, by=o.by, old=old, new=o.new_score,
            reason=o.reason,
        )  # fmt: skip
        out.append(line + "\n")
    out.rstrip()
    return out


def parse_score(raw: str) -> int | None:
    """A whole score 0-100, or None when ``raw`` is not one."""
    raw = raw.strip()
    if not raw.isdigit():
        return None
    value = int(raw)
    return value if 0 <= value <= 100 else None


class OverrideDialog(KefuModal):
    """Change an attempt's score: new score, reason (required), audit trail."""

    BINDINGS = [Binding("escape", "cancel", "cancel", id="supervisor.cancel")]

    def __init__(self, current: int | None, trail: Sequence[Override]) -> None:
        super().__init__()
        self.current = current
        self.trail = list(trail)
        self.error: str | None = None

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog-box", id="override-box"):
            yield Static(self.t("supervisor.override_title"), classes="title")
            shown = "—" if self.current is None else str(self.current)
            yield Static(self.t("supervisor.override_current", score=shown), markup=False)
            yield Static(self.t("supervisor.override_score"), classes="field-label")
            yield Input(
                type="integer", max_length=3, compact=True, id="override-score",
                placeholder="0–100",
            )  # fmt: skip
            yield Static(self.t("supervisor.override_reason"), classes="field-label")
            yield Input(
                max_length=MAX_REASON, compact=True, id="override-reason",
                placeholder=self.t("supervisor.override_reason_hint"),
            )  # fmt: skip
            yield Static(self.error or "", id="override-error", classes="error", markup=False)
            yield Static(self.t("supervisor.audit"), classes="field-label")
            yield Static(trail_text(self.trail, self.t), id="override-trail")
            with Horizontal(classes="dialog-buttons"):
                yield Button(self.t("supervisor.save"), id="override-save", variant="primary",
                             compact=True)  # fmt: skip
                yield Button(self.t("dialog.cancel_label"), id="override-cancel", compact=True)
        yield FitFooter()

    def on_mount(self) -> None:
        super().on_mount()
        self.query_one("#override-error").display = bool(self.error)
        self.query_one("#override-score", Input).focus()

    async def relabel(self) -> None:
        """Redraw in the new language; what was typed stays."""
        score = self.query_one("#override-score", Input).value
        reason = self.query_one("#override-reason", Input).value
        await super().relabel()
        self.query_one("#override-score", Input).value = score
        self.query_one("#override-reason", Input).value = reason
        self.query_one("#override-error").display = bool(self.error)

    def _show_error(self, key: str, focus: str) -> None:
        self.error = self.t(key)
        error = self.query_one("#override-error", Static)
        error.update(self.error)
        error.display = True
        self.query_one(focus, Input).focus()

    def save(self) -> None:
        """Check the score and the reason; dismiss with them when both are good."""
        score = parse_score(self.query_one("#override-score", Input).value)
        reason = self.query_one("#override-reason", Input).value.strip()
        if score is None:
            self._show_error("supervisor.bad_score", "#override-score")
        elif not reason:
            self._show_error("supervisor.reason_required", "#override-reason")
        else:
            self.dismiss((score, reason))

    @on(Input.Submitted, "#override-score")
    def _score_entered(self) -> None:
        self.query_one("#override-reason", Input).focus()

    @on(Input.Submitted, "#override-reason")
    def _reason_entered(self) -> None:
        self.save()

    @on(Button.Pressed, "#override-save")
    def _save_pressed(self) -> None:
        self.save()

    @on(Button.Pressed, "#override-cancel")
    def _cancel_pressed(self) -> None:
        self.dismiss(None)

    def action_cancel(self) -> None:
        """Close without changing anything."""
        self.dismiss(None)
