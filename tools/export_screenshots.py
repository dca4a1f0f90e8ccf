"""Copy the trainee guide's screenshots from the snapshot tests' SVGs into docs/img/.

The pictures in docs/trainee-guide.md are the snapshots of
tests/tui/test_snapshots.py, so they show the app exactly as it is. After a
screen changes and its snapshots are regenerated::

    uv run pytest tests/tui/test_snapshots.py --snapshot-update
    uv run python tools/export_screenshots.py

``--check`` only reports images that are missing or differ (exit status 1);
tests/test_trainee_guide.py runs the same check.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SNAPSHOTS = ROOT / "tests" / "tui" / "__snapshots__" / "test_snapshots"
IMAGES = ROOT / "docs" / "img"

# docs/img/<name>: the snapshot it is a copy of (test_screen[<id>].svg)
SHOTS = {
    "home-zh.svg": "home-progress-zh-120x36",
    "resume-zh.svg": "home-resume-offer-zh-80x24",
    "briefing-zh.svg": "briefing-zh-120x36",
    "chat-zh.svg": "chat-zh-120x36",
    "policy-zh.svg": "chat-policy-card-zh-80x24",
    "exam-zh.svg": "chat-exam-zh-80x24",
    "debrief-zh.svg": "debrief-evidence-zh-120x36",
    "history-zh.svg": "history-zh-120x36",
    "help-zh.svg": "chat-help-zh-80x24",
    "home-en.svg": "home-progress-en-120x36",
    "chat-en.svg": "chat-en-120x36",
    "debrief-en.svg": "debrief-evidence-en-120x36",
    "history-en.svg": "history-en-120x36",
}


def source(snapshot_id: str) -> Path:
    """The snapshot file of ``test_screen[<snapshot_id>]``."""
    return SNAPSHOTS / f"test_screen[{snapshot_id}].svg"


def stale() -> list[str]:
    """Images in docs/img/ that are missing or differ from their snapshot (with the reason)."""
    problems = []
    for name, snapshot_id in SHOTS.items():
        src, dest = source(snapshot_id), IMAGES / name
        if not src.exists():
            problems.append(f"{name}: no snapshot {src.relative_to(ROOT)}")
        elif not dest.exists():
            problems.append(f"{name}: missing in docs/img/")
        elif dest.read_bytes() != src.read_bytes():
            problems.append(f"{name}: differs from {src.name}")
    return problems


def export() -> list[str]:
    """Copy every snapshot in SHOTS to docs/img/; returns the names written."""
    IMAGES.mkdir(parents=True, exist_ok=True)
    written = []
    for name, snapshot_id in SHOTS.items():
        data = source(snapshot_id).read_bytes()
        dest = IMAGES / name
        if not dest.exists() or dest.read_bytes() != data:
            dest.write_bytes(data)
            written.append(name)
    return written


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="only report stale images")
    args = parser.parse_args(argv)
    if args.check:
        problems = stale()
        for line in problems:
            print(line, file=sys.stderr)
        return 1 if problems else 0
    missing = [s for s in SHOTS.values() if not source(s).exists()]
    if missing:
        print(
            f"no snapshot for {', '.join(missing)}: run "
            "uv run pytest tests/tui/test_snapshots.py --snapshot-update first",
            file=sys.stderr,
        )
        return 1
    written = export()
    print(f"{len(written)} of {len(SHOTS)} images updated in docs/img/")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
