"""``kefu validate`` on broken scenario files: one plain message each, with its place.

Scenario files are written by trainers, not programmers: the YAML reader's own
words ("mapping values are not allowed in this context") become what went
wrong and what to do, at FILE:LINE:COL, with the reader's text kept at the end
in parentheses. Each case is a real file checked through the command: exit
status 1, one problem line, no traceback.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from simulator.scenario_cli import validate

ROOT = Path(__file__).resolve().parents[2]
# The example under an id of its own: a copy under the installed id is a problem of its own.
EXAMPLE = (
    (ROOT / "scenarios" / "wrong_item" / "wrong-size-shoes.yaml")
    .read_text(encoding="utf-8")
    .replace("\nid: wrong-size-shoes ", "\nid: my-shoes ", 1)
)
NAME = "my-shoes.yaml"


def _line(text: str) -> int:
    """The line number of ``text``'s first line in EXAMPLE."""
    return EXAMPLE[: EXAMPLE.index(text)].count("\n") + 1


def _only_problem(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, text: str) -> str:
    monkeypatch.chdir(tmp_path)
    (tmp_path / NAME).write_text(text, encoding="utf-8")
    result = CliRunner().invoke(validate, [NAME, "--no-tests", "--lang", "en"])
    assert result.exception is None or isinstance(result.exception, SystemExit), result.output
    assert result.exit_code == 1, result.output
    lines = result.stdout.splitlines()
    assert len(lines) == 1, lines
    return lines[0]


NAME_LINE = "  name: 王先生\n"
CASES = {
    "a colon in a value": (
        EXAMPLE.replace(NAME_LINE, "  name: 王先生: 老客户\n"),
        (_line(NAME_LINE), 12),
        "a colon and a space inside a value: put the whole value in quotes, "
        'e.g. say: "注意: 明天发货" (mapping values are not allowed in this context)',
    ),
    "a line without a colon": (
        EXAMPLE.replace("start: complaint ", "start complaint "),
        (_line("start: complaint"), 1),
        "a line without 'key: value': add the colon after the key, or, if the line continues "
        "the text above, put that text in quotes "
        "(while scanning a simple key: could not find expected ':')",
    ),
    "a tab": (
        EXAMPLE.replace(NAME_LINE, "\tname: 王先生\n"),
        (_line(NAME_LINE), 1),
        "a tab character: indent with spaces only (",
    ),
    "a quote not closed": (
        EXAMPLE.replace("  - name: blame the buyer", '  - name: "blame the buyer'),
        (_line("  - name: blame the buyer"), 11),
        "a quote is not closed: end the text with the same quote mark (\" or ') it starts with "
        "(while scanning a quoted scalar: found unexpected end of stream)",
    ),
    "a key twice": (
        EXAMPLE.replace(NAME_LINE, NAME_LINE + "  name: 王女士\n"),
        (_line(NAME_LINE) + 1, 3),
        f"duplicate key 'name' (also on line {_line(NAME_LINE)}): a key is written once in a "
        "mapping; remove one, or rename it",
    ),
    "a key indented less": (
        EXAMPLE.replace("  patience: 3 ", " patience: 3 "),
        (_line("  patience: 3 "), 2),
        "the indentation does not match the lines above: keys of one mapping start in the "
        "same column (indent with spaces) (while parsing a block mapping: did not find expected key)",
    ),
    "a key indented too far": (
        EXAMPLE.replace(
            "        mood: +25\n        goto: furious", "        mood: +25\n          goto: furious"
        ),
        (_line("        mood: +25") + 1, 11),
        f"the indentation does not match the lines above: 'goto' is indented more than 'mood' "
        f"on line {_line('        mood: +25')}; keys of one mapping start in the same column "
        "(indent with spaces), or, if this line continues the text above, put that text in "
        "quotes (mapping values are not allowed in this context)",
    ),
    "on indented too far": (
        EXAMPLE.replace(
            "    on:\n      - if: {policy_breach: true}",
            "      on:\n      - if: {policy_breach: true}",
        ),
        (_line("    on:\n      - if: {policy_breach: true}"), 7),
        "the indentation does not match the lines above: 'on' is indented more than "
        f"'model_reply' on line {_line('    model_reply: 看到了')}; keys of one mapping",
    ),
    "a free order key indented too far": (
        EXAMPLE.replace("    currency: CNY", "      currency: CNY"),
        (_line("    currency: CNY"), 7),
        "the indentation does not match the lines above: 'currency' is indented more than "
        f"'price' on line {_line('    price: 399')};",
    ),
    "model_reply indented like the items of a list": (
        EXAMPLE.replace("我明天就要穿!\n    model_reply:", "我明天就要穿!\n      model_reply:"),
        (_line("    model_reply: 非常抱歉给您发错了尺码,耽误"), 7),
        "the indentation does not match the lines above: 'model_reply' is indented like the "
        "items of the list above; keys of one mapping start in the same column (indent with "
        f"spaces): line it up with 'say' on line {_line('    say:  ')} (while parsing a block "
        "collection: did not find expected '-' indicator)",
    ),
    "a key under the dashes of a list of mappings": (
        EXAMPLE.replace(
            "        mood: +25\n        goto: furious", "        mood: +25\n      goto: furious"
        ),
        (_line("        mood: +25") + 1, 7),
        "the indentation does not match the lines above: 'goto' lines up with the '-' of the "
        "list items above; if it belongs to the item above, indent it like 'mood' on line "
        f"{_line('        mood: +25')}; if it starts a new item, begin it with '- ' (while "
        "parsing a block collection: did not find expected '-' indicator)",
    ),
    "a word and a colon going on from a text": (
        EXAMPLE.replace(
            "    en: The buyer ordered size 42; the warehouse shipped 40.",
            "    en: The buyer ordered size 42;\n      Note: the warehouse shipped 40.",
        ),
        (_line("    en: The buyer ordered size 42;") + 1, 11),
        "a colon and a space inside a value: put the whole value in quotes, "
        'e.g. say: "注意: 明天发货" (mapping values are not allowed in this context)',
    ),
    "a list not closed": (
        EXAMPLE.replace("tags: [postage, exchange]", "tags: [postage, exchange"),
        (_line("tags: [postage, exchange]") + 1, 18),
        f"the list in [...] opened on line {_line('tags: [')} is not closed: end it with ']'; "
        "an item with a comma, colon or # inside needs quotes "
        "(while parsing a flow sequence: did not find expected ',' or ']')",
    ),
    "a value starting with @": (
        EXAMPLE.replace(NAME_LINE, "  name: @王先生\n"),
        (_line(NAME_LINE), 9),
        "a value cannot start with '@': put the value in quotes (",
    ),
    "text after a closing quote": (
        EXAMPLE.replace(NAME_LINE, '  name: "王先生" 老客户\n'),
        (_line(NAME_LINE), 15),
        "text goes on after a closing quote: a quote opened earlier may not be closed, or a "
        "value with quotes inside needs other quotes around it (",
    ),
    "anything else keeps the reader's words": (
        EXAMPLE.replace("start: complaint ", "notes: |0\n  x\nstart: complaint "),
        (_line("start: complaint"), 9),
        "while scanning a block scalar: found an indentation indicator equal to 0",
    ),
}


