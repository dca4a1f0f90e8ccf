"""Benchmark ``kefu score`` against a floor measured in the same run.

The floor is the least any scorer must do: read JSONL, convert with OpenCC
t2s, run one compiled regex per criterion, write JSONL. Both run as separate
processes on the same generated file (50,000 conversations of one buyer line
and one agent reply, drawn from the labeled sets), so machine noise hits both.

    uv run python benchmarks/score_bench.py [--lines 50000] [--jobs 2]

Targets (issue 3): >= 5,000 replies/s on one core, <= 3x the floor's time,
per-reply p50 <= 1 ms in-process.
"""

from __future__ import annotations

import argparse
import json
import random
import re
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SOURCES = [
    ROOT / "tests" / "data" / "dev_replies.jsonl",
    ROOT / "benchmarks" / "data" / "holdout_replies.jsonl",
    ROOT / "benchmarks" / "data" / "holdout2_replies.jsonl",
]
FLOOR_REGEXES = {
    "apology": r"抱歉|对不起|不好意思|sorry|apolog",
    "listening": r"请问|照片|订单号|\?|吗",
    "remedy": r"退款|补发|换货|补偿|refund|replace",
    "no_blame": r"您自己|快递的问题|找厂家|your fault",
}


def floor(src: str, dst: str) -> None:
    """The floor: read JSONL, t2s, one regex per criterion, write JSONL."""
    import opencc

    conv = opencc.OpenCC("t2s")
    regexes = {k: re.compile(v) for k, v in FLOOR_REGEXES.items()}
    with open(src, "rb") as fin, open(dst, "w", encoding="utf-8") as fout:
        for raw in fin:
            data = json.loads(raw)
            text = conv.convert(data["turns"][-1]["text"]).lower()
            out = {
                "id": data["id"],
                "criteria": {k: bool(r.search(text)) for k, r in regexes.items()},
            }
            fout.write(json.dumps(out, ensure_ascii=False) + "\n")


def texts() -> list[tuple[str, str]]:
    pairs = []
    for path in SOURCES:
        if path.exists():
            for line in path.read_text(encoding="utf-8").splitlines():
                row = json.loads(line)
                pairs.append((row.get("buyer") or "东西有问题!", row["text"]))
    return pairs


def make_input(path: Path, n: int, unique: bool = False) -> None:
    """``n`` conversations drawn from the labeled replies (about 1,400 distinct
    texts, so most repeat, as canned replies do in real logs); with ``unique``
    each reply gets its own ticket number, so no two lines are the same text."""
    rng = random.Random(7)
    pool = texts()
    with path.open("w", encoding="utf-8") as fh:
        for i in range(n):
            buyer, agent = rng.choice(pool)
            if unique:
                agent = f"{agent} (#{i})"
            turns = [{"role": "buyer", "text": buyer}, {"role": "agent", "text": agent}]
            fh.write(
                json.dumps({"id": f"c{i}", "channel": "chat", "turns": turns}, ensure_ascii=False)
                + "\n"
            )


def timed(cmd: list[str]) -> float:
    started = time.perf_counter()
    subprocess.run(cmd, check=True, cwd=ROOT)
    return time.perf_counter() - started


def in_process_latency(sample: int = 3000) -> tuple[float, float]:
    sys.path.insert(0, str(ROOT))
    from scoring import score_reply

    pool = [t for _, t in texts()]
    for t in pool:  # warm caches, as a long-running process would be
        score_reply(t)
    rng = random.Random(3)
    times = []
    for i in range(sample):
        t = f"{rng.choice(pool)} (#{i})"  # a text not seen before: the memo does not help
        started = time.perf_counter()
        score_reply(t)
        times.append(time.perf_counter() - started)
    times.sort()
    return statistics.median(times) * 1000, times[int(len(times) * 0.95)] * 1000


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--lines", type=int, default=50_000)
    ap.add_argument("--jobs", type=int, default=2, help="also time kefu score --jobs N")
    ap.add_argument("--floor", nargs=2, metavar=("SRC", "DST"), help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.floor:
        floor(*args.floor)
        return
    n = args.lines
    print(f"lines: {n:,}")
    py = sys.executable
    for unique in (False, True):
        with tempfile.TemporaryDirectory() as tmp:
            src = Path(tmp) / "chats.jsonl"
            make_input(src, n, unique)
            t_floor = timed([py, __file__, "--floor", str(src), str(Path(tmp) / "floor.jsonl")])
            kefu = [py, "-m", "simulator", "score", str(src), "-q", "--format", "jsonl"]
            t_one = timed([*kefu, "-o", str(Path(tmp) / "one.jsonl")])
            t_many = timed([*kefu, "--jobs", str(args.jobs), "-o", str(Path(tmp) / "many.jsonl")])
            one, many = (
                (Path(tmp) / "one.jsonl").read_bytes(),
                (Path(tmp) / "many.jsonl").read_bytes(),
            )
        print(
            "every reply a distinct text:"
            if unique
            else "replies drawn from ~1,400 distinct texts (repeats, like canned replies):"
        )
        print(
            f"  floor (read, t2s, 4 regexes, write): {t_floor:6.2f} s  {n / t_floor:9,.0f} lines/s"
        )
        print(
            f"  kefu score --jobs 1:                 {t_one:6.2f} s  {n / t_one:9,.0f} lines/s  "
            f"ratio to floor {t_one / t_floor:.2f}x"
        )
        print(
            f"  kefu score --jobs {args.jobs}:                 {t_many:6.2f} s  "
            f"{n / t_many:9,.0f} lines/s  (output identical to --jobs 1: {one == many})"
        )
    p50, p95 = in_process_latency()
    print(f"in-process score_reply, distinct texts: p50 {p50:.3f} ms, p95 {p95:.3f} ms")


if __name__ == "__main__":
    main()
