"""What the app, the CLI and reports need from storage, independent of the backend.

Rows are frozen dataclasses; times are POSIX seconds (float, UTC). A reply is
durable (committed) when ``save_reply`` returns: the TUI calls it before the
buyer answers, so quitting, a crash or ``kill -9`` loses nothing.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Literal

Role = Literal["trainee", "supervisor", "admin"]
Mode = Literal["practice", "exam"]
Status = Literal["active", "finished", "abandoned"]


class StoreError(Exception):
    """A storage problem a user can act on: the message says what and where."""


@dataclass(frozen=True)
class User:
    name: str
    role: Role = "trainee"
    display: str = ""
    groups: tuple[str, ...] = ()


@dataclass(frozen=True)
class Reply:
    step: int
    text: str
    at: float | None


@dataclass(frozen=True)
class Attempt:
    id: int
    user: str
    scenario_id: str
    mode: Mode
    seed: int
    started_at: float
    status: Status
    assignment_id: int | None = None
    finished_at: float | None = None
    score: int | None = None
    ending: str | None = None
    criteria: Mapping[str, bool] = field(default_factory=dict)
    result: Mapping[str, Any] = field(default_factory=dict)  # SessionResult.to_dict() + extras
    replies: tuple[Reply, ...] = ()
    hints_used: int = 0


@dataclass(frozen=True)
class Assignment:
    id: int
    set_id: str
    assignee: str  # a user name or "@group"
    mode: Mode
    pass_mark: int | None
    due: str | None  # ISO date
    attempts_allowed: int | None
    time_limit_s: int | None
    created_by: str
    created_at: float


@dataclass(frozen=True)
class DrillStat:
    """Spaced-repetition state of one script line for one trainee."""

    set_id: str
    item_id: str
    box: int  # Leitner box, 0 = new / just missed
    due_at: float
    seen: int
    missed: int
    last_score: float | None
    last_elapsed_s: float | None


class Store:
    """The storage API. Implementations: SQL (SQLite file or PostgreSQL)."""

    url: str
    backend: Literal["sqlite", "postgresql"]

    # people
    def current_user(self) -> User: ...
    def ensure_user(self, name: str, role: Role = "trainee", display: str = "") -> User: ...

    # attempts
    def start_attempt(
        self,
        scenario_id: str,
        *,
        mode: Mode = "practice",
        seed: int = 0,
        assignment_id: int | None = None,
        started_at: float | None = None,
    ) -> int: ...
    def save_reply(self, attempt_id: int, step: int, text: str, at: float | None) -> None: ...
    def add_hint(self, attempt_id: int) -> None: ...
    def finish_attempt(
        self, attempt_id: int, result: Mapping[str, Any], finished_at: float | None = None
    ) -> None: ...
    def abandon_attempt(self, attempt_id: int) -> None: ...
    def get_attempt(self, attempt_id: int) -> Attempt: ...
    def unfinished_attempts(self, user: str | None = None) -> Sequence[Attempt]: ...
    def attempts(
        self,
        user: str | None = None,
        scenario_id: str | None = None,
        since: float | None = None,
        limit: int | None = None,
    ) -> Sequence[Attempt]: ...

    # assignments
    def assignments_for(self, user: str | None = None) -> Sequence[Assignment]: ...

    # script drill
    def drill_stats(self, set_id: str, user: str | None = None) -> Mapping[str, DrillStat]: ...
    def record_drill(self, stat: DrillStat, user: str | None = None) -> None: ...

    # settings (per user)
    def get_setting(self, key: str, default: str | None = None) -> str | None: ...
    def set_setting(self, key: str, value: str) -> None: ...

    def close(self) -> None: ...
