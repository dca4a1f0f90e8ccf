"""Exam results against the pass mark, per trainee and exam assignment. Pure.

An exam is an assignment in exam mode; its attempts are those linked to it
(``Attempt.assignment_id``). See ``simulator.report`` for the rules.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from simulator.report import Scored
    from simulator.store.base import Assignment, Attempt


@dataclass(frozen=True)
class SetInfo:
    """What a report needs of a scenario set."""

    id: str
    pass_mark: int
    scenarios: tuple[str, ...]


def ran_out(attempt: Attempt) -> bool:
    """Whether the clock submitted this attempt before its conversation reached an ending."""
    result = attempt.result or {}
    return bool(result.get("timed_out")) and not result.get("ending")


def passes(score: int | None, mark: int | None, attempt: Attempt, overridden: bool = False) -> bool:
    """Whether an attempt passes a scenario against ``mark`` (None: any finished attempt).

    An attempt whose time ran out before the conversation ended does not pass,
    whatever it scored on the replies sent in time (one strong reply and a wait
    would otherwise do); a supervisor's override of its score (``overridden``,
    or the store's ``Attempt.overridden``) is a judgment that stands.
    """
    overridden = overridden or attempt.overridden
    if score is None or (ran_out(attempt) and not overridden):
        return False
    return mark is None or score >= mark


Key = tuple[int, str, str]  # (assignment id, user, scenario id)


@dataclass(frozen=True)
class Tries:
    """Every attempt made at assignments, whatever became of it: the tries limit
    counts them all (a discarded or unfinished one too), and one still open holds
    its scenario's result until it is submitted."""

    used: Mapping[Key, int] = field(default_factory=dict)
    open: frozenset[Key] = frozenset()


def tries_made(attempts: Iterable[Attempt]) -> Tries:
    """The tries of ``attempts`` (any status; an attempt listed twice counts once)."""
    every = {a.id: a for a in attempts if a.assignment_id is not None}.values()
    used = Counter((a.assignment_id or 0, a.user, a.scenario_id) for a in every)
    still = frozenset(
        (a.assignment_id or 0, a.user, a.scenario_id) for a in every if a.status == "active"
    )
    return Tries(dict(used), still)


def assignees(assignment: Assignment, members: Mapping[str, Sequence[str]]) -> list[str]:
    """The user names an assignment reaches (a ``@group`` expands to its members)."""
    if assignment.assignee.startswith("@"):
        return sorted(members.get(assignment.assignee[1:], ()))
    return [assignment.assignee]


def exam_result(
    assignment: Assignment,
    user: str,
    rows: Sequence[Scored],
    info: SetInfo | None,
    today: dt.date,
    tries: Tries | None = None,
) -> dict[str, Any]:
    """One trainee's result on one exam assignment (see the module docstring).

    ``tries`` holds every attempt made (see :func:`tries_made`); without it only
    the scored rows count as tries, and no attempt is open.
    """
    mine = [r for r in rows if r.attempt.user == user and r.attempt.assignment_id == assignment.id]
    scenarios = (
        info.scenarios if info else tuple(dict.fromkeys(r.attempt.scenario_id for r in mine))
    )
    mark = (
        assignment.pass_mark
        if assignment.pass_mark is not None
        else (info.pass_mark if info else 0)
    )
    made = tries or Tries()
    keys = {sid: (assignment.id, user, sid) for sid in scenarios}
    used = {sid: made.used.get(key, 0) for sid, key in keys.items()}
    still = {sid for sid, key in keys.items() if key in made.open}
    return {"user": user, **outcome(assignment, mine, scenarios, mark, today, used, still)}


def outcome(
    assignment: Assignment,
    mine: Sequence[Scored],
    scenarios: Sequence[str],
    mark: int,
    today: dt.date,
    used: Mapping[str, int],
    still_open: Collection[str] = (),
) -> dict[str, Any]:
    """The result of one trainee's scored rows ``mine`` on an exam of ``scenarios``.

    ``used`` counts every attempt per scenario (the tries limit's count) and
    ``still_open`` names the scenarios with an attempt not yet submitted. The one
    rule the team report, the team screen and the trainee's Home all read: the
    exam is ``passed`` when every scenario passes; ``in_progress`` while an
    attempt is open (its score decides); ``failed`` when every scenario was
    tried, or a failing scenario used up its tries, or the due date passed;
    else ``in_progress`` after some attempts, ``not_started`` before.
    """
    best: dict[str, int | None] = dict.fromkeys(scenarios)
    tries: Counter[str] = Counter()
    passing: set[str] = set()
    for r in mine:
        sid = r.attempt.scenario_id
        tries[sid] += 1
        if best.get(sid) is None or r.score > (best[sid] or 0):
            best[sid] = r.score
        if passes(r.score, mark, r.attempt, r.overridden):
            passing.add(sid)
    for sid in best:
        tries[sid] = max(tries[sid], used.get(sid, 0))
    passed = [s for s in best if s in passing]
    waiting = [s for s in best if s in still_open and s not in passing]
    tried = [b for b in best.values() if b is not None]
    started = bool(tried) or any(tries.values())
    allowed = assignment.attempts_allowed
    used_up = allowed is not None and any(
        tries[s] >= allowed for s in best if s not in passing and s not in waiting
    )
    overdue = bool(assignment.due) and str(assignment.due) < today.isoformat()
    if best and len(passed) == len(best):
        result = "passed"
    elif waiting:
        result = "in_progress"  # an attempt is still open: its score is not known yet
    elif (tried and len(tried) == len(best)) or (started and (used_up or overdue)):
        result = "failed"
    elif not started:
        result = "failed" if overdue else "not_started"
    else:
        result = "in_progress"
    return {
        "assignment_id": assignment.id,
        "set": assignment.set_id,
        "pass_mark": mark,
        "due": assignment.due,
        "attempts_allowed": allowed,
        "attempts_used": max(tries.values(), default=0),
        "best": best,
        "scenarios_passed": len(passed),
        "scenarios_total": len(best),
        "lowest_best": min(tried) if tried and len(tried) == len(best) else None,
        "result": result,
        "can_retry": result != "passed" and not used_up and not overdue,
    }


def exams(
    assignments: Iterable[Assignment],
    rows: Sequence[Scored],
    users: Iterable[str],
    members: Mapping[str, Sequence[str]],
    sets: Mapping[str, SetInfo],
    today: dt.date,
    set_id: str | None = None,
    tries: Tries | None = None,
) -> list[dict[str, Any]]:
    """Exam results of ``users``, by assignment then user (``tries``: see exam_result)."""
    wanted = set(users)
    out = []
    for a in sorted(assignments, key=lambda a: a.id):
        if a.mode != "exam" or (set_id and a.set_id != set_id):
            continue
        for user in assignees(a, members):
            if user in wanted:
                out.append(exam_result(a, user, rows, sets.get(a.set_id), today, tries))
    return out
