"""Script drill (话术练习), step one: pick a script set.

The sets are read from ``scenarios/scripts/`` once per process (checking
them runs the scorer over every line: about a second) and each set's drill
state from the store, both in a thread worker. By default only the sets in
the UI's language are listed; ``a`` shows every language. Enter starts a
round in :class:`~simulator.tui.screens.drill.DrillScreen`.
"""

from __future__ import annotations

from functools import cache
from typing import TYPE_CHECKING, Any

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.widgets import DataTable, Static

from scoring.feedback import localize
from simulator.drill import next_items
from simulator.store.base import StoreError
from simulator.tui.screens.base import KefuScreen
from simulator.tui.widgets.fit import FitFooter
from simulator.tui.widgets.header import KefuHeader

if TYPE_CHECKING:
    from simulator.drill import ScriptSet
    from simulator.drill_loader import ScriptLibrary
    from simulator.store.base import DrillStat, Store

SET_LANG = {"zh": "zh-Hans", "zh-Hant": "zh-Hant", "en": "en"}
"""The script language that goes with each UI language."""


@cache
def script_library() -> ScriptLibrary:
    """The built-in script sets, loaded and checked once (slow: call it in a worker)."""
    from simulator.drill_loader import load_scripts

    return load_scripts()


class DrillSetsScreen(KefuScreen):
    """The script sets, with how much of each the trainee has learned and what is due."""

    BINDINGS = [
        Binding("enter", "open", "practise", id="drill.open"),
        Binding("a", "all_langs", "all languages", id="drill.all"),
        Binding("escape", "back", "back", id="drill.back"),
    ]

    def __init__(self) -> None:
        super().__init__()
        self.sets: list[ScriptSet] | None = None  # None: still loading
        self.stats: dict[str, dict[str, DrillStat]] = {}
        self.error: StoreError | None = None
        self.show_all = False

    # -- what is shown ---------------------------------------------------------------
    def compose(self) -> ComposeResult:
        yield KefuHeader()
        yield Static(self.t("drill.sets_title"), classes="title")
        yield Static(self.t("drill.sets_intro"), classes="muted")
        shown = self.shown()
        if self.sets is None:
            yield Static(self.t("drill.loading"), classes="muted", id="drill-sets-note")
        elif not shown:
            yield Static(self.t("drill.no_sets"), classes="muted", id="drill-sets-note")
        else:
            yield self._table(shown)
        error = self.error or (self.kefu.store_error if self.kefu.store is None else None)
        if error:
            yield Static(self.t("drill.no_store", error=error), classes="error")
        filt = "drill.filter_all" if self.show_all else "drill.filter_lang"
        yield Static(self.t(filt, lang=self.t(f"drill.lang.{self.lang_filter}")), classes="muted")
        yield FitFooter()

    @property
    def lang_filter(self) -> str:
        """The script language shown by default: the UI's."""
        return SET_LANG.get(self.kefu.lang, "zh-Hans")

    def shown(self) -> list[ScriptSet]:
        """The sets listed: the UI language's, or all; chat before review replies."""
        sets = self.sets or []
        if not self.show_all:
            sets = [s for s in sets if s.language == self.lang_filter]
        return sorted(sets, key=lambda s: (s.channel != "chat", s.language, s.id))

    def _table(self, sets: list[ScriptSet]) -> DataTable[Any]:
        table: DataTable[Any] = DataTable(id="drill-sets", cursor_type="row", zebra_stripes=True)
        for name in ("title", "channel", "language", "learned", "due"):
            table.add_column(self.t(f"drill.col.{name}"), key=name)
        now = self.kefu.clock()
        for s in sets:
            stats = self.stats.get(s.id, {})
            learned = sum(1 for i in s.items if i.id in stats and stats[i.id].box >= 1)
            due = len(next_items(s, stats, now, len(s.items)))
            table.add_row(
                localize(s.title, self.kefu.lang),
                self.t(f"drill.channel.{s.channel}"),
                self.t(f"drill.lang.{s.language}"),
                Text(f"{learned}/{len(s.items)}", justify="right"),
                Text(str(due), justify="right"),
                key=s.id,
            )
        return table

    # -- loading -----------------------------------------------------------------------
    def on_mount(self) -> None:
        super().on_mount()
        self.watch(self.kefu, "store", self._reload, init=False)
        self._reload()

    def on_screen_resume(self) -> None:
        """Back from a round: read the progress again."""
        if self.sets is not None:
            self._reload()

    def _reload(self, _: object = None) -> None:
        self._load(self.kefu.store)

    @work(thread=True, exclusive=True, group="drill-sets")
    def _load(self, store: Store | None) -> None:
        """The script sets, then each set's drill state (when the store is open)."""
        lib = script_library()
        sets = list(lib.sets.values())
        stats: dict[str, dict[str, DrillStat]] = {}
        error: StoreError | None = None
        try:
            if store is not None:
                stats = {s.id: dict(store.drill_stats(s.id)) for s in sets}
        except StoreError as exc:
            error = exc
        self.app.call_from_thread(self._loaded, sets, stats, error)

    def _loaded(
        self,
        sets: list[ScriptSet],
        stats: dict[str, dict[str, DrillStat]],
        error: StoreError | None,
    ) -> None:
        self.sets, self.stats, self.error = sets, stats, error
        if self.is_attached:
            self.call_later(self._rebuild)

    async def _rebuild(self, key: str | None = None) -> None:
        """Recompose and put the cursor back on the set it was on."""
        key = key or self.selected_id()
        await self.recompose()
        self._focus_table(key)

    def _focus_table(self, key: str | None) -> None:
        tables = self.query("#drill-sets")
        if not tables:
            return
        table = tables.first(DataTable)
        table.focus()
        if key is not None and key in table.rows:
            table.move_cursor(row=table.get_row_index(key))

    async def relabel(self) -> None:
        """Re-render in the new language; the filter follows it."""
        key = self.selected_id()
        await super().relabel()
        self._focus_table(key)

    # -- actions -----------------------------------------------------------------------
    def selected_id(self) -> str | None:
        """The id of the set under the table's cursor."""
        tables = self.query("#drill-sets")
        if not tables or not self.is_mounted:
            return None
        table = tables.first(DataTable)
        if table.row_count == 0:
            return None
        return table.coordinate_to_cell_key(table.cursor_coordinate).row_key.value

    @on(DataTable.RowSelected, "#drill-sets")
    def _row_selected(self, event: DataTable.RowSelected) -> None:
        event.stop()
        if event.row_key.value is not None:
            self.open_set(event.row_key.value)

    def action_open(self) -> None:
        """Practise the highlighted set."""
        key = self.selected_id()
        if key is not None:
            self.open_set(key)

    def open_set(self, set_id: str) -> None:
        """Start a round of ``set_id`` (its progress needs the store)."""
        from simulator.tui.screens.drill import DrillScreen

        script_set = next((s for s in self.sets or [] if s.id == set_id), None)
        if script_set is None:
            return
        if self.kefu.store is None or self.error:
            error = self.error or self.no_store("drill.loading")
            self.notify(self.t("drill.no_store", error=error), severity="error")
            return
        self.app.push_screen(DrillScreen(script_set, self.stats.get(set_id, {})))

    async def action_all_langs(self) -> None:
        """Every language's sets, or only the UI language's."""
        self.show_all = not self.show_all
        await self._rebuild()

    def action_back(self) -> None:
        """Back to the previous screen."""
        if len(self.app.screen_stack) > 1:
            self.app.pop_screen()
