"""Team mode: what PostgreSQL itself enforces, proved with real login roles.

Each test opens stores as real roles (``pg_db.store_as``) and, besides the
API, sends raw SQL on the trainee's own connection: a refusal must come from
the database (SQLSTATE 42501: no privilege, or a row-level security policy),
not from kefu's Python code.
"""

from __future__ import annotations

from typing import Any

import pytest
import sqlalchemy as sa
from sqlalchemy import exc

from simulator.store import ALL, DrillStat, StoreError, StorePermissionError, open_store
from tests.published import OTHER, SCENARIO, SET, publication, write_material

RESULT = {"ending": "calm", "score": 62, "criteria": {"apology": True}, "feedback": ["道歉及时"]}


def sql(store, statement: str, **params: Any) -> sa.CursorResult[Any]:
    """Run ``statement`` on ``store``'s own database connection, committed."""
    with store.engine.begin() as conn:
        return conn.execute(sa.text(statement), params)


def rows(store, statement: str, **params: Any) -> list[Any]:
    with store.engine.begin() as conn:
        return list(conn.execute(sa.text(statement), params))


def refused(store, statement: str, **params: Any) -> str:
    """Assert the database refuses ``statement`` with SQLSTATE 42501; return its message."""
    with pytest.raises(exc.DBAPIError) as info:
        sql(store, statement, **params)
    orig = info.value.orig
    assert getattr(orig, "sqlstate", None) == "42501", orig
    return str(orig)


@pytest.fixture
def team(pg_db):
    """ana and bo (trainees), sue (supervisor); bo has a finished attempt with replies."""
    ana = pg_db.store_as("ana")
    bo = pg_db.store_as("bo")
    sue = pg_db.store_as("sue", "supervisor")
    done = bo.start_attempt("kettle")
    bo.save_reply(done, 0, "非常抱歉,我们马上补发", 1.0)
    bo.finish_attempt(done, RESULT, finished_at=9.0)
    return pg_db, ana, bo, sue, done


def test_a_trainee_sees_only_their_own_rows(team):
    db, ana, bo, sue, done = team
    mine = ana.start_attempt("kettle")
    ana.save_reply(mine, 0, "抱歉", 1.0)
    bo.record_drill(DrillStat("chat", "l1", 1, 5.0, 1, 0, 0.9, 3.0))
    bo.set_setting("lang", "en")
    sue.override_score(done, 70, "remedy was right")
    # through the API ...
    assert [a.id for a in ana.attempts(user=ALL)] == [mine]
    assert ana.attempts(user="bo") == []
    with pytest.raises(StoreError, match=f"no attempt {done}"):
        ana.get_attempt(done)
    assert ana.drill_stats("chat", user="bo") == {}
    assert ana.overrides(done) == []
    assert [u.name for u in ana.list_users()] == ["ana"]
    # ... and in raw SQL on ana's own connection
    assert rows(ana, "SELECT DISTINCT user_name FROM attempts") == [("ana",)]
    assert rows(ana, "SELECT attempt_id FROM replies") == [(mine,)]
    for table in ("drill_stats", "settings", "score_overrides"):
        assert rows(ana, f"SELECT * FROM {table}") == []
    # bo and the supervisor still see theirs
    assert bo.overrides(done)[0].reason == "remedy was right"
    # ... and that their score was overridden (Home reads an exam by it)
    assert bo.get_attempt(done).overridden and not ana.get_attempt(mine).overridden
    assert {a.user for a in sue.attempts(user=ALL)} == {"ana", "bo"}
    assert len(sue.drill_stats("chat", user="bo")) == 1


def test_a_trainee_cannot_alter_or_delete_a_recorded_attempt(team):
    db, ana, bo, sue, done = team
    mine = ana.start_attempt("kettle")
    ana.save_reply(mine, 0, "抱歉", 1.0)
    ana.finish_attempt(mine, RESULT)
    sue.override_score(mine, 40, "promised a refund the policy forbids")
    for statement in (
        "UPDATE attempts SET score = 100 WHERE id = :id",
        "UPDATE attempts SET status = 'active' WHERE id = :id",
        "DELETE FROM attempts WHERE id = :id",
        "UPDATE replies SET text = 'better' WHERE attempt_id = :id",
        "DELETE FROM replies WHERE attempt_id = :id",
        "UPDATE score_overrides SET new_score = 100 WHERE attempt_id = :id",
        "DELETE FROM score_overrides WHERE attempt_id = :id",
        "INSERT INTO score_overrides (attempt_id, by, old_score, new_score, reason, at) "
        "VALUES (:id, 'sue', 40, 100, 'x', 0)",
        "TRUNCATE replies",
    ):
        refused(ana, statement, id=mine)
    got = ana.get_attempt(mine)
    assert (got.status, got.score, [r.text for r in got.replies]) == ("finished", 40, ["抱歉"])
    assert [o.new_score for o in sue.overrides(mine)] == [40]


