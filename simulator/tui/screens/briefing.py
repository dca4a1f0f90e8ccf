"""Briefing: what the trainee needs to know before the buyer writes.

The situation, the order card, the shop's policy card, the buyer, the
response-time target and the mode (practice with coach and hints, or exam
without). Enter starts: an attempt is recorded (in a thread worker) and the
Chat screen replaces this one.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from rich.text import Text
from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.widgets import Static

from scoring.feedback import localize
from simulator.session import Session
from simulator.store.base import StoreError
from simulator.tui.screens.base import KefuScreen
from simulator.tui.screens.home_rows import tries_used
from simulator.tui.widgets.cards import buyer_text, order_text, policy_text
from simulator.tui.widgets.fit import FitFooter
from simulator.tui.widgets.header import KefuHeader

if TYPE_CHECKING:
    from simulator.loader import Library
    from simulator.scenario import Scenario

MODES = ("practice", "exam")


def seed_from(now: float) -> int:
    """A seed for the buyer's line variants, from the start time (so tests are repeatable)."""
    return int(now * 1000) % 2_147_483_647


def duration_text(seconds: float, t: Callable[..., str]) -> str:
    """``90 秒``, ``2 分钟``, ``24 小时``: the largest whole unit."""
    if seconds >= 3600 and seconds % 3600 == 0:
        return t("briefing.hours", n=f"{seconds / 3600:g}")
    if seconds >= 60 and seconds % 60 == 0:
        return t("briefing.minutes", n=f"{seconds / 60:g}")
    return t("briefing.seconds", n=f"{seconds:g}")


# "kefu: bob has used all 2 attempts of assignment 5 on wrong-size-shoes" (SQLite and team mode)


