"""What ``kefu validate`` and ``kefu publish`` say of a file, in any language.

A problem's message is a catalog key and its values (``scoring.problems.Said``),
rendered where it is shown: on the command line in ``--lang`` (else KEFU_LANG,
else Simplified Chinese), in the app in its current language. The scoring core
says the YAML reader's messages from its own catalog (``yaml.*``, in
scoring/locales/); the app's checks say theirs from ``validate.*`` in
simulator/locales/, whose catalogs hold the scoring core's too.
"""

from __future__ import annotations

from functools import cache
from typing import Any

from scoring.problems import Said, YamlProblem
from simulator.i18n import Translator

__all__ = ["AppSaid", "Said", "said", "shown"]


@cache
def _translator(lang: str) -> Translator:
    return Translator(lang)


class AppSaid(Said):
    """A message of the app's catalogs (``validate.*``; plurals as ``{n|one|many}``)."""

    __slots__ = ()

    def render(self, lang: str, values: dict[str, Any], key: str | None = None) -> str:
        return _translator(lang)(key or self.key, **values)


def said(key: str, /, **values: Any) -> AppSaid:
    """``said("graph.unreachable", node="x", start="y")``: the message
    ``validate.graph.unreachable`` with its values."""
    return AppSaid(f"validate.{key}", tuple(values.items()))


def shown(problem: YamlProblem, lang: str, *, note: bool = False) -> str:
    """A problem as ``FILE:LINE:COL: message`` in ``lang``; ``note``: a note, not a
    problem (``FILE:LINE:COL: note: message``)."""
    if not note:
        return problem.located(lang)
    where = f"{problem.file}:{problem.line}:{problem.col}" if problem.line > 0 else problem.file
    return f"{where}: {_translator(lang)('validate.cli.note')}{problem.text(lang)}"