def test_replies_are_insert_only_on_ones_own_active_attempt(team):
    db, ana, bo, sue, done = team
    mine = ana.start_attempt("kettle")
    bos_open = bo.start_attempt("kettle")
    refused(ana, "INSERT INTO replies VALUES (:id, 0, 'x', NULL)", id=bos_open)
    refused(ana, "INSERT INTO replies VALUES (:id, 5, 'x', NULL)", id=done)
    sql(ana, "INSERT INTO replies VALUES (:id, 0, 'x', NULL)", id=mine)
    ana.finish_attempt(mine, RESULT)
    refused(ana, "INSERT INTO replies VALUES (:id, 1, 'late', NULL)", id=mine)


def test_a_trainee_can_start_only_a_fresh_attempt_of_their_own(team):
    db, ana, *_ = team
    insert = (
        "INSERT INTO attempts (user_name, scenario_id, mode, started_at, status, score) "
        "VALUES (:who, 's', 'practice', 0, :status, :score)"
    )
    refused(ana, insert, who="bo", status="active", score=None)
    refused(ana, insert, who="ana", status="finished", score=100)
    refused(ana, insert, who="ana", status="active", score=100)
    sql(ana, insert, who="ana", status="active", score=None)


def test_finishing_is_allowed_once_and_only_for_ones_own_attempt(team):
    db, ana, bo, sue, done = team
    mine = ana.start_attempt("kettle")
    finish = "SELECT kefu_finish_attempt(:id, 1.0, :score, 'calm', '{}', '{}')"
    message = refused(ana, finish, id=done, score=100)
    assert "no attempt" in message
    sql(ana, finish, id=mine, score=50)
    sql(ana, finish, id=mine, score=50)  # the same finish again: a harmless retry
    assert "finished; it cannot change" in refused(ana, finish, id=mine, score=100)
    for call in ("kefu_add_hint(:id)", "kefu_abandon_attempt(:id)"):
        refused(ana, f"SELECT {call}", id=mine)
        refused(ana, f"SELECT {call}", id=done)
    assert ana.get_attempt(mine).score == 50
    with pytest.raises(StorePermissionError, match="cannot change"):
        ana.finish_attempt(mine, {**RESULT, "score": 99})


def test_a_trainee_cannot_make_themselves_staff(team):
    db, ana, *_ = team
    refused(ana, "UPDATE users SET role = 'supervisor' WHERE name = 'ana'")
    refused(ana, "INSERT INTO users VALUES ('ana2', 'admin', '', 0)")
    refused(ana, "SET ROLE kefu_supervisor")
    refused(ana, "SELECT kefu_override_score(1, 100, 'because')")
    refused(ana, "INSERT INTO assignments (set_id, assignee, mode, created_by, created_at) "
                 "VALUES ('s', 'ana', 'practice', 'ana', 0)")  # fmt: skip
    refused(ana, "INSERT INTO memberships VALUES ('staff', 'ana')")
    with pytest.raises(StorePermissionError):
        ana.create_assignment("s", "ana")
    assert ana.current_user().role == "trainee"


