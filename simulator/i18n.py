"""UI strings from message catalogs, never from code.

Catalogs are YAML files under ``simulator/locales/<lang>/<area>.yaml`` with
dotted keys (``home.title``), and the scoring core's under
``scoring/locales/<lang>/`` (the YAML reader's messages, ``yaml.*``). ``zh`` (Simplified) and ``en`` are written by
hand and must hold the same keys with the same ``{placeholders}``;
``zh-Hant`` is derived from ``zh`` with OpenCC (s2twp, Taiwan wording) and
any key in ``locales/zh-Hant/*.yaml`` overrides the conversion. Areas are
separate files so each screen's strings live beside each other.
"""

from __future__ import annotations

import importlib.util
import re
import string
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

import yaml

LANGS = ("zh", "zh-Hant", "en")
LANG_NAMES = {"zh": "简体中文", "zh-Hant": "繁體中文", "en": "English"}
_ROOT = Path(__file__).parent / "locales"


@cache
def _roots() -> tuple[Path, ...]:
    """Where catalogs are: the scoring core's own messages (the YAML reader's,
    ``yaml.*``, scoring.problems.LOCALES) are areas too. Found without importing
    the scoring package, which Home's first frame must not wait for."""
    spec = importlib.util.find_spec("scoring")
    found = spec.submodule_search_locations if spec is not None else None
    scoring = [Path(p) / "locales" for p in found or ()]
    return (*scoring[:1], _ROOT)


class CatalogError(Exception):
    """A catalog file is broken: the message names the file."""


def _flatten(prefix: str, node: object, out: dict[str, str], where: Path) -> None:
    if isinstance(node, Mapping):
        for key, value in node.items():
            _flatten(f"{prefix}.{key}" if prefix else str(key), value, out, where)
    elif isinstance(node, str):
        out[prefix] = node
    else:
        raise CatalogError(f"{where}: {prefix}: expected text, got {type(node).__name__}")


# libyaml's safe loader when present: the same rules as yaml.safe_load, ~10x faster.
_SAFE_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def _safe_load(text: str) -> object:
    """``yaml.safe_load`` with libyaml (catalogs are read at every start)."""
    loader = _SAFE_LOADER(text)
    try:
        return loader.get_single_data()
    finally:
        loader.dispose()


def _read_dir(lang: str) -> dict[str, str]:
    out: dict[str, str] = {}
    for root in _roots():
        folder = root / lang
        if not folder.is_dir():
            continue
        for path in sorted(folder.glob("*.yaml")):
            try:
                data = _safe_load(path.read_text(encoding="utf-8")) or {}
            except (yaml.YAMLError, UnicodeDecodeError) as exc:
                raise CatalogError(f"{path}: {exc}") from None
            _flatten(path.stem, data, out, path)
    return out


@cache
def catalog(lang: str) -> dict[str, str]:
    """Every string of ``lang``, by dotted key (area.key...)."""
    if lang not in LANGS:
        raise CatalogError(f"unknown UI language {lang!r}; choose one of {', '.join(LANGS)}")
    if lang != "zh-Hant":
        return _read_dir(lang)
    from scoring.feedback import to_traditional

    derived = {k: to_traditional(v) for k, v in _read_dir("zh").items()}
    derived.update(_read_dir("zh-Hant"))
    return derived


# English counts: "{n} {n|attempt|attempts}" reads "1 attempt", "2 attempts".
_PLURAL = re.compile(r"\{(\w+)\|([^|{}]*)\|([^|{}]*)\}")


def placeholders(text: str) -> set[str]:
    """The ``{name}`` fields a string expects (a plural choice names its count)."""
    text = _PLURAL.sub(lambda m: "{" + m.group(1) + "}", text)
    return {name for _, name, _, _ in string.Formatter().parse(text) if name}


def _plurals(text: str, values: Mapping[str, object]) -> str:
    """``{n|one|many}`` replaced by ``one`` where ``n`` is 1, else ``many``."""
    return _PLURAL.sub(lambda m: m.group(2) if values.get(m.group(1)) == 1 else m.group(3), text)


class Localized:
    """Something said in whichever UI language it is shown in: ``text(lang)``.

    A :class:`Translator` given such a value says it in its own language, so a
    message kept with one (a status line holding an error) follows a switch
    of language instead of staying in the words it was first shown in.
    """

    __slots__ = ()

    def text(self, lang: str) -> str:
        """The text in ``lang`` (zh, zh-Hant or en)."""
        raise NotImplementedError


@dataclass(frozen=True, slots=True)
class Said(Localized):
    """A message made where it arises and worded where it is shown: a catalog
    key and its values, which may be :class:`Localized` themselves (a word
    such as a status, said in the same language)."""

    key: str
    values: tuple[tuple[str, Any], ...] = ()

    @classmethod
    def of(cls, key: str, **values: Any) -> Said:
        """``Said.of("store.locked", where=..., seconds=5)``."""
        return cls(key, tuple(values.items()))

    def text(self, lang: str) -> str:
        """The message in ``lang``."""
        return _translator(lang)(self.key, **dict(self.values))


@cache
def _translator(lang: str) -> Translator:
    return Translator(lang)


class Translator:
    """``t("home.title", n=3)``: the string in the current language, formatted.

    A missing key falls back to English, then to the key itself, so a gap in a
    catalog shows up as visible text instead of a crash (a test keeps the
    catalogs complete). A :class:`Localized` value is said in this language.
    """

    def __init__(self, lang: str = "zh") -> None:
        self.lang = lang if lang in LANGS else "zh"

    def __call__(self, key: str, /, **values: object) -> str:
        text = catalog(self.lang).get(key) or catalog("en").get(key) or key
        if not values:
            return text
        values = {
            k: v.text(self.lang) if isinstance(v, Localized) else v for k, v in values.items()
        }
        if "|" in text:
            text = _plurals(text, values)
        try:
            return text.format(**values)
        except (KeyError, IndexError, ValueError):
            return text

    def next_lang(self) -> str:
        """The language after the current one, in the order zh -> zh-Hant -> en."""
        return LANGS[(LANGS.index(self.lang) + 1) % len(LANGS)]


def label_of(t: Callable[..., str], key: str) -> str:
    """The catalog label ``key``, or else its last part made readable
    (``promise_made`` -> "promise made"), so a name no catalog holds still reads."""
    text = t(key)
    return text if text != key else key.rsplit(".", 1)[-1].replace("_", " ")


def normalize_lang(value: str | None) -> str:
    """Map user spellings (zh-CN, zh_TW, zh-Hans, EN ...) to a catalog language."""
    if not value:
        return "zh"
    v = value.replace("_", "-").lower()
    if v.startswith("en"):
        return "en"
    if v in ("zh-hant", "zh-tw", "zh-hk", "zh-mo", "tw", "hk"):
        return "zh-Hant"
    return "zh"


def counted(n: int, noun: str, plural: str | None = None) -> str:
    """An English count with its noun: "1 attempt", "3 attempts" (``plural``
    where adding "s" is wrong)."""
    return f"{n} {noun}" if n == 1 else f"{n} {plural or noun + 's'}"
