"""``kefu validate`` and ``kefu publish`` on an author's own folder: which files are
found (``.yaml`` and ``.yml``), and a folder with nothing to check.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

from simulator import loader
from tests.cli.test_team_cli import home, kefu  # noqa: F401  (a fixture)
from tests.published import OTHER, SCENARIO, SET, write_material

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
    out = kefu("validate", str(folder))
    assert out.exit_code == 0, out.output
    assert out.stderr == "1 scenario, 1 set, 1 script set, 2 self-tests: ok\n"
    report = json.loads(kefu("validate", str(folder), "--format", "json").stdout)
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
    out = kefu("validate", str(folder), "--no-tests")
    assert out.exit_code == 1
    assert f"{SCENARIO}.yml:" in out.stdout and "did you mean 'start'" in out.stdout


def test_yml_files_are_published(home: Path, tmp_path: Path):  # noqa: F811
    folder = _yml_folder(tmp_path / "ours")
    out = kefu("publish", str(folder))
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
        out = kefu("validate", str(folder))
        assert out.exit_code == 1
        assert out.stdout == (
            f"{folder}: nothing to check: no scenario, set or script set files "
            "(.yaml or .yml) in this folder\n"
        )
        assert out.stderr.endswith(": 1 problem\n")
        report = json.loads(kefu("validate", str(folder), "--format", "json").stdout)
        assert [p["message"].split(":")[0] for p in report["problems"]] == ["nothing to check"]
    # an empty folder beside a good one: still an error, by both commands
    good = write_material(tmp_path / "good")
    out = kefu("validate", str(good), str(empty))
    assert out.exit_code == 1 and f"{empty}: nothing to check" in out.stdout
    out = kefu("publish", str(good), str(empty))
    assert out.exit_code == 1
    assert f"{empty}: nothing to check: no scenario or set files" in out.stderr
    assert "nothing published" in kefu("published").stderr
    # script sets are something to check, but nothing to publish
    scripts = tmp_path / "only-scripts" / "scripts"
    scripts.mkdir(parents=True)
    shutil.copy(SCRIPT, scripts / SCRIPT.name)
    assert kefu("validate", str(scripts.parent)).exit_code == 0
