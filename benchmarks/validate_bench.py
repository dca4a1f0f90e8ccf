"""Benchmark ``kefu validate`` on 1,000 scenarios against a floor in the same run.

The 1,000 files are copies of the built-in library with fresh ids (and their
model replies varied, so no cache can help). The floor is reading and safely
parsing the same files with PyYAML's libyaml loader and nothing else, on one
core; a second floor does the same on two forked processes, for comparison
with ``--jobs 2``. Every command runs ``--repeat`` times, interleaved; the
median is reported, with the load average (other work on the machine skews
every figure).

    uv run python benchmarks/validate_bench.py [--count 1000] [--repeat 3]

Target (issue 4): <= 2 s for 1,000 scenarios (format, graph and policy checks,
``--no-tests``) on a 2-core machine; self-tests are timed separately.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))


def make_copies(dest: Path, count: int) -> None:
    """``count`` valid scenarios: the library's, each with a fresh id and its model
    replies varied (edited as data and dumped again, so every copy still parses)."""
    import yaml

    from scoring import yamldoc
    from simulator import loader

    sources = [
        Path(s.file) if Path(s.file).is_absolute() else ROOT / s.file
        for s in loader.load().scenarios.values()
    ]
    for i in range(count):
        src = sources[i % len(sources)]
        # kefu's own reader: YAML 1.1 would turn the key ``on`` into True.
        data = yamldoc.parse(src.read_text(encoding="utf-8"), str(src)).data
        new = f"{src.stem}-{i}"
        data["id"] = new
        for node in data.get("nodes", {}).values():
            if isinstance(node, dict) and isinstance(node.get("model_reply"), str):
                node["model_reply"] = f"第{i}号。" + node["model_reply"]
        folder = dest / src.parent.name
        folder.mkdir(exist_ok=True)
        text = yaml.safe_dump(data, allow_unicode=True, sort_keys=False, width=1000)
        (folder / f"{new}.yaml").write_text(text, encoding="utf-8")


def timed(cmd: list[str]) -> float:
    """Seconds ``cmd`` took; it must succeed (a crashed floor would time nothing)."""
    started = time.perf_counter()
    done = subprocess.run(cmd, cwd=ROOT, check=False, capture_output=True, text=True)
    elapsed = time.perf_counter() - started
    if done.returncode != 0:
        sys.exit(f"{' '.join(cmd[:4])}... failed:\n{done.stdout[-2000:]}{done.stderr[-2000:]}")
    return elapsed


FLOOR = (
    "import sys, yaml, pathlib\n"
    "for p in sorted(pathlib.Path(sys.argv[1]).rglob('*.yaml')):\n"
    "    yaml.load(p.read_text(encoding='utf-8'), Loader=yaml.CSafeLoader)\n"
)
FLOOR_2 = (
    "import sys, yaml, pathlib, multiprocessing as mp\n"
    "def load(p):\n"
    "    yaml.load(p.read_text(encoding='utf-8'), Loader=yaml.CSafeLoader)\n"
    "files = sorted(pathlib.Path(sys.argv[1]).rglob('*.yaml'))\n"
    "with mp.get_context('fork').Pool(2) as pool:\n"
    "    pool.map(load, files, chunksize=16)\n"
)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--count", type=int, default=1000)
    ap.add_argument("--repeat", type=int, default=3, help="runs of each command (median)")
    args = ap.parse_args()
    py = sys.executable
    with tempfile.TemporaryDirectory() as tmp:
        make_copies(Path(tmp), args.count)
        validate = [py, "-m", "simulator", "validate", tmp]
        commands = {
            "floor, 1 core (read + libyaml safe_load)": [py, "-c", FLOOR, tmp],
            "floor, 2 processes": [py, "-c", FLOOR_2, tmp],
            "kefu validate --no-tests --jobs 1": [*validate, "--no-tests", "--jobs", "1"],
            "kefu validate --no-tests --jobs 2": [*validate, "--no-tests", "--jobs", "2"],
            "kefu validate --jobs 1 (self-tests)": [*validate, "--jobs", "1"],
            "kefu validate --jobs 2 (self-tests)": [*validate, "--jobs", "2"],
        }
        load_before = os.getloadavg()
        runs: dict[str, list[float]] = {name: [] for name in commands}
        for _ in range(args.repeat):
            for name, cmd in commands.items():
                runs[name].append(timed(cmd))
        load_after = os.getloadavg()
    times = {name: statistics.median(t) for name, t in runs.items()}
    floor = times["floor, 1 core (read + libyaml safe_load)"]
    floor2 = times["floor, 2 processes"]
    print(f"scenarios: {args.count:,}; cores: {os.cpu_count()}; runs per command: {args.repeat}")
    print(f"load average before {load_before[0]:.2f}, after {load_after[0]:.2f} (1 min)")
    if sys.dont_write_bytecode:
        print("note: PYTHONDONTWRITEBYTECODE is set; imports compile any module lacking a .pyc")
    for name, t in times.items():
        spread = f"[{min(runs[name]):.2f}-{max(runs[name]):.2f}]"
        ratio = (
            ""
            if name.startswith("floor")
            else (f"  {t / floor:.2f}x floor, {t / floor2:.2f}x 2-process floor")
        )
        print(f"{name:42s} {t:6.2f} s {spread:>13s}{ratio}")


if __name__ == "__main__":
    main()
