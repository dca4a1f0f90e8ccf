"""Unsent replies, kept per attempt: leaving a chat (Esc) and resuming it brings
the draft back. Each is written to the store (the user's settings) a moment
after the typing stops and when the app closes, so a restart brings it back too.
"""

from __future__ import annotations

import contextlib
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from textual.timer import Timer

    from simulator.tui.app import KefuApp


class Drafts:
    """The app's unsent replies by attempt id, saved to the store debounced."""

    SAVE_DELAY = 1.0  # seconds after the last keystroke

    def __init__(self, app: KefuApp) -> None:
        self.app = app
        self.texts: dict[int, str] = {}
        self._unsaved: set[int] = set()
        self._timer: Timer | None = None

    def get(self, attempt_id: int) -> str:
        """The unsent reply of an attempt: this run's, else the one the store kept."""
        from simulator.store import StoreError

        store = self.app.store
        if attempt_id in self.texts or store is None:
            return self.texts.get(attempt_id, "")
        try:
            return store.get_setting(_key(attempt_id)) or ""
        except StoreError:
            return ""

    def keep(self, attempt_id: int, text: str) -> None:
        """Remember the reply being typed; the store gets it shortly."""
        if self.texts.get(attempt_id) == text:
            return
        self.texts[attempt_id] = text
        self._unsaved.add(attempt_id)
        if self._timer is None:
            self._timer = self.app.set_timer(self.SAVE_DELAY, self.save)

    def forget(self, attempt_id: int) -> None:
        """The attempt is given up: its unsent reply goes too (safe from a worker)."""
        from simulator.store import StoreError

        self.texts.pop(attempt_id, None)
        self._unsaved.discard(attempt_id)
        if self.app.store is not None:
            # If this fails the text stays in the settings, unseen: a discarded
            # attempt is never resumed.
            with contextlib.suppress(StoreError):
                self.app.store.set_setting(_key(attempt_id), "")

    def save(self) -> None:
        """Write the drafts typed since the last save (empty ones as "")."""
        self._timer = None
        pending, self._unsaved = self._unsaved, set()
        for attempt_id in sorted(pending):
            self.app.save_setting(_key(attempt_id), self.texts.get(attempt_id, ""))


def _key(attempt_id: int) -> str:
    """The user setting that keeps an attempt's unsent reply."""
    return f"draft.{attempt_id}"
