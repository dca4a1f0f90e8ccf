"""A scenario's self-tests beside its other problems: every problem at once where the
tests can still run, and a plain note (not a count of tests run) where they cannot.

A problem in what the engine plays (a reaction, a condition, the policy card) would
make a self-test's verdict meaningless, so the tests wait for it; a problem in a
text, a label, a model reply or the id changes nothing they see, so they run.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from scoring.yamldoc import parse
from simulator.scenario import read_scenario
from simulator.scenario_cli import validate
from tests.cli.test_team_cli import home, kefu  # noqa: F401  (a fixture)
from tests.cli.test_validate_messages import EXAMPLE, NAME

ROOT = Path(__file__).resolve().parents[2]
# The second self-test made to fail: the blamed buyer escalates, not resolves.
FAILING = EXAMPLE.replace(
    "    expect:\n      ending: escalated", "    expect:\n      ending: resolved"
)
FAILURE = "self-test 'blame the buyer': expected ending 'resolved', got 'escalated'"


def _line(text: str, source: str = EXAMPLE) -> int:
    return source[: source.index(text)].count("\n") + 1


def _validate(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, text: str, *args: str):
    monkeypatch.chdir(tmp_path)
    (tmp_path / NAME).write_text(text, encoding="utf-8")
    result = CliRunner().invoke(validate, [NAME, "--lang", "en", *args])
    assert result.exception is None or isinstance(result.exception, SystemExit), result.output
    return result


CASES = {
    "an unknown key": (
        FAILING.replace("tags: [postage, exchange]", "tags: [postage, exchange]\ncolour: red"),
        "unknown key 'colour' (allowed: ",
    ),
    "an id that is not the file name": (
        FAILING.replace("\nid: my-shoes ", "\nid: my-other-shoes ", 1),
        "id 'my-other-shoes' should match the file name 'my-shoes'",
    ),
    "a why in one language": (
        FAILING.replace("why: {zh: 没有道歉, en: No apology}", "why: {zh: 没有道歉}"),
        "nodes.complaint.on[3].why: add en (English)",
    ),
    "a model reply that breaks the policy": (
        FAILING.replace(
            "model_reply: 非常抱歉给您发错了尺码,耽误您穿了!",
            "model_reply: 非常抱歉给您发错了尺码,今天给您补偿200元现金红包,耽误您穿了!",
        ),
        "model reply breaks the policy",
    ),
}


@pytest.mark.parametrize("case", CASES)
def test_a_failing_self_test_is_reported_beside_other_problems(
    case: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    text, problem = CASES[case]
    result = _validate(tmp_path, monkeypatch, text)
    assert result.exit_code == 1
    lines = result.stdout.splitlines()
    assert len(lines) == 2, lines
    assert any(problem in line for line in lines), lines
    assert lines[1] == f"{NAME}:{_line('  - name: blame the buyer', text)}:5: {FAILURE}"
    assert result.stderr == "1 scenario, 0 sets, 0 script sets, 2 self-tests: 2 problems\n"


def test_an_unknown_check_in_expect_is_named_and_the_test_still_runs(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    text = FAILING.replace(
        "checks: {shop-pays-postage: true, no-prepay: true}",
        "checks: {shop-pays-postag: true, no-prepay: true}\n      mood: [0, 10]",
    ).replace("      mood: [0, 40]\n", "")
    result = _validate(tmp_path, monkeypatch, text)
    assert result.exit_code == 1
    checks = _line("      checks: {shop-pays-postag", text)
    assert result.stdout.splitlines() == [
        # the rest of that test ran: the buyer ends calmer than 40 but not below 10
        f"{NAME}:{_line('  - name: apologise', text)}:5: self-test 'apologise, ask, fix': "
        "expected mood in [0, 10], got 20",
        f"{NAME}:{checks}:16: self-test 'apologise, ask, fix': unknown check 'shop-pays-postag'"
        " — did you mean 'shop-pays-postage'?",
        f"{NAME}:{_line('  - name: blame the buyer', text)}:5: {FAILURE}",
    ]
    assert result.stderr.endswith("2 self-tests: 3 problems\n")


def test_an_unknown_criterion_says_which_exist(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    text = EXAMPLE.replace("criteria: {timely_apology: true,", "criteria: {formal_register: true,")
    result = _validate(tmp_path, monkeypatch, text)
    assert result.exit_code == 1
    assert result.stdout.splitlines() == [
        f"{NAME}:{_line('      criteria: {formal', text)}:18: self-test 'apologise, ask, fix': "
        "unknown criterion 'formal_register' (checked on review replies only: channel: "
        "review_reply)"
    ]


def test_a_problem_in_what_plays_keeps_the_self_tests_and_says_so(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    text = FAILING.replace("goto: escalated", "goto: escalate", 1)
    result = _validate(tmp_path, monkeypatch, text)
    assert result.exit_code == 1
    lines = result.stdout.splitlines()
    assert [line.split(": ", 1)[1] for line in lines] == [
        "unknown node or ending 'escalate' — did you mean 'escalated'?",
        "ending 'escalated' is never reached",
        "note: 2 self-tests not run: this file's problems change how the scenario plays; "
        "fix them, then validate again",
    ]
    assert lines[-1].startswith(f"{NAME}:{_line('tests:', text)}:1: ")
    assert result.stderr == (
        "1 scenario, 0 sets, 0 script sets, 0 self-tests (2 not run): 2 problems\n"
    )
    report = json.loads(_validate(tmp_path, monkeypatch, text, "--format", "json").stdout)
    assert (report["tests"], report["tests_skipped"]) == (0, 2)
    assert len(report["problems"]) == 2
    assert [p["message"][:22] for p in report["skipped"]] == ["2 self-tests not run: "]
    # --no-tests: nothing to say about them
    result = _validate(tmp_path, monkeypatch, text, "--no-tests")
    assert "note:" not in result.stdout
    assert result.stderr == "1 scenario, 0 sets, 0 script sets: 2 problems\n"


def test_a_broken_self_test_waits_alone(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Its expectations cannot be read (a list instead of a mapping): that test is
    not run, without a traceback, and the other one still is."""
    text = FAILING.replace(
        "criteria: {timely_apology: true, listening: true, remedy: true, no_blame: true}",
        "criteria: [timely_apology, listening]",
    )
    result = _validate(tmp_path, monkeypatch, text)
    assert result.exit_code == 1
    first = _line("  - name: apologise", text)
    assert result.stdout.splitlines() == [
        f"{NAME}:{_line('      criteria: [', text)}:7: tests[0].expect.criteria must be a "
        "mapping of names to true or false, e.g. criteria: {no_blame: true}",
        f"{NAME}:{_line('  - name: blame the buyer', text)}:5: {FAILURE}",
        f"{NAME}:{first}:5: note: self-test 'apologise, ask, fix' not run: fix its problems, "
        "then validate again",
    ]
    assert result.stderr.endswith("1 self-test (1 not run): 2 problems\n")


