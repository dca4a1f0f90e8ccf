"""``kefu validate`` and ``kefu publish`` on an author's own folder: which files are
found (``.yaml`` and ``.yml``), a folder with nothing to check, and the same verdict
from both commands about the installed library (ids it owns, scenarios a set may name).
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

from simulator import loader
from tests.cli.test_team_cli import home, kefu  # noqa: F401  (a fixture)
from tests.published import OTHER, SCENARIO, SET, SOURCE, write_material

ROOT = Path(__file__).resolve().parents[2]
SCRIPT = ROOT / "scenarios" / "scripts" / "chat-en.yaml"


def _yml_folder(folder: Path) -> Path:
    """A scenario, a set and a script set, every file named ``.yml``."""
    write_material(folder)
    (folder / f"{SCENARIO}.yaml").rename(folder / f"{SCENARIO}.yml")
    text = (folder / "sets" / f"{SET}.yaml").read_text(encoding="utf-8")
    (folder / "sets" / f"{SET}.yaml").unlink()
    (folder / "sets" / f"{SET}.yml").write_text(
        text.replace(f", {OTHER}]", "]"), encoding="utf-8"
    )  # the folder's own scenario only
    (folder / "scripts").mkdir()
    text = SCRIPT.read_text(encoding="utf-8").replace("\nid: chat-en\n", "\nid: our-lines\n", 1)
    (folder / "scripts" / "our-lines.yml").write_text(text, encoding="utf-8")
    return folder


def test_yml_files_are_checked_like_yaml_files(home: Path, tmp_path: Path):  # noqa: F811
    folder = _yml_folder(tmp_path / "ours")
    out = kefu("validate", "--lang", "en", str(folder))
    assert out.exit_code == 0, out.output
    assert out.stderr == "1 scenario, 1 set, 1 script set, 2 self-tests: ok\n"
    report = json.loads(kefu("validate", "--lang", "en", str(folder), "--format", "json").stdout)
    assert (report["scenarios"], report["sets"], report["script_sets"]) == (
        [SCENARIO],
        [SET],
        ["our-lines"],
    )
    # what the app and kefu publish load from a folder
    lib = loader.load([folder])
    assert (list(lib.scenarios), list(lib.sets), lib.problems) == ([SCENARIO], [SET], [])
    # a problem in a .yml file is found, at its place
    scenario = folder / f"{SCENARIO}.yml"
    scenario.write_text(
        scenario.read_text(encoding="utf-8").replace("\nstart:", "\nstrat:", 1), encoding="utf-8"
    )
    out = kefu("validate", "--lang", "en", str(folder), "--no-tests")
    assert out.exit_code == 1
    assert f"{SCENARIO}.yml:" in out.stdout and "did you mean 'start'" in out.stdout


def test_yml_files_are_published(home: Path, tmp_path: Path):  # noqa: F811
    folder = _yml_folder(tmp_path / "ours")
    out = kefu("publish", "--lang", "en", str(folder))
    assert out.exit_code == 0, out.stderr
    assert "Published 1 scenario as practice material and 1 set" in out.stdout
    listed = kefu("published").stdout
    assert SCENARIO in listed and SET in listed


def test_a_folder_with_nothing_to_check_is_an_error(home: Path, tmp_path: Path):  # noqa: F811
    empty = tmp_path / "empty"
    empty.mkdir()
    other = tmp_path / "other"
    other.mkdir()
    (other / "notes.txt").write_text("id: x\n", encoding="utf-8")
    (other / "data.json").write_text("{}", encoding="utf-8")
    for folder in (empty, other):
        out = kefu("validate", "--lang", "en", str(folder))
        assert out.exit_code == 1
        assert out.stdout == (
            f"{folder}: nothing to check: no scenario, set or script set files "
            "(.yaml or .yml) in this folder\n"
        )
        assert out.stderr.endswith(": 1 problem\n")
        report = json.loads(
            kefu("validate", "--lang", "en", str(folder), "--format", "json").stdout
        )
        assert [p["message"].split(":")[0] for p in report["problems"]] == ["nothing to check"]
    # an empty folder beside a good one: still an error, by both commands
    good = write_material(tmp_path / "good")
    out = kefu("validate", "--lang", "en", str(good), str(empty))
    assert out.exit_code == 1 and f"{empty}: nothing to check" in out.stdout
    out = kefu("publish", "--lang", "en", str(good), str(empty))
    assert out.exit_code == 1
    assert f"{empty}: nothing to check: no scenario or set files" in out.stderr
    assert "nothing published" in kefu("published").stderr
    # script sets are something to check, but nothing to publish
    scripts = tmp_path / "only-scripts" / "scripts"
    scripts.mkdir(parents=True)
    shutil.copy(SCRIPT, scripts / SCRIPT.name)
    assert kefu("validate", "--lang", "en", str(scripts.parent)).exit_code == 0


def test_a_set_may_name_installed_scenarios_for_validate_as_for_publish(
    home: Path,  # noqa: F811
    tmp_path: Path,
):
    """The set names the folder's own scenario and an installed one: both commands accept it."""
    folder = write_material(tmp_path / "ours")
    out = kefu("validate", "--lang", "en", str(folder))
    assert out.exit_code == 0, out.output
    assert out.stderr == "1 scenario, 1 set, 0 script sets, 2 self-tests: ok\n"
    # a set alone names installed scenarios, and an unknown one is still unknown
    sets = tmp_path / "sets-only" / "sets"
    sets.mkdir(parents=True)
    (sets / "mixed.yaml").write_text(
        (folder / "sets" / f"{SET}.yaml")
        .read_text(encoding="utf-8")
        .replace(f"id: {SET}", "id: mixed")
        .replace(f"[{SCENARIO}, ", "[no-such-scenario, "),
        encoding="utf-8",
    )
    out = kefu("validate", "--lang", "en", str(sets.parent))
    assert out.exit_code == 1
    assert out.stdout == "sets/mixed.yaml:5:13: unknown scenario 'no-such-scenario'\n".replace(
        "sets/", f"{sets}/"
    )
    assert kefu("publish", "--lang", "en", str(sets.parent)).exit_code == 1
    assert kefu("publish", "--lang", "en", str(folder)).exit_code == 0


