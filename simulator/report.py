"""Team reports: pass rates, trends, exams, first-reply times and failed rules. Pure.

Store rows (``Attempt``, ``Assignment``, ``Override``, ``User``) and a few
library facts (each set's scenarios and pass mark, each scenario's channel)
in; one plain ``dict`` out, which *is* the JSON of ``kefu report --format
json``. No database, no click, no terminal: ``report_text`` and
``report_html`` render the dict.

What is counted
---------------
- An attempt counts once it is finished with a score. A supervisor's override
  replaces the score everywhere in the report (the latest override wins); the
  attempt is then marked ``overridden`` and listed under ``overrides``.
- A criterion's pass rate is over the counted attempts that scored it. Its
  trend compares the first half of a trainee's attempts in the period with the
  second half (oldest first; the middle one of an odd count goes to the
  second half): ``trend = second_half - first_half``, None below 2 attempts.
- Time to first reply: the first reply's ``at`` minus the attempt's
  ``started_at`` (when the buyer's opening line was shown), in seconds.
- An exam is an assignment in exam mode. Its attempts are those linked to it.
  Per scenario of the set the best score counts; the exam is ``passed`` when
  every scenario's best reaches the pass mark, ``failed`` when every scenario
  was attempted (or a failing scenario used up its attempts, or the due date
  passed) without that, ``in_progress`` after some attempts or while an
  attempt is still open (its score is not known yet), else ``not_started``;
  ``can_retry`` says whether tries and time are left. An attempt the clock
  submitted before its conversation ended keeps its score but passes nothing
  unless a supervisor overrode it (``exams.passes``). ``--attempts N`` means
  tries per scenario. The trainee's Home and the team screen read exams by the
  same rule (``exams.outcome``).
- Most-failed rules: each reply is scored again with ``scoring.score_reply``
  (the stored result holds criteria, not rule ids) and every finding at the
  ``cost`` or ``cancel`` level counts; ``attempts`` is how many attempts hit
  the rule at least once.

JSON schema (``"schema": "kefu-report/1"``; rates are fractions 0..1, times
seconds, dates ISO ``YYYY-MM-DD`` in local time)::

    {"schema", "generated_at", "filters": {"user", "group", "set", "since"},
     "period": {"from", "to"}, "criteria": [name, ...],
     "totals": {"trainees", "attempts", "avg_score", "avg_first_reply_s",
                "overridden", "criteria": {name: RATE}},
     "trainees": [{"user", "display", "attempts", "avg_score", "best_score",
                   "score_trend", "avg_first_reply_s", "overridden",
                   "weakest": [name, ...], "criteria": {name: RATE}}],
     "weekly": [{"week": "2026-W48", "start", "attempts", "avg_score",
                 "criteria": {name: rate}}],
     "exams": [{"user", "assignment_id", "set", "pass_mark", "due",
                "attempts_allowed", "attempts_used", "best": {scenario: score|null},
                "scenarios_passed", "scenarios_total", "lowest_best", "result",
                "can_retry"}],
     "weakest": [{"criterion", "rate", "passed", "attempts"}],
     "failed_rules": [{"rule", "criterion", "attempts", "hits", "users",
                       "message": {"zh", "en"}}],
     "overrides": [{"attempt_id", "user", "scenario", "recorded_score",
                    "new_score", "by", "reason", "at"}]}

    RATE = {"passed", "attempts", "rate", "first_half", "second_half", "trend"}
"""

from __future__ import annotations

import datetime as dt
from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from scoring import score_reply
from simulator.advice import CORE_CRITERIA, CRITERIA
from simulator.exams import SetInfo, Tries, exams
from simulator.store.base import User

if TYPE_CHECKING:
    from simulator.store.base import Assignment, Attempt, Override

SCHEMA = "kefu-report/1"
COST_LEVELS = ("cost", "cancel")
WEAKEST_PER_TRAINEE = 2


@dataclass(frozen=True)
class Scored:
    """A counted attempt with its effective score (after any override)."""

    attempt: Attempt
    score: int
    recorded: int | None
    overrides: tuple[Override, ...] = ()

    @property
    def overridden(self) -> bool:
        """Whether a supervisor changed the score."""
        return bool(self.overrides)

    @property
    def at(self) -> float:
        """When the attempt counts: its finish time, else its start."""
        return self.attempt.finished_at or self.attempt.started_at


# -- selecting ----------------------------------------------------------------
def scored(
    attempts: Iterable[Attempt], overrides: Mapping[int, Sequence[Override]]
) -> list[Scored]:
    """Finished attempts with their effective scores, oldest first."""
    out = []
    for a in attempts:
        trail = tuple(sorted(overrides.get(a.id, ()), key=lambda o: o.at))
        if a.status != "finished" or (a.score is None and not trail):
            continue
        recorded = trail[0].old_score if trail else a.score
        score = trail[-1].new_score if trail else a.score
        out.append(Scored(a, int(score or 0), recorded, trail))
    return sorted(out, key=lambda s: (s.at, s.attempt.started_at, s.attempt.id))


