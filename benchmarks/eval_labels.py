"""Measure the scorer against a labeled JSONL set: precision, recall, F1 per criterion.

Each line: {"id", "text", "labels": {"apology": bool, ...}}. Usage:

    uv run python benchmarks/eval_labels.py tests/data/dev_replies.jsonl [--errors]
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from scoring import score_reply  # noqa: E402
from scoring.model import REPLY_CRITERIA  # noqa: E402


def evaluate(
    rows: list[dict],
) -> tuple[dict[str, dict[str, float]], list[tuple[str, str, dict, dict]]]:
    """Per-criterion metrics and the list of disagreements."""
    counts = {c: {"tp": 0, "fp": 0, "fn": 0, "tn": 0} for c in REPLY_CRITERIA}
    errors = []
    for row in rows:
        got = score_reply(row["text"], channel=row.get("channel", "chat")).criteria
        for c in REPLY_CRITERIA:
            want = row["labels"][c]
            key = ("t" if got[c] == want else "f") + ("p" if got[c] else "n")
            counts[c][key] += 1
        if any(got[c] != row["labels"][c] for c in REPLY_CRITERIA):
            errors.append((row["id"], row["text"], row["labels"], got))
    metrics = {}
    for c, k in counts.items():
        # Both classes matter: report the positive class and the negative class.
        p = k["tp"] / (k["tp"] + k["fp"]) if k["tp"] + k["fp"] else 1.0
        r = k["tp"] / (k["tp"] + k["fn"]) if k["tp"] + k["fn"] else 1.0
        f1 = 2 * p * r / (p + r) if p + r else 0.0
        acc = (k["tp"] + k["tn"]) / sum(k.values())
        metrics[c] = {"precision": p, "recall": r, "f1": f1, "accuracy": acc, **k}
    return metrics, errors


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("file", type=Path)
    ap.add_argument("--errors", action="store_true", help="print each disagreement")
    args = ap.parse_args()
    rows = [
        json.loads(line)
        for line in args.file.read_text(encoding="utf-8").splitlines()
        if line.strip()
    ]
    metrics, errors = evaluate(rows)
    print(f"{args.file.name}: {len(rows)} replies")
    for c, m in metrics.items():
        print(
            f"  {c:10s} P={m['precision']:.3f} R={m['recall']:.3f} F1={m['f1']:.3f} acc={m['accuracy']:.3f}  tp={m['tp']} fp={m['fp']} fn={m['fn']} tn={m['tn']}"
        )
    if args.errors:
        for rid, text, want, got in errors:
            diff = ", ".join(
                f"{c}: want {want[c]} got {got[c]}" for c in REPLY_CRITERIA if want[c] != got[c]
            )
            print(f"{rid}\t{diff}\n\t{text}")


if __name__ == "__main__":
    main()
