"""Text that does not fit its space ends with "…" instead of being cut mid-word.

At 80×24 long scenario titles, table cells and footers do not fit. Cut
silently, 「寄錯型號的手機殼（臺灣蝦皮」 or "Phone case for the wr" reads as
if that were the whole text; with an ellipsis the trainee sees there is more.
"""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.widgets import Footer, Static

ELLIPSIS = "…"


def one_line(text: str | Text, width: int | None = None) -> Text:
    """A one-line cell (e.g. of a DataTable): a narrower column ends it with "…".

    With ``width`` the text is also cut to at most that many cells here (for
    a column sized to its content, which would otherwise grow past the screen).
    """
    out = text.copy() if isinstance(text, Text) else Text(text)
    out.no_wrap = True
    out.overflow = "ellipsis"
    if width is not None:
        out.truncate(max(width, 1), overflow="ellipsis")
    return out


ALWAYS_SHOWN = ("f1",)  # footer keys kept when others are left out
KEEP_FOR_MORE = 2  # cells for the "…" that stands for the keys left out
MAX_WAITS = 20  # refreshes a footer waits to be laid out before it gives up


# Textual's built-in key labels shown in the footer, and the catalog keys
# that translate them.
LIBRARY_LABELS = {"Dismiss menu": "app.keys.dismiss_menu"}


class FitFooter(Footer):
    """Textual's footer, but keys that do not fit are left out and "…" is shown.

    Textual's footer cuts the last key where the screen ends ("f1 帮▏", or
    "^q" with its word gone). This one measures its keys once laid out, hides
    the first key that does not fit and every key after it, and shows "…" in
    their place; every key stays on the F1 help screen and in the command
    palette (^p); F1 (help) is always kept. A resize lays the keys out again.
    """

    DEFAULT_CSS = """
    FitFooter .footer-more {
        width: 2;
        color: $footer-description-foreground;
        background: $footer-description-background;
        display: none;
    }
    """

    def compose(self) -> ComposeResult:
        t = getattr(self.app, "t", None)
        for widget in super().compose():
            # Keys of Textual's own widgets (a Select's open menu) carry
            # English labels; ours are translated where they are bound.
            key = LIBRARY_LABELS.get(getattr(widget, "description", ""))
            if key is not None and t is not None:
                widget.description = t(key)  # type: ignore[attr-defined]
            yield widget
        yield Static(ELLIPSIS, classes="footer-more")

    _waits = 0  # refreshes waited for a layout; bounded, see _fit

    async def recompose(self) -> None:
        await super().recompose()
        self._waits = 0
        self.call_after_refresh(self._fit)

    def on_resize(self) -> None:
        self.call_after_refresh(self.recompose)

    def on_show(self) -> None:
        # A screen coming back to the front lays its footer out again.
        self._waits = 0
        self.call_after_refresh(self._fit)

    def _fit(self) -> None:
        """Hide the keys past the right edge (or the palette key), and show "…".

        F1 (help) is kept whatever else is left out: it lists every key.
        """
        if not self.is_attached or not self.region.width:
            return
        palette = [w for w in self.children if w.has_class("-command-palette")]
        more = [w for w in self.children if w.has_class("footer-more")]
        keys = [w for w in self.children if w not in palette and w not in more]
        if keys and not keys[0].region.width:
            # Not laid out yet. A footer on a screen behind another is never
            # laid out: wait a few refreshes, not forever (that spun a core
            # while History or a dialog was open); on_show tries again.
            if self._waits < MAX_WAITS:
                self._waits += 1
                self.call_after_refresh(self._fit)
            return
        limit = palette[0].region.x if palette and palette[0].display else self.region.right
        if not keys or not more or keys[-1].region.right <= limit:
            return
        # Each key's cells with the gap after it, from the positions laid out.
        widths = [b.region.x - a.region.x for a, b in zip(keys, keys[1:], strict=False)]
        widths.append(keys[-1].region.width + 1)
        room = limit - keys[0].region.x - KEEP_FOR_MORE
        kept = {i for i, k in enumerate(keys) if getattr(k, "key", None) in ALWAYS_SHOWN}
        room -= sum(widths[i] for i in kept)
        first_hidden = None
        for i, key in enumerate(keys):
            if i in kept:
                continue
            if first_hidden is None and widths[i] <= room:
                room -= widths[i]
                continue
            first_hidden = i if first_hidden is None else first_hidden
            key.display = False
        if first_hidden is not None:
            self.move_child(more[0], before=keys[first_hidden])
            more[0].display = True
