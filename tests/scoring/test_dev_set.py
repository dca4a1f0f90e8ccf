"""The scorer against the labeled dev set (tests/data/dev_replies.jsonl)."""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path

import pytest

from scoring import score_reply
from scoring.model import REPLY_CRITERIA

DEV = Path(__file__).resolve().parents[1] / "data" / "dev_replies.jsonl"
ROWS = [json.loads(line) for line in DEV.read_text(encoding="utf-8").splitlines() if line.strip()]


def test_dev_set_shape():
    assert len(ROWS) >= 250
    langs = Counter(r["lang"] for r in ROWS)
    assert {"zh-Hans", "zh-Hant", "en", "mixed"} <= langs.keys()
    assert sum(r["tricky"] for r in ROWS) / len(ROWS) >= 0.40
    assert len({r["id"] for r in ROWS}) == len(ROWS)


@pytest.fixture(scope="module")
def verdicts():
    return [score_reply(r["text"]).criteria for r in ROWS]


@pytest.mark.parametrize("criterion", REPLY_CRITERIA)
def test_precision_and_recall(verdicts, criterion):
    tp = sum(
        1 for r, v in zip(ROWS, verdicts, strict=True) if v[criterion] and r["labels"][criterion]
    )
    fp = sum(
        1
        for r, v in zip(ROWS, verdicts, strict=True)
        if v[criterion] and not r["labels"][criterion]
    )
    fn = sum(
        1
        for r, v in zip(ROWS, verdicts, strict=True)
        if not v[criterion] and r["labels"][criterion]
    )
    tn = len(ROWS) - tp - fp - fn
    precision, recall = tp / (tp + fp), tp / (tp + fn)
    # The negative class matters as much (a missed blame-shift is a false "no_blame").
    neg_precision, neg_recall = tn / (tn + fn), tn / (tn + fp)
    assert precision >= 0.9, f"{criterion} precision {precision:.3f}"
    assert recall >= 0.9, f"{criterion} recall {recall:.3f}"
    assert neg_precision >= 0.9, f"{criterion} negative-class precision {neg_precision:.3f}"
    assert neg_recall >= 0.9, f"{criterion} negative-class recall {neg_recall:.3f}"
