"""The shipped script sets, the loader, `kefu validate` on script files, and import hygiene."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import jsonschema
import pytest
from click.testing import CliRunner

from scoring.normalize import to_simplified
from simulator import drill_loader, drill_parse, loader
from simulator.drill import check_line, expect_failures
from simulator.scenario_cli import validate

ROOT = Path(__file__).resolve().parents[2]
SCRIPTS = ROOT / "scenarios" / "scripts"
FILES = sorted(SCRIPTS.glob("*.yaml"))
LIB = drill_loader.load_scripts()
SCHEMA = json.loads((ROOT / "schema" / "scripts.schema.json").read_text(encoding="utf-8"))
CHAT_SITUATIONS = {
    "opening", "late-parcel", "damaged-ask-photos", "ask-details", "offer-options",
    "return-postage", "courier-chase", "decline-politely", "closing",
}  # fmt: skip
REVIEW_SITUATIONS = {
    "opening-thanks", "public-apology", "invite-private", "state-fix", "state-improvement",
    "decline-with-evidence", "closing",
}  # fmt: skip


def test_shipped_script_sets_have_no_problems():
    assert [str(p) for p in LIB.problems] == []
    assert drill_loader.script_root() == loader.library_root() / "scripts"
    assert len(LIB.files) == len(FILES) >= 6


def test_every_channel_and_language_is_covered():
    pairs = {(s.channel, s.language) for s in LIB.sets.values()}
    assert pairs >= {
        (c, lang) for c in ("chat", "review_reply") for lang in ("zh-Hans", "zh-Hant", "en")
    }
    for s in LIB.sets.values():
        assert 8 <= len(s.items) <= 12, s.id
        ids = {i.id for i in s.items}
        wanted = CHAT_SITUATIONS if s.channel == "chat" else REVIEW_SITUATIONS
        assert wanted <= ids, (s.id, wanted - ids)
        if s.channel == "chat":
            assert any(i.startswith("wrong-") for i in ids), s.id


@pytest.mark.parametrize("sid", sorted(LIB.sets))
def test_every_answer_passes_its_own_drill(sid):
    for item in LIB.sets[sid].items:
        for answer in item.answers:
            r = check_line(item, answer)
            assert r.passed and r.score == 100 and r.exact, (sid, item.id, answer)


@pytest.mark.parametrize("sid", sorted(LIB.sets))
def test_lines_score_as_expected_with_the_scorer(sid):
    s = LIB.sets[sid]
    for item in s.items:
        assert item.expect, f"{sid}/{item.id}: say what the scorer must find (expect:)"
        assert expect_failures(item, s.channel) == [], (sid, item.id)
        assert item.expect.get("no_blame", True), (sid, item.id)
        if s.channel == "review_reply":
            assert item.expect.get("formal_register") and item.expect.get("no_private_data")
        if "apology" in item.id or item.id in ("late-parcel", "wrong-item", "wrong-model"):
            assert item.expect.get("apology"), (sid, item.id)


@pytest.mark.parametrize("sid", sorted(LIB.sets))
def test_lines_are_in_the_set_language(sid):
    s = LIB.sets[sid]
    answers = [a for i in s.items for a in i.answers]
    if s.language == "en":
        assert all(a.isascii() for a in answers), sid
    elif s.language == "zh-Hant":
        assert all(to_simplified(a) != a for a in answers), sid
    else:
        assert all(to_simplified(a) == a for a in answers), sid


@pytest.mark.parametrize("path", FILES, ids=lambda p: p.name)
def test_files_follow_the_published_schema(path):
    first = path.read_text(encoding="utf-8").splitlines()[0]
    assert first == "# yaml-language-server: $schema=../../schema/scripts.schema.json"
    data = loader.read_doc(path).data
    jsonschema.validate(data, SCHEMA)


def test_schema_and_parser_agree_on_keys():
    defs = SCHEMA["$defs"]
    assert set(SCHEMA["properties"]) == drill_parse.TOP_KEYS
    assert set(SCHEMA["required"]) == drill_parse.REQUIRED_TOP
    assert set(defs["item"]["properties"]) == drill_parse.ITEM_KEYS
    assert set(defs["item"]["required"]) == drill_parse.REQUIRED_ITEM
    assert set(defs["key_point"]["properties"]) == drill_parse.POINT_KEYS
    assert set(defs["item"]["properties"]["expect"]["properties"]) == set(drill_parse.REVIEW_EXPECT)


# ---- the loader -------------------------------------------------------------

GOOD = """\
id: {id}
title: {{zh: 演示, en: Demo}}
channel: chat
language: zh-Hans
items:
  - id: sorry
    situation: {{zh: 包裹晚到, en: Late parcel}}
    lines: [{line}]
    key_points:
      - id: sorry
        label: {{zh: 道歉, en: Apology}}
        phrases: [抱歉]
    expect: {{apology: true}}
