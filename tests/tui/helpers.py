"""Shared by the Debrief and History tests: an app on a temp database and finished attempts."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from rich.text import Text
from textual.widgets import Static

from simulator.session import Session
from simulator.tui.app import KefuApp

T0 = 1_767_000_000.0  # 2025-12-29, a fixed clock

SHOES = "wrong-size-shoes"
BLAME = "您自己下单的时候没看清楚吧"
SORRY = "非常抱歉,是我们的错。今天给您补发42码,运费我们承担。方便拍一下标签吗?"
FIX = "今天给您寄42码,错的那双顺丰到付寄回,运费我们承担。"
GOOD_SHOES = [
    "非常抱歉给您发错了尺码!方便拍一下鞋盒上的尺码标签吗?",
    "看到了,是我们发错了。今天给您寄42码,错的那双顺丰到付寄回,运费我们承担。",
]


def make_app(tmp_path: Path, lang: str = "zh") -> KefuApp:
    """The real app on a SQLite file in ``tmp_path``, with a fixed clock."""
    return KefuApp(
        database_url=f"sqlite:///{tmp_path}/k.sqlite3", lang=lang, clock=lambda: T0, user="amy"
    )


def play(
    app: KefuApp,
    scenario_id: str,
    replies: Sequence[str],
    *,
    seed: int = 1,
    mode: str = "practice",
    start: float = T0,
) -> tuple[Session, int]:
    """Play ``replies`` through the engine and record them as a finished attempt."""
    store = app.store
    assert store is not None and app.library is not None
    session = Session(app.library.scenarios[scenario_id], seed=seed, started_at=start)
    attempt_id = store.start_attempt(scenario_id, mode=mode, seed=seed, started_at=start)  # type: ignore[arg-type]
    for step, text in enumerate(replies):
        at = start + 30 * (step + 1)
        store.save_reply(attempt_id, step, text, at)
        session.submit(text, at=at)
    store.finish_attempt(attempt_id, session.result().to_dict(), finished_at=start + 200)
    return session, attempt_id


def content(app: KefuApp, selector: str) -> Text:
    """The Rich Text a Static on the current screen shows."""
    shown = app.screen.query_one(selector, Static).content
    return shown if isinstance(shown, Text) else Text(str(shown))


def all_text(app: KefuApp) -> str:
    """Every Static's plain text on the current screen, joined."""
    parts = []
    for widget in app.screen.query(Static):
        shown = widget.content
        parts.append(shown.plain if isinstance(shown, Text) else str(shown))
    return "\n".join(parts)


def span_styles(text: Text, fragment: str) -> list[object]:
    """Styles of the spans covering exactly the first occurrence of ``fragment``."""
    start = text.plain.index(fragment)
    end = start + len(fragment)
    return [s.style for s in text.spans if s.start <= start and s.end >= end]
