"""The command palette (Ctrl+P) in the UI language.

Textual's CommandPalette takes its prompt as an argument but writes "No
matches found" itself, in English, when a search finds nothing: this
subclass says it in the UI language. The override follows Textual's own
``_start_no_matches_countdown`` (a test types a search that matches nothing
in every language, so a Textual upgrade that changes it shows up).
"""

from __future__ import annotations

from rich.align import Align
from rich.text import Text
from textual.command import CommandList, CommandPalette
from textual.widgets.option_list import Option


class KefuCommandPalette(CommandPalette):
    """A CommandPalette whose "no matches" line is ``no_matches``."""

    def __init__(self, *, placeholder: str, no_matches: str, id: str | None = None) -> None:
        super().__init__(placeholder=placeholder, id=id)
        self.no_matches = no_matches

    def _start_no_matches_countdown(self, search_value: str) -> None:
        """After a short wait with no match, say so (for a search, not for browsing)."""
        self._stop_no_matches_countdown()

        def show_no_matches() -> None:
            if search_value:
                self.query_one(CommandList).add_option(
                    Option(
                        Align.center(Text(self.no_matches, style="not bold")),
                        disabled=True,
                        id=self._NO_MATCHES,
                    )
                )
                self._list_visible = True
            else:
                self._list_visible = False

        self._no_matches_timer = self.set_timer(self._NO_MATCHES_COUNTDOWN, show_no_matches)
