"""Debrief: the score, each criterion, and the conversation with the evidence in the trainee's words.

Shown when a conversation ends (the Chat screen switches to it) and for a
past attempt from History. The session is replayed and scored by the pure
core; the only slow work here, reading past attempts to suggest the next
scenario, runs in a thread worker.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import TYPE_CHECKING, Any

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult, SystemCommand
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.widgets import Button, Static

from scoring.feedback import localize
from simulator import advice
from simulator.tui.screens.base import KefuScreen
from simulator.tui.screens.debrief_text import (
    breaches_text,
    checks_text,
    criteria_text,
    legend,
    score_text,
)
from simulator.tui.screens.home_rows import counts_for, tries_used
from simulator.tui.widgets.evidence import (
    COST_STYLE,
    EARN_STYLE,
    MUTED_STYLE,
    highlight_reply,
    problem_lines,
)
from simulator.tui.widgets.fit import FitFooter
from simulator.tui.widgets.header import KefuHeader

if TYPE_CHECKING:
    from scoring.model import Message
    from simulator.loader import Library
    from simulator.session import Exchange, Session
    from simulator.store.base import Attempt, Store


def open_briefing(
    screen: KefuScreen,
    scenario_id: str,
    mode: str = "practice",
    *,
    assignment_id: int | None = None,
    replace: bool = True,
) -> None:
    """Open the Briefing of ``scenario_id``, replacing ``screen`` or on top of it.

    Imported late: the Briefing screen is a sibling that imports the Chat
    screen, which in turn switches to Debrief.
    """
    from simulator.tui.screens.briefing import BriefingScreen

    briefing = BriefingScreen(scenario_id, mode=mode, assignment_id=assignment_id)
    if replace:
        screen.app.switch_screen(briefing)
    else:
        screen.app.push_screen(briefing)


class DebriefScreen(KefuScreen):
    """What happened, what scored, what cost, and a better way to say it."""

    BINDINGS = [
        Binding("r", "retry", "retry", id="debrief.retry"),
        Binding("n", "next", "next", id="debrief.next"),
        Binding("h", "home", "home", id="debrief.home"),
        Binding("escape", "back", "back", id="debrief.back", show=False),
    ]
    HORIZONTAL_BREAKPOINTS = [(0, "-narrow"), (100, "-wide")]

    def __init__(
        self,
        session: Session,
        attempt_id: int | None = None,
        mode: str = "practice",
        hints: int = 0,
    ) -> None:
        super().__init__()
        self.hints = hints  # until the stored attempt (with its hint count) has loaded
        self.session = session
        self.attempt_id = attempt_id
        self.mode = mode
        self.result = session.result()
        self.attempt: Attempt | None = None
        self.next_id: str | None = None
        self.next_reason: Message | None = None
        self.next_from_set = False
        self.next_ready = False
        # A published scenario's model replies come from the database: None while
        # they are fetched, {} when it keeps them (exam material not yet submitted).
        self.key: Mapping[str, str] | None = None
        # An open exam holds this scenario (None: not known yet); a submitted exam
        # attempt's answers are open.
        self.held: bool | None = False if mode == "exam" else None
        self.retry_left: int | None = None  # an assignment's tries left here (None: no limit)

    # -- text -----------------------------------------------------------------
    @property
    def lang(self) -> str:
        return self.kefu.lang

    def _msg(self, message: Message) -> str:
        return localize(message, self.lang)

    def compose(self) -> ComposeResult:
        s = self.session.scenario
        yield KefuHeader()
        with VerticalScroll(id="debrief-body"):
            title = self.t(
                "debrief.title", title=self._msg(s.title), mode=self.t(f"debrief.mode.{self.mode}")
            )
            yield Static(title, classes="title", id="debrief-title")
            yield Static(self._score_text(), id="debrief-score")
            yield Static(self.t("debrief.criteria"), classes="debrief-head")
            yield Static(criteria_text(self.result, self.lang), id="debrief-criteria")
            if s.checks:
                yield Static(self.t("debrief.checks"), classes="debrief-head")
                yield Static(checks_text(s, self.result, self.lang), id="debrief-checks")
            if self.result.breaches:
                yield Static(self.t("debrief.breaches"), classes="debrief-head")
                yield Static(breaches_text(self.result, self.lang), id="debrief-breaches")
            yield Static(self.t("debrief.transcript"), classes="debrief-head")
            yield Static(legend(self.t), classes="muted")
            yield from self._transcript()
            yield Static(self._next_text(), id="debrief-next")
        with Horizontal(id="debrief-buttons"):
            yield Button(self.t("debrief.keys.retry"), id="debrief-retry", compact=True)
            yield Button(
                self.t("debrief.keys.next"),
                id="debrief-next-button",
                compact=True,
                variant="primary",
            )
            yield Button(self.t("debrief.keys.home"), id="debrief-home", compact=True)
        yield FitFooter()

    def _score_text(self) -> Text:
        hints = self.attempt.hints_used if self.attempt is not None else self.hints
        return score_text(self.result, hints, self.attempt, self.t, self.lang)

    def _transcript(self) -> Iterable[Static | Vertical | Horizontal]:
        s = self.session
        buyer = s.scenario.buyer.name
        if not s.exchanges:
            yield Static(self.t("debrief.no_replies"), classes="muted")
        for i, exchange in enumerate(s.exchanges):
            yield Static(f"{buyer}: {s.buyer_lines[i][0]}", classes="debrief-buyer")
            yield Horizontal(
                Static(self._mine(exchange), classes="debrief-mine"),
                Static(self._model(exchange), classes="debrief-model", id=f"debrief-model-{i}"),
                classes="debrief-turn",
            )
            yield Static(self._mood(exchange), classes="debrief-mood")
        if s.exchanges and s.ended:
            yield Static(f"{buyer}: {s.buyer_lines[-1][0]}", classes="debrief-buyer")

    def _mine(self, e: Exchange) -> Text:
        out = Text(self.t("debrief.you") + "\n", style="bold")
        out.append_text(highlight_reply(e.reply, e.result.findings))
        lines = problem_lines(
            e.result.findings, self.lang, self.t("debrief.better"), e.result.criteria
        )
        if lines:
            out.append("\n")
            out.append_text(lines)
        return out

    def _model(self, e: Exchange) -> Text:
        out = Text(self.t("debrief.model") + "\n", style="bold")
        node = self.session.scenario.nodes.get(e.node)
        if not self.kefu.is_published(self.session.scenario.id):
            # An installed scenario's replies wait while an exam of this trainee
            # that holds it is still to be submitted (a practice run must not
            # hand out the exam's answers).
            if self.held is None:
                out.append(self.t("debrief.model_loading"), style=MUTED_STYLE)
            elif self.held:
                out.append(self.t("debrief.model_locked"), style=MUTED_STYLE)
            else:
                out.append(node.model_reply if node else "", style="italic")
        elif self.key is None:
            out.append(self.t("debrief.model_loading"), style=MUTED_STYLE)
        elif e.node in self.key:
            out.append(self.key[e.node], style="italic")
        else:
            out.append(self.t("debrief.model_locked"), style=MUTED_STYLE)
        return out

    @work(thread=True, exclusive=True, group="debrief-key")
    def _fetch_key(self) -> None:
        """A published scenario's model replies (after an exam only once submitted)."""
        key = self.kefu.scenario_key(self.session.scenario.id)
        self.app.call_from_thread(self._show_key, dict(key or {}))

    def _show_key(self, key: Mapping[str, str]) -> None:
        self.key = key
        if self.is_mounted:
            for i, exchange in enumerate(self.session.exchanges):
                self.query_one(f"#debrief-model-{i}", Static).update(self._model(exchange))

    def _mood(self, e: Exchange) -> Text:
        change = f"{e.mood_change:+d}"
        style = COST_STYLE if e.mood_change > 0 else EARN_STYLE if e.mood_change < 0 else None
        out = Text(self.t("debrief.mood", before=e.mood_before, after=e.mood_after, change=change))
        if style:
            out.stylize(style)
        for reason in e.reasons:
            out.append(f" · {self._msg(reason)}")
        for breach in e.breaches:
            out.append(f"\n✗ {self._msg(breach)}", style=COST_STYLE)
        return out

    def _next_text(self) -> Text:
        if not self.next_ready:
            return Text(self.t("debrief.next_loading"), style=MUTED_STYLE)
        lib = self.kefu.library
        if self.next_id is None or lib is None or self.next_id not in lib.scenarios:
            return Text(self.t("debrief.next_none"), style=MUTED_STYLE)
        title = self._msg(lib.scenarios[self.next_id].title)
        key = "debrief.next_set" if self.next_from_set else "debrief.next"
        out = Text(self.t(key, title=title), style="bold")
        if self.next_reason is not None:
            out.append("\n" + self._msg(self.next_reason), style=MUTED_STYLE)
        return out

    # -- the next scenario ---------------------------------------------------------
    def on_mount(self) -> None:
        super().on_mount()
        self.watch(self.kefu, "store", self._maybe_find_next)
        self.watch(self.kefu, "library", self._maybe_find_next)
        if self.kefu.is_published(self.session.scenario.id):
            self._fetch_key()
        elif self.held is None:
            self._check_held()

    @work(thread=True, exclusive=True, group="debrief-held")
    def _check_held(self) -> None:
        held = self.kefu.exam_holds(self.session.scenario.id)
        self.app.call_from_thread(self._show_held, held)

    def _show_held(self, held: bool) -> None:
        self.held = held
        self._update_models()
        # The transcript's rows may still be mounting: look again after a refresh.
        self.call_after_refresh(self._update_models)

    def _update_models(self) -> None:
        if self.is_mounted:
            for i, exchange in enumerate(self.session.exchanges):
                for widget in self.query(f"#debrief-model-{i}").results(Static):
                    widget.update(self._model(exchange))

    async def relabel(self) -> None:
        """Re-render in the new language and suggest again (the language counts)."""
        await super().relabel()
        self._maybe_find_next()

    def _maybe_find_next(self, _: Any = None) -> None:
        library, store = self.kefu.library, self.kefu.store
        if library is not None and (store is not None or self.kefu.store_error is not None):
            self._find_next(library, store)

    @work(thread=True, exclusive=True, group="debrief-next")
    def _find_next(self, library: Library, store: Store | None) -> None:
        """Past attempts -> the next scenario of the assignment, else advice.suggest_next."""
        attempt, rows, set_ids, pass_mark = None, [], None, None
        set_rows: list[Attempt] = []
        retry_left: int | None = None  # tries left at this scenario (None: no limit)
        if store is not None:
            from simulator.store import StoreError

            try:
                if self.attempt_id is not None:
                    attempt = store.get_attempt(self.attempt_id)
                rows = list(store.attempts(user=attempt.user if attempt else None))
                if attempt is not None and attempt.assignment_id is not None:
                    assignment = store.get_assignment(attempt.assignment_id)
                    if assignment.attempts_allowed is not None:
                        used = tries_used(rows, assignment.id, self.session.scenario.id)
                        retry_left = max(0, assignment.attempts_allowed - used)
                    scenario_set = library.sets.get(assignment.set_id)
                    if scenario_set is not None:
                        set_ids = scenario_set.scenarios
                        pass_mark = assignment.pass_mark or scenario_set.pass_mark
                        # Done means done for this assignment: a scenario passed in
                        # practice last month is still to do in today's exam.
                        set_rows = [x for x in rows if counts_for(x, assignment, set_ids)]
            except StoreError:
                pass
        found: tuple[str | None, Message | None, bool]
        next_id = (
            advice.next_in_set(set_ids, set_rows, self.session.scenario.id, pass_mark)
            if set_ids
            else None
        )
        if next_id is not None:
            found = (next_id, None, True)
        else:
            tip = advice.suggest_next(rows, library, user_lang=self.lang)
            found = (tip.scenario_id, tip.reason, False) if tip else (None, None, False)
        self.app.call_from_thread(self._show_retry, retry_left)
        self.app.call_from_thread(self._show_next, attempt, *found)

    def _show_retry(self, left: int | None) -> None:
        self.retry_left = left
        for button in self.query("#debrief-retry").results(Button):
            button.disabled = left == 0

    def _show_next(
        self, attempt: Attempt | None, next_id: str | None, reason: Message | None, from_set: bool
    ) -> None:
        self.attempt = attempt
        self.next_id, self.next_reason, self.next_from_set = next_id, reason, from_set
        self.next_ready = True
        if self.is_mounted:
            self.query_one("#debrief-next", Static).update(self._next_text())
            self.query_one("#debrief-score", Static).update(self._score_text())

    # -- actions --------------------------------------------------------------------
    def action_retry(self) -> None:
        """Play the same scenario again, from its briefing (not past an exam's tries)."""
        if self.retry_left == 0:
            title = self._msg(self.session.scenario.title)
            self.notify(self.t("home.no_attempts_left", title=title), severity="warning")
            return
        open_briefing(self, self.session.scenario.id, self.mode, assignment_id=self._assignment())

    def action_next(self) -> None:
        """Open the briefing of the next scenario (the assignment's, else the suggestion)."""
        if not self.next_ready:
            self.notify(self.t("debrief.next_loading"))
        elif self.next_id is None:
            self.notify(self.t("debrief.next_none"))
        elif self.next_from_set:
            open_briefing(self, self.next_id, self.mode, assignment_id=self._assignment())
        else:
            open_briefing(self, self.next_id)

    def _assignment(self) -> int | None:
        """The assignment this attempt belongs to (retry and next stay in it)."""
        return self.attempt.assignment_id if self.attempt is not None else None

    def action_home(self) -> None:
        """Back to Home."""
        self.kefu.command_home()

    def action_back(self) -> None:
        """Back to History when opened from there, else Home."""
        from simulator.tui.screens.history import HistoryScreen

        stack = self.app.screen_stack
        if len(stack) > 1 and isinstance(stack[-2], HistoryScreen):
            self.app.pop_screen()
        else:
            self.action_home()

    @on(Button.Pressed, "#debrief-retry")
    def _retry_pressed(self) -> None:
        self.action_retry()

    @on(Button.Pressed, "#debrief-next-button")
    def _next_pressed(self) -> None:
        self.action_next()

    @on(Button.Pressed, "#debrief-home")
    def _home_pressed(self) -> None:
        self.action_home()

    def commands(self) -> Iterable[SystemCommand]:
        """Palette entries for this screen."""
        for name in ("retry", "next", "home"):
            yield SystemCommand(
                self.t(f"debrief.keys.{name}"),
                self.t(f"debrief.palette.{name}"),
                getattr(self, f"action_{name}"),
            )
