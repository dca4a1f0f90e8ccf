"""History: past attempts, pass-rate trends per criterion, the weakest one and what to play next.

Attempts are read from the store in a thread worker; everything shown is
built in ``compose`` from ``rows`` and ``suggestion``, so a language change
redraws the table and the chart. Enter on an attempt replays it
(``simulator.attempts.session_from_attempt``) into its Debrief.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from typing import TYPE_CHECKING, Any

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult, SystemCommand
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.widgets import DataTable, Static

from scoring.feedback import CRITERION_NAMES, localize
from simulator import advice
from simulator.tui.screens.base import KefuScreen
from simulator.tui.screens.debrief import open_briefing
from simulator.tui.widgets.evidence import COST_STYLE, EARN_STYLE, MUTED_STYLE, criteria_ticks
from simulator.tui.widgets.fit import FitFooter, one_line
from simulator.tui.widgets.header import KefuHeader
from simulator.tui.widgets.trend import TrendChart

if TYPE_CHECKING:
    from simulator.loader import Library
    from simulator.store.base import Attempt, Store, StoreError

CHART_ATTEMPTS = 20  # the chart shows the last N finished attempts
MAX_ROWS = 500
TITLE_WIDTH = 24  # cells; longer scenario titles end with … in the table


class HistoryScreen(KefuScreen):
    """The trainee's past attempts and where to go next."""

    BINDINGS = [
        Binding("enter", "open", "open", id="history.open"),
        Binding("s", "suggested", "suggested", id="history.suggested"),
        Binding("r", "refresh", "refresh", id="history.refresh", show=False),
        Binding("escape", "back", "back", id="history.back"),
    ]
    HORIZONTAL_BREAKPOINTS = [(0, "-narrow"), (110, "-wide")]

    def __init__(self) -> None:
        super().__init__()
        self.rows: list[Attempt] | None = None  # finished attempts, newest first
        self.error: StoreError | None = None
        self.suggestion: advice.Suggestion | None = None

    # -- what is shown -------------------------------------------------------------
    def _msg(self, message: Any) -> str:
        return localize(message, self.kefu.lang)

    def compose(self) -> ComposeResult:
        yield KefuHeader()
        yield Static(self.t("history.title"), classes="title")
        error = self.error or (self.kefu.store_error if self.kefu.store is None else None)
        if error:
            yield Static(self.t("history.no_store", error=error), classes="error")
        elif self.rows is None:
            yield Static(self.t("history.loading"), classes="muted", id="history-loading")
        elif not self.rows:
            yield Static(self.t("history.empty"), classes="muted", id="history-empty")
        else:
            with Horizontal(id="history-top"):
                yield self._table()
                yield self._chart()
            yield Static(self._rates_text(), id="history-weakest")
        if self.rows is not None:
            yield Static(self._suggestion_text(), id="history-suggestion")
        yield FitFooter()

    def _table(self) -> DataTable[Any]:
        table: DataTable[Any] = DataTable(id="history-table", cursor_type="row", zebra_stripes=True)
        table.add_column(self.t("history.col_date"))
        table.add_column(self.t("history.col_scenario"), width=TITLE_WIDTH)
        table.add_column(self.t("history.col_mode"))
        table.add_column(self.t("history.col_score"))
        table.add_column(self.t("history.col_criteria"))
        lib = self.kefu.library
        for a in self.rows or []:
            scenario = lib.scenarios.get(a.scenario_id) if lib else None
            title = self._msg(scenario.title) if scenario else a.scenario_id
            score = Text(str(a.score), justify="right")
            if a.score is not None:
                score.stylize(EARN_STYLE if a.score >= advice.PASS_SCORE else COST_STYLE)
            when = datetime.fromtimestamp(a.finished_at or a.started_at).strftime("%Y-%m-%d %H:%M")
            mode = self.t(f"history.mode.{a.mode}")
            table.add_row(when, one_line(title), mode, score, self._ticks(a), key=str(a.id))
        return table

    def _ticks(self, attempt: Attempt) -> Text:
        return criteria_ticks(
            advice.attempt_criteria(attempt),
            advice.CORE_CRITERIA,
            lambda name: self.t(f"history.short.{name}"),
        )

    def _chart(self) -> Vertical:
        """The trend chart with its legend below it (or a note when there is too little)."""
        chart = self._trend()
        if not isinstance(chart, TrendChart):
            return Vertical(chart, id="history-chart-box")
        items = [Static(item, classes="legend-item", markup=False) for item in chart.legend()]
        return Vertical(chart, Horizontal(*items, id="history-legend"), id="history-chart-box")

    def _trend(self) -> Static | TrendChart:
        rows = self.rows or []
        if len(rows) < 2:
            return Static(self.t("history.chart_empty"), classes="muted", id="history-chart")
        failed = {n for a in rows for n, ok in advice.attempt_criteria(a).items() if not ok}
        names = [n for n in advice.CRITERIA if n in advice.CORE_CRITERIA or n in failed]
        series = {
            self._msg(CRITERION_NAMES[n]): advice.pass_rate_series(rows, n, last=CHART_ATTEMPTS)
            for n in names
        }
        return TrendChart(
            {k: v for k, v in series.items() if v},
            title=self.t("history.chart_title", n=advice.RECENT),
            xlabel=self.t("history.chart_x"),
            id="history-chart",
        )

    def _rates_text(self) -> Text:
        stats = advice.criterion_stats(self.rows or [])
        out = Text()
        weakest = advice.weakest_criterion(stats)
        if weakest:
            stat = stats[weakest]
            out.append(
                self.t(
                    "history."
                    + advice.weakest_key(stat.recent_rate, min(stat.attempts, advice.RECENT)),
                    name=self._msg(CRITERION_NAMES[weakest]),
                    rate=round(100 * stat.recent_rate),
                    n=min(stat.attempts, advice.RECENT),
                ),
                style=COST_STYLE,
            )
        else:
            out.append(self.t("history.no_weakest"), style=EARN_STYLE)
        rates = [
            f"{self.t(f'history.short.{n}')} {round(100 * stats[n].rate)}%{_arrow(stats[n].trend)}"
            for n in advice.CORE_CRITERIA
            if n in stats
        ]
        out.append("\n" + self.t("history.rates", rates=" · ".join(rates)), style=MUTED_STYLE)
        return out

    def _suggestion_text(self) -> Text:
        s = self.suggestion
        lib = self.kefu.library
        if s is None or lib is None or s.scenario_id not in lib.scenarios:
            return Text(self.t("history.no_suggestion"), style=MUTED_STYLE)
        scenario = lib.scenarios[s.scenario_id]
        out = Text(
            self.t(
                "history.suggestion", title=self._msg(scenario.title), level=scenario.difficulty
            ),
            style="bold",
        )
        out.append("\n" + self._msg(s.reason), style=MUTED_STYLE)
        return out

    # -- loading -----------------------------------------------------------------------
    def on_mount(self) -> None:
        super().on_mount()
        self.watch(self.kefu, "store", self._maybe_load)
        self.watch(self.kefu, "library", self._maybe_load)

    async def relabel(self) -> None:
        """Re-render in the new language, with a suggestion in that language."""
        if self.rows is not None and self.kefu.library is not None:
            self.suggestion = advice.suggest_next(self.rows, self.kefu.library, self.kefu.lang)
        await super().relabel()
        self._focus_table()

    def _maybe_load(self, _: object = None) -> None:
        if self.kefu.store is not None and self.kefu.library is not None:
            self._load(self.kefu.store, self.kefu.library)

    @work(thread=True, exclusive=True, group="history")
    def _load(self, store: Store, library: Library) -> None:
        """Read the attempts and work out the suggestion, off the UI thread."""
        from simulator.store import StoreError

        try:
            rows = [a for a in store.attempts(limit=MAX_ROWS) if a.status == "finished"]
        except StoreError as exc:
            self.app.call_from_thread(self._loaded, None, None, exc)
            return
        tip = advice.suggest_next(rows, library, user_lang=self.kefu.lang)
        self.app.call_from_thread(self._loaded, rows, tip, None)

    def _loaded(
        self,
        rows: list[Attempt] | None,
        tip: advice.Suggestion | None,
        error: StoreError | None,
    ) -> None:
        self.rows = (
            sorted(rows, key=lambda a: (a.finished_at or a.started_at, a.id), reverse=True)
            if rows is not None
            else None
        )
        self.suggestion, self.error = tip, error
        self.call_later(self._rebuild)

    async def _rebuild(self) -> None:
        """Recompose from the state and put the cursor back in the table."""
        await self.recompose()
        self._focus_table()

    def _focus_table(self) -> None:
        tables = self.query("#history-table")
        if tables:
            tables.first().focus()

    # -- actions ---------------------------------------------------------------------------
    def selected_attempt(self) -> Attempt | None:
        """The attempt under the table's cursor."""
        if not self.rows:
            return None
        table = self.query_one("#history-table", DataTable)
        if table.row_count == 0:
            return None
        key = table.coordinate_to_cell_key(table.cursor_coordinate).row_key.value
        return next((a for a in self.rows if str(a.id) == key), None)

    def action_open(self) -> None:
        """Open the Debrief of the selected attempt."""
        attempt = self.selected_attempt()
        if attempt is not None:
            self.open_attempt(attempt)

    @on(DataTable.RowSelected, "#history-table")
    def _row_selected(self, event: DataTable.RowSelected) -> None:
        event.stop()
        self.action_open()

    def open_attempt(self, attempt: Attempt) -> None:
        """Replay ``attempt`` and push its Debrief."""
        from simulator.attempts import ReplayError, session_from_attempt
        from simulator.tui.screens.debrief import DebriefScreen

        lib = self.kefu.library
        scenario = lib.scenarios.get(attempt.scenario_id) if lib else None
        if scenario is None:
            self.notify(
                self.t("history.scenario_missing", id=attempt.scenario_id), severity="error"
            )
            return
        try:
            session = session_from_attempt(attempt, scenario)
        except ReplayError as exc:
            self.notify(str(exc), title=self.t("history.replay_failed"), severity="error")
            return
        self.app.push_screen(DebriefScreen(session, attempt_id=attempt.id, mode=attempt.mode))

    def action_suggested(self) -> None:
        """Open the briefing of the suggested next scenario."""
        if self.suggestion is None:
            self.notify(self.t("history.no_suggestion"))
        else:
            open_briefing(self, self.suggestion.scenario_id, replace=False)

    def action_refresh(self) -> None:
        """Read the attempts again."""
        self._maybe_load()

    def action_back(self) -> None:
        """Back to the previous screen."""
        if len(self.app.screen_stack) > 1:
            self.app.pop_screen()

    def commands(self) -> Iterable[SystemCommand]:
        """Palette entries for this screen."""
        yield SystemCommand(
            self.t("history.keys.suggested"),
            self.t("history.palette_suggested"),
            self.action_suggested,
        )


def _arrow(trend: float | None) -> str:
    """↑ / ↓ when the recent pass rate moved by at least 10 points."""
    if trend is None or abs(trend) < 0.1:
        return ""
    return "↑" if trend > 0 else "↓"
