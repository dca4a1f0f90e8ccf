"""A trainee's attempts, and one attempt's transcript with the evidence and score overrides.

The transcript replays the stored attempt (``session_from_attempt``) and
marks the scorer's evidence inline in the trainee's words with the Debrief's
evidence widget, beside the model reply. ``o`` opens the override dialog;
the store has the last word (a refusal is shown, never a traceback) and the
audit trail of score changes is listed under the transcript.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import TYPE_CHECKING, Any

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.widget import Widget
from textual.widgets import DataTable, Static

from scoring.feedback import CRITERION_NAMES, localize
from simulator import advice, supervision
from simulator.exams import ran_out
from simulator.store.base import StoreError, StorePermissionError
from simulator.tui.screens.base import KefuScreen
from simulator.tui.screens.supervisor import NAME_WIDTH, TeamScreen, cut, short_time
from simulator.tui.screens.supervisor_override import OverrideDialog, trail_text
from simulator.tui.widgets.evidence import (
    COST_STYLE,
    EARN_STYLE,
    MUTED_STYLE,
    criteria_ticks,
    highlight_reply,
    problem_lines,
    tick,
)
from simulator.tui.widgets.fit import FitFooter
from simulator.tui.widgets.header import KefuHeader

if TYPE_CHECKING:
    from simulator.session import Exchange, Session
    from simulator.store.base import Attempt, Override

TITLE_WIDTH = 26  # cells for the scenario title column


class TraineeScreen(TeamScreen):
    """One trainee's attempts, newest first; Enter opens a transcript."""

    BINDINGS = [
        Binding("enter", "open", "open", id="supervisor.open_attempt"),
        Binding("r", "refresh", "refresh", id="supervisor.refresh", show=False),
        Binding("escape", "back", "back", id="supervisor.back"),
    ]

    def __init__(self, user: str) -> None:
        super().__init__()
        self.user = user

    def _attempts(self) -> list[Attempt]:
        return [a for a in (self.team.attempts if self.team else []) if a.user == self.user]

    def body(self) -> Iterable[Widget]:
        yield Static(self.t("supervisor.attempts_title", user=self.user), classes="title")
        note = self._note()
        rows = self._attempts()
        if note is not None:
            yield note
        elif not rows:
            yield Static(self.t("supervisor.no_attempts"), classes="muted", id="trainee-empty")
        else:
            yield self._table(rows)

    def _table(self, rows: list[Attempt]) -> DataTable[Any]:
        table: DataTable[Any] = DataTable(id="trainee-table", cursor_type="row", zebra_stripes=True)
        for name in ("when", "scenario", "mode", "status", "score", "criteria"):
            table.add_column(self.t(f"supervisor.col.{name}"), key=name)
        lib = self.kefu.library
        for a in rows:
            scenario = lib.scenarios.get(a.scenario_id) if lib else None
            title = localize(scenario.title, self.kefu.lang) if scenario else a.scenario_id
            table.add_row(
                short_time(a.finished_at or a.started_at), cut(title, TITLE_WIDTH),
                self.t(f"supervisor.mode.{a.mode}"), self.t(f"supervisor.status.{a.status}"),
                self._score(a), self._ticks(a), key=str(a.id),
            )  # fmt: skip
        return table

    def _score(self, a: Attempt) -> Text:
        trail = self.team.overrides.get(a.id, []) if self.team else []
        score = supervision.effective_score(a, trail)
        out = Text("—" if score is None else str(score), justify="right")
        if score is not None:
            out.stylize(EARN_STYLE if score >= advice.PASS_SCORE else COST_STYLE)
        if trail:
            out.append("*", style=MUTED_STYLE)
        return out

    def _ticks(self, a: Attempt) -> Text:
        return criteria_ticks(
            advice.attempt_criteria(a),
            advice.CORE_CRITERIA,
            lambda name: self.t(f"supervisor.short.{name}"),
        )

    def keep(self) -> Any:
        return self._cursor_key()

    def restore(self, kept: Any) -> None:
        """The same attempt highlighted, the table focused."""
        key = kept
        for table in self.query("#trainee-table").results(DataTable):
            if key is not None and key in {str(a.id) for a in self._attempts()}:
                table.move_cursor(row=table.get_row_index(key))
            table.focus()

    def _cursor_key(self) -> str | None:
        table = next(iter(self.query("#trainee-table").results(DataTable)), None)
        if table is None or not table.row_count:
            return None
        return str(table.coordinate_to_cell_key(table.cursor_coordinate).row_key.value)

    @on(DataTable.RowSelected, "#trainee-table")
    def _row_selected(self, event: DataTable.RowSelected) -> None:
        event.stop()
        if event.row_key.value is not None:
            self.app.push_screen(TranscriptScreen(int(event.row_key.value)))

    def action_open(self) -> None:
        """The highlighted attempt's transcript."""
        key = self._cursor_key()
        if key is not None:
            self.app.push_screen(TranscriptScreen(int(key)))


