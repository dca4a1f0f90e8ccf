"""What every kefu screen shares: translated text and translated key labels."""

from __future__ import annotations

from dataclasses import replace
from typing import TYPE_CHECKING, cast

from textual.dom import DOMNode
from textual.screen import ModalScreen, Screen

if TYPE_CHECKING:
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


class KefuScreen(Screen[object]):
    """A screen whose text follows the app's language.

    Screens build all their text in ``compose`` from their own state, so a
    language change is a ``recompose``.
    """

    @property
    def kefu(self) -> KefuApp:
        """The app, typed."""
        return cast("KefuApp", self.app)

    def t(self, key: str, **values: object) -> str:
        """A string of the current UI language."""
        return self.kefu.t(key, **values)

    def on_mount(self) -> None:
        localize_bindings(self, self.kefu.t)
        self.refresh_bindings()

    async def relabel(self) -> None:
        """Re-render after a language change."""
        localize_bindings(self, self.kefu.t)
        await self.recompose()
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
        localize_bindings(self, self.kefu.t)
        await self.recompose()
        self.refresh_bindings()
