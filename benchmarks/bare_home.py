"""A bare Textual app with the widget tree of kefu's Home screen: the baseline of tui_bench.

Same widgets, ids, texts and layout rules as ``simulator/tui/screens/home.py``
on its first frame (header, resume banner, the assignments and recent tables
with their notes, four compact selects, the library table, footer with the
same bindings), but nothing of kefu: no catalogs, no library, no database, no
CLI. Run it on a terminal to see it; ``benchmarks/tui_bench.py`` times it.
"""

from __future__ import annotations

from typing import Any

from textual.app import App, ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, HorizontalGroup, Vertical
from textual.screen import Screen
from textual.widgets import DataTable, Footer, Header, Select, Static

CSS = """
Screen { layout: vertical; }
.title { text-style: bold; color: $accent; padding: 0 1; }
.muted { color: $text-muted; padding: 0 1; }
.home-banner { background: $warning 25%; text-style: bold; padding: 0 1; }
#home-top { height: auto; }
.home-box { width: 1fr; height: auto; }
BareHome.-narrow #home-top { layout: vertical; }
#home-assignments, #home-recent { height: auto; max-height: 5; }
BareHome.-wide #home-assignments, BareHome.-wide #home-recent { max-height: 8; }
#home-filters { height: 1; padding: 0 1; }
.home-filter { width: 1fr; margin-right: 1; }
#home-library { height: 1fr; }
"""

FILTERS = {"category": "类别：全部", "channel": "渠道：全部", "difficulty": "难度：全部",
           "language": "语言：全部"}  # fmt: skip
LOADING = "正在读取练习记录…"


def table(id: str, columns: list[str], header: bool = True) -> DataTable[Any]:
    """An empty table with its columns, as Home builds them."""
    out: DataTable[Any] = DataTable(
        id=id, cursor_type="row", zebra_stripes=True, show_header=header
    )
    for name in columns:
        out.add_column(name, key=name)
    return out


class BareHome(Screen[None]):
    """Home's widgets, nothing behind them."""

    BINDINGS = [
        Binding("enter", "noop", "打开"),
        Binding("c", "noop", "继续练习"),
        Binding("f", "noop", "筛选"),
        Binding("x", "noop", "清除筛选"),
        Binding("h", "noop", "历史"),
    ]
    HORIZONTAL_BREAKPOINTS = [(0, "-narrow"), (110, "-wide")]

    def compose(self) -> ComposeResult:
        yield Header()
        yield Static("", id="home-resume", classes="home-banner", markup=False)
        with Horizontal(id="home-top"):
            with Vertical(id="home-assignments-box", classes="home-box"):
                yield Static("我的作业", classes="title")
                yield table("home-assignments", ["作业", "截止", "模式", "状态", "均分"])
                yield Static(LOADING, id="home-assignments-note", classes="muted")
            with Vertical(id="home-recent-box", classes="home-box"):
                yield Static("最近成绩", classes="title")
                yield table("home-recent", ["时间", "场景", "得分"], header=False)
                yield Static(LOADING, id="home-recent-note", classes="muted")
        yield Static("场景库", classes="title")
        with HorizontalGroup(id="home-filters"):
            for name, prompt in FILTERS.items():
                yield Select([], prompt=prompt, compact=True, id=f"filter-{name}",
                             classes="home-filter")  # fmt: skip
        yield table("home-library", ["场景", "类别", "渠道", "难度", "语言"])
        yield Static("正在加载场景库…", id="home-library-note", classes="muted")
        yield Footer()

    def on_mount(self) -> None:
        self.query_one("#home-resume").display = False
        for id in ("home-assignments", "home-recent", "home-library"):
            self.query_one(f"#{id}").display = False
        self.query_one("#home-library").focus()

    def action_noop(self) -> None:
        """Keys do nothing here."""


class BareApp(App[None]):
    """The baseline app."""

    CSS = CSS
    TITLE = "kefu-trainer"
    BINDINGS = [
        Binding("f1", "noop", "帮助"),
        Binding("f12", "noop", "语言"),
        Binding("ctrl+q", "quit", "退出", priority=True),
    ]

    def get_default_screen(self) -> Screen[Any]:
        return BareHome()

    def on_mount(self) -> None:
        self.theme = "textual-dark"

    def action_noop(self) -> None:
        """Keys do nothing here."""


if __name__ == "__main__":
    BareApp().run()
