"""A line chart of pass rates per criterion over the last attempts (textual-plotext)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from rich.text import Text
from textual_plotext import PlotextPlot

# One colour per line in a stable order (criteria keep their colour): mid-tone RGB that reads on
# the dark and the light theme alike (plotext's named colours follow the terminal palette, where
# blue vanishes on dark and yellow on light). The legend uses the same colours.
LINE_COLORS = (
    (46, 160, 67),  # green
    (59, 130, 246),  # blue
    (192, 38, 211),  # magenta
    (234, 122, 12),  # orange
    (220, 38, 38),  # red
    (8, 145, 178),  # cyan
    (202, 138, 4),  # mustard
    (128, 128, 128),  # grey
)

COMPACT_ROWS = 10


class TrendChart(PlotextPlot):
    """Moving-average pass rate (0-100 %) of each criterion, one line each.

    The legend is not drawn by plotext (it counts a Chinese character as one
    cell, so a CJK label shifts the rest of its row): :meth:`legend` gives its
    items as Rich text for widgets beside the chart. ``series`` maps a (translated) criterion label to its points, oldest
    first; the chart is drawn from this state whenever it mounts, so a
    recompose after a language change redraws it.
    """

    def __init__(
        self,
        series: Mapping[str, Sequence[float]],
        *,
        title: str = "",
        xlabel: str = "",
        id: str | None = None,  # noqa: A002 - Textual's name
        classes: str | None = None,
    ) -> None:
        super().__init__(id=id, classes=classes)
        self.series = dict(series)
        self.title = title
        self.xlabel = xlabel

    def on_mount(self) -> None:
        super().on_mount()
        self.draw()

    def on_resize(self) -> None:
        self.draw()

    def draw(self) -> None:
        """Plot every series against the attempt number.

        Below COMPACT_ROWS rows the title and the axis label are left out: they
        would leave a row or two for the lines, where plotext drops y ticks.
        """
        plt = self.plt
        plt.clear_data()
        compact = 0 < self.size.height < COMPACT_ROWS
        plt.title("" if compact else self.title)
        plt.xlabel("" if compact else self.xlabel)
        plt.ylim(0, 100)
        plt.yticks([0, 50, 100])
        longest = max((len(ys) for ys in self.series.values()), default=0)
        if longest:
            plt.xticks(list(range(1, longest + 1, max(1, longest // 5))))
        for i, ys in enumerate(self.series.values()):
            xs = list(range(longest - len(ys) + 1, longest + 1))
            plt.plot(xs, list(ys), marker="braille", color=LINE_COLORS[i % len(LINE_COLORS)])
        self.refresh()

    def legend(self) -> list[Text]:
        """``━ label`` for each series, the mark in its line's colour."""
        out = []
        for i, label in enumerate(self.series):
            red, green, blue = LINE_COLORS[i % len(LINE_COLORS)]
            item = Text("━ ", style=f"bold rgb({red},{green},{blue})")
            item.append(label)
            out.append(item)
        return out
