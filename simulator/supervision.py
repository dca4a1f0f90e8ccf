"""What the supervisor screens show, computed from store rows. Pure: no Textual, no database.

The roster has one row per trainee: groups, counted attempts, average score
(after overrides), the four basics' pass rates, the score trend, the latest
exam against its pass mark, the weakest criterion and when they were last
active. Counting follows ``simulator.report`` (an override replaces the
score; a criterion's rate is over the attempts that scored it) and exam
results follow ``simulator.exams``.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from simulator import report
from simulator.advice import CORE_CRITERIA
from simulator.exams import SetInfo, Tries, assignees, exam_result, tries_made

if TYPE_CHECKING:
    from simulator.store.base import Assignment, Attempt, Override, User

TREND_FLAT = 2.0  # points: a smaller change of the average score counts as flat
SORTS = ("name", "score", "last", "attempts")


@dataclass(frozen=True)
class ExamStatus:
    """A trainee's latest exam: its result and how far against the pass mark."""

    assignment_id: int
    set_id: str
    result: str  # passed, failed, in_progress, not_started
    passed: int
    total: int
    pass_mark: int
    lowest_best: int | None


@dataclass(frozen=True)
class RosterRow:
    """One trainee as the roster lists them."""

    user: str
    display: str
    groups: tuple[str, ...]
    attempts: int
    avg_score: float | None
    rates: Mapping[str, float | None] = field(default_factory=dict)
    trend: float | None = None
    exam: ExamStatus | None = None
    weakest: str | None = None
    last_active: float | None = None

    @property
    def arrow(self) -> str:
        """↑ improving, ↓ slipping, → flat, · too few attempts to tell."""
        if self.trend is None:
            return "·"
        if self.trend > TREND_FLAT:
            return "↑"
        return "↓" if self.trend < -TREND_FLAT else "→"


def last_active(attempts: Iterable[Attempt]) -> float | None:
    """The latest start, reply or finish time among ``attempts``."""
    times: list[float] = []
    for a in attempts:
        times.append(a.finished_at or a.started_at)
        times.extend(r.at for r in a.replies if r.at is not None)
    return max(times, default=None)


def latest_exam(
    user: str,
    assignments: Sequence[Assignment],
    rows: Sequence[report.Scored],
    members: Mapping[str, Sequence[str]],
    sets: Mapping[str, SetInfo],
    today: dt.date,
    tries: Tries | None = None,
) -> ExamStatus | None:
    """The newest exam assignment that reaches ``user``, with their result on it
    (``tries``: every attempt made, see ``exams.tries_made``)."""
    mine = [a for a in assignments if a.mode == "exam" and user in assignees(a, members)]
    if not mine:
        return None
    a = max(mine, key=lambda x: (x.created_at, x.id))
    found = exam_result(a, user, rows, sets.get(a.set_id), today, tries)
    return ExamStatus(
        a.id,
        a.set_id,
        found["result"],
        found["scenarios_passed"],
        found["scenarios_total"],
        found["pass_mark"],
        found["lowest_best"],
    )


def roster(
    people: Iterable[User],
    attempts: Sequence[Attempt],
    overrides: Mapping[int, Sequence[Override]],
    assignments: Sequence[Assignment],
    members: Mapping[str, Sequence[str]],
    sets: Mapping[str, SetInfo],
    today: dt.date,
) -> list[RosterRow]:
    """One row per trainee in ``people``, by name."""
    rows = report.scored(attempts, overrides)
    made = tries_made(attempts)  # discarded and open attempts count as the report's do
    out = []
    for user in sorted((p for p in people if p.role == "trainee"), key=lambda p: p.name):
        counted = [r for r in rows if r.attempt.user == user.name]
        line: dict[str, Any] = report.trainee_row(user, counted)
        rates = {n: line["criteria"][n]["rate"] for n in CORE_CRITERIA if n in line["criteria"]}
        out.append(
            RosterRow(
                user=user.name,
                display=user.display,
                groups=tuple(sorted(user.groups)),
                attempts=line["attempts"],
                avg_score=line["avg_score"],
                rates=rates,
                trend=line["score_trend"],
                exam=latest_exam(user.name, assignments, rows, members, sets, today, made),
                weakest=line["weakest"][0] if line["weakest"] else None,
                last_active=last_active(a for a in attempts if a.user == user.name),
            )
        )
    return out


def filter_group(rows: Iterable[RosterRow], group: str | None) -> list[RosterRow]:
    """Rows of trainees in ``group`` (all rows when None)."""
    return [r for r in rows if group is None or group in r.groups]


def sort_rows(rows: Iterable[RosterRow], key: str) -> list[RosterRow]:
    """By name (A→Z), score or attempts (highest first) or last active (latest first).

    Trainees without a value go last; ties are by name.
    """
    by_name = sorted(rows, key=lambda r: r.user)
    if key == "name":
        return by_name
    value = {
        "score": lambda r: r.avg_score,
        "last": lambda r: r.last_active,
        "attempts": lambda r: r.attempts if r.attempts else None,
    }[key]
    return sorted(by_name, key=lambda r: (value(r) is None, -(value(r) or 0)))


def groups_of(people: Iterable[User]) -> list[str]:
    """Every group any of ``people`` is in, sorted."""
    return sorted({g for p in people for g in p.groups})


def effective_score(attempt: Attempt, trail: Sequence[Override]) -> int | None:
    """The score that counts: the latest override's (``trail`` is oldest first), else the recorded one."""
    return trail[-1].new_score if trail else attempt.score
