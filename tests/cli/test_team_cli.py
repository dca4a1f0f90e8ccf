"""The supervisor commands end to end on a real SQLite file under KEFU_HOME.

Attempts are played through the real engine (``Session``) and stored with the
real Store API (start_attempt, save_reply, finish_attempt); the commands run
through click's CliRunner. Report numbers are checked against values worked
out by hand for this fixture (see tests/simulator/test_report.py).
"""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from simulator.cli import main
from simulator.store import open_store
from tests.simulator.report_fixture import BLAME, CONDITIONAL, DAY, GOOD, T0, play

SCENARIO = "wrong-size-shoes"  # in the basic-exam set


def kefu(*args: str, input: str | bytes | None = None) -> Result:
    """Run ``kefu ARGS``; never a traceback."""
    result = CliRunner().invoke(main, list(args), input=input, catch_exceptions=False)
    assert "Traceback" not in result.output + result.stderr
    return result


@pytest.fixture
def home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """An empty KEFU_HOME (local SQLite mode)."""
    monkeypatch.setenv("KEFU_HOME", str(tmp_path / "home"))
    monkeypatch.delenv("KEFU_DATABASE_URL", raising=False)
    return tmp_path / "home"


def _store_attempt(url: str, user: str, replies: list[str], start: float, **kw: object) -> int:
    gap = float(kw.pop("gap", 30.0))  # type: ignore[arg-type]
    result, times = play(replies, start, gap)
    store = open_store(url, user=user, announce=lambda _m: None)
    try:
        aid = store.start_attempt(SCENARIO, seed=1, started_at=start, **kw)  # type: ignore[arg-type]
        for step, (text, at) in enumerate(zip(replies, times, strict=True)):
            store.save_reply(aid, step, text, at)
        store.finish_attempt(aid, result, finished_at=times[-1])
    finally:
        store.close()
    return aid


@pytest.fixture
def team(home: Path) -> str:
    """alice (王小丽) and bob in @team, carol alone, boss a supervisor; four attempts.

    alice: practice GOOD (95), practice BLAME (10 after a failed must check; overridden
    to 50 by the test that needs it), exam GOOD (95); bob: exam CONDITIONAL (30), first
    reply after 60 s. The exam is basic-exam for @team, pass mark 80, 1 try.
    """
    assert kefu("user", "add", "boss", "--role", "supervisor").exit_code == 0
    assert kefu("user", "add", "alice", "--role", "trainee", "--group", "team",
                "--display", "王小丽").exit_code == 0  # fmt: skip
    assert kefu("user", "add", "bob", "--role", "trainee", "--group", "team").exit_code == 0
    assert kefu("user", "add", "carol", "--role", "trainee").exit_code == 0
    out = kefu("assign", "basic-exam", "--to", "@team", "--mode", "exam", "--pass-mark", "80",
               "--attempts", "1", "--as", "boss")  # fmt: skip
    assert out.exit_code == 0, out.stderr
    url = f"sqlite:///{home / 'kefu.sqlite3'}"
    _store_attempt(url, "alice", GOOD, T0)
    _store_attempt(url, "alice", BLAME, T0 + 8 * DAY)
    _store_attempt(url, "alice", GOOD, T0 + 9 * DAY, mode="exam", assignment_id=1)
    _store_attempt(url, "bob", CONDITIONAL, T0 + 9 * DAY, mode="exam", assignment_id=1, gap=60)
    return url


def _report(*args: str) -> dict:
    out = kefu("report", "--format", "json", *args)
    assert out.exit_code == 0, out.stderr
    return json.loads(out.stdout)


# -- people and assignments ---------------------------------------------------------
def test_people_and_groups(home: Path):
    assert kefu("user", "add", "alice", "--role", "trainee", "--display", "王小丽").exit_code == 0
    assert kefu("user", "add", "bob", "--role", "supervisor", "--group", "leads").stdout == (
        "bob: supervisor in @leads\n"
    )
    assert kefu("group", "add-member", "team", "alice").stdout == "@team: alice\n"
    listing = kefu("user", "list").stdout.splitlines()
    assert listing[0].split() == ["name", "role", "display", "groups"]
    assert listing[2].split() == ["alice", "trainee", "王小丽", "@team"]
    assert kefu("group", "members", "team").stdout == "alice\n"
    assert kefu("group", "remove-member", "team", "alice").stdout == "@team: (empty)\n"
    bad = kefu("group", "add-member", "team", "nobody")
    assert bad.exit_code == 1 and "kefu: unknown user 'nobody'" in bad.stderr
    bad = kefu("user", "add", "@x", "--role", "trainee")
    assert bad.exit_code == 1 and "not a user name" in bad.stderr


