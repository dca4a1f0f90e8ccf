"""Chat: the conversation with an upset buyer, one saved reply at a time.

The screen only renders a ``Session`` and forwards replies. Each reply is
checked (not empty, at most ``MAX_REPLY`` characters), saved to the store in a
thread worker, and only then submitted to the session; if saving fails the
text stays in the box and nothing advances. The buyer "types" for a moment,
then answers; a note says why the mood changed and warns of promises beyond
the policy card. In practice mode a coach ticks apology / listening / remedy /
no blame as the trainee types, and F3 shows the model reply for a cost. At the
end the result is stored and the Debrief screen takes over.

An exam whose assignment has a time limit counts down to the attempt's start
plus the limit (read from the store, so a resumed exam keeps its deadline);
at zero the attempt is submitted with the replies saved so far.
"""

from __future__ import annotations

import time
from typing import TYPE_CHECKING, Any

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import HorizontalGroup
from textual.timer import Timer
from textual.widget import Widget
from textual.widgets import Static, TextArea

from scoring import score_reply
from scoring.feedback import localize
from simulator.session import score_after_hints
from simulator.store.base import StoreError
from simulator.tui.screens.base import KefuScreen
from simulator.tui.screens.chat_hints import ChatHints
from simulator.tui.screens.debrief import DebriefScreen
from simulator.tui.widgets.bubbles import Transcript, conversation
from simulator.tui.widgets.coach import CoachChecklist
from simulator.tui.widgets.exam_clock import ExamClock, exam_deadline
from simulator.tui.widgets.fit import FitFooter
from simulator.tui.widgets.header import KefuHeader
from simulator.tui.widgets.mood import MoodMeter
from simulator.tui.widgets.reply_box import ReplyBox
from simulator.tui.widgets.timer import ResponseTimer

if TYPE_CHECKING:
    from simulator.session import Session

MAX_REPLY = 2000  # characters


_INPUT_PROBLEMS = ("chat.empty", "chat.too_long")


def _sendable(text: str) -> bool:
    """Whether ``text`` would pass the send checks (not blank, not too long)."""
    return bool(text.strip()) and len(text.strip()) <= MAX_REPLY


