"""A line chart of pass rates per criterion over the last attempts (textual-plotext)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from textual_plotext import PlotextPlot

# Plotext colour names, one per line in a stable order (criteria keep their colour).
LINE_COLORS = ("green", "cyan", "yellow", "magenta", "red", "blue", "white", "orange")


class TrendChart(PlotextPlot):
    """Moving-average pass rate (0-100 %) of each criterion, one line each.

    ``series`` maps a (translated) criterion label to its points, oldest
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

    def draw(self) -> None:
        """Plot every series against the attempt number."""
        plt = self.plt
        plt.clear_data()
        plt.title(self.title)
        plt.xlabel(self.xlabel)
        plt.ylim(0, 100)
        plt.yticks([0, 50, 100])
        longest = max((len(ys) for ys in self.series.values()), default=0)
        if longest:
            plt.xticks(list(range(1, longest + 1, max(1, longest // 5))))
        for i, (label, ys) in enumerate(self.series.items()):
            xs = list(range(longest - len(ys) + 1, longest + 1))
            plt.plot(xs, list(ys), label=label, marker="braille", color=LINE_COLORS[i % 8])
        self.refresh()
