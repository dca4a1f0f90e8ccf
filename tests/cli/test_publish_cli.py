"""``kefu publish`` / ``published`` / ``unpublish`` end to end on a real SQLite file.

(What PostgreSQL enforces about published exam material is proved with real
roles in tests/store/test_team_pg.py.)
"""

from __future__ import annotations

import shutil
from pathlib import Path

from simulator.store import open_store
from tests.cli.test_team_cli import home, kefu  # noqa: F401  (a fixture)
from tests.published import SCENARIO, SET, SOURCE, write_material


def test_publish_assign_and_remove(home: Path, tmp_path: Path):  # noqa: F811
    folder = write_material(tmp_path / "ours")
    out = kefu("publish", "--lang", "en", str(folder), "--exam", "--as", "sue")
    assert out.exit_code == 0, out.stderr
    assert "Published 1 scenario as exam material and 1 set" in out.stdout
    assert "nothing is hidden from whoever holds the file" in out.stderr  # SQLite: said plainly
    listed = kefu("published").stdout
    assert SCENARIO in listed and "exam" in listed and "set of 2" in listed and "sue" in listed
    # the published set is assignable and reportable like an installed one
    assert kefu("user", "add", "ana", "--role", "trainee").exit_code == 0
    out = kefu("assign", SET, "--to", "ana", "--mode", "exam", "--attempts", "1")
    assert out.exit_code == 0 and "2 scenarios" in out.stdout, out.stderr
    assert kefu("report", "--set", SET, "--format", "json").exit_code == 0
    # the database holds the paper and the key apart
    store = open_store(f"sqlite:///{home / 'kefu.sqlite3'}", user="sue", announce=lambda _m: None)
    try:
        (paper,) = store.papers()
        assert "model_reply" not in paper.source
        assert store.scenario_key(SCENARIO)
    finally:
        store.close()
    out = kefu("unpublish", SCENARIO, SET)
    assert out.exit_code == 0 and "Removed 2" in out.stdout
    assert "nothing published" in kefu("published").stderr
    out = kefu("unpublish", SCENARIO)
    assert out.exit_code == 1 and out.stderr.startswith("kefu: nothing published under")


def test_nothing_is_published_unless_every_file_is_clean(home: Path, tmp_path: Path):  # noqa: F811
    folder = write_material(tmp_path / "ours")
    bad = (folder / f"{SCENARIO}.yaml").read_text(encoding="utf-8")
    (folder / "second.yaml").write_text(
        bad.replace(f"\nid: {SCENARIO} ", "\nid: second ").replace("\nstart:", "\nstrat:", 1),
        encoding="utf-8",
    )
    (folder / "sets" / "more.yaml").write_text(
        "id: more\ntitle: {zh: 更多, en: More}\npass_mark: 70\nscenarios: [no-such-scenario]\n",
        encoding="utf-8",
    )
    out = kefu("publish", "--lang", "en", str(folder))
    assert out.exit_code == 1
    assert "second.yaml:" in out.stderr and "did you mean 'start'" in out.stderr
    assert "more.yaml:4:13:" in out.stderr and "unknown scenario 'no-such-scenario'" in out.stderr
    assert out.stderr.rstrip().endswith(" problems") and "Traceback" not in out.stderr
    assert "nothing published" in kefu("published").stderr


def test_installed_ids_and_failing_self_tests_are_refused(home: Path, tmp_path: Path):  # noqa: F811
    folder = tmp_path / "copy"
    folder.mkdir()
    shutil.copy(SOURCE, folder / SOURCE.name)
    out = kefu("publish", "--lang", "en", str(folder))
    assert out.exit_code == 1
    assert f"'{SOURCE.stem}' is an installed scenario; choose another id" in out.stderr
    wrong = write_material(tmp_path / "wrong")
    text = (wrong / f"{SCENARIO}.yaml").read_text(encoding="utf-8")
    (wrong / f"{SCENARIO}.yaml").write_text(
        text.replace("ending: resolved", "ending: escalated", 1), encoding="utf-8"
    )
    out = kefu("publish", "--lang", "en", str(wrong))
    assert out.exit_code == 1 and "self-test" in out.stderr
    assert "nothing published" in kefu("published").stderr