def test_other_peoples_exam_attempts_stay_hidden(team):
    """Besides the model replies (next test), what could give an exam away is
    other people's exam attempts (their replies, feedback, scores and
    overrides) and the exams themselves: a trainee reads none of it, before or
    after submitting."""
    db, ana, bo, sue, _ = team
    db.admin.add_to_group("ana", "new-hires")
    db.admin.add_to_group("bo", "new-hires")
    exam = sue.create_assignment("exam-1", "@new-hires", mode="exam", attempts_allowed=1)
    other = sue.create_assignment("exam-2", "sue", mode="exam")
    bos = bo.start_attempt("kettle", mode="exam", assignment_id=exam.id)
    bo.save_reply(bos, 0, "非常抱歉,给您退款 30 元", 2.0)
    bo.finish_attempt(bos, {**RESULT, "feedback": ["应主动提出补发"]})
    sue.override_score(bos, 90, "model answer: refund 30")
    mine = ana.start_attempt("kettle", mode="exam", assignment_id=exam.id)
    assert [a.id for a in ana.assignments_for()] == [exam.id]
    assert [a.id for a in ana.list_assignments()] == [exam.id]
    with pytest.raises(StoreError):
        ana.get_assignment(other.id)
    for statement in (
        "SELECT * FROM attempts WHERE id = :id",
        "SELECT * FROM replies WHERE attempt_id = :id",
        "SELECT * FROM score_overrides WHERE attempt_id = :id",
        "SELECT result FROM attempts WHERE assignment_id IS NOT NULL AND id = :id",
    ):
        assert rows(ana, statement, id=bos) == []
    assert rows(ana, "SELECT id FROM attempts WHERE assignment_id = :a", a=exam.id) == [(mine,)]


def test_the_database_holds_an_assignments_mode_and_limit(team):
    db, ana, bo, sue, _ = team
    exam = sue.create_assignment("exam-1", "ana", mode="exam", attempts_allowed=1)
    insert = (
        "INSERT INTO attempts (user_name, scenario_id, mode, started_at, assignment_id) "
        "VALUES (:who, :scenario, :mode, 0, :a)"
    )
    assert "not assigned" in refused(bo, insert, who="bo", scenario="s", mode="exam", a=exam.id)
    assert "practice" in refused(ana, insert, who="ana", scenario="s", mode="practice", a=exam.id)
    sql(ana, insert, who="ana", scenario="s", mode="exam", a=exam.id)
    assert "all 1 attempts" in refused(ana, insert, who="ana", scenario="s", mode="exam", a=exam.id)
    sql(ana, insert, who="ana", scenario="t", mode="exam", a=exam.id)  # per scenario


def test_an_override_needs_a_staff_role_and_a_reason_and_is_audited(team):
    db, ana, bo, sue, done = team
    call = "SELECT kefu_override_score(:id, :score, :reason)"
    with pytest.raises(exc.DBAPIError, match="needs a reason"):
        sql(sue, call, id=done, score=80, reason="   ")
    with pytest.raises(exc.DBAPIError, match="needs a reason"):
        sql(sue, call, id=done, score=80, reason=None)
    refused(bo, call, id=done, score=100, reason="I deserve it")
    refused(sue, "UPDATE attempts SET score = 80 WHERE id = :id", id=done)
    refused(sue, "INSERT INTO score_overrides (attempt_id, by, old_score, new_score, reason, at) "
                 "VALUES (:id, 'sue', 62, 80, 'x', 0)", id=done)  # fmt: skip
    first = sue.override_score(done, 80, "  buyer message was garbled  ")
    second = sue.override_score(done, 75, "second look")
    trail = [(o.by, o.old_score, o.new_score, o.reason) for o in sue.overrides(done)]
    assert trail == [
        ("sue", 62, 80, "buyer message was garbled"),
        ("sue", 80, 75, "second look"),
    ]
    assert first.at <= second.at
    assert bo.get_attempt(done).score == 75
    refused(sue, "DELETE FROM score_overrides")
    own = sue.start_attempt("kettle")
    sue.finish_attempt(own, RESULT)
    with pytest.raises(StorePermissionError, match="their own score"):
        sue.override_score(own, 100, "I was right")


def test_current_user_is_the_login_role(team):
    db, ana, *_ = team
    assert rows(ana, "SELECT session_user, kefu_role()") == [("ana", "trainee")]
    assert ana.current_user().name == "ana"
    with pytest.raises(StoreError, match="logs in as 'ana', not 'bo'"):
        open_store(db.url.replace("127.0.0.1", "ana@127.0.0.1"), user="bo")


