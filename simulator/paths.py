"""Where kefu keeps its data: the user data dir, or ``KEFU_HOME`` to override.

``KEFU_DATABASE_URL`` (``postgresql://...``) selects team mode; otherwise a
SQLite file under the data dir is used.
"""

from __future__ import annotations

import os
from pathlib import Path

APP_NAME = "kefu-trainer"


def data_dir(*, create: bool = True) -> Path:
    """The folder for the local database, settings and backups (created on demand,
    unless ``create`` is false: for a command that only reads what is there)."""
    home = os.environ.get("KEFU_HOME")
    if home:
        path = Path(home).expanduser()
    else:
        from platformdirs import user_data_path

        path = user_data_path(APP_NAME, appauthor=False)
    if create:
        path.mkdir(parents=True, exist_ok=True)
    return path


def sqlite_path(*, create: bool = True) -> Path:
    """The embedded SQLite database file (``create``: make its folder if missing)."""
    return data_dir(create=create) / "kefu.sqlite3"


def database_url() -> str:
    """``KEFU_DATABASE_URL`` if set (team mode), else the local SQLite file."""
    url = os.environ.get("KEFU_DATABASE_URL", "").strip()
    return url or f"sqlite:///{sqlite_path()}"


def folder_problem(folder: Path) -> str | None:
    """Why ``folder`` cannot hold a file ("does not exist", "is a file, not a
    folder"), or None if it can. Callers refuse rather than create it: a typo or
    an unmounted drive must not become a new folder on the system disk."""
    if folder.is_dir():
        return None
    return "is a file, not a folder" if folder.exists() else "does not exist"
