"""Home: my assignments, recent results, the scenario library with filters, and resume.

Works while the library and the database are still loading: each part says
it is loading and fills in when ``app.library`` / ``app.store`` arrive. Store
rows are read in a thread worker (again whenever Home comes back to the top).
At start, if an attempt was left unfinished (quit, crash, ``kill -9``), a
dialog offers to resume or discard it; later a banner and the ``c`` key do.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import TYPE_CHECKING, Any

from rich.cells import cell_len
from rich.text import Text
from textual import events, on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, HorizontalGroup, Vertical
from textual.timer import Timer
from textual.widgets import DataTable, Select, Static

from simulator.tui.screens import home_rows
from simulator.tui.screens.home_resume import ResumeMixin
from simulator.tui.screens.home_rows import FILTERS, AssignmentRow
from simulator.tui.widgets.fit import FitFooter, one_line
from simulator.tui.widgets.header import KefuHeader

if TYPE_CHECKING:
    from simulator.store.base import Assignment, Attempt, StoreError

# The scorer and simulator.store (SQLAlchemy, Alembic) are imported where they are
# used, once the library and the store arrive: not before Home's first frame
# (benchmarks/tui_bench.py, tests/tui/test_startup.py).

TITLE_MIN = 16  # cells for the scenario title column, at the least
RECENT_OTHERS = 24  # "recent results": date 11 + score 3, cell padding, box padding, scrollbar


REFIT_DELAY = 0.2  # seconds without a resize before Home is laid out again


class HomeScreen(ResumeMixin):
    """The first screen a trainee sees."""

    BINDINGS = [
        Binding("enter", "open", "open", id="home.open"),
        Binding("c", "resume", "resume", id="home.resume"),
        Binding("f", "filter", "filter", id="home.filter"),
        Binding("x", "clear_filters", "clear", id="home.clear"),
        Binding("h", "history", "history", id="home.history"),
        Binding("d", "drill", "script drill", id="home.drill"),
        Binding("r", "refresh", "refresh", id="home.refresh", show=False),
        Binding("t", "team", "team", id="home.team"),  # supervisors and admins only
    ]
    # Side by side only when both tables fit: English assignment rows need ~84 cells.
    HORIZONTAL_BREAKPOINTS = [(0, "-narrow"), (170, "-wide")]

    def __init__(self) -> None:
        super().__init__()
        self.filters: dict[str, str] = {}
        self.assignments: list[Assignment] | None = None  # None: not read yet
        self.attempts: list[Attempt] = []
        self.unfinished: list[Attempt] = []
        self.rows: list[AssignmentRow] = []
        self.error: StoreError | None = None
        self.offered_resume = False
        self.recomposing = 0  # recomposes under way (a language switch can meet the library)
        self._laid_out_for = 0  # the terminal width the tables were cut for
        self._refit_timer: Timer | None = None

    # -- what is shown ---------------------------------------------------------------
    def compose(self) -> ComposeResult:
        self._laid_out_for = self.app.size.width  # the widths below are cut for it
        yield KefuHeader()
        yield Static("", id="home-resume", classes="home-banner", markup=False)
        with Horizontal(id="home-top"):
            with Vertical(id="home-assignments-box", classes="home-box"):
                yield Static(self.t("home.assignments"), classes="title")
                yield self._table("home-assignments", ["set", "due", "mode", "status", "best"])
                yield Static("", id="home-assignments-note", classes="muted", markup=False)
            with Vertical(id="home-recent-box", classes="home-box"):
                yield Static(self.t("home.recent"), classes="title")
                yield self._table("home-recent", ["when", "title", "score"], header=False)
                yield Static("", id="home-recent-note", classes="muted", markup=False)
        yield Static(self.t("home.library"), classes="title")
        with HorizontalGroup(id="home-filters"):
            for name in FILTERS:
                yield self._select(name)
        yield self._table(
            "home-library", ["title", "category", "channel", "difficulty", "language"]
        )
        yield Static("", id="home-library-note", classes="muted", markup=False)
        yield FitFooter()

    def _table(self, id: str, columns: list[str], header: bool = True) -> DataTable[Any]:
        table: DataTable[Any] = DataTable(
            id=id, cursor_type="row", zebra_stripes=True, show_header=header
        )
        for name in columns:
            width = self._title_width() if (id, name) == ("home-library", "title") else None
            table.add_column(self.t(f"home.col.{name}"), key=name, width=width)
        return table

    def _title_width(self) -> int:
        """What the library's title column may take: the rest after the other columns."""
        lib = self.kefu.library
        options = home_rows.filter_options(lib) if lib is not None else {}
        others = 4  # the screen's padding and the scrollbar
        for name in FILTERS:
            labels = [self.t(f"home.col.{name}")]
            labels += [self._cell_label(name, v) for v in options.get(name, [])]
            others += max(cell_len(label) for label in labels) + 2  # cell padding
        return max(TITLE_MIN, self.app.size.width - others - 2)

    def _select(self, name: str) -> Select[str]:
        options = (
            home_rows.filter_options(self.kefu.library).get(name, []) if self.kefu.library else []
        )
        value = self.filters.get(name)
        return Select(
            [(self._value_label(name, v), v) for v in options],
            prompt=self.t(f"home.filter.{name}"),
            value=value if value in options else Select.NULL,
            compact=True,
            id=f"filter-{name}",
            classes="home-filter",
        )

    def _value_label(self, name: str, value: str) -> str:
        return self.t(f"home.{name}.{value}")

    NARROW = 100  # below this many cells the library's cells are shortened

    def _cell_label(self, name: str, value: str) -> str:
        """A library cell: on a narrow screen the level is its stars and the
        channel a word, so the scenario titles keep the room (the filters above
        still give the full names)."""
        label = self._value_label(name, value)
        if self.app.size.width >= self.NARROW:
            return label
        if name == "difficulty":
            return label.split(" ", 1)[0]
        if name == "channel":
            return self.t(f"home.channel_short.{value}")
        return label

    # -- filling in ------------------------------------------------------------------
    def on_mount(self) -> None:
        super().on_mount()
        self.watch(self.kefu, "library", self._library_loaded, init=False)
        self.watch(self.kefu, "store", self._store_ready, init=False)
        self._fill()
        self.query_one("#home-library", DataTable).focus()
        if self.kefu.store is not None:
            self.load_rows()

    def on_resize(self, event: events.Resize) -> None:
        """Columns are cut for the width Home was built at: build again for a
        new one, once the resizing stops."""
        if event.size.width == self._laid_out_for:
            return
        if self._refit_timer is not None:
            self._refit_timer.stop()
        self._refit_timer = self.set_timer(REFIT_DELAY, self._refit)

    async def _refit(self) -> None:
        self._refit_timer = None
        if self.is_attached and self.app.size.width != self._laid_out_for:
            await self.relabel()  # a rebuild that keeps filters, rows and focus

    async def _library_loaded(self, _: object) -> None:
        await self.recompose()  # the filter choices come from the library
        self.query_one("#home-library", DataTable).focus()
        self._maybe_offer_resume()

    def _store_ready(self, _: object) -> None:
        self.refresh_bindings()  # the team key, for supervisors
        self.load_rows()

    def on_resume_mixin_discarded(self, _: ResumeMixin.Discarded) -> None:
        self.load_rows()

    def on_screen_resume(self) -> None:
        """Back on top (after a chat or a debrief): read the rows again."""
        if self.kefu.store is not None:
            self.load_rows()

    @work(thread=True, exclusive=True, group="home-rows")
    def load_rows(self) -> None:
        """Assignments, attempts and unfinished attempts of the current user."""
        from simulator.store.base import StoreError

        store = self.kefu.store
        if store is None:
            return
        try:
            rows = (
                list(store.assignments_for()),
                list(store.attempts()),
                list(store.unfinished_attempts()),
            )
        except StoreError as exc:
            self.app.call_from_thread(self._rows_failed, exc)
            return
        self.app.call_from_thread(self._rows_loaded, *rows)

    def _rows_failed(self, error: StoreError) -> None:
        self.error = error
        self._fill()

    def _rows_loaded(
        self, assignments: list[Assignment], attempts: list[Attempt], unfinished: list[Attempt]
    ) -> None:
        self.assignments, self.attempts, self.unfinished = assignments, attempts, unfinished
        self.error = None
        if self.is_attached:
            self._fill()
            self._maybe_offer_resume()

    async def recompose(self) -> None:
        """Rebuild (the library arrived, or the language changed), then fill in.

        The old widgets go and the new ones mount over several turns of the event
        loop; store rows handed over from the worker thread in between would find a
        half-built screen, so _fill waits for the end of it.
        """
        self.recomposing += 1
        try:
            await super().recompose()
        finally:
            self.recomposing -= 1
        self._fill()

    def _fill(self) -> None:
        if self.recomposing or not self.is_attached:
            return  # recompose fills in once every widget is back
        self._fill_resume()
        self._fill_assignments()
        self._fill_recent()
        self._fill_library()

    def _store_note(self) -> str | None:
        """Why store rows are missing, or None when they are here."""
        error = self.error or (self.kefu.store_error if self.kefu.store is None else None)
        if error:
            return self.t("home.no_store", error=error)
        if self.assignments is None or self.kefu.library is None:
            return self.t("home.loading")
        return None

    def _note(self, id: str, text: str | None) -> None:
        note = self.query_one(f"#{id}", Static)
        note.update(text or "")
        note.display = bool(text)

    def _fill_resume(self) -> None:
        banner = self.query_one("#home-resume", Static)
        latest = self.unfinished[-1] if self.unfinished else None
        banner.display = latest is not None
        if latest is not None:
            key = self.app.get_key_display(self._bindings.get_bindings_for_key("c")[0])
            banner.update(
                self.t("home.resume_banner", title=self._title(latest.scenario_id), press=key)
            )

    def _fill_assignments(self) -> None:
        table = self.query_one("#home-assignments", DataTable)
        table.clear()
        lib = self.kefu.library
        note = self._store_note()
        day = date.fromtimestamp(self.kefu.clock())
        self.rows = []
        if note is None and lib is not None and self.assignments is not None:
            self.rows = home_rows.assignment_rows(
                self.assignments, self.attempts, self.unfinished, lib, day
            )
            note = None if self.rows else self.t("home.no_assignments")
        for row in self.rows:
            table.add_row(*self._assignment_cells(row, day.isoformat()), key=str(row.assignment.id))
        table.display = bool(self.rows)
        self._note("home-assignments-note", note)

    def _assignment_cells(self, row: AssignmentRow, today: str) -> list[Any]:
        a = row.assignment
        due = Text(a.due or "—")
        if row.overdue(today):
            due = Text(self.t("home.overdue", due=a.due), style="bold reverse")
        status = self.t(f"home.status.{row.status}", passed=row.passed, total=row.total)
        best = "—" if row.best is None else str(row.best)
        return [one_line(self._msg(row.title)), due, self.t(f"chat.mode.{a.mode}"), status, best]

    def _fill_recent(self) -> None:
        table = self.query_one("#home-recent", DataTable)
        table.clear()
        rows = home_rows.recent(self.attempts) if self._store_note() is None else []
        for a in rows:
            when = datetime.fromtimestamp(a.finished_at or a.started_at).strftime("%m-%d %H:%M")
            title = self._title(a.scenario_id)
            if a.mode == "exam":
                title = self.t("home.exam_mark", title=title)
            table.add_row(
                when, one_line(title, self._recent_title_width()), str(a.score), key=str(a.id)
            )
        table.display = bool(rows)
        self._note(
            "home-recent-note", None if rows else self._store_note() or self.t("home.no_recent")
        )

    def _recent_title_width(self) -> int:
        """Cells left for a title in "recent results": its box less the date and score."""
        width = self.app.size.width
        box = width // 2 if width >= self.HORIZONTAL_BREAKPOINTS[-1][0] else width
        return max(TITLE_MIN, box - RECENT_OTHERS)

    def _fill_library(self) -> None:
        table = self.query_one("#home-library", DataTable)
        table.clear()
        lib = self.kefu.library
        shown = home_rows.matching(lib, self.filters) if lib is not None else []
        for s in shown:
            cells = [self._cell_label(n, home_rows.field_value(s, n)) for n in FILTERS]
            table.add_row(one_line(self._msg(s.title)), *cells, key=s.id)
        table.display = bool(shown)
        note = self.t("app.loading") if lib is None else None if shown else self.t("home.no_match")
        self._note("home-library-note", note)

    # -- filters ---------------------------------------------------------------------
    @on(Select.Changed, ".home-filter")
    def _filter_changed(self, event: Select.Changed) -> None:
        name = (event.select.id or "").removeprefix("filter-")
        if event.value is Select.NULL:
            self.filters.pop(name, None)
        else:
            self.filters[name] = str(event.value)
        self._fill_library()

    def action_filter(self) -> None:
        """Focus the first filter (Tab moves on, Enter opens the choices)."""
        self.query_one(f"#filter-{FILTERS[0]}", Select).focus()

    def action_clear_filters(self) -> None:
        """Show the whole library again."""
        self.filters.clear()
        for name in FILTERS:
            self.query_one(f"#filter-{name}", Select).clear()
        self._fill_library()

    # -- opening things ---------------------------------------------------------------
    @on(DataTable.RowSelected)
    def _row_selected(self, event: DataTable.RowSelected) -> None:
        event.stop()
        self._open(event.data_table.id, event.row_key.value)

    def action_open(self) -> None:
        """Open the highlighted row of the focused table."""
        table = self.focused
        if isinstance(table, DataTable) and table.row_count:
            key = table.coordinate_to_cell_key(table.cursor_coordinate).row_key
            self._open(table.id, key.value)

    def _open(self, table: str | None, key: str | None) -> None:
        if key is None:
            return
        if table == "home-library":
            self.open_scenario(key)
        elif table == "home-assignments":
            self.open_assignment(int(key))
        elif table == "home-recent":
            self.open_attempt(int(key))

    def open_scenario(
        self,
        scenario_id: str,
        mode: str = "practice",
        assignment_id: int | None = None,
    ) -> None:
        """The Briefing of ``scenario_id``."""
        from simulator.tui.screens.briefing import BriefingScreen

        self.app.push_screen(BriefingScreen(scenario_id, mode, assignment_id=assignment_id))

    def open_assignment(self, assignment_id: int) -> None:
        """The Briefing of the assignment's next scenario, in the assignment's mode."""
        row = next((r for r in self.rows if r.assignment.id == assignment_id), None)
        if row is None or row.next_id is None:
            self.notify(self.t("home.assignment_empty"), severity="warning")
            return
        a = row.assignment
        if a.mode == "exam" and row.status == "passed":
            self.notify(self.t("home.assignment_passed"))
            return
        if row.attempts_left(row.next_id) == 0:
            title = self._title(row.next_id)
            self.notify(self.t("home.no_attempts_left", title=title), severity="warning")
            return
        self.open_scenario(row.next_id, a.mode, a.id)

    def open_attempt(self, attempt_id: int) -> None:
        """The Debrief of a recent attempt."""
        from simulator.attempts import ReplayError, session_from_attempt
        from simulator.tui.screens.debrief import DebriefScreen

        attempt = next((a for a in self.attempts if a.id == attempt_id), None)
        lib = self.kefu.library
        scenario = lib.scenarios.get(attempt.scenario_id) if attempt and lib else None
        if attempt is None or scenario is None:
            return
        try:
            session = session_from_attempt(attempt, scenario)
        except ReplayError as exc:
            self.notify(str(exc), severity="error")
            return
        self.app.push_screen(
            DebriefScreen(session=session, attempt_id=attempt.id, mode=attempt.mode)
        )

    # -- other keys ------------------------------------------------------------------
    def action_history(self) -> None:
        """Past attempts and trends."""
        self.kefu.command_history()

    def action_drill(self) -> None:
        """The Script drill: pick a set of standard lines to practise."""
        self.kefu.command_drill()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """The team key only for supervisors and admins."""
        return self.kefu.is_staff if action == "team" else True

    def action_team(self) -> None:
        """Supervisors: the team roster."""
        self.kefu.command_team()

    def action_refresh(self) -> None:
        """Read the library view, the team's published sets and the store rows again."""
        self._fill()
        if self.kefu.store is not None:
            self.load_rows()
            self.kefu.refresh_published()
