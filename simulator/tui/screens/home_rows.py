"""What Home shows, computed from store rows and the library. Pure: no Textual, no database.

A practice assignment's status is *not started* (no attempt yet), *in
progress* (some scenarios of the set still without a finished attempt), *done*
(every scenario finished, not all at the pass mark) or *passed* (every
scenario's best score at or above the pass mark). An exam's is what the team
report says of it (``simulator.exams.outcome``, one rule for both): *not
started*, *in progress* (also while an attempt is still open), *failed* or
*passed*. Attempts count for an assignment when they were made for it; for a
practice assignment, any finished attempt of a set scenario since the
assignment was given counts too.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from simulator.exams import passes

# Home imports this module for its first frame: the scorer (via scoring.model and
# simulator.advice) and simulator.store (SQLAlchemy) are imported where used.
if TYPE_CHECKING:
    from scoring.model import Message
    from simulator.loader import Library
    from simulator.scenario import Scenario
    from simulator.store.base import Assignment, Attempt

FILTERS = ("category", "channel", "difficulty", "language")
RECENT = 5
STATUSES = ("not_started", "in_progress", "done", "failed", "passed")


@dataclass(frozen=True)
class AssignmentRow:
    """One assignment as Home lists it."""

    assignment: Assignment
    title: Message
    scenarios: tuple[str, ...]
    pass_mark: int | None
    status: str
    passed: int
    best: int | None  # the mean of each tried scenario's best score
    next_id: str | None  # the scenario to open next
    tries: Mapping[str, int] = field(default_factory=dict)

    @property
    def total(self) -> int:
        """How many scenarios the set has."""
        return len(self.scenarios)

    def overdue(self, today: str) -> bool:
        """Past the due date (ISO ``today``) and not passed."""
        due = self.assignment.due
        return bool(due) and str(due) < today and self.status != "passed"

    def attempts_left(self, scenario_id: str) -> int | None:
        """Attempts still allowed on ``scenario_id`` (None: no limit)."""
        allowed = self.assignment.attempts_allowed
        if allowed is None:
            return None
        return max(0, allowed - self.tries.get(scenario_id, 0))


def set_title(library: Library, set_id: str) -> Message:
    """A set's title as a Message (its id if the library does not have it)."""
    from scoring.model import Message

    found = library.sets.get(set_id)
    if found is None:
        return Message(set_id, set_id)
    title = found.title
    return Message(str(title.get("zh", set_id)), str(title.get("en", set_id)))


def counts_for(attempt: Attempt, a: Assignment, scenario_ids: Sequence[str]) -> bool:
    """Whether ``attempt`` counts towards assignment ``a``."""
    if attempt.scenario_id not in scenario_ids:
        return False
    if attempt.assignment_id == a.id:
        return True
    return (
        a.mode == "practice"
        and attempt.assignment_id is None
        and attempt.started_at >= a.created_at
    )


def tries_used(attempts: Iterable[Attempt], assignment_id: int, scenario_id: str) -> int:
    """The tries of an assignment used at ``scenario_id``: every attempt counts, a
    discarded or unfinished one too, as the store's limit does."""
    return sum(
        1 for x in attempts if x.assignment_id == assignment_id and x.scenario_id == scenario_id
    )


def assignment_row(
    a: Assignment,
    attempts: Sequence[Attempt],
    unfinished: Sequence[Attempt],
    library: Library,
    today: dt.date,
) -> AssignmentRow:
    """Status, progress and best score of one assignment (``today`` for an exam's due date)."""
    from simulator import advice

    found = library.sets.get(a.set_id)
    ids = found.scenarios if found else ()
    mark = a.pass_mark if a.pass_mark is not None else (found.pass_mark if found else None)
    mine = [x for x in advice.finished(attempts) if counts_for(x, a, ids)]
    # What the tries limit counts: every attempt at the exam, a discarded one too.
    # (an unfinished attempt may be in both lists: each attempt once)
    every = [
        x for x in {x.id: x for x in (*attempts, *unfinished)}.values() if counts_for(x, a, ids)
    ]
    used = Counter(x.scenario_id for x in every)
    if a.mode == "exam":
        still = {x.scenario_id for x in every if x.status == "active"}
        status, passed, best = _exam_status(a, mine, used, still, ids, mark, today)
    else:
        status, passed, best = _practice_status(mine, every, ids, mark)
    next_id = advice.next_in_set(ids, mine, None, mark) or (ids[0] if ids else None)
    mean = round(sum(best) / len(best)) if best else None
    return AssignmentRow(
        a, set_title(library, a.set_id), ids, mark, status, passed, mean, next_id, dict(used)
    )