def test_remove_member_says_what_was_not_removed(home: Path):
    kefu("user", "add", "alice", "--role", "trainee", "--group", "team")
    kefu("user", "add", "dave", "--role", "trainee")
    out = kefu("group", "remove-member", "team", "zed", "alice")
    assert out.exit_code == 1 and out.stderr.startswith("kefu: unknown user 'zed'")
    assert kefu("group", "members", "team").stdout == "alice\n"  # nothing removed
    out = kefu("group", "remove-member", "team", "dave")
    assert out.exit_code == 0 and out.stdout == "@team: alice\n"
    assert out.stderr == "kefu: note: dave is not in @team; nothing to remove\n"


def test_the_guide_commands_run_as_written(home: Path):
    """The shell lines of the guide's People section and the assign examples, in order."""
    guide = (Path(__file__).parents[2] / "docs" / "supervisor-guide.md").read_text("utf-8")
    people = guide.split("## People and groups", 1)[1].split("```console", 1)[1]
    assigning = guide.split("## Assigning practice and exams", 1)[1].split("```console", 1)[1]
    lines = [
        line.split("#", 1)[0].split()
        for block in (people, assigning)
        for line in block.split("```", 1)[0].strip().splitlines()
    ]
    assert len(lines) == 13
    for words in lines:
        assert words[0] == "kefu"
        out = kefu(*words[1:])
        assert out.exit_code == 0, (words, out.stderr)


def test_assign_and_list(home: Path):
    kefu("user", "add", "alice", "--role", "trainee", "--group", "team")
    out = kefu("assign", "first-week", "--to", "@team")
    assert out.exit_code == 0
    assert out.stdout.startswith(
        "Assigned first-week (新人第一周, 8 scenarios) to @team as practice #1"
    )
    assert "pass mark 70" in out.stdout  # the set's own
    out = kefu("assign", "basic-exam", "--to", "alice", "--mode", "exam", "--pass-mark", "85",
               "--due", "2099-01-31", "--attempts", "2", "--time-limit", "30")  # fmt: skip
    assert "exam #2: pass mark 85, due 2099-01-31, 2 tries per scenario, time limit 30 min" in (
        out.stdout
    )
    rows = [line.split() for line in kefu("assignments").stdout.splitlines()[2:]]
    assert [r[:5] for r in rows] == [
        ["1", "first-week", "@team", "practice", "70"],
        ["2", "basic-exam", "alice", "exam", "85"],
    ]
    assert rows[1][5:8] == ["2099-01-31", "2", "30"]
    assert len(kefu("assignments", "--user", "alice").stdout.splitlines()) == 4


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["nope", "--to", "alice"], "unknown set 'nope'; the library has: basic-exam,"),
        (["first-week", "--to", "zed"], "unknown user 'zed'"),
        (["first-week", "--to", "@ghosts"], "unknown or empty group 'ghosts'"),
        (["first-week", "--to", "alice", "--due", "2026-13-01"], "is not a date; use YYYY-MM-DD"),
        (["first-week", "--to", "alice", "--due", "1999-01-01"], "--due 1999-01-01 is in the past"),
    ],
)
def test_assign_errors(home: Path, args: list[str], message: str):
    kefu("user", "add", "alice", "--role", "trainee")
    out = kefu("assign", *args)
    assert out.exit_code == 1 and message in out.stderr and out.stderr.startswith("kefu: ")
    assert kefu("assignments").stderr == "no assignments\n"


