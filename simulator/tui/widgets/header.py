"""The app's header: Textual's, with a title update that survives a recompose.

Textual's Header fills in its title from an async watcher it registers on
mount. When a screen is recomposed right after it mounts (the saved language
applied as the store opens, a quick F12), the watcher can run after the header
it belongs to has lost its children, and ``query_one`` raises NoMatches: an
uncaught error that ended the app at every start. This header registers the
same watchers, and a title update for a header that is gone does nothing.
"""

from __future__ import annotations

import contextlib

from textual.css.query import NoMatches
from textual.dom import NoScreen
from textual.events import Mount
from textual.widget import Widget
from textual.widgets import Header
from textual.widgets._header import HeaderTitle


class KefuHeader(Header):
    """Header whose title watchers tolerate the header being recomposed away."""

    def _on_mount(self, event: Mount) -> None:
        event.prevent_default()  # Header's own handler registers the fragile watchers
        Widget._on_mount(self, event)

        async def set_title() -> None:
            # Nothing to update if this header was removed before the update ran.
            with contextlib.suppress(NoScreen, NoMatches):
                self.query_one(HeaderTitle).update(self.format_title())

        self.watch(self.app, "title", set_title)
        self.watch(self.app, "sub_title", set_title)
        self.watch(self.screen, "title", set_title)
        self.watch(self.screen, "sub_title", set_title)
