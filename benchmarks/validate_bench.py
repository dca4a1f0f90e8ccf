"""Benchmark ``kefu validate`` on 1,000 scenarios against a floor in the same run.

The 1,000 files are copies of the built-in library with fresh ids (and their
model replies varied, so no cache can help). The floor is reading and safely
parsing the same files with PyYAML's libyaml loader and nothing else.

    uv run python benchmarks/validate_bench.py [--count 1000]

Target (issue 4): <= 2 s for 1,000 scenarios (format, graph and policy checks;
self-tests are timed separately).
"""

from __future__ import annotations

import argparse
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


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--count", type=int, default=1000)
    args = ap.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        make_copies(Path(tmp), args.count)
        floor_code = (
            "import sys, yaml, pathlib\n"
            "for p in sorted(pathlib.Path(sys.argv[1]).rglob('*.yaml')):\n"
            "    yaml.load(p.read_text(encoding='utf-8'), Loader=yaml.CSafeLoader)\n"
        )
        t_floor = timed([sys.executable, "-c", floor_code, tmp])
        t_val = timed([sys.executable, "-m", "simulator", "validate", tmp, "--no-tests"])
        t_tests = timed([sys.executable, "-m", "simulator", "validate", tmp])
    n = args.count
    print(f"scenarios: {n:,}")
    print(f"floor (read + libyaml safe_load):        {t_floor:6.2f} s")
    print(
        f"kefu validate --no-tests:                {t_val:6.2f} s  ratio to floor {t_val / t_floor:.2f}x"
    )
    print(f"kefu validate (with self-tests):         {t_tests:6.2f} s")


if __name__ == "__main__":
    main()