"""


def write(
    folder: Path, name: str, sid: str | None = None, line: str = "非常抱歉让您久等了"
) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{name}.yaml"
    path.write_text(GOOD.format(id=sid or name, line=line), encoding="utf-8")
    return path


def test_the_script_file_rule(tmp_path):
    lib_dir = tmp_path / "lib"
    s = write(lib_dir / "scripts", "a")
    deep = write(lib_dir / "scripts" / "more", "b")
    other = lib_dir / "wrong_item" / "x.yaml"
    assert loader.is_script_file(s)
    assert not loader.is_script_file(deep)  # a file given alone: its folder decides
    assert loader.is_script_file(deep, lib_dir)  # found by walking: below scripts/
    assert not loader.is_script_file(other, lib_dir)
    assert drill_loader.expand_scripts([lib_dir]) == [s, deep]
    assert drill_loader.expand_scripts([lib_dir / "scripts"]) == [s, deep]
    assert loader.expand([lib_dir]) == []
    assert loader.expand([lib_dir / "scripts", s]) == []


def test_the_scenario_library_skips_script_sets():
    assert not any("scripts" in f for f in loader.load().files)


def test_id_must_match_the_file_name_and_be_unique(tmp_path):
    write(tmp_path / "scripts", "one", sid="two")
    write(tmp_path / "other" / "scripts", "two")
    lib = drill_loader.load_scripts([tmp_path])
    found = [p.message for p in lib.problems]
    assert "id 'two' should match the file name 'one'" in found
    assert any(m.startswith("duplicate script set id 'two' (also in ") for m in found)


def test_expectations_are_checked_with_the_scorer(tmp_path):
    path = write(tmp_path / "scripts", "demo", line="如果您觉得不满意，那我抱歉")
    script_set, problems = drill_loader.load_script_file(path)
    assert script_set is not None
    assert [(p.line, p.col, p.message) for p in problems] == [
        (8, 13, "the scorer should pass this line on 'apology', but it fails")
    ]


def test_unreadable_and_missing_files(tmp_path):
    folder = tmp_path / "scripts"
    folder.mkdir()
    (folder / "bad.yaml").write_bytes(b"id: [unclosed\n")
    (folder / "latin1.yaml").write_bytes("id: caf\xe9\n".encode("latin-1"))
    lib = drill_loader.load_scripts([folder, folder / "nope.yaml"])
    messages = sorted(str(p) for p in lib.problems)
    assert len(messages) == 3
    assert any("nope.yaml:1:1: no such file" in m for m in messages)
    assert any("latin1.yaml:1:8: not valid UTF-8 (byte 0xe9)" in m for m in messages)
    assert lib.sets == {}


# ---- kefu validate --------------------------------------------------------


def test_validate_reports_script_problems_in_text_and_json(tmp_path):
    write(tmp_path / "scripts", "good")
    write(tmp_path / "scripts", "bad", line="非常感谢")
    runner = CliRunner()
    res = runner.invoke(validate, [str(tmp_path / "scripts"), "--lang", "en"])
    assert res.exit_code == 1
    assert "bad.yaml:8:13: standard line 1 does not say key point 'sorry'" in res.output
    assert "0 scenarios, 0 sets, 2 script sets, 0 self-tests: 1 problem" in res.output
    res = runner.invoke(validate, [str(tmp_path / "scripts"), "--format", "json"])
    data = json.loads(res.stdout)
    assert data["script_sets"] == ["bad", "good"]
    assert len(data["files"]) == 2 and len(data["problems"]) == 1
    assert res.exit_code == 1


def test_validate_a_good_script_file(tmp_path):
    path = write(tmp_path / "scripts", "good")
    res = CliRunner().invoke(validate, [str(path), "--lang", "en"])
    assert res.exit_code == 0, res.output
    assert "0 scenarios, 0 sets, 1 script set, 0 self-tests: ok" in res.output


# ---- the core stays pure ------------------------------------------------------


@pytest.mark.parametrize("module", ["simulator.drill", "simulator.drill_parse"])
def test_the_drill_core_imports_no_shell(module):
    code = (
        f"import sys, {module}\n"
        "bad = [m for m in ('textual', 'click', 'sqlite3', 'sqlalchemy', 'simulator.loader')"
        " if m in sys.modules]\nprint(','.join(bad))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == ""


@pytest.mark.parametrize(
    ("sid", "typed"),
    [
        ("chat-en", "Hi, I'm Sam from customer service, how can I help you today?"),
        ("chat-en", "Hello, this is Priya from customer service. How can I help you today?"),
        ("chat-zh-hans", "您好，我是小王，很高兴为您服务，请问有什么可以帮您？"),
        ("chat-zh-hans", "您好，这里是客服小美，很高兴为您服务，请问有什么可以帮您？"),
        ("chat-zh-hant", "您好，我是小王，很高興為您服務，請問有什麼可以幫您的呢？"),
        ("chat-zh-hant", "您好，這裡是阿明，很高興為您服務，請問有什麼可以幫您的呢？"),
    ],
)
def test_the_opening_accepts_any_name(sid, typed):
    """Saying who you are counts with your own name, not only the example's."""
    hits = {k.id: k.found for k in check_line(LIB.sets[sid].item("opening"), typed).key_points}
    assert hits["name"]