def select(
    rows: Iterable[Scored],
    users: Iterable[str] | None = None,
    scenario_ids: Iterable[str] | None = None,
    set_id: str | None = None,
    assignments: Iterable[Assignment] = (),
    since: float | None = None,
) -> list[Scored]:
    """Rows of ``users``, in a set (its scenarios or its assignments), since a time."""
    who = set(users) if users is not None else None
    ids = set(scenario_ids) if scenario_ids is not None else None
    of_set = {a.id for a in assignments if a.set_id == set_id} if set_id else set()
    out = []
    for r in rows:
        a = r.attempt
        if who is not None and a.user not in who:
            continue
        if ids is not None and a.scenario_id not in ids and a.assignment_id not in of_set:
            continue
        if since is not None and r.at < since:
            continue
        out.append(r)
    return out


# -- numbers --------------------------------------------------------------------
def _mean(values: Sequence[float]) -> float | None:
    return sum(values) / len(values) if values else None


def _round(value: float | None, places: int = 1) -> float | None:
    return None if value is None else round(value, places)


def halves(values: Sequence[Any]) -> tuple[Sequence[Any], Sequence[Any]]:
    """Oldest half and newest half (the middle of an odd count is in the newest)."""
    mid = len(values) // 2
    return values[:mid], values[mid:]


def rate_stat(outcomes: Sequence[bool]) -> dict[str, Any]:
    """Pass count, rate and the first-half vs second-half trend of one criterion."""
    first, second = halves(outcomes)
    r1 = _mean([float(x) for x in first])
    r2 = _mean([float(x) for x in second])
    return {
        "passed": sum(outcomes),
        "attempts": len(outcomes),
        "rate": _round(_mean([float(x) for x in outcomes]), 4),
        "first_half": _round(r1, 4),
        "second_half": _round(r2, 4),
        "trend": _round(r2 - r1, 4) if r1 is not None and r2 is not None else None,
    }


def criteria_of(attempt: Attempt) -> Mapping[str, bool]:
    """Criterion -> passed for one attempt (the row's column, else its result)."""
    if attempt.criteria:
        return attempt.criteria
    found = attempt.result.get("criteria") if attempt.result else None
    return found if isinstance(found, Mapping) else {}


def criterion_rates(rows: Sequence[Scored]) -> dict[str, dict[str, Any]]:
    """RATE per criterion seen in ``rows``, in the scorer's order."""
    out = {}
    for name in CRITERIA:
        outcomes = [bool(c[name]) for r in rows if name in (c := criteria_of(r.attempt))]
        if outcomes:
            out[name] = rate_stat(outcomes)
    return out


def first_reply_s(attempt: Attempt) -> float | None:
    """Seconds from the buyer's opening line to the first reply; None if unknown."""
    if not attempt.replies:
        return None
    first = min(attempt.replies, key=lambda r: r.step)
    if first.at is None or first.at < attempt.started_at:
        return None
    return first.at - attempt.started_at


def weakest(rates: Mapping[str, Mapping[str, Any]], limit: int | None = None) -> list[str]:
    """Criteria below 100%, lowest rate first (ties in the scorer's order)."""
    order = {name: i for i, name in enumerate(CRITERIA)}
    weak = [n for n, s in rates.items() if s["rate"] is not None and s["rate"] < 1.0]
    weak.sort(key=lambda n: (rates[n]["rate"], order[n]))
    return weak[:limit] if limit else weak


def summary(rows: Sequence[Scored]) -> dict[str, Any]:
    """Attempts, average score and time to first reply, overrides, criteria."""
    times = [t for r in rows if (t := first_reply_s(r.attempt)) is not None]
    return {
        "attempts": len(rows),
        "avg_score": _round(_mean([r.score for r in rows])),
        "avg_first_reply_s": _round(_mean(times)),
        "overridden": sum(r.overridden for r in rows),
        "criteria": criterion_rates(rows),
    }


def trainee_row(user: User, rows: Sequence[Scored]) -> dict[str, Any]:
    """One trainee's line of the report."""
    base = summary(rows)
    first, second = halves([r.score for r in rows])
    m1, m2 = _mean(first), _mean(second)
    return {
        "user": user.name,
        "display": user.display,
        **{k: base[k] for k in ("attempts", "avg_score")},
        "best_score": max((r.score for r in rows), default=None),
        "score_trend": _round(m2 - m1) if m1 is not None and m2 is not None else None,
        "avg_first_reply_s": base["avg_first_reply_s"],
        "overridden": base["overridden"],
        "weakest": weakest(base["criteria"], WEAKEST_PER_TRAINEE),
        "criteria": base["criteria"],
    }


def local_date(ts: float, tz: dt.tzinfo | None = None) -> dt.date:
    """The calendar date of a POSIX time (local time unless ``tz``)."""
    return dt.datetime.fromtimestamp(ts, tz).date()