class ChatScreen(ChatHints, KefuScreen):
    """Talk to the buyer: transcript, mood, timer, coach, reply box."""

    BINDINGS = [
        Binding("f2", "policy", "policy", id="chat.policy"),
        Binding("f3", "hint", "hint", id="chat.hint"),
        Binding("escape", "leave", "leave", id="chat.leave"),
        Binding("enter", "send", "send", id="chat.send", show=False),
        Binding("ctrl+n", "newline", "new line", id="chat.newline", show=False),
    ]

    TYPING_DELAY = 0.5
    """Seconds of "buyer is typing…" before the buyer's line (tests set 0)."""
    COACH_INTERVAL = 0.03
    """At most one coach update per this many seconds: a keystroke after a pause updates
    the coach at once; keystrokes in quick succession are scored together at the end
    of the interval (scoring takes ~0.3 ms for a short draft, ~15 ms for 2,000 characters)."""

    def __init__(
        self, session: Session, attempt_id: int, mode: str = "practice", hints: int = 0
    ) -> None:
        super().__init__()
        self.session = session
        self.attempt_id = attempt_id
        self.mode = mode
        self.hints = hints
        self.revealed = len(session.buyer_lines)  # buyer lines on screen
        self.draft = ""
        self.coach: dict[str, bool] | None = None
        self.status: tuple[str, dict[str, Any], str] | None = None  # key, values, class
        self.busy = False  # saving, or the buyer is typing
        self.finished = False
        self.coach_updates = 0
        self._coach_timer: Timer | None = None  # an update due at the end of the interval
        self._coach_at = float("-inf")  # time.monotonic() of the last update
        self._coached: str | None = None  # the draft the checklist shows the verdict on
        self.deadline: float | None = None  # a timed exam's, once read from the store
        self.timed_out = False

    @property
    def exam(self) -> bool:
        """Exam mode: no coach, no hints, no model replies."""
        return self.mode == "exam"

    # -- what is shown ---------------------------------------------------------------
    def compose(self) -> ComposeResult:
        s = self.session
        self.sub_title = localize(s.scenario.title, self.kefu.lang)
        self.draft = self.kefu.drafts.get(self.attempt_id) or self.draft  # left and resumed
        yield KefuHeader()
        with HorizontalGroup(id="chat-bar"):
            yield MoodMeter(self.shown_mood(), id="chat-mood")
            yield Static(self.t(f"chat.mode.{self.mode}"), id="chat-mode", classes=self.mode)
            yield ResponseTimer(s.buyer_lines[-1][1], s.scenario.response_target_s, id="chat-timer")
            if self.deadline is not None:
                yield ExamClock(self.deadline, id="chat-exam-clock")
        yield Transcript(*self.transcript_widgets(), id="chat-transcript")
        if not self.exam:
            yield CoachChecklist(self.coach, id="chat-coach")
        yield Static(self._status_text(), id="chat-status", markup=False)
        yield ReplyBox(self.draft, id="chat-reply", placeholder=self.t("chat.placeholder"))
        yield FitFooter()

    def shown_mood(self) -> int:
        """The mood the trainee has seen: before the reply the buyer is still typing to."""
        pending = self.revealed - 1
        if pending < len(self.session.exchanges):
            return self.session.exchanges[pending].mood_before
        return self.session.mood

    def transcript_widgets(self) -> list[Widget]:
        """Buyer lines, replies and notes, oldest first, as far as revealed."""
        return conversation(self.session, self.revealed, self.t, self.kefu.lang)

    def _status_text(self) -> str:
        if self.status is None:
            return ""
        key, values, _ = self.status
        return self.t(key, **values)

    def set_status(self, key: str | None, level: str = "error", **values: Any) -> None:
        """Show a message above the reply box (None clears it)."""
        self.status = (key, values, level) if key else None
        self._apply_status()

    def _apply_status(self) -> None:
        if not self.is_mounted:
            return
        widget = self.query_one("#chat-status", Static)
        widget.update(self._status_text())
        level = self.status[2] if self.status else None
        widget.set_class(level == "error", "error")
        widget.set_class(level == "muted", "muted")
        widget.display = self.status is not None

    # -- life cycle ------------------------------------------------------------------
    def on_mount(self) -> None:
        super().on_mount()
        self._after_compose()
        self.run_worker(self._warm_then_coach, thread=True, group="chat-warm")
        if self.exam:
            self._read_deadline()
        else:
            self.check_hints()  # an exam may keep this scenario's model replies
        if self.session.ended and not self.finished:
            self.finish()  # resumed after the last reply was saved but before the result

    def _warm_then_coach(self) -> None:
        """Compile the scorer off the UI thread; then a draft brought back on
        resume gets its checklist without waiting for the next keystroke."""
        _warm_scorer()
        if self.draft and not self.exam:
            self.app.call_from_thread(self._coach_due)

    async def relabel(self) -> None:
        """Re-render in the new language; the conversation and the draft stay."""
        await super().relabel()
        self._after_compose()

    def _after_compose(self) -> None:
        box = self.query_one(ReplyBox)
        box.move_cursor(box.document.end)
        box.read_only = self.busy
        box.focus()
        self._apply_status()
        self.query_one(Transcript).scroll_end(animate=False)

    # -- a timed exam ---------------------------------------------------------------------
    @work(thread=True, exclusive=True, group="chat-deadline")
    def _read_deadline(self) -> None:
        """The attempt's start plus its assignment's time limit, if it has one."""
        try:
            deadline = exam_deadline(self.kefu.store, self.attempt_id)
        except StoreError as exc:
            self.app.call_from_thread(self.set_status, "chat.no_deadline", "error", error=exc)
            return
        if deadline is not None:
            self.app.call_from_thread(self._deadline_known, deadline)

    def _deadline_known(self, deadline: float) -> None:
        if self.is_attached and self.deadline is None:
            self.deadline = deadline
            self.query_one("#chat-bar").mount(ExamClock(deadline, id="chat-exam-clock"))

    @on(ExamClock.Expired)
    def _time_up(self) -> None:
        """Submit with the replies saved so far (a reply being saved lands first)."""
        if self.timed_out or self.finished:
            return
        self.timed_out = True
        while self.app.screen is not self and self in self.app.screen_stack:
            self.app.pop_screen()  # a policy card or a dialog over the chat: time is up
        self.notify(self.t("chat.time_up"), severity="warning")
        if not self.busy:
            self.finish()

    # -- typing and the coach -----------------------------------------------------------
    @on(TextArea.Changed, "#chat-reply")
    def _draft_changed(self, event: TextArea.Changed) -> None:
        self.draft = event.text_area.text
        self._keep_draft()
        if self.status and self.status[0] in _INPUT_PROBLEMS and _sendable(self.draft):
            self.set_status(None)  # "the reply is empty" would be stale now
        if self.exam:
            return
        if self._coach_timer is not None:
            return  # an update is due soon, and it reads the latest draft
        wait = self._coach_at + self.COACH_INTERVAL - time.monotonic()
        if wait <= 0:
            self.update_coach()
        else:
            self._coach_timer = self.set_timer(wait, self._coach_due)

    def _keep_draft(self) -> None:
        """Keep the unsent reply for this attempt, so leaving and resuming (or
        restarting the app) brings it back."""
        self.kefu.drafts.keep(self.attempt_id, self.draft)

    def _coach_due(self) -> None:
        self._coach_timer = None
        if self.is_attached and self.draft != self._coached:
            self.update_coach()

    def update_coach(self) -> None:
        """Score the draft (with the earlier replies as context) and tick the checklist."""
        self._coach_at = time.monotonic()
        self._coached = self.draft
        criteria = None
        if self.draft.strip():
            previous = [e.reply for e in self.session.exchanges]
            result = score_reply(
                self.draft,
                channel=self.session.scenario.channel,
                context={"previous_replies": previous},
            )
            criteria = dict(result.criteria)
        self.coach = criteria
        self.coach_updates += 1
        if not self.exam:
            self.query_one(CoachChecklist).show(criteria)

    # -- sending -----------------------------------------------------------------------
    @on(ReplyBox.Send)
    def _box_send(self, message: ReplyBox.Send) -> None:
        message.stop()
        self.action_send()

    def action_send(self) -> None:
        """Check the reply, save it, then let the buyer answer."""
        if self.busy:
            return
        if self.session.ended or self.timed_out:
            if not self.finished:
                self.finish()
            return
        box = self.query_one(ReplyBox)
        text = box.text.strip()
        if not text:
            self.set_status("chat.empty")
            return
        if len(text) > MAX_REPLY:
            self.set_status("chat.too_long", limit=MAX_REPLY, n=len(text))
            return
        self._hold(True)
        self.set_status("chat.saving", level="muted")
        self._save(len(self.session.exchanges), text, self.kefu.clock())

    def _hold(self, busy: bool) -> None:
        self.busy = busy
        self.query_one(ReplyBox).read_only = busy
        self.query_one(ResponseTimer).paused = busy

    @work(thread=True, exclusive=True, group="chat-save")
    def _save(self, step: int, text: str, at: float) -> None:
        """Write the reply durably; only a saved reply reaches the buyer."""
        store = self.kefu.store
        try:
            if store is None:
                raise self.no_store("chat.no_store")
            store.save_reply(self.attempt_id, step, text, at)
        except StoreError as exc:
            self.app.call_from_thread(self._save_failed, exc)
            return
        self.app.call_from_thread(self._saved, text, at)

    def _save_failed(self, error: StoreError) -> None:
        if not self.is_attached:
            return  # the trainee left meanwhile; the store has it all
        self._hold(False)
        if self.timed_out:
            self.finish()
            return
        # "try again (Enter)" only where that can help: not on a read-only file
        self.set_status("chat.save_failed" if error.retry else "chat.not_saved", error=error)
        self.query_one(ReplyBox).focus()

    def _saved(self, text: str, at: float) -> None:
        if not self.is_attached:
            return  # the trainee left meanwhile; the store has it all
        self.session.submit(text, at=at)
        box = self.query_one(ReplyBox)
        box.read_only = False
        box.clear()
        self.draft, self.coach = "", None
        self._keep_draft()
        if not self.exam:
            self.query_one(CoachChecklist).show(None)
        self.set_status(None)
        if self.TYPING_DELAY > 0:
            self.busy = True
            self.call_later(self._show_transcript)
            self.set_timer(self.TYPING_DELAY, self._reveal)
        else:
            self.call_later(self._reveal)

    async def _show_transcript(self) -> None:
        if self.is_attached:
            await self.query_one(Transcript).show(self.transcript_widgets())

    async def _reveal(self) -> None:
        """The buyer answers: show the line, the mood and why; restart the timer."""
        if not self.is_attached:
            return
        s = self.session
        self.revealed = len(s.buyer_lines)
        self.query_one(MoodMeter).mood = s.mood
        await self.query_one(Transcript).show(self.transcript_widgets())
        self._hold(False)
        self.query_one(ResponseTimer).restart(s.buyer_lines[-1][1])
        if s.ended or self.timed_out:
            self.finish()

    def action_newline(self) -> None:
        """A line break in the reply box (Ctrl+N; Enter sends)."""
        box = self.query_one(ReplyBox)
        box.focus()
        box.action_newline()

    # -- the end -------------------------------------------------------------------------
    def finish(self) -> None:
        """Store the result, then show the Debrief."""
        self._hold(True)
        self.set_status("chat.finishing", level="muted")
        self._finish(self.kefu.lang)

    @work(thread=True, exclusive=True, group="chat-save")
    def _finish(self, lang: str) -> None:
        result = {**self.session.result().to_dict(lang), "mode": self.mode, "hints": self.hints}
        if self.hints:
            result["score_before_hints"] = result["score"]
            result["score"] = score_after_hints(result["score"], self.hints)
        if self.timed_out:
            result["timed_out"] = True
        store = self.kefu.store
        try:
            if store is None:
                raise self.no_store("chat.no_store")
            store.finish_attempt(self.attempt_id, result, finished_at=self.kefu.clock())
        except StoreError as exc:
            self.app.call_from_thread(self._finish_failed, exc)
            return
        self.app.call_from_thread(self._finished)

    def _finish_failed(self, error: StoreError) -> None:
        if not self.is_attached:
            return  # the trainee left meanwhile; the store has it all
        self.busy = False
        self.set_status(
            "chat.finish_failed" if error.retry else "chat.result_not_saved", error=error
        )

    def _finished(self) -> None:
        if not self.is_attached:
            return  # the trainee left meanwhile; the store has it all
        self.finished = True
        debrief = DebriefScreen(
            session=self.session, attempt_id=self.attempt_id, mode=self.mode, hints=self.hints
        )
        self.app.switch_screen(debrief)


def _warm_scorer() -> None:
    """Compile the rubric off the UI thread, so the first coach update is fast."""
    from scoring import default_rubric

    default_rubric()