@pytest.mark.parametrize("case", CASES)
def test_a_yaml_slip_is_one_plain_message(
    case: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    text, (line, col), message = CASES[case]
    problem = _only_problem(tmp_path, monkeypatch, text)
    assert problem.startswith(f"{NAME}:{line}:{col}: {message}"), problem


SAY_LINE = "      - 你们怎么搞的?我买的42码,寄来的是40码!\n"
FLOW_SAY = '    say: ["你们发错了还怪我?我要投诉!"]\n'
READ_AS_KEY = {
    "a colon in a list item": (
        SAY_LINE,
        "      - 你们怎么搞的: 我买的42码,寄来的是40码!\n",
        9,
        "nodes.complaint.say[0]",
        '"你们怎么搞的: 我买的42码,寄来的是40码!"',
    ),
    "a leading question mark in [...]": (
        FLOW_SAY,
        "    say: [?你们发错了还怪我]\n",
        11,
        "nodes.furious.say[0]",
        '"?你们发错了还怪我"',
    ),
}


@pytest.mark.parametrize("case", READ_AS_KEY)
def test_a_text_yaml_read_as_a_key_says_to_quote_it(
    case: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Valid YAML, but the buyer's line became a mapping: the message names the
    field and gives the text back in quotes, ready to paste."""
    old, new, col, field, quoted = READ_AS_KEY[case]
    problem = _only_problem(tmp_path, monkeypatch, EXAMPLE.replace(old, new))
    assert problem == (
        f"{NAME}:{_line(old)}:{col}: {field}: YAML read this text as a key and a value "
        "(a colon and a space, or a leading ? or -, inside a text); put the whole text in "
        f"quotes: {quoted}"
    )


def test_no_traceback_from_the_installed_command(tmp_path: Path) -> None:
    bad = tmp_path / NAME
    bad.write_text(EXAMPLE.replace(NAME_LINE, "\tname: 王先生\n"), encoding="utf-8")
    out = subprocess.run(
        [sys.executable, "-m", "simulator", "validate", str(bad), "--no-tests", "--lang", "en"],
        capture_output=True,
        text=True,
        cwd=ROOT,
    )
    assert out.returncode == 1
    assert out.stdout.count("\n") == 1 and "a tab character: indent with spaces" in out.stdout
    assert "Traceback" not in out.stdout + out.stderr


def test_an_unknown_scenario_id_is_named_with_the_nearest_ids(tmp_path: Path) -> None:
    """``kefu run ID`` with an id the library lacks: one line without a FILE:LINE
    prefix (an id is no file), the nearest ids when there are any."""
    from simulator.cli import main

    replies = tmp_path / "r.txt"
    replies.write_text("您好\n", encoding="utf-8")
    out = CliRunner().invoke(main, ["run", "glass-teapot", "--replies", str(replies)])
    assert out.exit_code == 1
    assert out.stderr == (
        "kefu: no scenario 'glass-teapot' in the library — did you mean "
        "glass-teapot-arrived-shattered?\n"
    )
    out = CliRunner().invoke(main, ["run", "zzz", "--replies", str(replies)])
    assert out.exit_code == 1
    assert out.stderr.startswith("kefu: no scenario 'zzz' in the library; its ids: ")
    assert "glass-teapot-arrived-shattered" in out.stderr or "in all)" in out.stderr
