"""Script drill (话术练习), step two: a round of lines typed from memory.

The screen renders a :class:`~simulator.drill_round.DrillRound` and forwards
what the trainee types. For each item the situation and the key points are
shown; the trainee types the shop's line and presses Enter. The line is
checked and the item's new Leitner state saved to the store in a thread
worker; only once it is saved does the verdict appear (the typed line with
missing / extra / out-of-order chunks marked, key points ticked, similarity,
time, the standard line) and can the trainee move on, so a crash loses
nothing. The next item is the schedule's pick, so a missed line comes back
once it is due. The round ends with a summary.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.widgets import Static, TextArea

from scoring.feedback import localize
from simulator.drill_round import DrillRound
from simulator.store.base import StoreError
from simulator.tui.screens.base import KefuScreen
from simulator.tui.widgets import drill_view as view
from simulator.tui.widgets.drill_box import DrillBox
from simulator.tui.widgets.fit import FitFooter
from simulator.tui.widgets.header import KefuHeader
from simulator.tui.widgets.reply_box import ReplyBox

if TYPE_CHECKING:
    from collections.abc import Mapping

    from simulator.drill import DrillResult, ScriptSet
    from simulator.store.base import DrillStat

MAX_LINE = 1000  # characters


class DrillScreen(KefuScreen):
    """One round of a script set: situation, answer box, verdict, next; then a summary."""

    BINDINGS = [
        Binding("escape", "leave", "back", id="drill.leave"),
        Binding("enter", "check", "check", id="drill.check", show=False),
        Binding("ctrl+n", "newline", "new line", id="drill.newline", show=False),
    ]

    def __init__(self, script_set: ScriptSet, stats: Mapping[str, DrillStat]) -> None:
        super().__init__()
        self.script_set = script_set
        self._initial_stats = dict(stats)
        self.round: DrillRound | None = None  # started on mount, with the app's clock
        self.result: DrillResult | None = None  # the verdict on the current item, once saved
        self.elapsed = 0.0
        self.shown_at = 0.0
        self.draft = ""
        self.busy = False  # checking and saving
        self.status: tuple[str, dict[str, Any], str] | None = None

    @property
    def summary_shown(self) -> bool:
        """The round is over and its summary is on screen."""
        return self.round is not None and self.round.current is None

    # -- what is shown ---------------------------------------------------------------
    def compose(self) -> ComposeResult:
        if self.round is None:
            self.round = DrillRound.start(self.script_set, self._initial_stats, self.kefu.clock())
            self.shown_at = self.kefu.clock()
        self.sub_title = localize(self.script_set.title, self.kefu.lang)
        yield KefuHeader()
        yield Static(self._progress(), id="drill-progress")
        with VerticalScroll(id="drill-body"):
            if self.summary_shown:
                yield from self._summary()
            else:
                yield from self._item()
        yield Static(self._status_text(), id="drill-status")
        if not self.summary_shown and self.result is None:
            yield DrillBox(self.draft, id="drill-reply", placeholder=self.t("drill.placeholder"))
        yield FitFooter()

    def _progress(self) -> Text:
        rnd = self.round
        assert rnd is not None
        n = len(self.script_set.items)
        out = Text(
            self.t("drill.progress", done=rnd.done_count, total=len(rnd.item_ids))
            + " · "
            + self.t("drill.learned", learned=rnd.learned(), n=n)
            + " "
        )
        out.append_text(view.set_progress(self.script_set, rnd.stats, rnd.current))
        return out

    def _item(self) -> ComposeResult:
        rnd = self.round
        assert rnd is not None
        item = rnd.item()
        assert item is not None
        lang = self.kefu.lang
        tries = len(rnd.tries(item.id)) - (1 if self.result is not None else 0)
        head = self.t("drill.situation")
        if tries:
            head += " " + self.t("drill.again", n=tries + 1)
        yield Static(head, classes="drill-head")
        yield Static(localize(item.situation, lang), id="drill-situation")
        yield Static(view.key_points(item, self.result, lang, self.t), id="drill-points")
        if self.result is None:
            return
        yield Static(view.verdict(self.result, self.elapsed, self.t), id="drill-verdict")
        yield Static(self.t("drill.yours"), classes="drill-head")
        yield Static(view.marked_line(self.result, self.t), id="drill-marked")
        if any(s.kind != "equal" for s in self.result.segments):
            yield Static(view.legend(self.t), id="drill-legend")
        yield Static(self.t("drill.standard"), classes="drill-head")
        yield Static(view.standard_lines(item, self.result, self.t), id="drill-standard")

    def _summary(self) -> ComposeResult:
        rnd = self.round
        assert rnd is not None
        s = rnd.summary()
        minutes, seconds = divmod(round(s.total_s), 60)
        yield Static(self.t("drill.summary_title"), classes="drill-head")
        text = self.t(
            "drill.summary",
            items=s.items,
            first=s.first_try,
            right=s.right,
            attempts=s.attempts,
            similarity=round(100 * s.mean_similarity),
            time=self.t("drill.duration", m=minutes, s=seconds),
        )
        yield Static(text, id="drill-summary")
        if s.weakest:
            yield Static(self.t("drill.weakest"), classes="drill-head")
            weak = view.weakest_lines(self.script_set, s.weakest, self.kefu.lang, self.t)
            yield Static(weak, id="drill-weakest")
        else:
            yield Static(self.t("drill.all_first"), id="drill-weakest")

    def _status_text(self) -> str:
        if self.status is not None:
            key, values, _ = self.status
            return self.t(key, **values)
        if self.summary_shown:
            return self.t("drill.hint_summary")
        return self.t("drill.hint_next" if self.result is not None else "drill.hint_typing")

    def set_status(self, key: str | None, level: str = "error", **values: Any) -> None:
        """Show a message above the answer box (None: the usual hint)."""
        self.status = (key, values, level) if key else None
        self._apply_status()

    def _apply_status(self) -> None:
        if not self.is_mounted:
            return
        widget = self.query_one("#drill-status", Static)
        widget.update(self._status_text())
        widget.set_class(self.status is not None and self.status[2] == "error", "error")

    # -- life cycle ------------------------------------------------------------------
    def on_mount(self) -> None:
        super().on_mount()
        self._after_compose()

    async def relabel(self) -> None:
        """Re-render in the new language; the round, the verdict and the draft stay."""
        await super().relabel()
        self._after_compose()

    async def _rebuild(self) -> None:
        await self.recompose()
        self._after_compose()

    def _after_compose(self) -> None:
        self._apply_status()
        boxes = self.query(DrillBox)
        if boxes:
            box = boxes.first(DrillBox)
            box.move_cursor(box.document.end)
            box.read_only = self.busy
            box.focus()
        else:
            self.query_one("#drill-body", VerticalScroll).focus()

    @on(TextArea.Changed, "#drill-reply")
    def _draft_changed(self, event: TextArea.Changed) -> None:
        self.draft = event.text_area.text
        text = self.draft.strip()
        stale = self.status and self.status[0] in ("drill.empty", "drill.too_long")
        if stale and text and len(text) <= MAX_LINE:
            self.set_status(None)  # the typed line answers the complaint

    # -- checking ----------------------------------------------------------------------
    @on(ReplyBox.Send)
    def _box_send(self, message: ReplyBox.Send) -> None:
        message.stop()
        self.action_check()

    def action_check(self) -> None:
        """Enter: check the typed line; once checked, the next item; after a round, another."""
        if self.busy or self.round is None:
            return
        if self.summary_shown:
            self.new_round()
        elif self.result is not None:
            self.next_item()
        else:
            self._submit()

    def _submit(self) -> None:
        text = self.query_one(DrillBox).text.strip()
        if not text:
            self.set_status("drill.empty")
            return
        if len(text) > MAX_LINE:
            self.set_status("drill.too_long", limit=MAX_LINE, n=len(text))
            return
        self.busy = True
        self.query_one(DrillBox).read_only = True
        self.set_status("drill.saving", level="muted")
        now = self.kefu.clock()
        self._check(text, now, max(0.0, now - self.shown_at))

    @work(thread=True, exclusive=True, group="drill-save")
    def _check(self, typed: str, now: float, elapsed: float) -> None:
        """Check the line and save the item's new state; only a saved verdict is shown."""
        rnd = self.round
        assert rnd is not None
        result, stat = rnd.check(typed, now, elapsed)
        store = self.kefu.store
        try:
            if store is None:
                raise self.no_store("drill.loading")
            store.record_drill(stat)
        except StoreError as exc:
            self.app.call_from_thread(self._save_failed, exc)
            return
        self.app.call_from_thread(self._checked, result, stat, now, elapsed)

    def _save_failed(self, error: StoreError) -> None:
        if not self.is_attached:
            return
        self.busy = False
        self.set_status("drill.save_failed", error=error)
        box = self.query_one(DrillBox)
        box.read_only = False
        box.focus()

    def _checked(self, result: DrillResult, stat: DrillStat, now: float, elapsed: float) -> None:
        if not self.is_attached or self.round is None:
            return  # the trainee left meanwhile; the store has it
        self.round.record(result, stat, now, elapsed)
        self.result, self.elapsed = result, elapsed
        self.busy, self.draft, self.status = False, "", None
        self.call_later(self._rebuild)

    def next_item(self) -> None:
        """The schedule's next item of the round (or the summary)."""
        assert self.round is not None
        now = self.kefu.clock()
        self.round.advance(now)
        self.result, self.shown_at, self.status = None, now, None
        self.call_later(self._rebuild)

    def new_round(self) -> None:
        """Another round of the same set, from the state saved so far."""
        assert self.round is not None
        now = self.kefu.clock()
        self.round = DrillRound.start(self.script_set, self.round.stats, now)
        self.result, self.shown_at, self.status, self.draft = None, now, None, ""
        self.call_later(self._rebuild)

    # -- other keys --------------------------------------------------------------------
    def action_newline(self) -> None:
        """A line break in the answer box (Ctrl+N; Enter checks)."""
        boxes = self.query(DrillBox)
        if boxes:
            boxes.first(DrillBox).action_newline()

    def action_leave(self) -> None:
        """Back to the list of sets; every checked line is already saved."""
        if not self.busy:
            self.app.pop_screen()
