"""Supervisor commands: people and groups, assignments, score overrides, attempts.

``kefu user``, ``kefu group``, ``kefu assign``, ``kefu assignments``, ``kefu
override`` and ``kefu attempts`` live here; ``report``, ``export``,
``import`` and ``backup`` are in ``simulator.team_data_cli``. Every command
takes ``--db URL`` (default: ``KEFU_DATABASE_URL``, else the SQLite file under
``KEFU_HOME``). A storage problem is one line ``kefu: <message>`` on stderr
and exit status 1, never a traceback. Never imports Textual.
"""

from __future__ import annotations

import datetime as dt
import sys
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

import click

from simulator.i18n import counted
from simulator.team_common import (
    ROLES,
    Fail,
    db_option,
    echo_table,
    load_library,
    opened,
    own_view,
    parse_date,
    require_group,
    require_role,
    require_user,
    when,
)

if TYPE_CHECKING:
    from simulator.store.base import Attempt, Override, Store


@click.group("user")
def user_cmd() -> None:
    """Add and list people (trainees, supervisors, admins)."""


@user_cmd.command(
    "add", epilog="\b\nExample:\n  kefu user add alice --role trainee --group new-hires"
)
@click.argument("name")
@click.option("--role", type=click.Choice(ROLES), required=True, help="What they may do.")
@click.option("--group", "groups", multiple=True, metavar="G", help="Also put them in G (repeat).")
@click.option("--display", default="", help="The name shown in reports (e.g. 王小丽).")
@click.option(
    "--password-stdin", is_flag=True, help="Team mode: read the login password from stdin."
)
@db_option
def user_add(
    name: str,
    role: str,
    groups: tuple[str, ...],
    display: str,
    password_stdin: bool,
) -> None:
    """Add NAME with a role; on PostgreSQL also their database login role."""
    name = name.strip()
    if not name or name.startswith("@") or name == "*":
        raise Fail(f"{name!r} is not a user name (no @, not empty)")
    password = sys.stdin.readline().rstrip("\n") if password_stdin else None
    with opened(new=True) as store:
        require_role(store, "add people", ("admin",))
        user = store.create_person(name, role, password=password, display=display)  # type: ignore[arg-type]
        for group in groups:
            store.add_to_group(name, group.lstrip("@"))
        where = " in " + ", ".join(f"@{g.lstrip('@')}" for g in groups) if groups else ""
        click.echo(f"{user.name}: {user.role}{where}")


@user_cmd.command("list")
@db_option
def user_list() -> None:
    """Everyone you may see: name, role, display name, groups."""
    with opened() as store:
        rows = [
            [u.name, u.role, u.display, " ".join(f"@{g}" for g in u.groups)]
            for u in store.list_users()
        ]
    echo_table(["name", "role", "display", "groups"], rows, "no people yet: kefu user add NAME")


@click.group("group")
def group_cmd() -> None:
    """Manage groups of people, for assignments and reports."""


@group_cmd.command("add-member", epilog="\b\nExample:\n  kefu group add-member new-hires alice bob")
@click.argument("group")
@click.argument("names", nargs=-1, required=True)
@db_option
def group_add(group: str, names: tuple[str, ...]) -> None:
    """Put NAMES in GROUP (created if new)."""
    with opened() as store:
        require_role(store, "change groups", ("admin",))
        for name in names:
            require_user(store, name)
        for name in names:
            store.add_to_group(name, group.lstrip("@"))
        click.echo(f"@{group.lstrip('@')}: {', '.join(store.group_members(group.lstrip('@')))}")


@group_cmd.command("remove-member", epilog="\b\nExample:\n  kefu group remove-member new-hires bob")
@click.argument("group")
@click.argument("names", nargs=-1, required=True)
@db_option
def group_remove(group: str, names: tuple[str, ...]) -> None:
    """Take NAMES out of GROUP (a name not in it is reported, not an error)."""
    name_of_group = group.lstrip("@")
    with opened() as store:
        require_role(store, "change groups", ("admin",))
        for name in names:
            require_user(store, name)
        before = set(store.group_members(name_of_group))
        for name in names:
            if name in before:
                store.remove_from_group(name, name_of_group)
            else:
                click.echo(
                    f"kefu: note: {name} is not in @{name_of_group}; nothing to remove", err=True
                )
        members = store.group_members(name_of_group)
        click.echo(f"@{name_of_group}: {', '.join(members) if members else '(empty)'}")


@group_cmd.command("members")
@click.argument("group")
@db_option
def group_members(group: str) -> None:
    """The people in GROUP, one per line."""
    with opened() as store:
        for name in require_group(store, group):
            click.echo(name)


