"""Problems found in a YAML document, said in no language until they are shown.

A problem's message is a :class:`Said`: a key of a message catalog and its
values, rendered in the reader's language where it is printed (``text(lang)``),
never English first and translated after. The scoring core's own messages (the
YAML reader's, misspelt and missing keys) are in ``scoring/locales/<lang>/``:
``zh`` and ``en`` by hand, ``zh-Hant`` derived from ``zh`` with OpenCC, with any
key in ``scoring/locales/zh-Hant/`` overriding the conversion (as the app's own
catalogs, which include these). The app says its own messages with a subclass
that reads its catalogs (``simulator.said``).

A message may also be plain text (a rubric file's problem, the YAML library's
own words): it is shown as it is in every language.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

import yaml

from scoring.model import Message

LOCALES = Path(__file__).parent / "locales"
LANGS = ("zh", "zh-Hant", "en")
_SAFE_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def _flatten(prefix: str, node: object, out: dict[str, str]) -> None:
    if isinstance(node, dict):
        for key, value in node.items():
            _flatten(f"{prefix}.{key}" if prefix else str(key), value, out)
    elif isinstance(node, str):
        out[prefix] = node


def read_catalog(root: Path, lang: str) -> dict[str, str]:
    """Every string of the catalog files ``root/<lang>/<area>.yaml``, by dotted key."""
    out: dict[str, str] = {}
    folder = root / lang
    if folder.is_dir():
        for path in sorted(folder.glob("*.yaml")):
            _flatten(path.stem, yaml.load(path.read_text(encoding="utf-8"), _SAFE_LOADER), out)
    return out


@cache
def _catalog(lang: str) -> dict[str, str]:
    """The scoring core's messages in ``lang`` (zh-Hant: derived from zh)."""
    if lang != "zh-Hant":
        return read_catalog(LOCALES, lang)
    from scoring.feedback import to_traditional

    derived = {k: to_traditional(v) for k, v in read_catalog(LOCALES, "zh").items()}
    derived.update(read_catalog(LOCALES, "zh-Hant"))
    return derived


@dataclass(frozen=True, slots=True)
class Said:
    """A message in no language yet: a catalog key and its values.

    A value is shown as it is (an id, a key name, a number), unless it is a
    Said itself (a part of the message: "a number", "did you mean 'x'?"), a
    Message (zh and en texts, as the scorer's), or a tuple of those (joined
    with the catalog's ``yaml.sep``). Small and picklable: problems cross
    from worker processes as they are.
    """

    key: str
    values: tuple[tuple[str, Any], ...] = ()

    @classmethod
    def of(cls, key: str, /, **values: Any) -> Said:
        """``Said.of("yaml.missing_key", key="id")``."""
        return cls(key, tuple(values.items()))

    def text(self, lang: str = "en") -> str:
        """The message in ``lang`` (zh, zh-Hant or en)."""
        lang = lang if lang in LANGS else "en"
        values = {k: self._value(v, lang) for k, v in self.values}
        return self.render(lang, values)

    def _value(self, value: Any, lang: str) -> Any:
        if isinstance(value, Said):
            return value.text(lang)
        if isinstance(value, Message):
            from scoring.feedback import localize

            return localize(value, lang)
        if isinstance(value, tuple):
            return self.render(lang, {}, "yaml.sep").join(str(self._value(v, lang)) for v in value)
        return value

    def render(self, lang: str, values: dict[str, Any], key: str | None = None) -> str:
        """The catalog's text for ``key`` (default: this message's) with ``values``
        filled in; a key missing in ``lang`` falls back to English, then to itself."""
        key = key or self.key
        text = _catalog(lang).get(key) or _catalog("en").get(key) or key
        try:
            return text.format(**values) if values else text
        except (KeyError, IndexError, ValueError):
            return text


@dataclass(frozen=True)
class YamlProblem:
    """One problem in a YAML document, with its position (1-based; line 0: the
    file or folder as a whole, which is shown without a position). ``said``: the
    message, in any language (or a plain text, the same in all)."""

    file: str
    line: int
    col: int
    said: Said | str

    @property
    def message(self) -> str:
        """The message in English."""
        return self.text("en")

    def text(self, lang: str = "en") -> str:
        """The message in ``lang`` (zh, zh-Hant or en)."""
        return self.said if isinstance(self.said, str) else self.said.text(lang)

    def located(self, lang: str = "en") -> str:
        """``FILE:LINE:COL: message`` in ``lang`` (``FILE: message`` without a line)."""
        if self.line <= 0:
            return f"{self.file}: {self.text(lang)}"
        return f"{self.file}:{self.line}:{self.col}: {self.text(lang)}"

    def __str__(self) -> str:
        return self.located("en")


class YamlError(Exception):
    """Raised with every problem found in a document."""

    def __init__(self, problems: list[YamlProblem]):
        super().__init__("\n".join(str(p) for p in problems))
        self.problems = problems