class BriefingScreen(KefuScreen):
    """Read the case, then start the conversation."""

    BINDINGS = [
        Binding("enter", "start", "start", id="briefing.start"),
        Binding("m", "toggle_mode", "mode", id="briefing.mode"),
        Binding("escape", "back", "back", id="briefing.back"),
    ]
    HORIZONTAL_BREAKPOINTS = [(0, "-narrow"), (110, "-wide")]

    def __init__(
        self,
        scenario_id: str,
        mode: str = "practice",
        *,
        assignment_id: int | None = None,
    ) -> None:
        super().__init__()
        self.time_limit_s: int | None = None  # an exam assignment's, once looked up
        # (pass mark, tries left, tries allowed) of an exam assignment, once looked up
        self.exam_terms: tuple[int, int, int | None] | None = None
        self.scenario_id = scenario_id
        self.mode = mode if mode in MODES else "practice"
        self.assignment_id = assignment_id
        self.starting = False
        self.error: tuple[str, dict[str, object]] | None = None
        self.hints_locked = False  # an exam keeps the model replies: practice has no hint

    @property
    def scenario(self) -> Scenario | None:
        """The scenario, once the library has loaded (None if unknown)."""
        lib = self.kefu.library
        return lib.scenarios.get(self.scenario_id) if lib is not None else None

    @property
    def mode_locked(self) -> bool:
        """An assignment fixes the mode."""
        return self.assignment_id is not None

    # -- what is shown -------------------------------------------------------------
    def compose(self) -> ComposeResult:
        yield KefuHeader()
        s = self.scenario
        if s is None:
            key = "app.loading" if self.kefu.library is None else "briefing.unknown"
            yield Static(self.t(key, id=self.scenario_id), classes="muted", id="briefing-loading")
            yield FitFooter()
            return
        lang = self.kefu.lang
        self.sub_title = localize(s.title, lang)
        with VerticalScroll(id="briefing-body"):
            yield Static(localize(s.title, lang), classes="title", id="briefing-title")
            yield Static(self._facts(s), classes="muted", id="briefing-facts")
            yield Static(self.t("briefing.situation"), classes="briefing-head")
            yield Static(localize(s.situation, lang), id="briefing-situation", markup=False)
            with Horizontal(id="briefing-cards"):
                with Vertical(classes="briefing-card", id="briefing-order-card"):
                    yield Static(self.t("briefing.order_card"), classes="briefing-head")
                    yield Static(order_text(s, self.t), id="briefing-order")
                with Vertical(classes="briefing-card", id="briefing-policy-card"):
                    yield Static(self.t("briefing.policy_card"), classes="briefing-head")
                    yield Static(policy_text(s, self.t, lang), id="briefing-policy")
            yield Static(self.t("briefing.buyer"), classes="briefing-head")
            yield Static(buyer_text(s, self.t, lang), id="briefing-buyer")
            yield Static(self._target(s), id="briefing-target")
            yield Static(self._mode_text(), id="briefing-mode")
        yield Static(self._ready_text(), id="briefing-ready", markup=False)
        yield FitFooter()

    def _facts(self, s: Scenario) -> str:
        return self.t(
            "briefing.facts",
            category=self.t(f"home.category.{s.category}"),
            channel=self.t(f"home.channel.{s.channel}"),
            difficulty=self.t(f"home.difficulty.{s.difficulty}"),
            language=self.t(f"home.language.{s.language}"),
        )

    def _target(self, s: Scenario) -> Text:
        out = Text(self.t("briefing.target") + self.t("briefing.sep"), style="bold")
        if s.response_target_s:
            out.append(
                self.t("briefing.target_value", time=duration_text(s.response_target_s, self.t))
            )
        else:
            out.append(self.t("briefing.target_none"))
        return out

    def _mode_text(self) -> Text:
        out = Text(self.t("briefing.mode") + self.t("briefing.sep"), style="bold")
        out.append(self.t(f"chat.mode.{self.mode}"), style="bold reverse")
        help_key = "practice_locked" if self.mode == "practice" and self.hints_locked else self.mode
        out.append("  " + self.t(f"briefing.mode_help.{help_key}"))
        if self.mode_locked:
            out.append("  " + self.t("briefing.mode_locked"))
        if self.mode == "exam" and self.time_limit_s:
            limit = duration_text(self.time_limit_s, self.t)
            out.append("\n" + self.t("briefing.time_limit", time=limit), style="bold")
        if self.mode == "exam" and self.exam_terms is not None:
            mark, left, allowed = self.exam_terms
            key = "briefing.exam_terms" if allowed else "briefing.exam_terms_open"
            out.append("\n" + self.t(key, mark=mark, left=left, n=allowed or 0), style="bold")
        return out

    def _ready_text(self) -> str:
        if self.error is not None:
            key, values = self.error
            return self.t(key, **values)
        if self.starting:
            return self.t("briefing.starting")
        return self.t("briefing.ready_locked" if self.mode_locked else "briefing.ready")

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """An assignment fixes the mode: no m key in the footer for it."""
        return not (action == "toggle_mode" and self.mode_locked)

    def _show_ready(self) -> None:
        if self.is_mounted and self.scenario is not None:
            ready = self.query_one("#briefing-ready", Static)
            ready.update(self._ready_text())
            ready.set_class(self.error is not None, "error")

    # -- life cycle -------------------------------------------------------------------
    def on_mount(self) -> None:
        super().on_mount()
        self.watch(self.kefu, "library", self._library_loaded, init=False)
        if self.assignment_id is not None and self.mode == "exam":
            self._load_time_limit(self.assignment_id)
        self._check_hints()

    @work(thread=True, exclusive=True, group="briefing-hints")
    def _check_hints(self) -> None:
        """Whether an exam keeps this scenario's model replies (then practice has no hint)."""
        from simulator.tui.screens.chat_hints import hints_locked

        if self.kefu.library is not None and hints_locked(self.kefu, self.scenario_id):
            self.app.call_from_thread(self._show_hints_locked)

    def _show_hints_locked(self) -> None:
        self.hints_locked = True
        if self.is_mounted and self.scenario is not None:
            self.query_one("#briefing-mode", Static).update(self._mode_text())

    @work(thread=True, exclusive=True, group="briefing-limit")
    def _load_time_limit(self, assignment_id: int) -> None:
        """The exam's terms from its assignment: the time limit, the pass mark and
        the tries left on this scenario (every attempt counts, a discarded one too)."""
        store, library = self.kefu.store, self.kefu.library
        if store is None:
            return
        try:
            a = store.get_assignment(assignment_id)
            used = tries_used(store.attempts(scenario_id=self.scenario_id), a.id, self.scenario_id)
        except StoreError:
            return  # the chat looks it up again, and says so if it cannot
        found = library.sets.get(a.set_id) if library is not None else None
        mark = a.pass_mark if a.pass_mark is not None else (found.pass_mark if found else None)
        allowed = a.attempts_allowed
        terms = None if mark is None else (mark, max(0, (allowed or 0) - used), allowed)
        self.app.call_from_thread(self._show_time_limit, a.time_limit_s, terms)

    def _show_time_limit(
        self, limit: int | None, terms: tuple[int, int, int | None] | None = None
    ) -> None:
        self.time_limit_s = limit
        self.exam_terms = terms
        if self.is_mounted and self.scenario is not None:
            self.query_one("#briefing-mode", Static).update(self._mode_text())

    async def _library_loaded(self, library: Library | None) -> None:
        await self.recompose()
        self._check_hints()

    # -- actions ----------------------------------------------------------------------
    def action_toggle_mode(self) -> None:
        """Practice (coach, hints) <-> exam (neither), unless an assignment fixes it."""
        if self.mode_locked:
            self.notify(self.t("briefing.mode_locked"))
            return
        self.mode = "exam" if self.mode == "practice" else "practice"
        if self.scenario is not None:
            self.query_one("#briefing-mode", Static).update(self._mode_text())

    def action_back(self) -> None:
        """Back to where the briefing was opened from."""
        self.app.pop_screen()

    def action_start(self) -> None:
        """Record a new attempt and open the chat."""
        if self.starting or self.scenario is None:
            return
        store = self.kefu.store
        if store is None:
            key = "briefing.no_store" if self.kefu.store_error else "briefing.store_loading"
            self.error = (key, {"error": self.kefu.store_error or ""})
            self._show_ready()
            return
        self.starting, self.error = True, None
        self._show_ready()
        now = self.kefu.clock()
        self._start(self.scenario_id, self.mode, seed_from(now), now)

    @work(thread=True, exclusive=True, group="briefing-start")
    def _start(self, scenario_id: str, mode: str, seed: int, now: float) -> None:
        store = self.kefu.store
        assert store is not None
        try:
            attempt_id = store.start_attempt(
                scenario_id,
                mode="exam" if mode == "exam" else "practice",
                seed=seed,
                assignment_id=self.assignment_id,
                started_at=now,
            )
        except StoreError as exc:
            self.app.call_from_thread(self._start_failed, exc)
            return
        self.app.call_from_thread(self._started, attempt_id, seed, now)

    def _start_failed(self, error: StoreError) -> None:
        self.starting = False
        if error.key == "store.no_tries_left" and error.said is not None:
            # the store's words name ids; the trainee gets a sentence
            self.error = ("briefing.no_tries_left", {"n": int(dict(error.said.values)["n"])})
        else:
            self.error = ("briefing.start_failed", {"error": error})
        self._show_ready()

    def _started(self, attempt_id: int, seed: int, now: float) -> None:
        from simulator.tui.screens.chat import ChatScreen

        scenario = self.scenario
        if scenario is None or not self.is_attached:
            return
        session = Session(scenario, seed=seed, started_at=now)
        self.app.switch_screen(ChatScreen(session, attempt_id, mode=self.mode))
