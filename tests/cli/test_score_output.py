"""`kefu score`'s CSV and table: every check a conversation has, each mark under
its heading in every UI language, a BOM on a CSV file for spreadsheets, and
where a failed line came from."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

from click.testing import CliRunner

from simulator.cli import main

REVIEW = {
    "id": "r1",
    "channel": "review_reply",
    "turns": [
        {"role": "buyer", "text": "差评,东西是坏的"},
        {"role": "agent", "text": "您好,您的电话13812345678我们已经记下,明天联系您。"},
    ],
}
CHAT = {
    "id": "c1",
    "turns": [
        {"role": "buyer", "text": "杯子碎了"},
        {"role": "agent", "text": "非常抱歉!方便拍张照片吗?今天给您补发,运费我们出。"},
    ],
}


def _log(tmp_path: Path, *rows: object) -> Path:
    path = tmp_path / "log.jsonl"
    path.write_text(
        "".join(
            (r if isinstance(r, str) else json.dumps(r, ensure_ascii=False)) + "\n" for r in rows
        ),
        encoding="utf-8",
    )
    return path


def _run(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(main, ["score", *args, "-q"])
    return result.exit_code, result.output


def test_csv_file_has_a_bom_and_the_review_reply_checks(tmp_path):
    out = tmp_path / "out.csv"
    code, _ = _run(str(_log(tmp_path, REVIEW, CHAT)), "--format", "csv", "-o", str(out))
    assert code == 0
    raw = out.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")
    import csv

    rows = list(csv.DictReader(raw.decode("utf-8-sig").splitlines()))
    assert rows[0]["id"] == "r1"
    assert rows[0]["no_private_data"] == "0"  # the phone number in a public reply
    assert rows[0]["formal_register"] == "1"
    assert rows[1]["no_private_data"] == ""  # a chat has no such check
    assert (rows[0]["file"], rows[0]["line"], rows[1]["line"]) == (
        str(tmp_path / "log.jsonl"),
        "1",
        "2",
    )


def test_csv_on_standard_output_has_no_bom(tmp_path):
    code, text = _run(str(_log(tmp_path, CHAT)), "--format", "csv")
    assert code == 0 and text.startswith("id,score,")


def test_a_failed_line_names_its_file_in_csv_and_jsonl(tmp_path):
    log = _log(tmp_path, CHAT, '{"id": "x"')
    code, text = _run(str(log), "--format", "jsonl")
    assert code == 1
    # (the runner mixes in standard error's "FILE:LINE: ..." line)
    records = [json.loads(line) for line in text.splitlines() if line.startswith("{")]
    error = records[1]
    assert (error["file"], error["line"]) == (str(log), 2)
    code, text = _run(str(log), "--format", "csv")
    rows = [line for line in text.splitlines() if line.startswith(",")]
    assert rows[-1].split(",")[-2:] == [str(log), "2"] and "JSON 格式错误" in rows[-1]


def _columns(line: str) -> list[int]:
    """Terminal column where each space-separated cell starts (CJK take two)."""
    import unicodedata

    starts, col, prev = [], 0, " "
    for ch in line:
        if ch != " " and prev == " ":
            starts.append(col)
        col += 2 if unicodedata.east_asian_width(ch) in "WF" else 1
        prev = ch
    return starts


def test_table_marks_sit_under_their_headings_in_every_language(tmp_path):
    log = str(_log(tmp_path, REVIEW))
    for lang, heading in (
        ("zh", "不泄露隐私"),
        ("zh-Hant", "不洩露隱私"),
        ("en", "No private data"),
    ):
        code, text = _run(log, "--format", "table", "--lang", lang)
        assert code == 0
        head, row = text.splitlines()[:2]
        assert heading in head
        # English headings have spaces: take where each criterion's heading starts.
        marks = [c for c, ch in zip(_columns(row), row.split(), strict=True) if ch in "✓✗·"]
        assert len(marks) == 9
        for col in marks:
            assert _columns(head).count(col) == 1, (lang, head, row)


def test_traditional_feedback_avoids_openccs_misreadings(tmp_path):
    code, text = _run(str(_log(tmp_path, REVIEW)), "--format", "table", "--lang", "zh-Hant")
    assert code == 0
    # 买家私信 once came out as 買傢俬信 (furniture), 公开回复 as 公開回復 (restore).
    assert "請買家私信" in text and "公開回覆" in text
    assert "傢俬" not in text and "回復" not in text
    from scoring.feedback import to_traditional

    assert (
        to_traditional("现金赔偿不在我的权限内,不是质量问题")
        == "現金賠償不在我的權限內,不是品質問題"
    )


def test_text_in_csv_is_the_batch_row_of_that_one_reply(tmp_path):
    """``--format csv`` with ``--text`` writes CSV (it used to print JSON)."""
    code, out = _run("--text", "非常抱歉,今天给您补发,运费我们承担", "--format", "csv")
    assert code == 0
    rows = list(csv.reader(io.StringIO(out)))
    assert rows[0][:6] == ["id", "score", "timely_apology", "listening", "remedy", "no_blame"]
    row = dict(zip(rows[0], rows[1], strict=True))
    assert row["id"] == "text" and row["score"] == "80" and row["replies"] == "1"
    assert (row["timely_apology"], row["listening"], row["remedy"], row["no_blame"]) == (
        "1", "0", "1", "1",
    )  # fmt: skip
    assert row["first_problem"].startswith("✗ 倾听询问") and row["file"] == "--text"
    assert len(rows) == 2


def test_table_headings_follow_the_log_without_lang(tmp_path):
    """Without --lang the headings speak the language of the first line's
    feedback, as the feedback under them does."""
    english = {"id": "e1", "turns": [{"role": "agent", "text": "Sorry, we'll refund $12 today."}]}
    traditional = {"id": "t1", "turns": [{"role": "agent", "text": "這不是我們的問題"}]}
    for row, heading in (
        (english, "No blame-shifting"),
        (traditional, "不推卸責任"),
        (CHAT, "不推卸责任"),
    ):
        code, text = _run(str(_log(tmp_path, row)), "--format", "table")
        assert code == 0 and heading in text.splitlines()[0], text
    code, text = _run(str(_log(tmp_path, "{not json")), "--format", "table")
    head = next(line for line in text.splitlines() if line.startswith("编号 "))
    assert code == 1 and "不推卸责任" in head  # nothing to go by: Chinese