def test_a_role_outside_kefu_is_told_to_ask_an_admin(pg_db, pg_server):
    pg_server.ensure_role("stranger")
    with pytest.raises(StorePermissionError, match="kefu user add stranger"):
        open_store(pg_db.url, user="stranger", announce=lambda _m: None)
    # a login role of another kefu database's team, unknown here, is refused too
    pg_server.execute("GRANT kefu_trainee TO stranger")
    try:
        store = open_store(pg_db.url, user="stranger", announce=lambda _m: None)
        assert store.current_user().role == "trainee"  # registers itself, as a trainee only
        store.close()
    finally:
        pg_server.execute("REVOKE kefu_trainee FROM stranger")


def test_people_get_login_roles_in_their_group(pg_db, pg_server):
    admin = pg_db.admin
    admin.create_person("lin", "supervisor", password="correct horse", display="林")
    member = (
        "SELECT g.rolname FROM pg_auth_members m JOIN pg_roles g ON g.oid = m.roleid "
        "JOIN pg_roles u ON u.oid = m.member WHERE u.rolname = :n"
    )
    assert rows(admin, member, n="lin") == [("kefu_supervisor",)]
    admin.ensure_user("lin", "trainee")  # a change of role moves the login role too
    assert rows(admin, member, n="lin") == [("kefu_trainee",)]
    import psycopg

    with psycopg.connect(pg_server.url()) as conn:
        secret = conn.execute("SELECT rolpassword FROM pg_authid WHERE rolname = 'lin'")
        verifier = secret.fetchone()
    assert verifier is not None and verifier[0].startswith("SCRAM-SHA-256$")
    assert "correct horse" not in verifier[0]
    for bad in ('x"; DROP TABLE users; --', "pg_monitor", "kefu_admin", "has space", ""):
        with pytest.raises(StoreError):
            admin.create_person(bad)
    assert rows(admin, "SELECT count(*) FROM users WHERE name LIKE '%DROP%'") == [(0,)]


def test_a_second_admin_manages_people_without_owning_the_database(pg_db):
    kim = pg_db.store_as("kim", "admin")
    kim.create_person("newbie")
    kim.add_to_group("newbie", "night-shift")
    assert kim.get_user("newbie").groups == ("night-shift",)
    newbie = open_store(pg_db.url, user="newbie", announce=lambda _m: None)
    try:
        assert newbie.current_user().role == "trainee"
    finally:
        newbie.close()


def test_only_the_owner_can_upgrade_the_schema(pg_db):
    pg_db.store_as("ana")
    with pg_db.admin.engine.begin() as conn:
        conn.execute(sa.text("UPDATE alembic_version SET version_num = '0001'"))
    with pytest.raises(StorePermissionError, match="only its owner"):
        open_store(pg_db.url, user="ana", announce=lambda _m: None)


def test_kefu_user_add_creates_a_login_that_the_database_restricts(pg_db, monkeypatch):
    """The CLI path of the supervisor guide: the admin adds people, each logs in as themselves."""
    from click.testing import CliRunner

    from simulator.cli import main

    monkeypatch.setenv("KEFU_DATABASE_URL", pg_db.url)

    def kefu(*args: str, input: str | None = None):
        result = CliRunner().invoke(main, list(args), input=input, catch_exceptions=False)
        assert "Traceback" not in result.output
        return result

    added = kefu("user", "add", "amy", "--role", "trainee", "--group", "new-hires",
                 "--password-stdin", "--as", "boss", input="pw-amy\n")  # fmt: skip
    assert added.exit_code == 0, added.output
    assert kefu("user", "add", "wei", "--role", "supervisor", "--as", "boss").exit_code == 0
    amy = open_store(pg_db.url, user="amy", announce=lambda _m: None)
    try:
        assert rows(amy, "SELECT session_user, kefu_role()") == [("amy", "trainee")]
        refused(amy, "DELETE FROM attempts")
    finally:
        amy.close()
    listed = kefu("user", "list", "--as", "amy")
    assert listed.exit_code == 0 and "wei" not in listed.output and "amy" in listed.output
    denied = kefu("user", "add", "eve", "--role", "admin", "--as", "amy")
    assert denied.exit_code == 1 and denied.output.startswith("kefu: ")


