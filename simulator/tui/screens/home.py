"""Home: the scenario library (more arrives: assignments, resume, recent results)."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.widgets import DataTable, Footer, Header, Static

from simulator.loader import Library
from simulator.tui.screens.base import KefuScreen


class HomeScreen(KefuScreen):
    """The first screen a trainee sees."""

    BINDINGS = [Binding("r", "refresh", "refresh", id="home.refresh", show=False)]

    def compose(self) -> ComposeResult:
        yield Header()
        yield Static(self.t("home.library"), classes="title")
        table: DataTable[str] = DataTable(id="library", cursor_type="row", zebra_stripes=True)
        table.add_columns(self.t("home.col_title"), self.t("home.col_category"))
        lib = self.kefu.library
        if lib is None:
            yield Static(self.t("app.loading"), id="loading", classes="muted")
        else:
            for s in sorted(lib.scenarios.values(), key=lambda s: (s.category, s.difficulty)):
                table.add_row(s.title.zh if self.kefu.lang != "en" else s.title.en, s.category)
        yield table
        yield Footer()

    def on_mount(self) -> None:
        super().on_mount()
        self.watch(self.kefu, "library", self._library_loaded, init=False)

    async def _library_loaded(self, library: Library | None) -> None:
        await self.recompose()

    async def action_refresh(self) -> None:
        await self.recompose()