class TranscriptScreen(KefuScreen):
    """One attempt: the conversation with the evidence, the score, the overrides."""

    BINDINGS = [
        Binding("o", "override", "override", id="supervisor.override"),
        Binding("r", "refresh", "refresh", id="supervisor.refresh", show=False),
        Binding("escape", "back", "back", id="supervisor.back"),
    ]

    def __init__(self, attempt_id: int) -> None:
        super().__init__()
        self.attempt_id = attempt_id
        self.attempt: Attempt | None = None
        self.trail: list[Override] = []
        self.key: Mapping[str, str] = {}  # model replies of a published scenario
        self.error: StoreError | None = None
        self.status: tuple[str, dict[str, Any]] | None = None  # an override refused or failed

    # -- reading -------------------------------------------------------------------
    def on_mount(self) -> None:
        super().on_mount()
        self.watch(self.kefu, "library", self._redraw, init=False)
        self._apply_status()
        self.query_one("#transcript-body").focus()
        self.load()

    @work(thread=True, exclusive=True, group="transcript")
    def load(self) -> None:
        """Read the attempt and its override trail."""
        store = self.kefu.store
        try:
            if store is None:
                raise self.no_store("supervisor.loading")
            found = (store.get_attempt(self.attempt_id), list(store.overrides(self.attempt_id)))
        except StoreError as exc:
            self.app.call_from_thread(self._loaded, None, [], exc)
            return
        sid = found[0].scenario_id
        key = self.kefu.scenario_key(sid) if self.kefu.is_published(sid) else None
        self.app.call_from_thread(self._loaded, *found, None, key)

    def _loaded(
        self,
        attempt: Attempt | None,
        trail: list[Override],
        error: StoreError | None,
        key: Mapping[str, str] | None = None,
    ) -> None:
        self.attempt, self.trail, self.error = attempt, trail, error
        self.key = key or {}
        if self.is_attached:
            self.call_later(self._redraw)

    async def _redraw(self, _: object = None) -> None:
        """New rows: the title and the body again (the header and footer stay)."""
        self.query_one("#transcript-title", Static).update(self._title())
        body = self.query_one("#transcript-body", VerticalScroll)
        await body.remove_children()
        await body.mount_all(list(self._body()))

    # -- what is shown ---------------------------------------------------------------
    def _msg(self, message: Any) -> str:
        return localize(message, self.kefu.lang)

    def compose(self) -> ComposeResult:
        yield KefuHeader()
        yield Static(self._title(), classes="title", id="transcript-title", markup=False)
        yield Static(self._status_text(), id="transcript-status", classes="error", markup=False)
        with VerticalScroll(id="transcript-body"):
            yield from self._body()
        yield FitFooter()

    def _body(self) -> Iterable[Widget]:
        if self.error:
            yield Static(self.t("supervisor.no_store", error=self.error), classes="error")
        elif self.attempt is None or self.kefu.library is None:
            yield Static(self.t("supervisor.loading"), classes="muted")
        else:
            yield Static(self._summary(self.attempt), id="transcript-summary")
            yield from self._conversation(self.attempt)
            yield Static(self.t("supervisor.audit"), classes="debrief-head")
            yield Static(trail_text(self.trail, self.t), id="transcript-audit")

    def on_screen_resume(self) -> None:
        self._apply_status()

    async def relabel(self) -> None:
        await super().relabel()
        self._apply_status()
        self.query_one("#transcript-body").focus()

    def _apply_status(self) -> None:
        if self.is_mounted:
            widget = self.query_one("#transcript-status", Static)
            widget.update(self._status_text())
            widget.display = self.status is not None

    def _status_text(self) -> str:
        return self.t(self.status[0], **self.status[1]) if self.status else ""

    def _title(self) -> str:
        a = self.attempt
        if a is None:
            return self.t("supervisor.transcript_title", user="…", title=str(self.attempt_id))
        lib = self.kefu.library
        scenario = lib.scenarios.get(a.scenario_id) if lib else None
        title = self._msg(scenario.title) if scenario else a.scenario_id
        return self.t("supervisor.transcript_title", user=cut(a.user, NAME_WIDTH), title=title)

    def _summary(self, a: Attempt) -> Text:
        score = supervision.effective_score(a, self.trail)
        out = Text(self.t(
            "supervisor.summary", mode=self.t(f"supervisor.mode.{a.mode}"),
            status=self.t(f"supervisor.status.{a.status}"), when=short_time(a.started_at),
            score="—" if score is None else score,
        ), style="bold")  # fmt: skip
        if a.result.get("timed_out"):
            key = "supervisor.ran_out" if ran_out(a) else "supervisor.timed_out"
            out.append("  " + self.t(key), style=COST_STYLE)
        if self.trail:
            recorded = self.trail[0].old_score
            out.append("  " + self.t("supervisor.recorded", score=recorded), style=MUTED_STYLE)
        out.append("\n")
        for name, passed in advice.attempt_criteria(a).items():
            out.append_text(tick(passed))
            label = self._msg(CRITERION_NAMES[name]) if name in CRITERION_NAMES else name
            out.append(f" {label}  ")
        out.rstrip()
        out.append("\n")
        out.append(self.t("supervisor.legend_earn"), style=EARN_STYLE)
        out.append("  ")
        out.append(self.t("supervisor.legend_cost"), style=COST_STYLE)
        return out

    def _conversation(self, a: Attempt) -> Iterable[Static]:
        from simulator.attempts import ReplayError, session_from_attempt

        lib = self.kefu.library
        scenario = lib.scenarios.get(a.scenario_id) if lib else None
        try:
            if scenario is None:
                raise ReplayError(self.t("supervisor.scenario_missing", id=a.scenario_id))
            session = session_from_attempt(a, scenario)
        except ReplayError as exc:
            yield Static(self.t("supervisor.replay_failed", error=str(exc)), classes="error")
            for r in sorted(a.replies, key=lambda r: r.step):
                yield Static(Text(r.text), classes="transcript-mine")
            return
        yield from self._turns(session)

    def _turns(self, s: Session) -> Iterable[Static]:
        buyer = s.scenario.buyer.name
        if not s.exchanges:
            yield Static(self.t("supervisor.no_replies"), classes="muted")
        for i, e in enumerate(s.exchanges):
            yield Static(f"{buyer}: {s.buyer_lines[i][0]}", classes="debrief-buyer", markup=False)
            yield Static(self._mine(e), classes="transcript-mine")
            yield Static(self._model(s, e), classes="transcript-model")
            yield Static(self._mood(e), classes="debrief-mood")
        if s.exchanges and s.ended:
            yield Static(f"{buyer}: {s.buyer_lines[-1][0]}", classes="debrief-buyer", markup=False)

    def _mine(self, e: Exchange) -> Text:
        out = Text(self.t("supervisor.trainee_said") + " ", style="bold")
        out.append_text(highlight_reply(e.reply, e.result.findings))
        lines = problem_lines(
            e.result.findings, self.kefu.lang, self.t("supervisor.better"), e.result.criteria
        )
        if lines:
            out.append("\n")
            out.append_text(lines)
        return out

    def _model(self, s: Session, e: Exchange) -> Text:
        node = s.scenario.nodes.get(e.node)
        out = Text(self.t("supervisor.model") + " ", style=MUTED_STYLE)
        model = (node.model_reply if node else "") or self.key.get(e.node, "")
        out.append(model or "—", style="italic")
        return out

    def _mood(self, e: Exchange) -> Text:
        change = f"{e.mood_change:+d}"
        text = self.t("supervisor.mood", before=e.mood_before, after=e.mood_after, change=change)
        style = COST_STYLE if e.mood_change > 0 else EARN_STYLE if e.mood_change < 0 else ""
        return Text(text, style=style)

    # -- overriding --------------------------------------------------------------------
    def action_override(self) -> None:
        """Change this attempt's score: a new score and a reason, kept in the audit trail."""
        a = self.attempt
        if a is None:
            return
        if a.status != "finished":
            self.notify(self.t("supervisor.not_finished"), severity="warning")
            return
        current = supervision.effective_score(a, self.trail)
        self.app.push_screen(OverrideDialog(current, self.trail), self._override_chosen)

    def _override_chosen(self, choice: object) -> None:
        if isinstance(choice, tuple):
            score, reason = choice
            self.override(int(score), str(reason))

    @work(thread=True, exclusive=True, group="transcript-override")
    def override(self, score: int, reason: str) -> None:
        """Ask the store to change the score; show a refusal as a message."""
        store = self.kefu.store
        try:
            if store is None:
                raise self.no_store("supervisor.loading")
            store.override_score(self.attempt_id, score, reason)
        except StorePermissionError as exc:
            self.app.call_from_thread(self._override_failed, "supervisor.refused", exc)
            return
        except StoreError as exc:
            self.app.call_from_thread(self._override_failed, "supervisor.override_failed", exc)
            return
        self.app.call_from_thread(self._overridden, score)

    def _override_failed(self, key: str, error: StoreError) -> None:
        self.status = (key, {"error": error})
        self._apply_status()
        self.notify(self.t(key, error=error), severity="error", timeout=10)

    def _overridden(self, score: int) -> None:
        self.status = None
        self._apply_status()
        self.notify(self.t("supervisor.overridden", score=score))
        self.load()

    def action_refresh(self) -> None:
        """Read the attempt again."""
        self.load()

    def action_back(self) -> None:
        """Back to the trainee's attempts."""
        self.app.pop_screen()