# -- overrides and attempts ----------------------------------------------------------
def test_override_needs_a_reason_and_a_supervisor(team: str):
    out = kefu("override", "2", "50", "--reason", "   ", "--as", "boss")
    assert out.exit_code == 1 and "--reason is empty" in out.stderr
    out = kefu("override", "2", "50", "--reason", "mine now", "--as", "alice")
    assert out.exit_code == 1 and "only a supervisor or admin may change a score" in out.stderr
    out = kefu("override", "99", "50", "--reason", "x", "--as", "boss")
    assert out.exit_code == 1 and "no attempt 99" in out.stderr
    out = kefu("override", "2", "50", "--reason", "buyer was abusive", "--as", "boss")
    assert out.exit_code == 0
    assert out.stdout == (
        f"attempt 2 (alice, {SCENARIO}): score 10 -> 50 by boss: buyer was abusive\n"
    )
    rows = {r.split()[0]: r.split() for r in kefu("attempts").stdout.splitlines()[2:]}
    assert rows["2"][-3:] == ["yes", "(was", "10)"] and rows["2"][-4] == "50"
    assert rows["1"][-1] == "95" and len(rows) == 4
    assert len(kefu("attempts", "--user", "bob").stdout.splitlines()) == 3


def test_the_guide_as_written_on_sqlite(team: str, monkeypatch: pytest.MonkeyPatch):
    """Without --as the computer login acts as whoever holds the file: it may assign and
    override, is recorded by name, and is never registered (least of all as a trainee)."""
    monkeypatch.setenv("LOGNAME", "owner")
    assert kefu("assign", "first-week", "--to", "@team").exit_code == 0
    out = kefu("override", "2", "50", "--reason", "buyer was abusive")
    assert out.exit_code == 0, out.stderr
    assert out.stdout.endswith("score 10 -> 50 by owner: buyer was abusive\n")
    assert "owner" not in [line.split()[0] for line in kefu("user", "list").stdout.splitlines()]
    assert [t["user"] for t in _report()["trainees"]] == ["alice", "bob", "carol"]
    assert kefu("assignments").stdout.splitlines()[-1].split()[-3] == "owner"


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["assign", "first-week", "--to", "bob", "--as", "alice"],
         "alice is a trainee: only a supervisor or an admin may assign"),
        (["user", "add", "eve", "--role", "admin", "--as", "bob"],
         "bob is a trainee: only an admin may add people"),
        (["user", "add", "eve", "--role", "admin", "--as", "boss"],
         "boss is a supervisor: only an admin may add people"),
        (["group", "add-member", "team", "carol", "--as", "alice"],
         "alice is a trainee: only an admin may change groups"),
        (["group", "remove-member", "team", "bob", "--as", "alice"],
         "alice is a trainee: only an admin may change groups"),
        (["unpublish", "x", "--as", "alice"], "alice is a trainee: only a supervisor"),
    ],
)  # fmt: skip
def test_sqlite_roles_are_checked(team: str, args: list[str], message: str):
    out = kefu(*args)
    assert out.exit_code == 1 and message in out.stderr and out.stderr.startswith("kefu: ")
    users = {line.split()[0] for line in kefu("user", "list").stdout.splitlines()[2:]}
    assert users == {"alice", "bob", "boss", "carol"}  # nothing was added or changed
    assert kefu("group", "members", "team").stdout == "alice\nbob\n"
    assert len(kefu("assignments").stdout.splitlines()) == 3


# -- report ---------------------------------------------------------------------------
def test_report_numbers(team: str):
    kefu("override", "2", "50", "--reason", "buyer was abusive", "--as", "boss")
    rep = _report()
    alice, bob, carol = rep["trainees"]
    assert (alice["user"], alice["display"], bob["user"], carol["attempts"]) == (
        "alice", "王小丽", "bob", 0
    )  # fmt: skip
    assert (alice["attempts"], alice["avg_score"], alice["best_score"]) == (3, 80.0, 95)
    assert alice["score_trend"] == -22.5 and alice["overridden"] == 1
    assert alice["criteria"]["timely_apology"]["rate"] == 0.6667
    assert alice["criteria"]["timely_apology"]["trend"] == -0.5
    assert rep["totals"]["avg_score"] == 67.5 and rep["totals"]["avg_first_reply_s"] == 37.5
    assert rep["weakest"][0] == {"criterion": "timely_apology", "rate": 0.5, "passed": 2,
                                 "attempts": 4}  # fmt: skip
    assert [(r["rule"], r["attempts"], r["hits"]) for r in rep["failed_rules"]] == [
        ("NB001", 1, 2), ("AP101", 1, 1)
    ]  # fmt: skip
    assert [(o["attempt_id"], o["recorded_score"], o["new_score"], o["by"]) for o in
            rep["overrides"]] == [(2, 10, 50, "boss")]  # fmt: skip
    exams = {e["user"]: e for e in rep["exams"]}
    assert exams["alice"]["best"][SCENARIO] == 95 and exams["alice"]["pass_mark"] == 80
    assert exams["alice"]["scenarios_passed"] == 1 and exams["alice"]["result"] == "in_progress"
    assert exams["bob"]["best"][SCENARIO] == 30 and exams["bob"]["scenarios_passed"] == 0
    assert exams["bob"]["result"] == "failed" and not exams["bob"]["can_retry"]
    assert exams["bob"]["scenarios_total"] == 8 and "carol" not in exams


