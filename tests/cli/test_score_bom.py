"""`kefu score` reads logs saved by Windows programs: a UTF-8 byte-order mark
(BOM) opening the file, or a line of files joined with ``cat``, is not part
of the JSON, so no conversation is lost to it."""

from __future__ import annotations

import io
import json
from pathlib import Path

from click.testing import CliRunner

from simulator import qa
from simulator.cli import main

BOM = b"\xef\xbb\xbf"
LINE = json.dumps(
    {
        "id": "c1",
        "channel": "chat",
        "turns": [{"role": "buyer", "text": "x"}, {"role": "agent", "text": "非常抱歉"}],
    },
    ensure_ascii=False,
).encode("utf-8")


def _score(args: list[str], stdin: bytes = b"") -> tuple[int, list[dict], str]:
    result = CliRunner().invoke(main, ["score", *args, "--format", "jsonl"], input=stdin)
    assert "Traceback" not in result.stderr
    records = [json.loads(line) for line in result.stdout.splitlines()]
    return result.exit_code, records, result.stderr


def test_a_file_that_starts_with_a_bom_keeps_its_first_conversation(tmp_path: Path) -> None:
    log = tmp_path / "bom.jsonl"
    log.write_bytes(BOM + LINE + b"\r\n" + LINE.replace(b'"c1"', b'"c2"') + b"\r\n")
    code, records, stderr = _score([str(log)])
    assert code == 0, stderr
    assert [r["id"] for r in records] == ["c1", "c2"]
    assert all("error" not in r for r in records)
    assert "BOM" not in stderr


def test_standard_input_that_starts_with_a_bom_is_scored(tmp_path: Path) -> None:
    code, records, stderr = _score(["-"], stdin=BOM + LINE + b"\n")
    assert code == 0, stderr
    assert records[0]["id"] == "c1" and "score" in records[0]


def test_a_bom_alone_on_the_first_line_is_a_blank_line() -> None:
    lines = list(qa.numbered_lines(io.BytesIO(BOM + b"\n" + LINE + b"\n")))
    assert lines == [(2, LINE)]


def test_joined_files_keep_every_conversation(tmp_path: Path) -> None:
    """``cat a.jsonl b.jsonl``: the second file's BOM opens line 2."""
    code, records, stderr = _score(["-"], stdin=BOM + LINE + b"\n" + BOM + LINE + b"\n")
    assert code == 0, stderr
    assert len(records) == 2 and all("score" in r for r in records)


def test_a_bom_is_still_reported_where_it_breaks_the_json() -> None:
    """Only a mark opening a line is dropped; one inside a line is bad JSON."""
    raw = b'{"id": ' + BOM + b'"c1"}'
    assert list(qa.numbered_lines(io.BytesIO(raw))) == [(1, raw)]
    assert qa.score_line(1, raw, "en").error
