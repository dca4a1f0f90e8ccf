"""A driver's error as a :class:`StoreError` a person can read, in any UI language.

SQLite and PostgreSQL speak English (and SQL); the store's messages are
catalog keys with values (``store.*`` in simulator/locales/*/store.yaml), so
the app says them in its language and the commands in English. The team
database's own functions raise ``kefu: ...`` lines worded exactly as the
English catalog: :func:`database_says` reads them back into keys.
"""

from __future__ import annotations

import os
import re
import sqlite3
import string
from functools import cache
from pathlib import Path

from sqlalchemy import exc

from simulator.i18n import Said, catalog
from simulator.store.base import StoreError, StorePermissionError, word

# SQLite result codes (https://sqlite.org/rescode.html); the low byte is the primary code.
SQLITE_READONLY = 8
SQLITE_CANTOPEN = 14
SQLITE_READONLY_DBMOVED = 1032

DATABASE_SAYS = (
    "not_a_person_here",
    "group_role_missing",
    "not_your_attempt",
    "closed",
    "staff_only_here",
    "needs_reason",
    "score_range",
    "no_attempt_here",
    "own_score",
    "not_finished",
    "not_assigned",
    "other_mode",
    "no_tries_left",
)
"""The ``store.*`` messages the team database's functions and triggers raise
(migrations 0002 and 0003), in the English of the catalog, after ``kefu: ``."""

WORDS = ("status", "mode", "wanted", "role")
"""Values that are a status, mode or role: said in the message's language."""


@cache
def _patterns() -> tuple[tuple[str, re.Pattern[str]], ...]:
    english = catalog("en")
    return tuple((key, _pattern(english[f"store.{key}"])) for key in DATABASE_SAYS)


def _pattern(template: str) -> re.Pattern[str]:
    """A regular expression matching ``template`` with any text for each ``{name}``."""
    out, seen = [], set()
    for literal, name, _spec, _conv in string.Formatter().parse(template):
        out.append(re.escape(literal))
        if name:
            out.append(f"(?P={name})" if name in seen else f"(?P<{name}>.+?)")
            seen.add(name)
    return re.compile("".join(out))


def database_says(text: str) -> Said | None:
    """The catalog message a team database's ``kefu: <text>`` line is, or None."""
    for key, pattern in _patterns():
        found = pattern.fullmatch(text)
        if found:
            values = {k: word(v) if k in WORDS else v for k, v in found.groupdict().items()}
            return Said.of(f"store.{key}", **values)
    return None


def sqlite_code(error: BaseException) -> int | None:
    """The extended SQLite result code of a driver error, if it is SQLite's."""
    orig = getattr(error, "orig", error)
    if isinstance(orig, sqlite3.Error):
        return getattr(orig, "sqlite_errorcode", None)
    return None


def first_line(error: BaseException) -> str:
    """The driver's message without SQL, parameters or a traceback."""
    orig = getattr(error, "orig", None) or error
    text = str(orig).strip().splitlines()
    return text[0] if text else type(orig).__name__


def is_permission(error: BaseException) -> bool:
    """The database refused: no privilege, or a row-level security policy said no."""
    orig = getattr(error, "orig", error)
    return getattr(orig, "sqlstate", None) == "42501"


def read_only_problem(error: BaseException, where: str, file: Path | None) -> StoreError | None:
    """A SQLite file that cannot be written here (a read-only drive, no write
    permission on it or its folder), said as that and what to do: no retry
    helps. None for any other error."""
    code = sqlite_code(error)
    if code is None or file is None:
        return None
    folder = str(file.parent)
    if code & 0xFF == SQLITE_READONLY and code != SQLITE_READONLY_DBMOVED:
        return StoreError.of("read_only", where=where, folder=folder)
    if code & 0xFF == SQLITE_CANTOPEN and not os.access(file.parent, os.W_OK):
        return StoreError.of("cannot_open_read_only", where=where, folder=folder)
    return None


def translate(error: exc.DBAPIError, where: str, file: Path | None = None) -> StoreError:
    """A driver error that retrying will not mend, as a StoreError a person can read.

    The team database's own ``kefu: ...`` messages become their catalog keys
    when they are ones (:func:`database_says`), else are shown as they are.
    """
    line = first_line(error)
    kind = StorePermissionError if is_permission(error) else StoreError
    if line.startswith("kefu: "):
        said = database_says(line.removeprefix("kefu: "))
        return kind(said if said is not None else line)
    read_only = read_only_problem(error, where, file)
    if read_only is not None:
        return read_only
    if is_permission(error):
        return StorePermissionError.of("refused", where=where, detail=line)
    unknown = re.search(r'role "([^"]+)" does not exist', line)
    if unknown:
        return StorePermissionError.of(
            "no_login", where=where, name=repr(unknown[1]), login=unknown[1]
        )
    return StoreError.of("failed", where=where, detail=line, retry=True)


def gave_up(error: exc.DBAPIError, where: str, seconds: float, locked: bool) -> StoreError:
    """The message after the last retry: the database stayed locked, or out of reach."""
    if locked:
        return StoreError.of("locked", where=where, seconds=f"{seconds:g}", retry=True)
    return StoreError.of(
        "unreachable", where=where, seconds=f"{seconds:g}", detail=first_line(error), retry=True
    )