def test_a_scenario_that_cannot_be_read_counts_no_tests(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    result = _validate(tmp_path, monkeypatch, EXAMPLE.replace("\nstart: complaint", "\n"))
    assert result.exit_code == 1
    assert result.stdout.splitlines()[-1].endswith(
        "note: 2 self-tests not run: the scenario cannot be read until this file's problems "
        "are fixed, then validate again"
    )
    assert (
        result.stderr == "0 scenarios, 0 sets, 0 script sets, 0 self-tests (2 not run): 1 problem\n"
    )


def test_publish_reports_the_failing_self_test_too(home: Path, tmp_path: Path):  # noqa: F811
    folder = tmp_path / "ours"
    folder.mkdir()
    text, _ = CASES["an unknown key"]
    (folder / NAME).write_text(text, encoding="utf-8")
    out = kefu("publish", "--lang", "en", str(folder))
    assert out.exit_code == 1
    assert "unknown key 'colour'" in out.stderr and FAILURE in out.stderr
    assert out.stderr.endswith("kefu: nothing published: 2 problems\n")
    broken = folder / NAME
    broken.write_text(EXAMPLE.replace("goto: escalated", "goto: escalate", 1), encoding="utf-8")
    out = kefu("publish", "--lang", "en", str(folder))
    assert out.exit_code == 1 and "note: 2 self-tests not run" in out.stderr


def _reading(old: str, new: str):
    assert old in EXAMPLE
    return read_scenario(parse(EXAMPLE.replace(old, new, 1), NAME))


@pytest.mark.parametrize(
    ("old", "new"),
    [
        ("  name: 王先生", "  name: ''"),
        ('temperament: {zh: "急躁,说话直接", en: "impatient and blunt"}', "temperament: 急躁"),
        ("difficulty: 2 ", "difficulty: 5 "),
        ("category: wrong_item ", "category: shoes "),
        (
            "summary: {zh: 买家接受了换货方案。, en: The buyer accepted the exchange.}",
            "summary: ok",
        ),
        ("    model_reply: 看到了,确实", "    modle_reply: 看到了,确实"),
        ("text: {zh: 说明运费由店铺承担, en: says the shop pays the postage}", "text: x"),
    ],
)
def test_problems_outside_the_play_leave_the_tests_runnable(old: str, new: str) -> None:
    reading = _reading(old, new)
    assert reading.problems and reading.runnable_tests() == (0, 1)


@pytest.mark.parametrize(
    ("old", "new"),
    [
        ("        mood: +25\n", "        mood: lots\n"),
        ("        goto: furious\n", "        got: furious\n"),
        ("      - if: {no_blame: false}", "      - if: {no_blme: false}"),
        ("      coupon: {max: 20}", "      coupon: {max: -1}"),
        ("  patience: 3 ", "  patience: 0 "),
        ("  gives_up: left_angry ", "  gives_up: gone "),
        ("start: complaint ", "start: complain "),
        ("channel: chat ", "channel: phone "),
        ("      when: {remedy_type: shop_pays_postage}", "      when: {remedy_type: postage}"),
    ],
)
def test_problems_in_the_play_leave_no_test_runnable(old: str, new: str) -> None:
    reading = _reading(old, new)
    assert reading.problems and reading.runnable_tests() == ()
    assert reading.tests_written == 2


def test_a_file_whose_id_is_taken_still_reports_its_self_tests(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Two copies of one scenario: the second is a duplicate, and its own failing
    self-test is reported beside that (it was dropped without a word)."""
    monkeypatch.chdir(tmp_path)
    (tmp_path / NAME).write_text(EXAMPLE, encoding="utf-8")
    (tmp_path / "copy").mkdir()
    (tmp_path / "copy" / NAME).write_text(FAILING, encoding="utf-8")
    result = CliRunner().invoke(validate, [NAME, f"copy/{NAME}", "--lang", "en"])
    assert result.exit_code == 1
    copy = f"copy/{NAME}"
    assert result.stdout.splitlines() == [
        f"{copy}:{_line('id: my-shoes', FAILING)}:1: duplicate scenario id 'my-shoes' "
        f"(also in {NAME})",
        f"{copy}:{_line('  - name: blame the buyer', FAILING)}:5: {FAILURE}",
    ]
    assert result.stderr == "1 scenario, 0 sets, 0 script sets, 4 self-tests: 2 problems\n"
