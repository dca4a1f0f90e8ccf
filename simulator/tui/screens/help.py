"""The help screen: every key of the screen underneath and of the app, from the live bindings."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.screen import Screen
from textual.widgets import DataTable, Static

from simulator.tui.screens.base import KefuModal
from simulator.tui.widgets.fit import FitFooter


class HelpScreen(KefuModal):
    """A dialog listing keys and what they do, in the current language."""

    BINDINGS = [
        Binding("escape", "close", "close", id="help.close"),
        Binding("f1", "close", "close", id="help.close_f1", show=False),
    ]

    def __init__(self, under: Screen[object]) -> None:
        super().__init__()
        self.under = under

    def compose(self) -> ComposeResult:
        with VerticalScroll(id="help-box"):
            yield Static(self.t("help.title"), classes="title")
            yield Static(self.t("help.intro"), classes="muted")
            table: DataTable[str] = DataTable(id="help-keys", cursor_type="row", zebra_stripes=True)
            table.add_columns(self.t("help.key"), self.t("help.does"))
            for key, text in self.rows():
                table.add_row(key, text)
            yield table
            yield Static(self.t("help.palette"), classes="muted")
        yield FitFooter()

    def rows(self) -> list[tuple[str, str]]:
        """(key, description) for the screen underneath, then the app, without duplicates.

        A key its screen hides (``check_action`` False: the team key for a
        trainee, the hint key in an exam) is left out here too: it would do nothing.
        """
        seen: set[str] = set()
        rows: list[tuple[str, str]] = []
        for node in (self.under, self.app):
            for key, binding in node._bindings:
                if binding.id is None or binding.id in seen or key in seen:
                    continue
                if node.check_action(binding.action, ()) is False:
                    continue
                seen.add(binding.id)
                seen.add(key)
                rows.append((self.app.get_key_display(binding), binding.description))
        return rows

    def action_close(self) -> None:
        self.dismiss(None)
