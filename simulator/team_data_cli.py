"""``kefu report``, ``kefu export``, ``kefu import`` and ``kefu backup``.

Report numbers come from ``simulator.report`` (pure), rendered by
``report_text`` (table, CSV, JSON) and ``report_html``. Export and import move
people, groups, assignments and attempts (with replies and overrides) as
JSONL, one object per line with a ``"type"`` field, as
``Store.export_records`` gives them; lines are written with sorted keys and no
spaces so the same data always gives the same bytes. Never imports Textual.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import json
import os
import sys
import time
from collections import Counter
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any

import click

from simulator.i18n import counted
from simulator.paths import folder_problem
from simulator.team_common import (
    Fail,
    db_option,
    load_library,
    local_midnight,
    opened,
    parse_date,
    require_group,
    require_role,
    require_user,
)

if TYPE_CHECKING:
    from simulator.store.base import Store

FORMATS = ("table", "csv", "json", "html")
RECORD_TYPES = ("group", "user", "assignment", "attempt")
MAX_LINE_BYTES = 16 * 1024 * 1024


def output(path: str | None) -> contextlib.AbstractContextManager[IO[str]]:
    """Standard output, or ``path`` written whole on success (``kefu: cannot write`` if not)."""
    from simulator.cli import open_output

    return open_output(path, lambda p, exc: Fail(f"{p}: cannot write: {exc.strerror}"))


# -- report -------------------------------------------------------------------------
_EPILOG_REPORT = """\b
Examples:
  kefu report                                   # everyone, a table on the terminal
  kefu report --group new-hires --since 2026-11-01
  kefu report --set basic-exam --format html -o exam.html --lang en
  kefu report --format csv -o team.csv          # UTF-8 with BOM, opens in Excel
  kefu report --user alice --format json
