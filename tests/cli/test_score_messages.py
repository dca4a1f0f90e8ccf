"""``kefu score`` names what is wrong with a turn in plain words."""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner

from simulator.cli import main


def test_a_turn_without_a_role_says_it_is_missing():
    line = '{"id": "c1", "turns": [{"text": "杯子碎了"}, {"role": "agent", "text": "抱歉"}]}\n'
    result = CliRunner().invoke(main, ["score", "-"], input=line.encode(), catch_exceptions=False)
    assert result.exit_code == 1
    assert "<stdin>:1: turns[0].role is missing; give 'buyer' or 'agent'\n" in result.stderr
    assert "None" not in result.stderr + result.stdout


def _errors(*lines: str, args: tuple[str, ...] = ()) -> list[str]:
    data = "".join(line + "\n" for line in lines).encode()
    result = CliRunner().invoke(main, ["score", "-", "-q", *args], input=data)
    assert result.exit_code == 1
    assert "Traceback" not in result.stderr
    return result.stderr.splitlines()


AGENT = '{"role": "agent", "text": "抱歉"}'


@pytest.mark.parametrize(
    ("line", "message"),
    [
        ('{"id": "c1", "turns": "hi"}', "turns must be a list of turns, not the text 'hi'"),
        ('{"id": "c1", "turns": {"role": "agent"}}', 'turns must be a list of turns, not an object {"role": "agent"}'),
        ('{"id": "c1", "turns": []}', "turns is an empty list; give the conversation's turns"),
        ('{"id": "c1"}', "missing field 'turns' (a non-empty list)"),
        (f'{{"turns": [{AGENT}]}}', "missing field 'id' (a string)"),
        (f'{{"id": ["c1"], "turns": [{AGENT}]}}', 'id must be a string or a whole number, not a list ["c1"]'),
        (f'{{"id": null, "turns": [{AGENT}]}}', "id must be a string or a whole number, not null"),
        (f'{{"id": true, "turns": [{AGENT}]}}', "id must be a string or a whole number, not true"),
        (f'{{"id": 1.5, "turns": [{AGENT}]}}', "id must be a string or a whole number, not the number 1.5"),
        (f'{{"id": "c1", "channel": 1, "turns": [{AGENT}]}}', "channel must be one of chat, review_reply, not the number 1"),
        (f'{{"id": "c1", "channel": "sms", "turns": [{AGENT}]}}', "channel must be one of chat, review_reply, not 'sms'"),
        ('{"id": "c1", "turns": ["hi"]}', "turns[0] must be an object with 'role' and 'text', not the text 'hi'"),
        ('{"id": "c1", "turns": [{"role": null, "text": "x"}]}', "turns[0].role must be 'buyer' or 'agent', not null"),
        ('{"id": "c1", "turns": [{"role": 1, "text": "x"}]}', "turns[0].role must be 'buyer' or 'agent', not the number 1"),
        ('{"id": "c1", "turns": [{"role": "agent"}]}', "turns[0].text is missing; give the message as text"),
        ('{"id": "c1", "turns": [{"role": "agent", "text": 5}]}', "turns[0].text must be text, not the number 5"),
        ('{"id": "c1", "turns": [{"role": "agent", "text": null}]}', "turns[0].text must be text, not null"),
        ('{"id": "c1", "turns": [{"role": "agent", "text": "x", "at": true}]}', "turns[0].at must be an ISO-8601 time, not true"),
        ('{"id": "c1", "turns": [{"role": "agent", "text": "x", "at": [1]}]}', "turns[0].at must be an ISO-8601 time, not a list [1]"),
        ('{"id": "c1", "turns": [{"role": "agent", "text": "x", "at": "soon"}]}', "turns[0].at is not an ISO-8601 time: 'soon'"),
        (f'{{"id": "c1", "response_target_s": true, "turns": [{AGENT}]}}', "response_target_s must be a positive number of seconds, not true"),
    ],
)  # fmt: skip
def test_a_field_of_the_wrong_type_is_named_as_such(line: str, message: str) -> None:
    """A field that is there but of the wrong type is not "missing" (``"turns": "hi"``
    read "missing field 'turns'"), and true is not taken for the number 1."""
    assert _errors(line) == [f"<stdin>:1: {message}"]


def test_a_long_wrong_value_is_shortened() -> None:
    (said,) = _errors('{"id": "c1", "turns": "' + "x" * 200 + '"}')
    assert said.endswith("…'") and len(said) < 120


