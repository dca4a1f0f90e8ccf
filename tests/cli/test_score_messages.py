"""``kefu score`` names what is wrong with a turn in plain words."""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner

from simulator.cli import main


def test_a_turn_without_a_role_says_it_is_missing():
    line = '{"id": "c1", "turns": [{"text": "杯子碎了"}, {"role": "agent", "text": "抱歉"}]}\n'
    result = CliRunner().invoke(
        main, ["score", "-", "--lang", "en"], input=line.encode(), catch_exceptions=False
    )
    assert result.exit_code == 1
    assert "<stdin>:1: turns[0].role is missing; give 'buyer' or 'agent'\n" in result.stderr
    assert "None" not in result.stderr + result.stdout


def _errors(*lines: str, args: tuple[str, ...] = ()) -> list[str]:
    data = "".join(line + "\n" for line in lines).encode()
    result = CliRunner().invoke(main, ["score", "-", "-q", "--lang", "en", *args], input=data)
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
    # Without --lang, KEFU_LANG picks kefu's own words (feedback keeps the reply's).
    result = CliRunner(env={"KEFU_LANG": "en"}).invoke(
        main, ["score", "-", "--format", "jsonl", "--jobs", jobs], input=data
    )
    assert result.exit_code == 0
    warning, summary = result.stderr.splitlines()
    assert warning == (
        "<stdin>:2: warning: turns[1].at '2026-11-24T09:00:00+08:00' is earlier than "
        "turns[0].at '2026-11-24T10:00:00+08:00': time goes backwards, so the delay between "
        "them is unknown (judged neither quick nor slow)"
    )
    assert summary.startswith("kefu score: 2 scored, 0 failed, 1 warning (")
    # (it said "never counted as a quick reply" beside a timely apology that passed)
    some, back = (json.loads(line) for line in result.stdout.splitlines())
    assert "note" not in some["criteria"]["timely_apology"]
    assert "无法判断是否及时" in back["criteria"]["timely_apology"]["note"]
    assert "error" not in back and back["score"] > 0


BAD = (
    '{"id": "ok", "turns": [{"role": "agent", "text": "抱歉"}]}',
    "{",
    '{"id": "c1", "turns": []}',
)


@pytest.mark.parametrize(
    ("args", "env", "said"),
    [
        ((), {}, ["<stdin>:2: JSON 格式错误：这里应是用双引号括起的字段名（第 2 列）",
                  "<stdin>:3: turns 是空列表；请给出这段对话的各轮消息",
                  "kefu score：已评分 1 行，失败 2 行（每秒 N 行）"]),
        (("--lang", "zh-Hant"), {"KEFU_LANG": "en"}, ["<stdin>:2: JSON 格式錯誤：這裡應是用雙引號括起的欄位名（第 2 列）",
                  "<stdin>:3: turns 是空列表；請給出這段對話的各輪訊息",
                  "kefu score：已評分 1 行，失敗 2 行（每秒 N 行）"]),
        ((), {"KEFU_LANG": "en_US"}, ["<stdin>:2: broken JSON: Expecting property name enclosed in double quotes (column 2)",
                  "<stdin>:3: turns is an empty list; give the conversation's turns",
                  "kefu score: 1 scored, 2 failed (N lines/s)"]),
    ],
)  # fmt: skip
def test_kefus_own_words_follow_lang_then_kefu_lang_then_chinese(args, env, said) -> None:
    """Bad lines, the summary and the error records are said in --lang, else
    the app's language (KEFU_LANG), else Simplified Chinese, like the app; they
    were English whatever --lang said."""
    import re

    data = "".join(line + "\n" for line in BAD).encode()
    result = CliRunner(env={"KEFU_LANG": None, **env}).invoke(
        main, ["score", "-", "--format", "jsonl", *args], input=data
    )
    assert result.exit_code == 1
    stderr = re.sub(r"[\d,]+(?= lines/s\)| 行）)", "N", result.stderr)
    assert stderr.splitlines() == said
    errors = [json.loads(line)["error"] for line in result.stdout.splitlines()[1:]]
    assert errors == [line.split(": ", 1)[1] for line in said[:2]]


@pytest.mark.parametrize("broken", ["", "{", '{"a" 1}', '{"a": 1 "b": 2}', '{"a": "x', '{"a": "\x01"}', '{"a": 1} x', '{"a": "\\q"}', '{"a": "\\u12"}'])  # fmt: skip
def test_every_json_message_is_said_in_chinese(broken: str) -> None:
    """The json module's messages are English only; each has its Chinese words
    (a message Python adds later is shown as it is)."""
    from simulator.qa import LineError, parse_conversation

    with pytest.raises(LineError) as caught:
        parse_conversation(broken)
    zh, en = caught.value.problem.text("zh"), caught.value.problem.text("en")
    import re

    assert zh.startswith("JSON 格式错误：") and not re.search("[a-z]{3}", zh)  # no English words
    assert en.startswith("broken JSON: ") and en == str(caught.value)


def test_the_progress_line_speaks_the_language_too(tmp_path) -> None:
    from simulator.cli import _Progress
    from simulator.i18n import Translator

    data = tmp_path / "in.jsonl"
    data.write_text('{"id": 1}\n{"id": 2}\n', encoding="utf-8")
    assert "已评分 7 行" in _Progress(True, ("-",), Translator("zh")).render(7, 10.0)
    bar = _Progress(True, (str(data),), Translator("zh-Hant")).render(1, 100.0)
    assert "1/2" in bar and "約剩" in bar