def test_report_filters(team: str):
    assert [t["user"] for t in _report("--user", "bob")["trainees"]] == ["bob"]
    rep = _report("--group", "team")
    assert [t["user"] for t in rep["trainees"]] == ["alice", "bob"]
    assert rep["totals"]["attempts"] == 4
    rep = _report("--since", "2026-11-10")
    assert rep["totals"]["attempts"] == 3 and rep["filters"]["since"] == "2026-11-10"
    assert _report("--set", "first-week")["totals"]["attempts"] == 0
    assert _report("--set", "basic-exam")["totals"]["attempts"] == 4
    for args, message in [
        (["--user", "zed"], "unknown user 'zed'"),
        (["--since", "last week"], "--since: 'last week' is not a date"),
        (["--set", "nope"], "unknown set 'nope'"),
        (["--group", "ghosts"], "unknown or empty group 'ghosts'"),
    ]:
        out = kefu("report", *args)
        assert out.exit_code == 1 and message in out.stderr, args


def test_report_table_csv_and_html(team: str, tmp_path: Path):
    kefu("override", "2", "50", "--reason", "<b>rude</b> buyer", "--as", "boss")
    table = kefu("report").stdout
    assert table.startswith("团队培训报告\n") and "王小丽 (alice)" in table
    assert "有 1 次练习的分数经主管修改" in table and "NB001" in table
    english = kefu("report", "--lang", "en").stdout
    assert "Most-failed rules" in english and "Exam results" in english
    out = kefu("report", "-o", str(tmp_path / "team.csv"))
    assert out.exit_code == 0 and "wrote" in out.stderr
    raw = (tmp_path / "team.csv").read_bytes()
    assert raw.startswith(b"\xef\xbb\xbfuser,display,attempts,avg_score")
    assert "alice,王小丽,3,80.0,95,-22.5,30.0,1," in raw.decode("utf-8-sig")
    kefu("report", "-o", str(tmp_path / "team.html"), "--lang", "en")
    page = (tmp_path / "team.html").read_text(encoding="utf-8")
    assert page.startswith("<!DOCTYPE html>") and page.count("<svg") == 2
    assert "&lt;b&gt;rude&lt;/b&gt; buyer" in page and "<b>rude" not in page
    assert "http://" not in page and "https://" not in page


# -- export, import, backup ----------------------------------------------------------------
def test_export_import_round_trip_is_exact(team: str, tmp_path: Path):
    kefu("override", "2", "50", "--reason", "buyer was abusive", "--as", "boss")
    first = kefu("export")
    assert first.exit_code == 0 and "4 attempt" in first.stderr
    lines = [json.loads(x) for x in first.stdout.splitlines()]
    assert [x["type"] for x in lines][:2] == ["group", "user"]
    assert [x["type"] for x in lines][-5:] == ["assignment", *["attempt"] * 4]
    assert {x["type"] for x in lines} == {"group", "user", "assignment", "attempt"}
    attempt2 = next(x for x in lines if x["type"] == "attempt" and x["id"] == 2)
    assert (
        len(attempt2["replies"]) == 2 and attempt2["overrides"][0]["reason"] == "buyer was abusive"
    )
    dump = tmp_path / "team.jsonl"
    dump.write_text(first.stdout, encoding="utf-8")
    other = f"sqlite:///{tmp_path / 'other.sqlite3'}"
    out = kefu("import", str(dump), "--db", other)
    assert out.exit_code == 0, out.stderr
    assert "4 attempt" in out.stderr and "0 lines failed" in out.stderr
    assert kefu("export", "--db", other).stdout == first.stdout
    again = kefu("import", str(dump), "--db", other)
    assert again.exit_code == 0 and "nothing new imported" in again.stderr
    assert kefu("export", "--db", other).stdout == first.stdout
    out = kefu("export", "-o", str(tmp_path / "copy.jsonl"), "--db", other)
    assert (tmp_path / "copy.jsonl").read_text(encoding="utf-8") == first.stdout


