"""Messages the app's parts send each other; each a dataclass with a one-line docstring."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from textual.message import Message

if TYPE_CHECKING:
    from simulator.store.base import StoreError


@dataclass
class LanguageChanged(Message):
    """The UI language changed; screens re-render their text."""

    lang: str


@dataclass
class StoreFailed(Message):
    """The database could not be opened or written; ``error`` says what and where."""

    error: StoreError