def test_an_installed_id_is_refused_by_validate_as_by_publish(
    home: Path,  # noqa: F811
    tmp_path: Path,
):
    """Under an installed id, ``kefu run ID``, the app and sets use the installed
    scenario: a copy under that id would never be played, so both commands refuse it."""
    folder = tmp_path / "copy"
    (folder / "sets").mkdir(parents=True)
    shutil.copy(SOURCE, folder / SOURCE.name)
    installed_set = ROOT / "scenarios" / "sets" / "first-week.yaml"
    shutil.copy(installed_set, folder / "sets" / installed_set.name)
    said = [
        "'first-week' is an installed set; choose another id",
        f"'{SOURCE.stem}' is an installed scenario; choose another id",
    ]
    out = kefu("validate", "--lang", "en", str(folder))
    assert out.exit_code == 1
    assert sorted(line.split(": ", 1)[1] for line in out.stdout.splitlines()) == said
    assert f"{folder / SOURCE.name}:2:1: {said[1]}" in out.stdout
    out = kefu("publish", "--lang", "en", str(folder))
    assert out.exit_code == 1
    refused = [line.split(": ", 1)[1] for line in out.stderr.splitlines() if str(folder) in line]
    assert sorted(refused) == said
    assert out.stderr.endswith("kefu: nothing published: 2 problems\n")
    # the installed files themselves are the library: validating them is no clash
    out = kefu("validate", "--lang", "en", str(SOURCE), str(installed_set))
    assert out.exit_code == 0, out.output


def write_set(folder: Path, set_id: str, scenarios: list[str]) -> Path:
    """A set naming ``scenarios``, in ``folder``/sets/; returns ``folder``."""
    sets = folder / "sets"
    sets.mkdir(parents=True)
    (sets / f"{set_id}.yaml").write_text(
        f"id: {set_id}\ntitle: {{zh: 集, en: Set}}\npurpose: {{zh: 复习, en: Review}}\n"
        f"pass_mark: 70\nscenarios: [{', '.join(scenarios)}]\n",
        encoding="utf-8",
    )
    return folder


def test_a_set_may_name_published_scenarios(home: Path, tmp_path: Path):  # noqa: F811
    """Published first, a team's set names that scenario: validate reads the database
    kefu publish would use (--db, KEFU_DATABASE_URL or the local file) and agrees."""
    assert kefu("publish", "--lang", "en", str(write_material(tmp_path / "ours"))).exit_code == 0
    later = write_set(tmp_path / "later", "later", [SCENARIO, OTHER])
    out = kefu("validate", "--lang", "en", str(later))
    assert out.exit_code == 0, out.output
    assert (
        kefu("validate", "--lang", "en", str(later), "--db", str(home / "kefu.sqlite3")).exit_code
        == 0
    )
    # another database: the scenario is unknown there, as kefu publish would say
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    out = kefu("validate", "--lang", "en", str(later), "--db", str(elsewhere / "kefu.sqlite3"))
    assert out.exit_code == 1
    assert f"unknown scenario '{SCENARIO}'" in out.stdout
    assert out.stderr.startswith("kefu: note: cannot read the published scenarios (")
    assert not (elsewhere / "kefu.sqlite3").exists()  # validate creates no database
    assert "Traceback" not in out.output


def test_validate_makes_no_database_when_there_is_none(
    tmp_path: Path,
    monkeypatch,
):
    monkeypatch.setenv("KEFU_HOME", str(tmp_path / "home"))
    monkeypatch.delenv("KEFU_DATABASE_URL", raising=False)
    out = kefu("validate", "--lang", "en", str(write_set(tmp_path / "sets-only", "s", [SCENARIO])))
    assert out.exit_code == 1 and f"unknown scenario '{SCENARIO}'" in out.stdout
    assert out.stderr == "0 scenarios, 1 set, 0 script sets, 0 self-tests: 1 problem\n"
    assert not (tmp_path / "home").exists()
