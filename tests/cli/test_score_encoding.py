"""`kefu score` writes JSONL from cached pieces (simulator.qa.encode_result):
the text must be exactly what encoding the record would give, byte for byte,
whatever the conversation, language or channel, and however often its
replies repeat."""

from __future__ import annotations

import json
import random
from pathlib import Path

import pytest

from simulator import qa

DEV = Path(__file__).resolve().parents[1] / "data" / "dev_replies.jsonl"


def _lines() -> list[bytes]:
    rows = [json.loads(line) for line in DEV.read_text(encoding="utf-8").splitlines()]
    rng = random.Random(11)
    out = []
    for i, row in enumerate(rows):
        turns: list[dict[str, object]] = [
            {"role": "buyer", "text": row.get("buyer") or "东西坏了!"},
            {"role": "agent", "text": row["text"]},
        ]
        if i % 3 == 0:
            # a longer conversation, with times: late apologies carry a note
            other = rng.choice(rows)["text"]
            turns = [
                {**turns[0], "at": "2026-03-01T10:00:00+08:00"},
                {**turns[1], "at": "2026-03-01T10:09:00+08:00"},
                {"role": "buyer", "text": "还没好?太慢了", "at": "2026-03-01T10:10:00+08:00"},
                {"role": "agent", "text": other, "at": "2026-03-01T10:30:00+08:00"},
                {"role": "agent", "text": row["text"]},
            ]
        record = {
            "id": f"c{i}" if i % 2 else i,
            "channel": row.get("channel", "chat"),
            "turns": turns,
            "response_target_s": 120 if i % 3 == 0 else None,
        }
        out.append(json.dumps(record, ensure_ascii=False).encode("utf-8"))
    return out


@pytest.mark.parametrize("lang", [None, "zh", "zh-Hant", "en"])
def test_encoded_line_is_the_records_json(lang):
    lines = _lines()
    for n, raw in enumerate(lines + lines[:60], start=1):  # repeats hit the caches
        fast = qa.score_line(n, raw, lang)
        slow = qa.score_line(n, raw, lang)
        expected = qa._JSON.encode(slow.record)  # the record first: no text yet
        assert fast.text == expected, raw.decode("utf-8")
        assert json.loads(fast.text) == slow.record


def test_cache_stays_bounded(monkeypatch):
    monkeypatch.setattr(qa, "_CACHE_MAX", 5)
    qa._reply_json.clear()
    qa._finding_json.clear()
    for n, raw in enumerate(_lines()[:40], start=1):
        assert qa.score_line(n, raw, "en").text.startswith("{")
        assert len(qa._reply_json) <= 5
        assert len(qa._finding_json) <= 5