def test_import_reports_bad_lines_and_keeps_the_good(team: str, tmp_path: Path):
    good = kefu("export").stdout.splitlines()
    user_line = next(x for x in good if '"type":"user"' in x and '"alice"' in x)
    clash = json.loads(user_line) | {"role": "admin"}
    lines = [
        good[0].encode(),  # a group
        b"{not json",
        b"[1, 2]",
        b'{"type": "robot", "name": "x"}',
        '{"type": "user", "name": "caf\xe9"}'.encode("latin-1"),
        user_line.encode(),
        b"",
        json.dumps(clash).encode(),  # alice again, as an admin: refused
    ]
    bad = tmp_path / "bad.jsonl"
    bad.write_bytes(b"\n".join(lines) + b"\n")
    other = f"sqlite:///{tmp_path / 'other.sqlite3'}"
    out = kefu("import", str(bad), "--db", other)
    assert out.exit_code == 1
    errors = [x for x in out.stderr.splitlines() if "upgrading the database schema" not in x]
    assert errors[:4] == [
        f"{bad}:2: not JSON: Expecting property name enclosed in double quotes at column 2",
        f"{bad}:3: expected a JSON object, got list",
        f"{bad}:4: unknown or missing \"type\" 'robot'; expected one of: group, user, assignment, attempt",
        f"{bad}:5: not valid UTF-8 (byte 0xe9 at column 30)",
    ]  # fmt: skip
    assert errors[4] == f"{bad}:8: user alice already exists with other data"
    assert errors[-1] == "kefu import: 1 group, 1 user imported, 5 lines failed"
    listing = kefu("user", "list", "--db", other).stdout
    assert "alice" in listing and "admin" not in listing


def test_import_checks_each_record_like_the_commands_do(home: Path, tmp_path: Path):
    """Bad fields are named in plain words at FILE:LINE, the good lines still go in."""
    records = [
        {"type": "user", "name": "zoe", "role": "trainee", "display": "", "groups": [],
         "created_at": 1},
        {"type": "user"},
        {"type": "user", "name": "pg_x", "role": "god", "created_at": 1},
        {"type": "assignment", "id": 77, "set_id": "nosuch", "assignee": "zoe", "mode": "exam",
         "pass_mark": 500, "due": None, "attempts_allowed": None, "time_limit_s": None,
         "created_at": 1, "created_by": "zoe"},
        {"type": "assignment", "id": 78, "set_id": "first-week", "assignee": "zoe",
         "mode": "practice", "pass_mark": 70, "due": "soon", "attempts_allowed": 0,
         "time_limit_s": None, "created_at": 1, "created_by": "zoe"},
        {"type": "assignment", "id": 79, "set_id": "first-week", "assignee": "zoe",
         "mode": "practice", "pass_mark": 70, "due": None, "attempts_allowed": None,
         "time_limit_s": None, "created_at": 1, "created_by": "zoe"},
    ]  # fmt: skip
    bad = tmp_path / "bad.jsonl"
    bad.write_text("".join(json.dumps(r) + "\n" for r in records), encoding="utf-8")
    out = kefu("import", str(bad))
    assert out.exit_code == 1
    errors = [x for x in out.stderr.splitlines() if "upgrading the database schema" not in x]
    assert errors == [
        f'{bad}:2: user: missing field "name"; missing field "role"; missing field "created_at"',
        f'{bad}:3: user \'pg_x\': "role" must be one of trainee, supervisor, admin, not "god"',
        f'{bad}:4: assignment 77: "pass_mark" must be a whole number from 0 to 100, not 500; '
        "unknown set 'nosuch'; install or publish it (kefu publish) before importing its "
        "assignments",
        f'{bad}:5: assignment 78: "due" must be a date, YYYY-MM-DD, not "soon"; '
        '"attempts_allowed" must be a whole number 1 or more, not 0',
        "kefu import: 1 assignment, 1 user imported, 4 lines failed",
    ]
    assert [r.split()[0] for r in kefu("assignments").stdout.splitlines()[2:]] == ["79"]