def test_an_exams_model_replies_stay_locked_until_submitted_in_the_exam(team, tmp_path):
    """Published exam material: everyone reads the paper; a trainee reads the
    key (the model replies) only after finishing the scenario in an exam
    assignment whose published set holds it. Nothing else opens it."""
    db, ana, bo, sue, _ = team
    sue.publish(*publication(write_material(tmp_path / "exam"), exam=True))
    sue.publish(*publication(write_material(tmp_path / "open", "team-open", "team-open-set"),
                             exam=False))  # fmt: skip
    key_sql = "SELECT model_replies FROM scenario_keys WHERE scenario_id = :s"
    # staff read every key; a trainee reads papers, and practice material's key
    assert sue.scenario_key(SCENARIO) and rows(sue, key_sql, s=SCENARIO)
    assert {p.scenario_id for p in ana.papers()} == {SCENARIO, "team-open"}
    assert ana.scenario_key("team-open")
    assert ana.scenario_key(SCENARIO) is None and rows(ana, key_sql, s=SCENARIO) == []
    # a trainee cannot write the tables, nor unlock the key by hand
    refused(ana, "UPDATE scenario_papers SET exam = false")
    refused(ana, "DELETE FROM scenario_keys")
    refused(ana, "INSERT INTO set_scenarios VALUES ('mine', 0, :s)", s=SCENARIO)
    assert rows(sue, "SELECT exam FROM scenario_papers WHERE scenario_id = :s", s=SCENARIO) == [
        (True,)
    ]

    def finish(store, **kwargs):
        attempt = store.start_attempt(SCENARIO, **kwargs)
        store.save_reply(attempt, 0, "抱歉", 1.0)
        store.finish_attempt(attempt, RESULT)
        return attempt

    # a practice run, an exam attempt outside any assignment, or one under an
    # exam of another set do not open it
    finish(ana)
    finish(ana, mode="exam")
    other_exam = sue.create_assignment("basic-exam", "ana", mode="exam")
    finish(ana, mode="exam", assignment_id=other_exam.id)
    assert ana.scenario_key(SCENARIO) is None
    # the exam itself: locked while the attempt is open, open once submitted
    exam = sue.create_assignment(SET, "ana", mode="exam", attempts_allowed=1)
    attempt = ana.start_attempt(SCENARIO, mode="exam", assignment_id=exam.id)
    assert ana.scenario_key(SCENARIO) is None
    ana.finish_attempt(attempt, RESULT)
    assert ana.scenario_key(SCENARIO) == sue.scenario_key(SCENARIO)
    # ... for ana only; and with one try allowed she cannot take it again
    assert bo.scenario_key(SCENARIO) is None
    with pytest.raises(StorePermissionError, match="all 1 attempts"):
        ana.start_attempt(SCENARIO, mode="exam", assignment_id=exam.id)


def test_kefu_publish_in_team_mode_and_the_exam_warning(pg_db, monkeypatch, tmp_path):
    """A supervisor publishes exam material with the CLI; a trainee may not; an exam
    of scenarios whose answers trainees can read (installed ones) is said plainly."""
    from click.testing import CliRunner

    from simulator.cli import main

    monkeypatch.setenv("KEFU_DATABASE_URL", pg_db.url)
    pg_db.store_as("sue", "supervisor")
    pg_db.store_as("ana")

    def kefu(*args: str):
        result = CliRunner().invoke(main, list(args), catch_exceptions=False)
        assert "Traceback" not in result.output
        return result

    folder = write_material(tmp_path / "ours")
    denied = kefu("publish", str(folder), "--exam", "--as", "ana", "--lang", "en")
    assert denied.exit_code == 1 and "permission denied" in denied.stderr
    out = kefu("publish", str(folder), "--exam", "--as", "sue", "--lang", "en")
    assert out.exit_code == 0 and "as exam material" in out.stdout, out.stderr
    assert "nothing is hidden" not in out.stderr
    assert SCENARIO in kefu("published", "--as", "ana").stdout
    installed = kefu("assign", "basic-exam", "--to", "ana", "--mode", "exam", "--as", "sue")
    assert installed.exit_code == 0 and "wrong-size-shoes" in installed.stderr
    assert "kefu publish DIR --exam" in installed.stderr
    ours = kefu("assign", SET, "--to", "ana", "--mode", "exam", "--as", "sue")
    assert ours.exit_code == 0
    assert OTHER in ours.stderr and SCENARIO not in ours.stderr  # only the installed one
    practice = kefu("assign", SET, "--to", "ana", "--as", "sue")
    assert practice.exit_code == 0 and "warning" not in practice.stderr