ROWS = (
    '{"id": "ok", "turns": [{"role": "buyer", "text": "坏了"}, {"role": "agent", "text": "非常抱歉,能说说具体情况吗?"}]}',
    '{"id": "buyer-only", "turns": [{"role": "buyer", "text": "坏了"}]}',
    '{"id": "text-turns", "turns": "hi"}',
    "[1, 2]",
)  # fmt: skip


def _error_rows(*args: str, rows: tuple[str, ...] = ROWS) -> list[str]:
    """The table's rows for lines that failed (every row but the good line's)."""
    data = "".join(r + "\n" for r in rows).encode()
    result = CliRunner().invoke(main, ["score", "-", "--format", "table", "-q", *args], input=data)
    assert result.exit_code == 1
    lines = result.stdout.splitlines()
    return [line for line in lines[1:] if not line.startswith(("ok ", "en ", "  "))]


@pytest.mark.parametrize("jobs", ["1", "2"])
def test_error_rows_speak_the_tables_language(jobs: str) -> None:
    """A Chinese table says its errors in Chinese (they were English under
    Chinese headings), also when worker processes scored the lines."""
    assert _error_rows("--jobs", jobs) == [
        "buyer-only     错误   没有可评分的客服回复",
        "text-turns     错误   turns 必须是由各轮消息组成的列表，而不是文字 'hi'",
        "第 4 行        错误   每一行必须是含 'id' 和 'turns' 的 JSON 对象，而不是列表 [1, 2]",
    ]


def test_error_rows_in_english_and_traditional() -> None:
    assert _error_rows("--lang", "en") == [
        "buyer-only     ERROR  no agent reply to score",
        "text-turns     ERROR  turns must be a list of turns, not the text 'hi'",
        "line 4         ERROR  a line must be a JSON object with 'id' and 'turns', not a list [1, 2]",
    ]
    assert _error_rows("--lang", "zh-Hant")[0] == "buyer-only     錯誤   沒有可評分的客服回覆"


def test_an_english_log_gets_english_error_rows() -> None:
    """Without --lang the table follows the log, as its headings do."""
    rows = (
        '{"id": "en", "turns": [{"role": "buyer", "text": "It broke!"}, {"role": "agent", "text": "I am so sorry, could you send a photo?"}]}',
        '{"id": "buyer-only", "turns": [{"role": "buyer", "text": "Hello?"}]}',
    )  # fmt: skip
    assert _error_rows(rows=rows) == ["buyer-only     ERROR  no agent reply to score"]


BACKWARDS = (
    '{"id": "back", "turns": [{"role": "buyer", "text": "杯子碎了!", "at": "2026-11-24T10:00:00+08:00"}, '
    '{"role": "agent", "text": "非常抱歉!方便拍张照片吗?", "at": "2026-11-24T09:00:00+08:00"}]}'
)
SOME_TIMES = (
    '{"id": "some", "turns": [{"role": "buyer", "text": "杯子碎了!", "at": "2026-11-24T10:00:00+08:00"}, '
    '{"role": "agent", "text": "非常抱歉!方便拍张照片吗?"}, {"role": "buyer", "text": "[图片]"}, '
    '{"role": "agent", "text": "收到,今天补发", "at": "2026-11-24T10:05:00+08:00"}]}'
)


@pytest.mark.parametrize("jobs", ["1", "2"])
def test_time_going_backwards_is_a_warning_and_the_line_is_still_scored(jobs: str) -> None:
    """An agent reply timed before the buyer message it answers was scored as a
    timely apology without a word: it is now a warning naming the line and the
    turn, and the apology's timing reads as unknown."""
    data = f"{SOME_TIMES}\n{BACKWARDS}\n".encode()
    result = CliRunner().invoke(
        main, ["score", "-", "--format", "jsonl", "--jobs", jobs], input=data
    )
    assert result.exit_code == 0
    warning, summary = result.stderr.splitlines()
    assert warning == (
        "<stdin>:2: warning: turns[1].at '2026-11-24T09:00:00+08:00' is earlier than "
        "turns[0].at '2026-11-24T10:00:00+08:00': time goes backwards, so the delay between "
        "them is unknown (never counted as a quick reply)"
    )
    assert summary.startswith("kefu score: 2 scored, 0 failed, 1 warning (")
    some, back = (json.loads(line) for line in result.stdout.splitlines())
    assert "note" not in some["criteria"]["timely_apology"]
    assert "无法判断是否及时" in back["criteria"]["timely_apology"]["note"]
    assert "error" not in back and back["score"] > 0
