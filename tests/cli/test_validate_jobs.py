"""``kefu validate --jobs``: the same output on one process as on several.

The folder holds problems of every kind in several files (syntax, keys,
graph, policy, a failing self-test, duplicate ids, a set naming an unknown
scenario, an impossible date, an alias bomb) among valid copies of the
library, so that the files are spread over the workers.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner

from scoring import yamldoc
from simulator import loader
from simulator.scenario_cli import validate

ROOT = Path(__file__).resolve().parents[2]
EXAMPLE = (ROOT / "scenarios" / "wrong_item" / "wrong-size-shoes.yaml").read_text(encoding="utf-8")


def _copies(dest: Path, count: int) -> None:
    """Valid scenarios with fresh ids (as benchmarks/validate_bench.py makes them)."""
    sources = sorted(
        p
        for p in (ROOT / "scenarios").rglob("*.yaml")
        if not {"rubric", "scripts", "sets"} & set(p.relative_to(ROOT).parts)
    )
    for i in range(count):
        src = sources[i % len(sources)]
        data = yamldoc.parse(src.read_text(encoding="utf-8"), src.name).data
        data["id"] = f"{src.stem}-{i}"
        folder = dest / "copies" / src.parent.name
        folder.mkdir(parents=True, exist_ok=True)
        text = yaml.safe_dump(data, allow_unicode=True, sort_keys=False, width=1000)
        (folder / f"{data['id']}.yaml").write_text(text, encoding="utf-8")


def _broken(dest: Path) -> None:
    def put(rel: str, text: str | bytes) -> None:
        path = dest / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(text, bytes):
            path.write_bytes(text)
        else:
            path.write_text(text, encoding="utf-8")

    put("a/wrong-size-shoes.yaml", EXAMPLE)
    put("b/wrong-size-shoes.yaml", EXAMPLE)  # duplicate id
    put("c/syntax.yaml", "id: [unclosed\n")
    put("c/keys.yaml", EXAMPLE.replace("category: wrong_item", "categroy: wrong_item"))
    put("c/graph.yaml", EXAMPLE.replace("goto: escalated", "goto: escalate", 1))
    put(
        "d/policy.yaml",
        EXAMPLE.replace("id: wrong-size-shoes", "id: policy").replace(
            "model_reply: 非常抱歉给您发错了尺码,耽误您穿了!",
            "model_reply: 非常抱歉给您发错了尺码,今天给您补偿200元现金红包,耽误您穿了!",
        ),
    )
    put(
        "d/failing-test.yaml",
        EXAMPLE.replace("id: wrong-size-shoes", "id: failing-test").replace(
            "mood: [0, 40]", "mood: [90, 100]"
        ),
    )
    put("d/date.yaml", "id: date\nordered: 2026-13-45\n")
    put(
        "d/bomb.yaml",
        "a: &a [x, x]\n" + "".join(f"b{i}: &b{i} [*a, *a]\n" for i in range(60)),
    )
    put("d/utf8.yaml", b"id: \xff\n")
    put(
        "sets/s.yaml",
        "id: s\ntitle: {zh: 集, en: Set}\npass_mark: 70\nscenarios: [wrong-size-shoes, nowhere]\n",
    )


@pytest.fixture(scope="module")
def folder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    dest = tmp_path_factory.mktemp("validate-jobs")
    _copies(dest, 60)
    _broken(dest)
    return dest


def _run(folder: Path, *args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(validate, [str(folder), "--lang", "en", *args])
    assert result.exception is None or isinstance(result.exception, SystemExit), result.output
    return result.exit_code, result.stdout, result.stderr


@pytest.mark.parametrize("extra", [[], ["--no-tests"], ["--format", "json"]])
def test_two_jobs_print_what_one_job_prints(folder: Path, monkeypatch, extra: list[str]):
    monkeypatch.setattr(loader, "PARALLEL_FROM", 2)  # the pool, even for this small folder
    serial = _run(folder, "--jobs", "1", *extra)
    parallel = _run(folder, "--jobs", "2", *extra)
    assert parallel == serial
    code, out, err = serial
    assert code == 1
    text = out + err
    for expected in (
        "duplicate scenario id 'wrong-size-shoes'",
        "while parsing",
        "unknown key 'categroy'",
        "unknown node or ending 'escalate'",
        "model reply breaks the policy",
        "'2026-13-45' is not a valid date",
        "too many aliases",
        "not valid UTF-8",
        "unknown scenario 'nowhere'",
    ):
        assert expected in text
    if "--no-tests" not in extra:
        assert "self-test 'apologise, ask, fix': expected mood in [90, 100]" in text
    assert "Traceback" not in text


def test_check_finds_what_load_and_test_problems_find(folder: Path, monkeypatch):
    monkeypatch.setattr(loader, "PARALLEL_FROM", 2)
    lib = loader.load([folder], jobs=1)
    expected_tests = loader.test_problems(lib)
    clash = "'wrong-size-shoes' is an installed scenario; choose another id"
    for jobs in (1, 2):
        verdict = loader.check([folder], jobs=jobs)
        assert verdict.files == lib.files
        assert verdict.scenarios == list(lib.scenarios)
        assert verdict.sets == list(lib.sets)
        # and what kefu publish adds: the copy (the first; the second is a duplicate)
        # takes an installed scenario's id
        assert [p for p in verdict.problems if p.message != clash] == lib.problems
        assert [p.file for p in verdict.problems if p.message == clash] == [
            lib.scenarios["wrong-size-shoes"].file
        ]
        assert verdict.test_problems == expected_tests
        # check also runs the self-tests of b/wrong-size-shoes.yaml, whose id a/ took
        # (load leaves that file out): its own tests, reported beside the duplicate
        duplicate = len(lib.runnable["wrong-size-shoes"])
        assert verdict.tests == sum(len(r) for r in lib.runnable.values()) + duplicate
        no_tests = loader.check([folder], jobs=jobs, run_tests=False)
        assert no_tests.problems == verdict.problems and no_tests.test_problems == []
    parallel = loader.load([folder], jobs=2)
    assert parallel.problems == lib.problems and list(parallel.scenarios) == list(lib.scenarios)


def test_the_command_uses_the_pool_for_many_files(tmp_path: Path):
    """A real run (no monkeypatching) over more files than PARALLEL_FROM."""
    _copies(tmp_path, loader.PARALLEL_FROM + 5)
    _broken(tmp_path)
    env = {**os.environ, "PYTHONIOENCODING": "utf-8"}
    runs = [
        subprocess.run(
            [sys.executable, "-m", "simulator", "validate", ".", "--format", "json", "-j", jobs],
            cwd=tmp_path,
            capture_output=True,
            env=env,
            timeout=300,
        )
        for jobs in ("1", "2")
    ]
    assert runs[0].returncode == runs[1].returncode == 1
    assert runs[0].stdout == runs[1].stdout
    report = json.loads(runs[0].stdout)
    # the copies, then a/wrong-size-shoes, policy and failing-test (keys.yaml lacks a key)
    assert len(report["scenarios"]) == loader.PARALLEL_FROM + 5 + 3
    assert b"Traceback" not in runs[0].stderr + runs[1].stderr