# -- assignments ----------------------------------------------------------------------
_EPILOG_ASSIGN = """\b
Examples:
  kefu assign first-week --to @new-hires
  kefu assign basic-exam --to alice --mode exam --due 2030-12-01 --attempts 2 --time-limit 30
"""


@click.command(epilog=_EPILOG_ASSIGN)
@click.argument("set_id", metavar="SET")
@click.option("--to", "target", required=True, metavar="USER|@GROUP", help="Who gets it.")
@click.option(
    "--mode", type=click.Choice(["practice", "exam"]), default="practice", show_default=True
)
@click.option(
    "--pass-mark", type=click.IntRange(0, 100), help="Score to pass [default: the set's]."
)
@click.option("--due", metavar="DATE", help="Due date, YYYY-MM-DD.")
@click.option("--attempts", type=click.IntRange(1), help="Tries allowed per scenario.")
@click.option("--time-limit", type=click.IntRange(1), metavar="MINUTES", help="Exam time limit.")
@db_option
def assign(
    set_id: str,
    target: str,
    mode: str,
    pass_mark: int | None,
    due: str | None,
    attempts: int | None,
    time_limit: int | None,
) -> None:
    """Assign a scenario set to a person or a @group.

    SET is a set id from scenarios/sets/ (kefu validate lists them). The
    pass mark defaults to the set's own.
    """
    day = parse_date(due, "--due")
    if day is not None and day < dt.date.today():
        raise Fail(f"--due {day.isoformat()} is in the past")
    with opened() as store:
        require_role(store, "assign practice or exams")
        lib = load_library(store)
        if set_id not in lib.sets:
            known = ", ".join(sorted(lib.sets)) or "none"
            raise Fail(f"unknown set {set_id!r}; the library has: {known}")
        scenario_set = lib.sets[set_id]
        mark = scenario_set.pass_mark if pass_mark is None else pass_mark
        if target.startswith("@"):
            require_group(store, target)
        else:
            require_user(store, target)
        a = store.create_assignment(
            set_id, target, mode=mode, pass_mark=mark,  # type: ignore[arg-type]
            due=day.isoformat() if day else None, attempts_allowed=attempts,
            time_limit_s=time_limit * 60 if time_limit else None,
        )  # fmt: skip
        team = store.backend == "postgresql"
    if mode == "exam" and team:
        open_keys = [
            sid for sid in scenario_set.scenarios
            if sid not in lib.papers or not lib.papers[sid].exam
        ]  # fmt: skip
        if open_keys:
            click.echo(
                "kefu: warning: trainees can read the model replies of "
                + ", ".join(open_keys)
                + " before the exam (installed with kefu, or published as practice); for an "
                "exam whose answers stay locked, publish your own scenarios: "
                "kefu publish DIR --exam",
                err=True,
            )
    title = scenario_set.title.get("zh") or set_id
    click.echo(
        f"Assigned {set_id} ({title}, {len(scenario_set.scenarios)} scenarios) to {a.assignee} "
        f"as {a.mode} #{a.id}: {assignment_terms(a)}"
    )


def assignment_terms(a: Any) -> str:
    """pass mark 75, due 2030-12-01, 2 tries per scenario, 30 min."""
    parts = [f"pass mark {a.pass_mark}" if a.pass_mark is not None else "no pass mark"]
    parts.append(f"due {a.due}" if a.due else "no due date")
    if a.attempts_allowed:
        tries = "try" if a.attempts_allowed == 1 else "tries"
        parts.append(f"{a.attempts_allowed} {tries} per scenario")
    if a.time_limit_s:
        parts.append(f"time limit {a.time_limit_s // 60} min")
    return ", ".join(parts)


@click.command()
@click.option("--user", "user", metavar="U", help="Only what U has to do (directly or by group).")
@db_option
def assignments(user: str | None) -> None:
    """List assignments (id, set, who, mode, pass mark, due, tries, limit)."""
    with opened() as store:
        user = own_view(store, user, "assignments")
        if user:
            require_user(store, user)
            rows = store.assignments_for(user)
        else:
            rows = store.list_assignments()
    lines = [
        [str(a.id), a.set_id, a.assignee, a.mode, "" if a.pass_mark is None else str(a.pass_mark),
         a.due or "", str(a.attempts_allowed or ""),
         f"{a.time_limit_s // 60} min" if a.time_limit_s else "", a.created_by, when(a.created_at)]
        for a in rows
    ]  # fmt: skip
    heads = ["id", "set", "to", "mode", "pass", "due", "tries", "limit", "by", "created"]
    echo_table(heads, lines, "no assignments")


