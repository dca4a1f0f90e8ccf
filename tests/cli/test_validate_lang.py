"""``kefu validate`` and ``kefu publish`` speak the author's language: --lang, else
KEFU_LANG, else Simplified Chinese. The FILE:LINE:COL: prefixes, key names, ids and
values stay as they are in every language; only the words around them change."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from click.testing import CliRunner

from simulator.scenario_cli import validate
from tests.cli.test_team_cli import home, kefu  # noqa: F401  (a fixture)
from tests.cli.test_validate_messages import EXAMPLE, NAME
from tests.published import SCENARIO, write_material

ROOT = Path(__file__).resolve().parents[2]
# Four slips of different kinds: a value of the wrong kind, a misspelt key, a
# missing required key, a node nobody reaches.
BROKEN = (
    EXAMPLE.replace("difficulty: 2", "difficulty: 7", 1)
    .replace(" goto: ", " goot: ", 1)
    .replace("  name: 王先生\n", "", 1)
)
_PREFIX = re.compile(r"^[^:]+:\d+:\d+: ")


def _validate(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, *args: str, env: str | None = None):
    monkeypatch.chdir(tmp_path)
    if env is None:
        monkeypatch.delenv("KEFU_LANG", raising=False)
    else:
        monkeypatch.setenv("KEFU_LANG", env)
    (tmp_path / NAME).write_text(BROKEN, encoding="utf-8")
    result = CliRunner().invoke(validate, [NAME, "--no-tests", *args])
    assert result.exception is None or isinstance(result.exception, SystemExit), result.output
    assert result.exit_code == 1
    return result


def _places(stdout: str) -> list[str]:
    return [m.group(0) for line in stdout.splitlines() if (m := _PREFIX.match(line))]


def test_simplified_chinese_is_the_default(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    out = _validate(tmp_path, monkeypatch)
    english = _validate(tmp_path, monkeypatch, "--lang", "en")
    assert "unknown" not in out.stdout and "must be" not in out.stdout
    assert "缺少必填字段 'name'" in out.stdout
    assert "未知的字段 'goot'——是不是想写 'goto'？" in out.stdout
    assert "difficulty 应该是介于 1 和 3 之间的整数（1 简单 … 3 困难），而不是 7" in out.stdout
    assert out.stderr == "1 个场景，0 个场景集，0 个话术集：4 个问题\n"
    # the same problems at the same places, in the same order
    assert _places(out.stdout) == _places(english.stdout)
    assert len(_places(out.stdout)) == 4 == len(out.stdout.splitlines())


def test_english_says_what_it_said_before(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    out = _validate(tmp_path, monkeypatch, "--lang", "en")
    assert "missing required key 'name'" in out.stdout
    assert "unknown key 'goot' — did you mean 'goto'?" in out.stdout
    assert "difficulty must be a whole number from 1 to 3 (1 easy .. 3 hard), not 7" in out.stdout
    assert out.stderr == "1 scenario, 0 sets, 0 script sets: 4 problems\n"


def test_traditional_chinese_in_taiwan_wording(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    out = _validate(tmp_path, monkeypatch, "--lang", "zh-Hant")
    assert "缺少必填欄位 'name'" in out.stdout
    assert "未知的欄位 'goot'——是不是想寫 'goto'？" in out.stdout
    assert "difficulty 應該是介於 1 和 3 之間的整數（1 簡單 … 3 困難），而不是 7" in out.stdout
    assert out.stderr == "1 個場景，0 個場景集，0 個話術集：4 個問題\n"


@pytest.mark.parametrize(
    ("env", "word"), [("en", "unknown key"), ("zh_TW", "未知的欄位"), ("zh-CN", "未知的字段")]
)
def test_kefu_lang_decides_without_lang(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, env: str, word: str
):
    assert word in _validate(tmp_path, monkeypatch, env=env).stdout
    # --lang wins over KEFU_LANG
    said = _validate(tmp_path, monkeypatch, "--lang", "zh", env=env).stdout
    assert "未知的字段" in said


def test_json_messages_follow_lang(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    zh = json.loads(_validate(tmp_path, monkeypatch, "--format", "json").stdout)
    en = json.loads(_validate(tmp_path, monkeypatch, "--format", "json", "--lang", "en").stdout)
    assert "缺少必填字段 'name'" in [p["message"] for p in zh["problems"]]
    assert "missing required key 'name'" in [p["message"] for p in en["problems"]]
    strip = [{k: v for k, v in p.items() if k != "message"} for p in zh["problems"]]
    assert strip == [{k: v for k, v in p.items() if k != "message"} for p in en["problems"]]


def test_a_yaml_slip_and_a_failing_self_test_in_chinese(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
):
    """The reader's advice (scoring/yaml_advice.py) and a self-test's failure."""
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("KEFU_LANG", raising=False)
    slip = EXAMPLE.replace("  name: 王先生\n", "  name: 王先生: 老客户\n", 1)
    (tmp_path / NAME).write_text(slip, encoding="utf-8")
    out = CliRunner().invoke(validate, [NAME, "--no-tests"])
    assert "内容里有「冒号加空格」：请把整段内容用引号括起来" in out.stdout
    assert "（技术信息：mapping values are not allowed" in out.stdout  # the reader's words
    failing = EXAMPLE.replace("ending: resolved", "ending: escalated", 1)
    assert failing != EXAMPLE
    (tmp_path / NAME).write_text(failing, encoding="utf-8")
    out = CliRunner().invoke(validate, [NAME])
    assert out.exit_code == 1
    assert "：预期结局是 'escalated'，实际是 'resolved'" in out.stdout, out.stdout
    assert out.stdout.startswith("my-shoes.yaml:") and "自测 '" in out.stdout


def test_publish_speaks_the_same_language(home: Path, tmp_path: Path):  # noqa: F811
    folder = write_material(tmp_path / "ours")
    scenario = folder / f"{SCENARIO}.yaml"
    scenario.write_text(
        scenario.read_text(encoding="utf-8").replace("\nstart:", "\nstrat:", 1), encoding="utf-8"
    )
    out = kefu("publish", str(folder))
    assert out.exit_code == 1
    assert "未知的字段 'strat'——是不是想写 'start'？" in out.stderr
    assert "未知的场景 'team-shoes'" in out.stderr  # the set names the broken one
    assert out.stderr.endswith("kefu: 什么也没有发布：2 个问题\n")
    hant = kefu("publish", str(folder), "--lang", "zh-Hant")
    assert hant.stderr.endswith("kefu: 什麼也沒有發布：2 個問題\n")
    english = kefu("publish", str(folder), "--lang", "en")
    assert english.stderr.endswith("kefu: nothing published: 2 problems\n")
    scenario.write_text(
        scenario.read_text(encoding="utf-8").replace("\nstrat:", "\nstart:", 1), encoding="utf-8"
    )
    done = kefu("publish", str(folder), "--exam")
    assert done.exit_code == 0, done.stderr
    assert done.stdout.startswith("已把 1 个场景作为考核材料、1 个场景集发布到 ")
    assert "本地 SQLite 文件对持有文件的人不隐藏任何内容" in done.stderr


def test_no_catalog_key_shows_through(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    """A key missing from a catalog would be printed as itself."""
    for lang in ("zh", "zh-Hant", "en"):
        out = _validate(tmp_path, monkeypatch, "--lang", lang)
        assert not re.search(r"\b(validate|yaml)\.\w", out.output), out.output
