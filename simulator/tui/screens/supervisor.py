"""Roster: every trainee's progress at a glance, for supervisors and admins.

One row per trainee: groups, attempts, average score, the four basics' pass
rates, the trend, the latest exam against its pass mark, the weakest
criterion and when they were last active (``simulator.supervision``). A group
filter and a sort key narrow and order it; Enter opens the trainee's
attempts, ``a`` the assignments. Store rows are read in a thread worker.
"""

from __future__ import annotations

import asyncio
import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from rich.cells import cell_len, set_cell_size
from rich.text import Text
from textual import events, on, work
from textual.app import ComposeResult, SystemCommand
from textual.binding import Binding
from textual.containers import HorizontalGroup, Vertical
from textual.widget import Widget
from textual.widgets import DataTable, Select, Static

from scoring.feedback import CRITERION_NAMES, localize
from simulator import supervision
from simulator.advice import CORE_CRITERIA
from simulator.exams import SetInfo
from simulator.store.base import ALL, StoreError
from simulator.tui.screens.base import KefuScreen
from simulator.tui.widgets.evidence import COST_STYLE, EARN_STYLE, MUTED_STYLE
from simulator.tui.widgets.fit import FitFooter
from simulator.tui.widgets.header import KefuHeader

if TYPE_CHECKING:
    from simulator.loader import Library
    from simulator.store.base import Assignment, Attempt, Override, Store, User

NAME_WIDTH = 12  # cells; longer names are cut in the tables


@dataclass
class TeamData:
    """Everything the supervisor screens read from the store, in one go."""

    people: list[User]
    attempts: list[Attempt]  # every visible attempt, any status, newest first
    overrides: dict[int, list[Override]]
    assignments: list[Assignment]
    members: dict[str, list[str]] = field(default_factory=dict)


def read_team(store: Store) -> TeamData:
    """People, attempts (with their override trails), assignments and group members."""
    people = list(store.list_users())
    attempts = list(store.attempts(user=ALL))
    overrides = {a.id: list(store.overrides(a.id)) for a in attempts if a.status == "finished"}
    assignments = list(store.list_assignments())
    groups = {a.assignee[1:] for a in assignments if a.assignee.startswith("@")}
    groups |= set(supervision.groups_of(people))
    members = {g: list(store.group_members(g)) for g in sorted(groups)}
    return TeamData(people, attempts, overrides, assignments, members)


def set_infos(library: Library | None) -> dict[str, SetInfo]:
    """What reports need of each scenario set of the library."""
    if library is None:
        return {}
    return {s.id: SetInfo(s.id, s.pass_mark, s.scenarios) for s in library.sets.values()}


def short_time(ts: float | None) -> str:
    """``12-28 09:20`` (local time), or a dash."""
    return dt.datetime.fromtimestamp(ts).strftime("%m-%d %H:%M") if ts is not None else "—"


def cut(text: str, width: int) -> str:
    """``text`` cut to ``width`` cells with an ellipsis (a CJK character counts two)."""
    if cell_len(text) <= width:
        return text
    return set_cell_size(text, width - 1) + "…"


class TeamScreen(KefuScreen):
    """A supervisor screen that reads the team's rows from the store in a worker.

    Subclasses yield their content from ``body``; new rows re-mount only the
    body (the header and footer stay), one redraw at a time. ``keep`` and
    ``restore`` carry the highlighted row and the focus across a redraw.
    """

    def __init__(self) -> None:
        super().__init__()
        self.team: TeamData | None = None
        self.error: StoreError | None = None
        self._redrawing = asyncio.Lock()

    def compose(self) -> ComposeResult:
        yield KefuHeader()
        with Vertical(id="team-body"):
            yield from self.body()
        yield FitFooter()

    def body(self) -> Iterable[Widget]:
        """What the screen shows between the header and the footer."""
        return ()

    def keep(self) -> Any:
        """What to carry across a redraw (the highlighted row, say)."""
        return None

    def restore(self, kept: Any) -> None:
        """Put back what ``keep`` returned, after a redraw."""

    def on_mount(self) -> None:
        super().on_mount()
        self.watch(self.kefu, "library", self._redraw, init=False)
        self.load()

    def on_screen_resume(self) -> None:
        """Back on top (after an override or a new assignment): read again."""
        if self.team is not None:
            self.load()

    @work(thread=True, exclusive=True, group="team-rows")
    def load(self) -> None:
        """Read the team's rows, then redraw."""
        store = self.kefu.store
        try:
            if store is None:
                raise self.no_store("supervisor.loading")
            team = read_team(store)
        except StoreError as exc:
            self.app.call_from_thread(self._loaded, None, exc)
            return
        self.app.call_from_thread(self._loaded, team, None)

    def _loaded(self, team: TeamData | None, error: StoreError | None) -> None:
        self.team, self.error = team, error
        if self.is_attached:
            self.call_later(self._redraw)

    async def _redraw(self, _: object = None) -> None:
        async with self._redrawing:
            kept = self.keep()
            body = self.query_one("#team-body", Vertical)
            await body.remove_children()
            await body.mount_all(list(self.body()))
            self.restore(kept)

    async def relabel(self) -> None:
        """Redraw everything in the new language."""
        async with self._redrawing:
            kept = self.keep()
            await super().relabel()
            self.restore(kept)

    def _msg(self, message: Any) -> str:
        return localize(message, self.kefu.lang)

    def _note(self) -> Static | None:
        """Why there is nothing to show yet, or None."""
        if self.error:
            return Static(self.t("supervisor.no_store", error=self.error), classes="error")
        if self.team is None or self.kefu.library is None:
            return Static(self.t("supervisor.loading"), classes="muted", id="team-loading")
        return None

    def action_back(self) -> None:
        """Back to the previous screen."""
        self.app.pop_screen()

    def action_refresh(self) -> None:
        """Read the team's rows again."""
        self.load()