def test_import_file_problems(home: Path, tmp_path: Path):
    gbk = tmp_path / "gbk.jsonl"
    gbk.write_bytes('{"type": "user", "name": "小王", "role": "trainee"}\n'.encode("gbk"))
    out = kefu("import", str(gbk))
    assert out.exit_code == 1 and f"{gbk}:1: not valid UTF-8" in out.stderr
    missing = kefu("import", str(tmp_path / "nope.jsonl"))
    assert missing.exit_code == 1 and "cannot read" in missing.stderr


def test_backup_restores_the_same_rows(team: str, home: Path, tmp_path: Path):
    kefu("override", "2", "50", "--reason", "buyer was abusive", "--as", "boss")
    dest = tmp_path / "copy.sqlite3"
    out = kefu("backup", str(dest))
    assert out.exit_code == 0 and str(dest) in out.stdout
    assert kefu("export", "--db", f"sqlite:///{dest}").stdout == kefu("export").stdout
    again = kefu("backup", str(dest))
    assert again.exit_code == 1 and "exists" in again.stderr
    default = kefu("backup")
    assert default.exit_code == 0
    made = list((home / "backups").glob("kefu-*.sqlite3"))
    assert len(made) == 1 and str(made[0]) in default.stdout


def test_backup_never_makes_a_missing_folder(team: str, tmp_path: Path):
    """An unmounted drive or a typo is an error, not a new file or folder on the wrong disk."""
    folder = tmp_path / "usb"
    folder.mkdir()
    out = kefu("backup", str(folder) + os.sep)
    assert out.exit_code == 0 and len(list(folder.glob("kefu-*.sqlite3"))) == 1
    for dest, message in [
        (f"{tmp_path / 'notmounted'}{os.sep}", "notmounted/: no such folder; create or mount"),
        (str(tmp_path / "nothere" / "dir") + os.sep, "dir/: no such folder"),
        (str(tmp_path / "nothere" / "kefu.sqlite3"), f"the folder {tmp_path / 'nothere'} does"),
        (str(folder / "k.sqlite3") + os.sep, "k.sqlite3/: no such folder"),
    ]:
        out = kefu("backup", dest)
        assert out.exit_code == 1 and message in out.stderr, (dest, out.stderr)
        assert out.stderr.startswith("kefu: ")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["home", "usb"]
    assert len(list(folder.iterdir())) == 1


def test_backup_is_refused_in_team_mode(home: Path, monkeypatch: pytest.MonkeyPatch):
    import simulator.store as store_pkg

    class TeamStore:
        backend = "postgresql"

        def current_user(self) -> None:
            pass  # the login, registered on first use

        def close(self) -> None:
            pass

    monkeypatch.setattr(store_pkg, "open_store", lambda *a, **k: TeamStore())
    out = kefu("backup", "--db", "postgresql://boss@127.0.0.1/kefu")
    assert out.exit_code == 1 and "pg_dump" in out.stderr and out.stderr.startswith("kefu: ")


def test_database_errors_are_one_line(home: Path):
    out = kefu("user", "list", "--db", "mysql://x@y/z")
    assert out.exit_code == 1
    assert out.stderr.startswith("kefu: unsupported database") and len(out.stderr.splitlines()) == 1


