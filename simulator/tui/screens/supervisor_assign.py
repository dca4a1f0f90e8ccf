"""Assignments: every assignment with its terms and completion, and a form for a new one.

Completion counts the assignees (a ``@group`` expands to its members) who
finished every scenario of the set, and how many of them passed, the way the
trainee's Home counts it (``home_rows.assignment_row``). The form checks its
fields (``check_form``) before the store is asked; the store may still refuse.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from typing import TYPE_CHECKING, Any

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Grid, Horizontal, Vertical
from textual.widget import Widget
from textual.widgets import Button, DataTable, Input, Select, Static

from simulator.exams import assignees
from simulator.store.base import MODES, StoreError
from simulator.tui.screens.base import KefuModal
from simulator.tui.screens.home_rows import assignment_row, set_title
from simulator.tui.screens.supervisor import NAME_WIDTH, TeamData, TeamScreen, cut
from simulator.tui.widgets.fit import FitFooter

if TYPE_CHECKING:
    from simulator.loader import Library
    from simulator.store.base import Assignment

FIELDS = ("set", "to", "mode", "pass_mark", "due", "attempts", "time_limit")
INPUTS = ("pass_mark", "due", "attempts", "time_limit")


class FormError(ValueError):
    """A field of the form is wrong: ``key`` is the catalog message, ``field`` the widget."""

    def __init__(self, key: str, field: str) -> None:
        super().__init__(key)
        self.key, self.field = key, field


def _whole(raw: str, field: str, low: int, high: int | None = None) -> int | None:
    raw = raw.strip()
    if not raw:
        return None
    if not raw.isdigit() or int(raw) < low or (high is not None and int(raw) > high):
        raise FormError(f"supervisor.form_bad_{field}", field)
    return int(raw)


def check_form(values: Mapping[str, str], today: dt.date) -> dict[str, Any]:
    """The form's text -> ``create_assignment`` arguments, or FormError on the first bad field.

    Empty numbers mean "none" (the set's pass mark, no limit); the due date
    must be ``YYYY-MM-DD`` and not in the past; a time limit (minutes) is
    for exams only.
    """
    for name in ("set", "to", "mode"):
        if not values.get(name):
            raise FormError(f"supervisor.form_need_{name}", name)
    mode = values["mode"]
    if mode not in MODES:
        raise FormError("supervisor.form_need_mode", "mode")
    pass_mark = _whole(values.get("pass_mark", ""), "pass_mark", 0, 100)
    attempts = _whole(values.get("attempts", ""), "attempts", 1)
    minutes = _whole(values.get("time_limit", ""), "time_limit", 1, 24 * 60)
    if minutes is not None and mode != "exam":
        raise FormError("supervisor.form_limit_exam_only", "time_limit")
    due_raw = values.get("due", "").strip()
    due = None
    if due_raw:
        try:
            due = dt.date.fromisoformat(due_raw)
        except ValueError:
            raise FormError("supervisor.form_bad_due", "due") from None
        if due < today:
            raise FormError("supervisor.form_past_due", "due")
    return {
        "set_id": values["set"], "assignee": values["to"], "mode": mode,
        "pass_mark": pass_mark, "due": due.isoformat() if due else None,
        "attempts_allowed": attempts, "time_limit_s": minutes * 60 if minutes else None,
    }  # fmt: skip


def completion(
    a: Assignment, team: TeamData, library: Library, today: dt.date
) -> tuple[int, int, int]:
    """(finished, passed, assignees) of one assignment."""
    done = passed = 0
    people = assignees(a, team.members)
    for user in people:
        mine = [x for x in team.attempts if x.user == user]
        active = [x for x in mine if x.status == "active"]
        row = assignment_row(a, mine, active, library, today)
        done += row.status in ("done", "passed")
        passed += row.status == "passed"
    return done, passed, len(people)


class AssignmentsScreen(TeamScreen):
    """Every assignment: set, assignees, terms, completion; ``n`` makes a new one."""

    BINDINGS = [
        Binding("n", "new", "new", id="supervisor.new"),
        Binding("r", "refresh", "refresh", id="supervisor.refresh", show=False),
        Binding("escape", "back", "back", id="supervisor.back"),
    ]

    def body(self) -> Iterable[Widget]:
        yield Static(self.t("supervisor.assignments_title"), classes="title")
        note = self._note()
        if note is not None:
            yield note
        elif self.team is not None and not self.team.assignments:
            yield Static(self.t("supervisor.no_assignments"), classes="muted", id="assign-empty")
        else:
            yield self._table()

    def _table(self) -> DataTable[Any]:
        table: DataTable[Any] = DataTable(id="assign-table", cursor_type="row", zebra_stripes=True)
        names = ("set", "to", "mode", "pass", "due", "tries", "limit", "done")
        for name in names:
            table.add_column(self.t(f"supervisor.col.{name}"), key=name)
        team, lib = self.team, self.kefu.library
        assert team is not None and lib is not None
        day = dt.date.fromtimestamp(self.kefu.clock())
        today = day.isoformat()
        for a in sorted(team.assignments, key=lambda a: a.id, reverse=True):
            done, passed, total = completion(a, team, lib, day)
            due = Text(a.due or "—")
            if a.due and a.due < today and done < total:
                due.stylize("bold reverse")
            table.add_row(
                cut(self._msg(set_title(lib, a.set_id)), 16), cut(a.assignee, NAME_WIDTH),
                self.t(f"supervisor.mode.{a.mode}"), "—" if a.pass_mark is None else a.pass_mark,
                due, a.attempts_allowed or "—",
                self.t("supervisor.minutes", n=a.time_limit_s // 60) if a.time_limit_s else "—",
                self.t("supervisor.done_cell", done=done, passed=passed, total=total),
                key=str(a.id),
            )  # fmt: skip
        return table

    def restore(self, kept: Any) -> None:
        """The table focused."""
        for table in self.query("#assign-table").results(DataTable):
            table.focus()

    def action_new(self) -> None:
        """The form for a new assignment."""
        if self.team is None or self.kefu.library is None:
            self.notify(self.t("supervisor.loading"))
            return
        self.app.push_screen(NewAssignmentDialog(self.team), self._form_done)

    def _form_done(self, values: object) -> None:
        if isinstance(values, dict):
            self.create(values)

    @work(thread=True, exclusive=True, group="assign-create")
    def create(self, values: dict[str, Any]) -> None:
        """Ask the store to record the assignment."""
        store = self.kefu.store
        try:
            if store is None:
                raise self.no_store("supervisor.loading")
            made = store.create_assignment(values.pop("set_id"), values.pop("assignee"), **values)
        except StoreError as exc:
            self.app.call_from_thread(
                self.notify, self.t("supervisor.create_failed", error=exc), severity="error"
            )
            return
        self.app.call_from_thread(self._created, made)

    def _created(self, made: Assignment) -> None:
        self.notify(self.t("supervisor.created", id=made.id, to=made.assignee))
        self.load()


class NewAssignmentDialog(KefuModal):
    """Set, assignee, mode, pass mark, due date, tries, time limit; checked before saving."""

    BINDINGS = [
        Binding("escape", "cancel", "cancel", id="supervisor.cancel"),
        Binding("ctrl+s", "save", "create", id="supervisor.create"),
    ]
    # Under 30 lines the fields sit without gaps, so an error line leaves the buttons on screen.
    VERTICAL_BREAKPOINTS = [(0, "-short"), (30, "-tall")]

    def __init__(self, team: TeamData) -> None:
        super().__init__()
        self.team = team
        self.error: tuple[str, str] | None = None  # catalog key, field

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog-box", id="form-box"):
            yield Static(self.t("supervisor.form_title"), classes="title")
            with Grid(id="form-grid"):
                for name in FIELDS:
                    yield Static(self.t(f"supervisor.form.{name}"), classes="field-label")
                    yield self._field(name)
            yield Static(self._error_text(), id="form-error", classes="error", markup=False)
            with Horizontal(classes="dialog-buttons"):
                yield Button(self.t("supervisor.keys.create"), id="form-save", variant="primary",
                             compact=True)  # fmt: skip
                yield Button(self.t("dialog.cancel_label"), id="form-cancel", compact=True)
        yield FitFooter()

    def _field(self, name: str) -> Select[str] | Input:
        if name in INPUTS:
            hint = self.t(f"supervisor.form_hint.{name}")
            return Input(compact=True, id=f"form-{name}", placeholder=hint, max_length=10)
        return Select(self._options(name), prompt=self.t(f"supervisor.form_pick.{name}"),
                      compact=True, id=f"form-{name}", value=self._default(name))  # fmt: skip

    def _options(self, name: str) -> list[tuple[str, str]]:
        lib = self.kefu.library
        if name == "set":
            sets = sorted(lib.sets.values(), key=lambda s: s.id) if lib else []
            return [(f"{self._msg(set_title(lib, s.id))} ({s.id})", s.id) for s in sets if lib]
        if name == "to":
            people = [p.name for p in self.team.people if p.role == "trainee"]
            groups = sorted(self.team.members)
            return [(f"@{g}", f"@{g}") for g in groups] + [(cut(p, 20), p) for p in people]
        return [(self.t(f"supervisor.mode.{m}"), m) for m in MODES]

    def _default(self, name: str) -> Any:
        return "practice" if name == "mode" else Select.NULL

    def _msg(self, message: Any) -> str:
        from scoring.feedback import localize

        return localize(message, self.kefu.lang)

    def _error_text(self) -> str:
        return self.t(self.error[0]) if self.error else ""

    def on_mount(self) -> None:
        super().on_mount()
        self.query_one("#form-error").display = self.error is not None
        self.query_one("#form-set").focus()

    async def relabel(self) -> None:
        """Redraw in the new language; what was filled in stays."""
        kept = self.values()
        await super().relabel()
        for name, value in kept.items():
            widget = self.query_one(f"#form-{name}")
            if isinstance(widget, Input) or (isinstance(widget, Select) and value):
                widget.value = value
        self.query_one("#form-error").display = self.error is not None

    def values(self) -> dict[str, str]:
        """What the form holds now, as text (an unset choice is empty)."""
        out = {}
        for name in FIELDS:
            widget = self.query_one(f"#form-{name}")
            if isinstance(widget, Input):
                out[name] = widget.value
            else:
                value = widget.value if isinstance(widget, Select) else None
                out[name] = "" if value is Select.NULL or value is None else str(value)
        return out

    def action_save(self) -> None:
        """Check every field; create the assignment when all are good."""
        today = dt.date.fromtimestamp(self.kefu.clock())
        try:
            checked = check_form(self.values(), today)
        except FormError as exc:
            self.error = (exc.key, exc.field)
            error = self.query_one("#form-error", Static)
            error.update(self._error_text())
            error.display = True
            self.query_one(f"#form-{exc.field}").focus()
            return
        lib = self.kefu.library
        found = lib.sets.get(checked["set_id"]) if lib is not None else None
        if checked["pass_mark"] is None and found is not None:
            checked["pass_mark"] = found.pass_mark  # as `kefu assign` does: the set's own
        self.dismiss(checked)

    @on(Input.Submitted)
    def _submitted(self) -> None:
        self.action_save()

    @on(Button.Pressed, "#form-save")
    def _save_pressed(self) -> None:
        self.action_save()

    @on(Button.Pressed, "#form-cancel")
    def _cancel_pressed(self) -> None:
        self.dismiss(None)

    def action_cancel(self) -> None:
        """Close without creating anything."""
        self.dismiss(None)