def _exam_status(
    a: Assignment,
    mine: Sequence[Attempt],
    used: Mapping[str, int],
    still: set[str],
    ids: Sequence[str],
    mark: int | None,
    today: dt.date,
) -> tuple[str, int, list[int]]:
    """An exam read as the team report and the team screen read it (``exams.outcome``):
    status, scenarios passed, and each tried scenario's best score. ``used`` counts
    every attempt per scenario, ``still`` names those with an attempt still open."""
    from simulator import exams, report

    found = exams.outcome(a, report.scored(mine, {}), ids, mark or 0, today, used, still)
    best = [b for b in found["best"].values() if b is not None]
    return found["result"], found["scenarios_passed"], best


def _practice_status(
    mine: Sequence[Attempt], every: Sequence[Attempt], ids: Sequence[str], mark: int | None
) -> tuple[str, int, list[int]]:
    """A practice assignment: passed, done (every scenario finished), in progress or not
    started; scenarios passed, and each tried scenario's best score."""
    best: dict[str, int] = {}
    passing: set[str] = set()
    for x in mine:
        if x.score is not None and x.score >= best.get(x.scenario_id, -1):
            best[x.scenario_id] = x.score
        if passes(x.score, mark, x):
            passing.add(x.scenario_id)
    passed = sum(1 for sid in ids if sid in passing)
    if ids and passed == len(ids):
        status = "passed"
    elif ids and all(sid in best for sid in ids):
        status = "done"
    elif mine or every:
        status = "in_progress"
    else:
        status = "not_started"
    return status, passed, list(best.values())


def assignment_rows(
    assignments: Iterable[Assignment],
    attempts: Sequence[Attempt],
    unfinished: Sequence[Attempt],
    library: Library,
    today: dt.date,
) -> list[AssignmentRow]:
    """Every assignment of the trainee, soonest due first (undated last)."""
    rows = [assignment_row(a, attempts, unfinished, library, today) for a in assignments]
    return sorted(
        rows, key=lambda r: (r.assignment.due is None, r.assignment.due or "", r.assignment.id)
    )


def recent(attempts: Iterable[Attempt], n: int = RECENT) -> list[Attempt]:
    """The latest ``n`` finished attempts, newest first."""
    from simulator import advice

    done = sorted(
        advice.finished(attempts), key=lambda a: a.finished_at or a.started_at, reverse=True
    )
    return done[:n]


def field_value(scenario: Scenario, name: str) -> str:
    """A scenario's value of filter ``name``, as text."""
    return str(getattr(scenario, name))


def browsable(library: Library) -> list[Scenario]:
    """The scenarios a trainee may pick freely: all but published exam material,
    which is played only through an exam assignment."""
    return [
        s
        for s in library.scenarios.values()
        if s.id not in library.papers or not library.papers[s.id].exam
    ]


def filter_options(library: Library) -> dict[str, list[str]]:
    """The values each filter can take in this library, sorted."""
    shown = browsable(library)
    return {name: sorted({field_value(s, name) for s in shown}) for name in FILTERS}


def matching(library: Library, filters: Mapping[str, str]) -> list[Scenario]:
    """Scenarios that pass every set filter, by category, difficulty and id."""
    return sorted(
        (s for s in browsable(library) if all(field_value(s, k) == v for k, v in filters.items())),
        key=lambda s: (s.category, s.difficulty, s.id),
    )