def weekly(rows: Sequence[Scored], tz: dt.tzinfo | None = None) -> list[dict[str, Any]]:
    """Attempts, average score and pass rates per ISO week (Monday first), oldest first."""
    weeks: dict[dt.date, list[Scored]] = defaultdict(list)
    for r in rows:
        day = local_date(r.at, tz)
        weeks[day - dt.timedelta(days=day.weekday())].append(r)
    out = []
    for start in sorted(weeks):
        group = weeks[start]
        year, week, _ = start.isocalendar()
        out.append(
            {
                "week": f"{year}-W{week:02d}",
                "start": start.isoformat(),
                "attempts": len(group),
                "avg_score": _round(_mean([r.score for r in group])),
                "criteria": {n: s["rate"] for n, s in criterion_rates(group).items()},
            }
        )
    return out


# -- rules and overrides ------------------------------------------------------------
def failed_rules(rows: Sequence[Scored], channels: Mapping[str, str]) -> list[dict[str, Any]]:
    """Rules that cost points, most attempts first (replies are scored again)."""
    attempts: Counter[str] = Counter()
    hits: Counter[str] = Counter()
    users: dict[str, set[str]] = defaultdict(set)
    info: dict[str, Any] = {}
    for r in rows:
        fired: set[str] = set()
        previous: list[str] = []
        channel = channels.get(r.attempt.scenario_id, "chat")
        for reply in sorted(r.attempt.replies, key=lambda x: x.step):
            try:
                result = score_reply(
                    reply.text, channel=channel, context={"previous_replies": previous}
                )
            except ValueError:
                continue
            previous.append(reply.text)
            for f in result.findings:
                if f.level in COST_LEVELS:
                    hits[f.rule] += 1
                    fired.add(f.rule)
                    info.setdefault(f.rule, (f.criterion, {"zh": f.message.zh, "en": f.message.en}))
        for rule in fired:
            attempts[rule] += 1
            users[rule].add(r.attempt.user)
    ranked = sorted(attempts, key=lambda k: (-attempts[k], -hits[k], k))
    return [
        {
            "rule": k,
            "criterion": info[k][0],
            "attempts": attempts[k],
            "hits": hits[k],
            "users": len(users[k]),
            "message": info[k][1],
        }
        for k in ranked
    ]


def override_rows(rows: Sequence[Scored]) -> list[dict[str, Any]]:
    """Every override applied to a counted attempt, oldest first."""
    out = []
    for r in rows:
        for o in r.overrides:
            out.append(
                {
                    "attempt_id": r.attempt.id,
                    "user": r.attempt.user,
                    "scenario": r.attempt.scenario_id,
                    "recorded_score": o.old_score,
                    "new_score": o.new_score,
                    "by": o.by,
                    "reason": o.reason,
                    "at": o.at,
                }
            )
    return sorted(out, key=lambda o: (o["at"], o["attempt_id"]))


# -- the report ------------------------------------------------------------------
def build(
    rows: Sequence[Scored],
    people: Sequence[User],
    *,
    assignments: Sequence[Assignment] = (),
    members: Mapping[str, Sequence[str]] | None = None,
    sets: Mapping[str, SetInfo] | None = None,
    channels: Mapping[str, str] | None = None,
    filters: Mapping[str, Any] | None = None,
    now: float,
    tz: dt.tzinfo | None = None,
    tries: Tries | None = None,
) -> dict[str, Any]:
    """The whole report as a JSON-ready dict (schema in the module docstring).

    ``rows`` are already selected; ``people`` are the trainees to list (anyone
    with rows is added); ``tries`` holds every attempt made at an assignment,
    discarded and open ones too (``exams.tries_made``): the tries limit counts
    them all, and an open one keeps its exam in progress. Same input, same output.
    """
    known = {u.name: u for u in people}
    by_user: dict[str, list[Scored]] = defaultdict(list)
    for r in rows:
        known.setdefault(r.attempt.user, User(r.attempt.user))
        by_user[r.attempt.user].append(r)
    totals = summary(rows)
    dates = sorted(local_date(r.at, tz) for r in rows)
    today = local_date(now, tz)
    set_id = (filters or {}).get("set")
    return {
        "schema": SCHEMA,
        "generated_at": _iso_time(now, tz),
        "filters": dict(filters or {}),
        "period": {
            "from": dates[0].isoformat() if dates else None,
            "to": dates[-1].isoformat() if dates else None,
        },
        "criteria": [c for c in CRITERIA if c in totals["criteria"]] or list(CORE_CRITERIA),
        "totals": {"trainees": len(known), **totals},
        "trainees": [trainee_row(known[n], by_user[n]) for n in sorted(known)],
        "weekly": weekly(rows, tz),
        "exams": exams(assignments, rows, known, members or {}, sets or {}, today, set_id, tries),
        "weakest": [_weak_row(n, totals["criteria"][n]) for n in weakest(totals["criteria"])],
        "failed_rules": failed_rules(rows, channels or {}),
        "overrides": override_rows(rows),
    }


def _weak_row(name: str, stat: Mapping[str, Any]) -> dict[str, Any]:
    return {"criterion": name, **{k: stat[k] for k in ("rate", "passed", "attempts")}}


def _iso_time(ts: float, tz: dt.tzinfo | None) -> str:
    """``ts`` as an ISO time with its UTC offset (local time unless ``tz``)."""
    return dt.datetime.fromtimestamp(ts, tz).astimezone(tz).isoformat(timespec="seconds")
