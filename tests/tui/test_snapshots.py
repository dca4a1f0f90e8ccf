"""Snapshots of every trainee screen and the main dialogs, at 80×24 and 120×36, in zh and en.

The SVGs live in ``__snapshots__/test_snapshots/``; after a deliberate change
to a screen, look at the report of a failing run, then regenerate with
``uv run pytest tests/tui/test_snapshots.py --snapshot-update`` and
``uv run python tools/export_screenshots.py`` (the trainee guide's images are
copies of some of them). Everything on screen is fixed: the clock, the
seeds, the database rows and the time zone (see ``tests/tui/snapshots.py``).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from textual.widgets import Static

from tests.tui.play import FakeClock
from tests.tui.snapshots import (
    NOW,
    SHOES,
    SHOES_BLAME,
    SHOES_GOOD,
    SIZES,
    Seeder,
    Step,
    advance,
    call,
    dismiss_resume,
    open_briefing,
    open_history,
    press,
    run_before,
    seed_history,
    seed_progress,
    seed_unfinished,
    send,
    set_filter,
    snapshot_app,
    snapshot_env,  # noqa: F401 - the fixture
    start_chat,
    type_text,
)

DRAFT = "真的很抱歉,是我们发错了。今天给您寄42码,运费我们承担。"  # coach: no question yet


@dataclass(frozen=True)
class Case:
    """One state of the app to snapshot: the data, then the steps that lead there."""

    seed: tuple[Seeder, ...] = ()
    steps: Callable[[FakeClock], list[Step]] = field(default=lambda clock: [])
    langs: tuple[str, ...] = ("zh", "en")


def chat_mid_conversation(clock: FakeClock) -> list[Step]:
    """One reply sent, the buyer calmer, 42 s of waiting, a draft half typed."""
    return [
        start_chat(SHOES),
        advance(clock, 25),
        send(SHOES_GOOD[0]),
        advance(clock, 42),
        type_text(DRAFT),
    ]


def chat_exam(clock: FakeClock) -> list[Step]:
    """Exam mode after a blaming reply: no coach, the timer past two thirds of the target."""
    return [
        start_chat(SHOES, "exam"),
        advance(clock, 30),
        send(SHOES_BLAME[0]),
        advance(clock, 70),
        type_text(SHOES_BLAME[1]),
    ]


def debrief(clock: FakeClock) -> list[Step]:
    """A whole conversation with a blaming first reply, ending in the Debrief."""
    steps = [start_chat(SHOES)]
    for text in SHOES_BLAME:
        steps += [advance(clock, 35), send(text)]
    return steps


def scroll_to_transcript(app: Any) -> None:
    """Scroll the Debrief down to the first exchange (the highlighted evidence)."""
    first = app.screen.query(".debrief-buyer").first(Static)
    app.screen.query_one("#debrief-body").scroll_to_widget(first, top=True, animate=False)


def light_theme() -> Step:
    """Switch to the light theme (as Ctrl+T does)."""
    return call(lambda app: setattr(app, "theme", "textual-light"))


CASES: dict[str, Case] = {
    "home-empty": Case(),
    "home-progress": Case((seed_progress,), langs=("zh", "en", "zh-Hant")),
    "home-resume-offer": Case((seed_progress, seed_unfinished)),
    "home-resume-banner": Case((seed_progress, seed_unfinished), lambda clock: [dismiss_resume()]),
    "home-library-filtered": Case(
        (), lambda clock: [set_filter("category", "wrong_item"), set_filter("channel", "chat")]
    ),
    "briefing": Case((), lambda clock: [open_briefing(SHOES)]),
    "chat": Case((), chat_mid_conversation),
    "chat-exam": Case((), chat_exam),
    "chat-policy-card": Case((), lambda clock: [*chat_mid_conversation(clock), press("f2")]),
    "chat-confirm-leave": Case((), lambda clock: [start_chat(SHOES), press("escape")]),
    "chat-hint": Case((), lambda clock: [start_chat(SHOES), press("f3"), press("enter")]),
    "chat-help": Case((), lambda clock: [start_chat(SHOES), press("f1")]),
    "debrief": Case((), debrief),
    "debrief-evidence": Case((), lambda clock: [*debrief(clock), call(scroll_to_transcript)]),
    "history": Case((seed_history,), lambda clock: [open_history()]),
    # The light theme, where colours that read on dark can vanish.
    "history-light": Case(
        (seed_history,), lambda clock: [open_history(), light_theme()], langs=("zh",)
    ),
    "debrief-evidence-light": Case(
        (),
        lambda clock: [*debrief(clock), call(scroll_to_transcript), light_theme()],
        langs=("zh",),
    ),
}


PARAMS = [
    pytest.param(name, lang, size, id=f"{name}-{lang}-{size}")
    for name, case in CASES.items()
    for lang in case.langs
    for size in SIZES
]


@pytest.mark.parametrize(("name", "lang", "size"), PARAMS)
def test_screen(
    name: str,
    lang: str,
    size: str,
    snap_compare: Any,
    snapshot_env: Path,  # noqa: F811
) -> None:
    case = CASES[name]
    clock = FakeClock(NOW)
    app = snapshot_app(snapshot_env, lang=lang, seed=case.seed, clock=clock)
    assert snap_compare(app, terminal_size=SIZES[size], run_before=run_before(*case.steps(clock)))
