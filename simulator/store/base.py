"""What the app, the CLI and reports need from storage, independent of the backend.

Rows are frozen dataclasses; times are POSIX seconds (float, UTC). A reply is
durable (committed) when ``save_reply`` returns: the TUI calls it before the
buyer answers, so quitting, a crash or ``kill -9`` loses nothing.

``user`` arguments: ``None`` means the current user (``current_user()``); a
name means that person; :data:`ALL` (``"*"``) means everyone the caller may
see (in team mode the database hides other trainees' rows from a trainee).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal, Self

from simulator.i18n import Localized, Said

Role = Literal["trainee", "supervisor", "admin"]
Mode = Literal["practice", "exam"]
Status = Literal["active", "finished", "abandoned"]

ROLES: tuple[Role, ...] = ("trainee", "supervisor", "admin")
MODES: tuple[Mode, ...] = ("practice", "exam")
ALL = "*"
"""Pass as ``user`` to mean every user the caller may see."""


class StoreError(Exception, Localized):
    """A storage problem a user can act on: the message says what and where.

    Made from a :class:`~simulator.i18n.Said` (a ``store.*`` key of the
    catalogs, simulator/locales/*/store.yaml, and its values; :meth:`of`), it
    is said in any UI language with :meth:`text` (or as a Translator value);
    ``str()`` is always ``kefu: `` and the English text, as the commands print
    it. Made from a plain message, it says that message in every language.
    ``retry``: trying again may succeed (the database was busy or out of
    reach); False when nothing changes until someone acts.
    """

    def __init__(self, message: str | Said = "", *, retry: bool = False) -> None:
        self.said = message if isinstance(message, Said) else None
        self.retry = retry
        super().__init__(f"kefu: {message.text('en')}" if isinstance(message, Said) else message)

    @classmethod
    def of(cls, key: str, *, retry: bool = False, **values: Any) -> Self:
        """The error ``store.<key>`` with its values."""
        return cls(Said.of(f"store.{key}", **values), retry=retry)

    @property
    def key(self) -> str | None:
        """The catalog key of the message (None for a plain message)."""
        return self.said.key if self.said is not None else None

    def text(self, lang: str) -> str:
        """The message in ``lang`` (without the ``kefu:`` of the command line)."""
        if self.said is None:
            return str(self).removeprefix("kefu: ")
        return self.said.text(lang)


class StorePermissionError(StoreError):
    """The database (or the store, in local mode) refused: the caller lacks the right."""


def word(value: str) -> Said | str:
    """A status, mode or role (``finished``, ``exam``, ``trainee``) as a message
    says it in each language; any other text as it is."""
    from simulator.i18n import catalog

    key = f"store.word.{value}"
    return Said(key) if key in catalog("en") else value


@dataclass(frozen=True)
class User:
    """A person: a trainee, a supervisor or an admin, with the groups they are in."""

    name: str
    role: Role = "trainee"
    display: str = ""
    groups: tuple[str, ...] = ()


@dataclass(frozen=True)
class Reply:
    """One trainee reply of an attempt; ``step`` counts from 0."""

    step: int
    text: str
    at: float | None


@dataclass(frozen=True)
class Attempt:
    """One run of a scenario by one trainee, with its replies once loaded."""

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
    overridden: bool = False  # a supervisor set ``score`` (kefu override): it stands


@dataclass(frozen=True)
class Assignment:
    """A scenario set given to a user or ``@group`` by a supervisor."""

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
class Override:
    """One audited change of a recorded score by a supervisor."""

    attempt_id: int
    by: str
    old_score: int | None
    new_score: int
    reason: str
    at: float


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


@dataclass(frozen=True)
class Paper:
    """A published scenario without its answer key (model replies, self-tests)."""

    scenario_id: str
    source: str  # the scenario's YAML, model replies and self-tests removed
    exam: bool  # exam material: a trainee reads the key only after submitting it
    published_by: str = ""
    published_at: float = 0.0


@dataclass(frozen=True)
class SetPaper:
    """A published scenario set."""

    set_id: str
    source: str  # the set's YAML
    scenarios: tuple[str, ...]
    published_by: str = ""
    published_at: float = 0.0


class Store:
    """The storage API. Implementations: SQL (SQLite file or PostgreSQL).

    Every method raises :class:`StoreError` (never a driver exception) when the
    database is locked or unreachable after a few seconds of retries, and
    :class:`StorePermissionError` when the caller may not do it.
    """

    url: str  # with any password hidden: safe to show
    backend: Literal["sqlite", "postgresql"]

    # people
    def current_user(self) -> User:
        """The person using kefu: the OS login (local) or the database role (team)."""
        raise NotImplementedError

    def actor(self) -> str:
        """Who runs a supervisor command (audit columns); never registers anyone."""
        raise NotImplementedError

    def ensure_user(self, name: str, role: Role = "trainee", display: str = "") -> User:
        """Create ``name`` or set its role (and display name, if given)."""
        raise NotImplementedError

    def create_person(
        self, name: str, role: Role = "trainee", password: str | None = None, display: str = ""
    ) -> User:
        """Add a person; in team mode also their database login role (admin only)."""
        raise NotImplementedError

    def get_user(self, name: str) -> User | None:
        """One user, or None if unknown (or hidden from the caller)."""
        raise NotImplementedError

    def list_users(self) -> Sequence[User]:
        """Every user the caller may see, by name."""
        raise NotImplementedError

    def add_to_group(self, user: str, group: str) -> None:
        """Put ``user`` in ``group`` (created if new); a no-op if already there."""
        raise NotImplementedError

    def remove_from_group(self, user: str, group: str) -> None:
        """Take ``user`` out of ``group``; a no-op if not there."""
        raise NotImplementedError

    def group_members(self, group: str) -> Sequence[str]:
        """The names in ``group`` (without the ``@``), sorted."""
        raise NotImplementedError

    # attempts
    def start_attempt(
        self,
        scenario_id: str,
        *,
        mode: Mode = "practice",
        seed: int = 0,
        assignment_id: int | None = None,
        started_at: float | None = None,
    ) -> int:
        """Record a new active attempt of the current user; returns its id."""
        raise NotImplementedError

    def save_reply(self, attempt_id: int, step: int, text: str, at: float | None) -> None:
        """Store reply ``step`` durably; saving the same text again is a no-op."""
        raise NotImplementedError

    def add_hint(self, attempt_id: int) -> None:
        """Count one more hint used in an active attempt."""
        raise NotImplementedError

    def finish_attempt(
        self, attempt_id: int, result: Mapping[str, Any], finished_at: float | None = None
    ) -> None:
        """Record the result (score, ending, criteria) of an active attempt, once."""
        raise NotImplementedError

    def abandon_attempt(self, attempt_id: int) -> None:
        """Mark an active attempt abandoned (its replies stay)."""
        raise NotImplementedError

    def get_attempt(self, attempt_id: int) -> Attempt:
        """One attempt with its replies; StoreError if unknown or hidden."""
        raise NotImplementedError

    def unfinished_attempts(self, user: str | None = None) -> Sequence[Attempt]:
        """Active attempts (to resume), oldest first."""
        raise NotImplementedError

    def attempts(
        self,
        user: str | None = None,
        scenario_id: str | None = None,
        since: float | None = None,
        limit: int | None = None,
    ) -> Sequence[Attempt]:
        """Attempts with replies, newest first; ``user=ALL`` for everyone visible."""
        raise NotImplementedError

    def override_score(
        self, attempt_id: int, new_score: int, reason: str, by: str | None = None
    ) -> Override:
        """A supervisor changes a finished attempt's score; the reason is audited."""
        raise NotImplementedError

    def overrides(self, attempt_id: int) -> Sequence[Override]:
        """The audit trail of one attempt's score, oldest first."""
        raise NotImplementedError

    # assignments
    def create_assignment(
        self,
        set_id: str,
        assignee: str,
        *,
        mode: Mode = "practice",
        pass_mark: int | None = None,
        due: str | None = None,
        attempts_allowed: int | None = None,
        time_limit_s: int | None = None,
        created_by: str | None = None,
    ) -> Assignment:
        """Assign a scenario set to a user or ``@group``."""
        raise NotImplementedError

    def list_assignments(self, set_id: str | None = None) -> Sequence[Assignment]:
        """Every assignment the caller may see, oldest first."""
        raise NotImplementedError

    def get_assignment(self, assignment_id: int) -> Assignment:
        """One assignment; StoreError if unknown or hidden."""
        raise NotImplementedError

    def assignments_for(self, user: str | None = None) -> Sequence[Assignment]:
        """Assignments to the user directly or to one of their groups, oldest first."""
        raise NotImplementedError

    # published scenarios (simulator.papers makes and reads them)
    def publish(
        self, papers: Sequence[tuple[Paper, Mapping[str, str]]], sets: Sequence[SetPaper]
    ) -> None:
        """Store (or replace) scenarios, each with its key, and sets, in one transaction."""
        raise NotImplementedError

    def papers(self) -> Sequence[Paper]:
        """Every published scenario, by id."""
        raise NotImplementedError

    def set_papers(self) -> Sequence[SetPaper]:
        """Every published set, by id."""
        raise NotImplementedError

    def scenario_key(self, scenario_id: str) -> Mapping[str, str] | None:
        """A published scenario's model replies by node, or None if unknown or locked."""
        raise NotImplementedError

    def unpublish(self, ids: Sequence[str]) -> int:
        """Remove the published scenarios and sets with these ids; how many went."""
        raise NotImplementedError

    # script drill
    def drill_stats(self, set_id: str, user: str | None = None) -> Mapping[str, DrillStat]:
        """Drill state per item id of one set."""
        raise NotImplementedError

    def record_drill(self, stat: DrillStat, user: str | None = None) -> None:
        """Insert or replace one item's drill state."""
        raise NotImplementedError

    # settings (per user)
    def get_setting(self, key: str, default: str | None = None) -> str | None:
        """The current user's setting ``key``."""
        raise NotImplementedError

    def set_setting(self, key: str, value: str) -> None:
        """Set the current user's setting ``key``."""
        raise NotImplementedError

    # transfer
    def export_records(self) -> Iterator[dict[str, Any]]:
        """People, groups, assignments and attempts (with replies and overrides) as dicts."""
        raise NotImplementedError

    def import_records(self, records: Iterable[Mapping[str, Any]]) -> Mapping[str, int]:
        """Load ``export_records`` output; returns counts per kind."""
        raise NotImplementedError

    def backup(self, dest: str | Path) -> Path:
        """Copy the SQLite database to ``dest`` (online, consistent); not for PostgreSQL."""
        raise NotImplementedError

    def close(self) -> None:
        """Release connections."""
        raise NotImplementedError