def test_a_given_database_must_exist(
    home: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """--db or KEFU_DATABASE_URL naming nothing is an error that creates nothing:
    no folders, no empty database, no file named after a stray word."""
    monkeypatch.chdir(tmp_path)
    missing = tmp_path / "other.sqlite3"
    read_only = [
        ["user", "list"], ["group", "members", "team"], ["assignments"], ["attempts"],
        ["attempts", "--verify"], ["report"], ["export"], ["published"], ["backup"],
        ["group", "add-member", "team", "alice"], ["assign", "first-week", "--to", "alice"],
        ["override", "1", "50", "--reason", "x"], ["unpublish", "team-exam"],
    ]  # fmt: skip
    for args in read_only:
        out = kefu(*args, "--db", str(missing))
        assert out.exit_code == 1, (args, out.stderr)
        assert out.stderr == (
            f"kefu: there is no database at {missing} (only kefu user add, import and "
            "publish start a new one); correct the path, or leave out --db and "
            "KEFU_DATABASE_URL to use the one under KEFU_HOME\n"
        ), args
    nowhere = tmp_path / "nonexist" / "dir" / "x.sqlite3"
    for given in (f"sqlite:///{nowhere}", str(nowhere)):
        for args in (["user", "list"], ["user", "add", "ann", "--role", "admin"]):
            out = kefu(*args, "--db", given)
            assert out.exit_code == 1 and out.stderr == (
                f"kefu: cannot open the database {nowhere}: the folder {nowhere.parent} does "
                "not exist; correct the path, or create the folder first\n"
            ), (args, out.stderr)
    out = kefu("user", "list", "--db", "garbage")
    assert out.exit_code == 1
    assert out.stderr.startswith("kefu: 'garbage' is not a database URL or SQLite file")
    monkeypatch.setenv("KEFU_DATABASE_URL", "garbage")
    assert kefu("report").stderr.startswith("kefu: 'garbage' is not a database URL")
    monkeypatch.setenv("KEFU_DATABASE_URL", str(missing))
    assert kefu("user", "list").stderr.startswith(f"kefu: there is no database at {missing}")
    assert list(tmp_path.iterdir()) == [], "nothing may be created"
    # adding the first person starts a new database; then every command opens it
    out = kefu("user", "add", "ann", "--role", "admin", "--as", "ann")
    assert out.exit_code == 0 and missing.exists()
    monkeypatch.delenv("KEFU_DATABASE_URL")
    assert "ann" in kefu("user", "list", "--db", str(missing)).stdout


def test_the_default_database_is_made_on_first_use(home: Path) -> None:
    assert not home.exists()
    out = kefu("user", "list")
    assert out.exit_code == 0 and "no people yet" in out.stderr
    assert (home / "kefu.sqlite3").is_file()


def test_team_commands_never_import_textual():
    import subprocess
    import sys

    code = (
        "import sys, simulator.cli, simulator.team_cli, simulator.team_data_cli, "
        "simulator.report_html\nprint('textual' in sys.modules)"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"


def test_attempts_verify_replays_the_stored_replies(team: str):
    """A score the replies don't earn (a hand-made client) is caught by a replay."""
    out = kefu("attempts", "--verify")
    assert out.exit_code == 0, out.stderr
    rows = {r.split()[0]: r.split() for r in out.stdout.splitlines()[2:]}
    assert {row[-1] for row in rows.values()} == {"ok"} and len(rows) == 4
    forged = _store_attempt(team, "carol", BLAME, T0 + 9 * DAY)
    import sqlite3

    path = team.removeprefix("sqlite:///")
    with sqlite3.connect(path) as conn:  # what a forged client would have recorded
        conn.execute("UPDATE attempts SET score = 100 WHERE id = ?", (forged,))
    out = kefu("attempts", "--verify")
    assert out.exit_code == 1
    assert f"recorded a score their replies do not earn: {forged}" in out.stderr
    row = next(r for r in out.stdout.splitlines() if r.split()[0] == str(forged))
    assert "DIFFERS: replay 10" in row


def test_attempts_verify_accepts_an_audited_override_only(team: str):
    """An override made with kefu override verifies against the score the app recorded;
    a score changed afterwards, or between overrides, behind kefu's back is still caught."""
    import sqlite3

    assert (
        kefu("override", "2", "50", "--reason", "buyer was abusive", "--as", "boss").exit_code == 0
    )
    out = kefu("attempts", "--verify")
    assert out.exit_code == 0, out.stdout + out.stderr
    row = next(r for r in out.stdout.splitlines() if r.split()[0] == "2")
    assert row.split()[-4:] == ["yes", "(was", "10)", "ok"]
    path = team.removeprefix("sqlite:///")
    with sqlite3.connect(path) as conn:  # edited behind kefu's back after the override
        conn.execute("UPDATE attempts SET score = 90 WHERE id = 2")
    out = kefu("attempts", "--verify")
    assert out.exit_code == 1 and "do not earn: 2" in out.stderr
    assert "DIFFERS: score 90 is not the last override's 50" in out.stdout
    assert kefu("override", "2", "60", "--reason", "second look", "--as", "boss").exit_code == 0
    out = kefu("attempts", "--verify")  # the second override starts from the forged 90
    assert out.exit_code == 1
    assert "DIFFERS: changed from 50 to 90 between overrides" in out.stdout


def test_a_misspelt_as_name_is_refused_not_taken_for_the_holder(home: Path) -> None:
    """Once people are registered, ``--as`` must name one of them: 'annn' would
    otherwise act as the file's holder and could assign, override or publish."""
    assert kefu("user", "add", "ann", "--role", "admin", "--as", "ann").exit_code == 0
    assert kefu("user", "add", "bob", "--role", "trainee", "--as", "ann").exit_code == 0
    for args in (["user", "list"], ["assign", "first-week", "--to", "bob"], ["attempts"]):
        out = kefu(*args, "--as", "annn")
        assert out.exit_code == 1, args
        assert out.stderr == (
            "kefu: --as annn: nobody of that name is registered here (people: ann, bob); "
            "check the spelling, or leave out --as to act as the holder of this file\n"
        )
    assert kefu("assignments", "--as", "ann").stdout == kefu("assignments").stdout
    out = kefu("assign", "first-week", "--to", "bob", "--as", "ann")
    assert out.exit_code == 0 and "Assigned first-week" in out.stdout


def test_a_trainee_sees_only_their_own_attempts_and_no_team_data(team: str) -> None:
    """The supervisor guide: a trainee "sees only their own attempts"; reports and
    exports of everyone's data are for staff."""
    mine = kefu("attempts", "--as", "bob")
    assert mine.exit_code == 0
    users = {line.split()[1] for line in mine.stdout.splitlines()[2:]}
    assert users == {"bob"}
    everyone = kefu("attempts", "--as", "boss").stdout
    assert {line.split()[1] for line in everyone.splitlines()[2:]} == {"alice", "bob"}
    out = kefu("attempts", "--user", "alice", "--as", "bob")
    assert out.exit_code == 1
    assert out.stderr == "kefu: bob is a trainee: a trainee sees only their own attempts\n"
    assert kefu("assignments", "--as", "carol").stderr == "no assignments\n"
    assert "@team" in kefu("assignments", "--as", "bob").stdout  # bob's, through his group
    for args, doing in (
        (["report"], "read team reports"),
        (["export"], "export everyone's data"),
        (["backup", str(Path(team.removeprefix("sqlite:///")).parent)], "copy everyone's data"),
    ):
        out = kefu(*args, "--as", "alice")
        assert out.exit_code == 1 and out.stdout == ""
        assert out.stderr == (
            f"kefu: alice is a trainee: only a supervisor or an admin may {doing}; "
            "on this SQLite file --as NAME says who you are\n"
        )
    assert kefu("report", "--format", "json", "--as", "boss").exit_code == 0


def test_the_holder_who_practised_first_is_not_locked_out(home: Path) -> None:
    """The practice app registers whoever practises first as a trainee. When that is
    the computer login that set kefu up, and nobody else is registered, it must still
    be able to add people (itself as admin first), or the file is locked for good."""
    home.mkdir(parents=True)
    store = open_store(f"sqlite:///{home / 'kefu.sqlite3'}", create=True)
    me = store.current_user()  # what the practice app does on first start
    store.close()
    assert me.role == "trainee"
    out = kefu("user", "add", "alice", "--role", "trainee")
    assert out.exit_code == 0, out.stderr
    # --as names someone else: not the holder acting as itself
    out = kefu("user", "add", "eve", "--role", "admin", "--as", "alice")
    assert out.exit_code == 1 and "alice is a trainee: only an admin may add people" in out.stderr
    assert kefu("user", "add", me.name, "--role", "admin").exit_code == 0
    assert kefu("user", "add", "lin", "--role", "supervisor").exit_code == 0
    out = kefu("assign", "first-week", "--to", "alice", "--as", "lin")
    assert out.exit_code == 0 and "Assigned first-week" in out.stdout
    # Once someone else may add people, a registered trainee acting as itself may not.
    assert kefu("user", "add", "ann", "--role", "admin").exit_code == 0
    assert kefu("user", "add", me.name, "--role", "trainee").exit_code == 0
    out = kefu("user", "add", "zed", "--role", "trainee")
    assert out.exit_code == 1 and f"{me.name} is a trainee: only an admin" in out.stderr
    out = kefu("report")
    assert out.exit_code == 1 and f"{me.name} is a trainee: only a supervisor" in out.stderr