# -- attempts and overrides --------------------------------------------------------------
@click.command()
@click.argument("attempt_id", type=int)
@click.argument("score", type=click.IntRange(0, 100))
@click.option("--reason", required=True, help="Why the score changes (kept in the audit trail).")
@db_option
def override(attempt_id: int, score: int, reason: str) -> None:
    """Override a finished attempt's score (supervisor); needs a reason.

    The old and new score, who changed it and why are kept in the audit
    trail; reports use the new score and say so.
    """
    if not reason.strip():
        raise Fail("--reason is empty: say why the score changes (it is kept in the audit trail)")
    with opened() as store:
        attempt = store.get_attempt(attempt_id)
        done = store.override_score(attempt_id, score, reason.strip())
    old = "none" if done.old_score is None else str(done.old_score)
    click.echo(
        f"attempt {attempt_id} ({attempt.user}, {attempt.scenario_id}): score {old} -> "
        f"{done.new_score} by {done.by}: {done.reason}"
    )


@click.command("attempts")
@click.option("--user", "user", metavar="U", help="Only U's attempts [default: everyone's].")
@click.option("--limit", type=click.IntRange(1), default=50, show_default=True)
@click.option(
    "--verify",
    is_flag=True,
    help="Replay each finished attempt's stored replies and compare with its recorded "
    "score; exit 1 if any differs.",
)
@db_option
def attempts_cmd(user: str | None, limit: int, verify: bool) -> None:
    """List attempts, newest first, with scores and overrides."""
    from simulator.store.base import ALL

    with opened() as store:
        user = own_view(store, user, "attempts")
        if user:
            require_user(store, user)
        rows = store.attempts(user=user or ALL, limit=limit)
        trails = {a.id: store.overrides(a.id) for a in rows}
        checks = _verify(rows, trails, store) if verify else {}
    lines = []
    for a in rows:
        trail = trails[a.id]
        score = trail[-1].new_score if trail else a.score
        note = f"yes (was {trail[0].old_score})" if trail else ""
        line = [
            str(a.id), a.user, a.scenario_id, a.mode, a.status, when(a.started_at),
            "" if score is None else str(score), note,
        ]  # fmt: skip
        lines.append([*line, checks.get(a.id, "")] if verify else line)
    heads = ["id", "user", "scenario", "mode", "status", "started", "score", "overridden"]
    echo_table([*heads, "replayed"] if verify else heads, lines, "no attempts")
    differ = [a for a, text in checks.items() if text.startswith("DIFFERS")]
    if differ:
        raise Fail(
            f"{counted(len(differ), 'attempt')} recorded a score their replies do not earn: "
            + ", ".join(map(str, differ))
        )


def _verify(
    rows: Sequence[Attempt], trails: dict[int, Sequence[Override]], store: Store
) -> dict[int, str]:
    """attempt id -> ``ok``, ``DIFFERS: ...`` or why it can't be replayed.

    The replies must earn the score the app recorded: for an overridden attempt,
    the first override's old score. Its score now must be the last override's new
    one, and each override must start from the score the one before left, else
    the score was changed outside ``kefu override``.
    """
    from simulator.attempts import ReplayError, replayed_score

    library = load_library(store)
    out: dict[int, str] = {}
    for a in rows:
        if a.status != "finished" or a.score is None:
            continue
        trail = trails.get(a.id, ())
        unaudited = _unaudited_change(a, trail)
        if unaudited:
            out[a.id] = f"DIFFERS: {unaudited}"
            continue
        scenario = library.scenarios.get(a.scenario_id)
        if scenario is None:
            out[a.id] = "scenario not in the library"
            continue
        try:
            replayed = replayed_score(a, scenario)
        except ReplayError:
            out[a.id] = "scenario changed since"
            continue
        recorded = trail[0].old_score if trail else a.score
        out[a.id] = "ok" if replayed == recorded else f"DIFFERS: replay {replayed}"
    return out


def _unaudited_change(a: Attempt, trail: Sequence[Override]) -> str:
    """Why the score disagrees with its override trail ('' when it agrees)."""
    if not trail:
        return ""
    for before, after in zip(trail, trail[1:], strict=False):
        if after.old_score != before.new_score:
            return (
                f"changed from {before.new_score} to {after.old_score} "
                "between overrides, outside kefu override"
            )
    if a.score != trail[-1].new_score:
        return f"score {a.score} is not the last override's {trail[-1].new_score}"
    return ""