"""


@click.command(epilog=_EPILOG_REPORT)
@click.option("--user", metavar="U", help="Only trainee U.")
@click.option("--group", metavar="G", help="Only the members of group G.")
@click.option("--set", "set_id", metavar="S", help="Only scenarios (and exams) of set S.")
@click.option("--since", metavar="DATE", help="Only attempts from DATE (YYYY-MM-DD) on.")
@click.option(
    "--format", "fmt", type=click.Choice(FORMATS), help="[default: from -o's suffix, else table]"
)
@click.option("-o", "--output", "out_path", metavar="FILE", help="Write to FILE.")
@click.option("--lang", type=click.Choice(["zh", "zh-Hant", "en"]), default="zh", show_default=True)
@db_option
def report(
    user: str | None,
    group: str | None,
    set_id: str | None,
    since: str | None,
    fmt: str | None,
    out_path: str | None,
    lang: str,
) -> None:
    """Team report: pass rates, trends, exams, reply times, failed rules.

    Per trainee and per criterion: pass rates and their trend, exam results
    against the pass mark, average time to first reply, weakest criteria,
    most-failed rules and score overrides (an override replaces the score).
    """
    from simulator import report_html, report_text

    day = parse_date(since, "--since")
    fmt = fmt or _format_from_suffix(out_path)
    filters = {"user": user, "group": group, "set": set_id, "since": day and day.isoformat()}
    with opened() as store:
        require_role(store, "read team reports")
        lib = load_library(store)
        if set_id and set_id not in lib.sets:
            known = ", ".join(sorted(lib.sets))
            raise Fail(f"unknown set {set_id!r}; the library has: {known}")
        data = gather(store, lib, filters, local_midnight(day) if day else None)
    render = {
        "table": lambda r: report_text.render_table(r, lang),
        "csv": report_text.render_csv,
        "json": report_text.render_json,
        "html": lambda r: report_html.render_html(r, lang),
    }[fmt]
    with output(out_path) as out:
        out.write(render(data))
    if out_path and out_path != "-":
        click.echo(f"kefu report: wrote {out_path} ({fmt})", err=True)


def _format_from_suffix(path: str | None) -> str:
    suffix = Path(path).suffix.lower().lstrip(".") if path else ""
    return {"htm": "html"}.get(suffix, suffix) if suffix in (*FORMATS, "htm") else "table"


def gather(
    store: Store, lib: Any, filters: Mapping[str, Any], since: float | None
) -> dict[str, Any]:
    """Read what the report needs from the store and build it."""
    from simulator import report
    from simulator.exams import SetInfo, tries_made
    from simulator.store.base import ALL

    user, group, set_id = filters["user"], filters["group"], filters["set"]
    people = list(store.list_users())
    if user:
        require_user(store, user)
    chosen = set(require_group(store, group)) if group else None
    if user:
        chosen = {user} & chosen if chosen is not None else {user}
    trainees = [
        p
        for p in people
        if (chosen is None and p.role == "trainee") or (chosen is not None and p.name in chosen)
    ]
    attempts = [a for a in store.attempts(user=ALL, since=since) if a.status == "finished"]
    overrides = {a.id: store.overrides(a.id) for a in attempts}
    assignments = list(store.list_assignments())
    groups = {a.assignee[1:] for a in assignments if a.assignee.startswith("@")}
    members = {g: list(store.group_members(g)) for g in groups}
    sets = {s.id: SetInfo(s.id, s.pass_mark, s.scenarios) for s in lib.sets.values()}
    rows = report.select(
        report.scored(attempts, overrides),
        users=chosen,
        scenario_ids=sets[set_id].scenarios if set_id else None,
        set_id=set_id,
        assignments=assignments,
        since=since,
    )
    channels = {sid: s.channel for sid, s in lib.scenarios.items()}
    # An exam's tries limit counts every attempt, a discarded one too, whenever made;
    # one still open keeps its exam in progress.
    tries = tries_made(store.attempts(user=ALL))
    return report.build(
        rows, trainees, assignments=assignments, members=members, sets=sets,
        channels=channels, filters=filters, now=time.time(), tries=tries,
    )  # fmt: skip


# -- export and import -------------------------------------------------------------------
def record_line(record: Mapping[str, Any]) -> str:
    """One export line: sorted keys, no spaces, UTF-8 text kept as is."""
    return json.dumps(
        record, ensure_ascii=False, sort_keys=True, separators=(",", ":"), allow_nan=False
    )


@click.command(
    epilog="\b\nExamples:\n  kefu export -o team.jsonl\n  kefu export | gzip > team.jsonl.gz"
)
@click.option("-o", "--output", "out_path", metavar="FILE", help="Write to FILE [default: stdout].")
@db_option
def export(out_path: str | None) -> None:
    """Write people, groups, assignments and attempts as JSONL.

    One object per line with a "type" field; attempts carry their replies
    and score overrides. `kefu import` reads it back.
    """
    counts: Counter[str] = Counter()
    with opened() as store, output(out_path) as out:
        require_role(store, "export everyone's data")
        for record in store.export_records():
            line = {"type": record.get("kind"), **{k: v for k, v in record.items() if k != "kind"}}
            counts[str(line["type"])] += 1
            out.write(record_line(line) + "\n")
    summary = ", ".join(counted(n, kind) for kind, n in sorted(counts.items())) or "nothing"
    click.echo(f"kefu export: {summary}", err=True)


def parse_line(raw: bytes) -> dict[str, Any]:
    """One import line as a record; ValueError saying what is wrong."""
    if len(raw) > MAX_LINE_BYTES:
        raise ValueError(f"line is longer than {MAX_LINE_BYTES} bytes")
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise ValueError(
            f"not valid UTF-8 (byte 0x{raw[exc.start]:02x} at column {exc.start + 1})"
        ) from None
    try:
        record = json.loads(text)
    except json.JSONDecodeError as exc:
        raise ValueError(f"not JSON: {exc.msg} at column {exc.colno}") from None
    if not isinstance(record, dict):
        raise ValueError(f"expected a JSON object, got {type(record).__name__}")
    kind = record.pop("type", None)
    if kind not in RECORD_TYPES:
        expected = ", ".join(RECORD_TYPES)
        raise ValueError(f'unknown or missing "type" {kind!r}; expected one of: {expected}')
    return {"kind": kind, **record}


@click.command(
    "import", epilog="\b\nExample:\n  kefu import team.jsonl --db sqlite:////tmp/new.sqlite3"
)
@click.argument("file", type=click.Path(dir_okay=False, allow_dash=True))
@db_option
def import_cmd(file: str) -> None:
    """Load a kefu export file (JSONL); bad lines are reported as FILE:LINE.

    Every good line is imported; the exit status is 1 if any line failed.
    Records keep their ids: a record already in the database unchanged is
    skipped (importing a file twice adds nothing), one with other data is a
    bad line.
    """
    from simulator.store.transfer import record_label, record_problems

    name = "<stdin>" if file == "-" else file
    parsed: list[tuple[int, dict[str, Any]]] = []
    bad: list[tuple[int, str]] = []
    with _read(file) as fh:
        for number, raw in enumerate(fh, 1):
            if not raw.strip():
                continue
            try:
                parsed.append((number, parse_line(raw.rstrip(b"\r\n"))))
            except ValueError as exc:
                bad.append((number, str(exc)))
    with opened(new=True) as store:
        require_role(store, "import data", ("admin",))
        sets = load_library(store).sets if any(r["kind"] == "assignment" for _, r in parsed) else {}
        good = []
        for number, record in parsed:
            problems = record_problems(record)
            if record["kind"] == "assignment" and record.get("set_id") not in (None, *sets):
                problems.append(
                    f"unknown set {record.get('set_id')!r}; install or publish it "
                    "(kefu publish) before importing its assignments"
                )
            if problems:
                bad.append((number, f"{record_label(record)}: " + "; ".join(problems)))
            else:
                good.append((number, record))
        counts, refused = import_all(store, good)
    for number, problem in sorted([*bad, *refused]):
        click.echo(f"{name}:{number}: {problem}", err=True)
    failed = len(bad) + len(refused)
    done = ", ".join(counted(n, kind) for kind, n in sorted(counts.items()) if n) or "nothing new"
    click.echo(f"kefu import: {done} imported, {counted(failed, 'line')} failed", err=True)
    if failed:
        sys.exit(1)


def import_all(
    store: Store, records: list[tuple[int, dict[str, Any]]]
) -> tuple[Counter[str], list[tuple[int, str]]]:
    """Import numbered records in one go; if the store refuses, line by line to find why."""
    from simulator.store.base import StoreError

    counts: Counter[str] = Counter()
    try:
        counts.update(store.import_records([r for _, r in records]))
        return counts, []
    except StoreError:
        pass  # nothing was kept: find the bad lines one by one
    problems = []
    for number, record in records:
        try:
            counts.update(store.import_records([record]))
        except StoreError as exc:
            problems.append((number, str(exc).removeprefix("kefu: ")))
    return counts, problems


def backup_target(dest: str, stamp: str) -> Path:
    """The file a backup to ``dest`` writes: ``dest`` itself, or ``stamp`` inside a folder.

    A folder must exist (an unmounted drive is not created as an empty folder on
    the system disk); so must the folder a file name is in.
    """
    path = Path(dest)
    seps = tuple(sep for sep in (os.sep, os.altsep) if sep)
    if path.is_dir():
        return path / stamp
    if dest.endswith(seps):
        what = "a file, not a folder" if path.exists() else "no such folder"
        raise Fail(f"{dest}: {what}; create or mount the folder first, then back up again")
    parent = path.parent
    why = folder_problem(parent)
    if why is not None:
        raise Fail(
            f"{dest}: the folder {parent} {why}; create or mount it first, or give a "
            "file in an existing folder"
        )
    return path


@contextlib.contextmanager
def _read(file: str) -> Iterator[IO[bytes]]:
    if file == "-":
        yield sys.stdin.buffer
        return
    try:
        fh = open(file, "rb")  # noqa: SIM115 - closed below
    except OSError as exc:
        raise Fail(f"{file}: cannot read: {exc.strerror}") from None
    with fh:
        yield fh


# -- backup ---------------------------------------------------------------------------------
@click.command(epilog="\b\nExamples:\n  kefu backup\n  kefu backup /mnt/usb/kefu.sqlite3")
@click.argument("dest", required=False, type=click.Path())
@db_option
def backup(dest: str | None) -> None:
    """Copy the SQLite database to DEST, safely while in use.

    DEST defaults to a timestamped file under the data folder's backups/; a
    folder (which must exist) gets a timestamped file inside it. An existing
    file is never overwritten. In team mode (PostgreSQL) use pg_dump instead.
    """
    from simulator import paths

    stamp = dt.datetime.now().strftime("kefu-%Y%m%d-%H%M%S.sqlite3")
    target = None if dest is None else backup_target(dest, stamp)
    if target is not None and target.exists():
        raise Fail(f"{target} exists; give another file name (backups never overwrite)")
    with opened() as store:
        if store.backend != "sqlite":
            raise Fail(
                "kefu backup copies the local SQLite file; in team mode (PostgreSQL) back up "
                'the server with pg_dump, e.g. pg_dump --format=custom -f kefu.dump "$KEFU_DATABASE_URL"'
            )
        require_role(store, "copy everyone's data")
        if target is None:
            # The backups folder is made only once there is a database to copy.
            target = paths.data_dir() / "backups" / stamp
            target.parent.mkdir(parents=True, exist_ok=True)
            if target.exists():
                raise Fail(f"{target} exists; give another file name (backups never overwrite)")
        written = store.backup(target)
    size = Path(written).stat().st_size
    click.echo(f"kefu backup: {written} ({size:,} bytes)")
