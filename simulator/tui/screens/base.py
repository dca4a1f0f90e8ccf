"""What every kefu screen shares: translated text and translated key labels."""

from __future__ import annotations

from dataclasses import replace
from typing import TYPE_CHECKING, cast

from textual.containers import ScrollableContainer
from textual.dom import DOMNode
from textual.screen import ModalScreen, Screen
from textual.widget import Widget

if TYPE_CHECKING:
    from simulator.store.base import StoreError
    from simulator.tui.app import KefuApp


def binding_key(binding_id: str) -> str:
    """The catalog key of a binding's label: ``chat.send`` -> ``chat.keys.send``."""
    area, _, name = binding_id.partition(".")
    return f"{area}.keys.{name}"


def localize_bindings(node: DOMNode, t: object) -> None:
    """Give every binding with an id its description in the current language.

    A binding id ``area.name`` takes its label from the catalog key
    ``area.keys.name`` (in ``locales/<lang>/area.yaml``); bindings are copied
    per node by Textual, so this changes only ``node``.
    """
    translate = cast("KefuApp", node.app).t if t is None else t
    table = node._bindings.key_to_bindings
    for key, bindings in table.items():
        table[key] = [
            replace(b, description=translate(binding_key(b.id))) if b.id else b  # type: ignore[operator]
            for b in bindings
        ]


_Mark = tuple[str | None, int | None, dict[str, tuple[float, float]]]


def _mark(screen: Screen[object]) -> _Mark:
    """What a recompose loses, to put back after it: the focused widget's id
    and its place in the focus chain (for a widget without an id), and how far
    each scrolling container with an id is scrolled."""
    scrolled = {
        w.id: (w.scroll_x, w.scroll_y)
        for w in screen.query(ScrollableContainer)
        if w.id and (w.scroll_x or w.scroll_y)
    }
    focused = screen.focused
    if focused is None:
        return None, None, scrolled
    chain = screen.focus_chain
    return focused.id, chain.index(focused) if focused in chain else None, scrolled


def _restore(screen: Screen[object], mark: _Mark) -> None:
    """Focus and scroll again as ``_mark`` noted, in the rebuilt widgets.

    A recompose removes the focused widget, and Textual gives the focus to
    nothing: keys for the focused widget (PageDown, arrows, Enter) did nothing
    until Tab, and the reader was back at the top. Failing the same widget,
    the focus goes to the screen's auto-focus target."""
    widget_id, index, scrolled = mark

    def scroll_back() -> None:
        for name, (x, y) in scrolled.items():
            for w in screen.query(f"#{name}").results(ScrollableContainer):
                w.scroll_to(x, y, animate=False, immediate=True)

    if scrolled:
        screen.call_after_refresh(scroll_back)  # once the new widgets have a size
    if screen.focused is not None:
        return
    found: Widget | None = None
    if widget_id is not None:
        found = next((w for w in screen.query(f"#{widget_id}") if w.focusable), None)
    chain = screen.focus_chain
    if found is None and index is not None and index < len(chain):
        found = chain[index]
    if found is None:
        auto = screen.app.AUTO_FOCUS if screen.AUTO_FOCUS is None else screen.AUTO_FOCUS
        found = next((w for w in screen.query(auto) if w.focusable), None) if auto else None
    if found is not None:
        screen.set_focus(found, scroll_visible=not scrolled)


class KefuScreen(Screen[object]):
    """A screen whose text follows the app's language.

    Screens build all their text in ``compose`` from their own state, so a
    language change is a ``recompose``; the focus stays where it was.
    """

    @property
    def kefu(self) -> KefuApp:
        """The app, typed."""
        return cast("KefuApp", self.app)

    def t(self, key: str, **values: object) -> str:
        """A string of the current UI language."""
        return self.kefu.t(key, **values)

    def no_store(self, key: str) -> StoreError:
        """Why there is no store: the error it failed to open with, or ``key`` (still opening)."""
        from simulator.i18n import Said
        from simulator.store.base import StoreError

        return self.kefu.store_error or StoreError(Said(key))

    def on_mount(self) -> None:
        localize_bindings(self, self.kefu.t)
        self.refresh_bindings()

    async def relabel(self) -> None:
        """Re-render after a language change; the focus and the scrolling stay."""
        mark = _mark(self)
        localize_bindings(self, self.kefu.t)
        await self.recompose()
        _restore(self, mark)
        self.refresh_bindings()


class KefuModal(ModalScreen[object]):
    """A dialog whose text follows the app's language."""

    @property
    def kefu(self) -> KefuApp:
        return cast("KefuApp", self.app)

    def t(self, key: str, **values: object) -> str:
        return self.kefu.t(key, **values)

    def on_mount(self) -> None:
        localize_bindings(self, self.kefu.t)
        self.refresh_bindings()

    async def relabel(self) -> None:
        mark = _mark(self)
        localize_bindings(self, self.kefu.t)
        await self.recompose()
        _restore(self, mark)
        self.refresh_bindings()