class RosterScreen(TeamScreen):
    """Every trainee's progress; filter by group, sort, open a trainee's attempts."""

    AUTO_FOCUS = "DataTable"  # not the group filter
    BINDINGS = [
        Binding("enter", "open", "open", id="supervisor.open"),
        Binding("a", "assignments", "assignments", id="supervisor.assignments"),
        Binding("s", "sort", "sort", id="supervisor.sort"),
        Binding("g", "group", "group", id="supervisor.group"),
        Binding("r", "refresh", "refresh", id="supervisor.refresh", show=False),
        Binding("escape", "back", "back", id="supervisor.back"),
    ]

    def __init__(self) -> None:
        super().__init__()
        self.group: str | None = None
        self.sort = "name"
        self.rows: list[supervision.RosterRow] = []
        self._laid_out_for = 0  # the terminal width the table was built for

    def body(self) -> Iterable[Widget]:
        yield Static(self.t("supervisor.roster_title"), classes="title")
        yield HorizontalGroup(
            self._group_select(),
            Static(self._sort_text(), id="roster-sort", markup=False),
            id="roster-bar",
        )
        note = self._note()
        if note is not None:
            yield note
        else:
            yield self._table()
            if not self.rows:
                yield Static(self.t("supervisor.no_trainees"), classes="muted", id="roster-empty")

    def _group_select(self) -> Select[str]:
        groups = supervision.groups_of(self.team.people) if self.team else []
        return Select(
            [(f"@{g}", g) for g in groups],
            prompt=self.t("supervisor.all_groups"),
            value=self.group if self.group in groups else Select.NULL,
            compact=True,
            id="roster-group",
        )

    def _sort_text(self) -> str:
        return self.t("supervisor.sorted_by", order=self.t(f"supervisor.sort_key.{self.sort}"))

    def _compute(self) -> list[supervision.RosterRow]:
        team = self.team
        if team is None:
            return []
        today = dt.date.fromtimestamp(self.kefu.clock())
        rows = supervision.roster(
            team.people, team.attempts, team.overrides, team.assignments,
            team.members, set_infos(self.kefu.library), today,
        )  # fmt: skip
        return supervision.sort_rows(supervision.filter_group(rows, self.group), self.sort)

    def _table(self) -> DataTable[Any]:
        self.rows = self._compute()
        table: DataTable[Any] = DataTable(id="roster-table", cursor_type="row", zebra_stripes=True)
        columns = self._columns()
        for name in columns:
            group = "short" if name in CORE_CRITERIA else "col"
            table.add_column(self.t(f"supervisor.{group}.{name}"), key=name)
        for row in self.rows:
            cells = self._cells(row)
            table.add_row(*(cells[name] for name in columns), key=row.user)
        return table

    NARROW = 100  # below this many cells the group, trend and last-active columns are left out
    OPTIONAL = ("group", "trend", "last")  # the filter above still picks a group

    def _columns(self) -> list[str]:
        """The columns for this width: on a narrow terminal the ones a
        supervisor can do without, so the exam and weakest stay in view."""
        names = ["trainee", "group", "attempts", "avg", *CORE_CRITERIA]
        names += ["trend", "exam", "weakest", "last"]
        self._laid_out_for = self.app.size.width
        if self.app.size.width < self.NARROW:
            names = [n for n in names if n not in self.OPTIONAL]
        return names

    def on_resize(self, event: events.Resize) -> None:
        """Across the narrow/wide line the table is built again."""
        was = self._laid_out_for
        if (
            was
            and (was < self.NARROW) != (event.size.width < self.NARROW)
            and self.team is not None
        ):
            self.call_later(self._redraw)

    def _cells(self, row: supervision.RosterRow) -> dict[str, Any]:
        weakest = self._msg(CRITERION_NAMES[row.weakest]) if row.weakest else "—"
        avg = "—" if row.avg_score is None else f"{row.avg_score:.0f}"
        return {
            "trainee": cut(row.display or row.user, NAME_WIDTH),
            "group": cut(" ".join(f"@{g}" for g in row.groups) or "—", NAME_WIDTH),
            "attempts": Text(str(row.attempts), justify="right"),
            "avg": Text(avg, justify="right"),
            **{n: self._rate(row.rates.get(n)) for n in CORE_CRITERIA},
            "trend": Text(row.arrow, justify="center"),
            "exam": self._exam(row.exam),
            "weakest": weakest,
            "last": short_time(row.last_active),
        }

    @staticmethod
    def _rate(rate: float | None) -> Text:
        if rate is None:
            return Text("—", style=MUTED_STYLE, justify="right")
        style = EARN_STYLE if rate >= 0.8 else COST_STYLE if rate < 0.5 else None
        return Text(f"{rate * 100:.0f}%", style=style or "", justify="right")

    def _exam(self, exam: supervision.ExamStatus | None) -> Text:
        if exam is None:
            return Text("—", style=MUTED_STYLE)
        label = self.t(f"supervisor.exam.{exam.result}")
        text = self.t("supervisor.exam_cell", result=label, passed=exam.passed, total=exam.total,
                      mark=exam.pass_mark)  # fmt: skip
        style = {"passed": EARN_STYLE, "failed": COST_STYLE}.get(exam.result, "")
        return Text(text, style=style)

    def keep(self) -> Any:
        return self._cursor_user(), isinstance(self.focused, Select)

    def restore(self, kept: Any) -> None:
        """The same trainee highlighted; the focus back on the filter or the table."""
        user, on_filter = kept
        if on_filter:
            self.query_one("#roster-group", Select).focus()
        for table in self.query("#roster-table").results(DataTable):
            if user is not None and user in {r.user for r in self.rows}:
                table.move_cursor(row=table.get_row_index(user))
            if not on_filter:
                table.focus()

    def _cursor_user(self) -> str | None:
        tables = self.query("#roster-table").results(DataTable)
        table = next(iter(tables), None)
        if table is None or not table.row_count:
            return None
        return str(table.coordinate_to_cell_key(table.cursor_coordinate).row_key.value)

    # -- keys -------------------------------------------------------------------------
    @on(Select.Changed, "#roster-group")
    async def _group_changed(self, event: Select.Changed) -> None:
        group = None if event.value is Select.NULL else str(event.value)
        if group != self.group:
            self.group = group
            await self._redraw()
            for table in self.query("#roster-table").results(DataTable):
                table.focus()  # the choice is made: back to the trainees

    def action_group(self) -> None:
        """Focus the group filter (Enter opens the choices)."""
        self.query_one("#roster-group", Select).focus()

    async def action_sort(self) -> None:
        """Sort by name, score, last active, attempts (in turn)."""
        order = supervision.SORTS
        self.sort = order[(order.index(self.sort) + 1) % len(order)]
        await self._redraw()

    @on(DataTable.RowSelected, "#roster-table")
    def _row_selected(self, event: DataTable.RowSelected) -> None:
        event.stop()
        if event.row_key.value is not None:
            self.open_trainee(str(event.row_key.value))

    def action_open(self) -> None:
        """The highlighted trainee's attempts."""
        user = self._cursor_user()
        if user is not None:
            self.open_trainee(user)

    def open_trainee(self, user: str) -> None:
        """Push the attempts of ``user``."""
        from simulator.tui.screens.supervisor_attempts import TraineeScreen

        self.app.push_screen(TraineeScreen(user))

    def action_assignments(self) -> None:
        """Every assignment, with completion; create new ones."""
        from simulator.tui.screens.supervisor_assign import AssignmentsScreen

        self.app.push_screen(AssignmentsScreen())

    def commands(self) -> Iterable[SystemCommand]:
        """Palette entries for this screen."""
        yield SystemCommand(
            self.t("supervisor.keys.assignments"),
            self.t("supervisor.palette_assignments"),
            self.action_assignments,
        )
