"""A learned baseline for the scorer: character n-gram logistic regression.

For each labeled set named on the command line, a classifier per criterion is
trained on every OTHER labeled set (benchmarks/data/holdout*_replies.jsonl and
tests/data/dev_replies.jsonl) and tested on the named one; the scorer's own F1
on that set is printed beside it.

    uv run python benchmarks/ngram_baseline.py holdout26 holdout25 [--epochs 8]

Read the comparison with care: the rubric was studied on most sets after they
were first measured, so its F1 on a studied set is higher than what it scored
unseen (the unseen figures are in tests/scoring/test_holdouts.py). The
baseline never sees the set it is tested on. Pure Python (no extra packages);
about a minute per set on one core.
"""

from __future__ import annotations

import argparse
import json
import math
import random
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from scoring import score_reply  # noqa: E402
from scoring.normalize import normalize  # noqa: E402

CRITERIA = ("apology", "listening", "remedy", "no_blame")


def labeled_sets() -> dict[str, list[dict]]:
    paths = sorted((ROOT / "benchmarks" / "data").glob("holdout*_replies.jsonl"))
    paths.append(ROOT / "tests" / "data" / "dev_replies.jsonl")
    sets = {}
    for path in paths:
        rows = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line]
        sets[path.name.removesuffix("_replies.jsonl")] = rows
    return sets


def features(text: str) -> dict[str, float]:
    """Character 1- to 3-grams of the normalised text (Traditional folded to Simplified)."""
    norm = normalize(text).text
    out = {"<bias>": 1.0}
    for n in (1, 2, 3):
        for i in range(len(norm) - n + 1):
            out[norm[i : i + n]] = 1.0
    return out


def train(data: list[tuple[dict[str, float], bool]], epochs: int) -> dict[str, float]:
    """Logistic regression by stochastic gradient descent, a fixed shuffle seed."""
    weights: dict[str, float] = {}
    rng = random.Random(1)
    order = list(range(len(data)))
    for _ in range(epochs):
        rng.shuffle(order)
        for i in order:
            feats, label = data[i]
            z = sum(weights.get(k, 0.0) * v for k, v in feats.items())
            p = 1.0 / (1.0 + math.exp(-max(-30.0, min(30.0, z))))
            g = p - (1.0 if label else 0.0)
            for k, v in feats.items():
                w = weights.get(k, 0.0)
                weights[k] = w - 0.1 * (g * v + 1e-5 * w)
    return weights


def f1(pairs: list[tuple[bool, bool]]) -> float:
    tp = sum(1 for got, want in pairs if got and want)
    fp = sum(1 for got, want in pairs if got and not want)
    fn = sum(1 for got, want in pairs if want and not got)
    return 2 * tp / (2 * tp + fp + fn) if tp else 0.0


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("sets", nargs="+", help="set names, e.g. holdout26")
    ap.add_argument("--epochs", type=int, default=8)
    args = ap.parse_args()
    sets = labeled_sets()
    unknown = [s for s in args.sets if s not in sets]
    if unknown:
        sys.exit(f"unknown set(s): {', '.join(unknown)} (known: {', '.join(sorted(sets))})")
    feats = {id(r): features(r["text"]) for rows in sets.values() for r in rows}
    for name in args.sets:
        test = sets[name]
        train_rows = [r for other, rows in sets.items() if other != name for r in rows]
        cells = []
        for c in CRITERIA:
            weights = train([(feats[id(r)], bool(r["labels"][c])) for r in train_rows], args.epochs)
            learned = f1(
                [
                    (
                        sum(weights.get(k, 0.0) * v for k, v in feats[id(r)].items()) > 0,
                        r["labels"][c],
                    )
                    for r in test
                ]
            )
            rules = f1(
                [
                    (
                        score_reply(r["text"], channel=r.get("channel", "chat")).criteria[c],
                        r["labels"][c],
                    )
                    for r in test
                ]
            )
            cells.append(f"{c} rules {rules:.3f} n-gram {learned:.3f}")
        print(f"{name} ({len(test)} replies, trained on {len(train_rows)}): " + " | ".join(cells))


if __name__ == "__main__":
    main()
