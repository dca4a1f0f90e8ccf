"""Home's offer to continue an attempt left unfinished (quit, crash, ``kill -9``):
the dialog at start, the ``c`` key, and discarding. Mixed into HomeScreen.
"""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, Any

from textual import work
from textual.message import Message

from simulator.tui.dialogs import ChoiceDialog
from simulator.tui.screens.base import KefuScreen

if TYPE_CHECKING:
    from simulator.store.base import Assignment, Attempt


class ResumeMixin(KefuScreen):
    """Resuming and discarding unfinished attempts (the rows come from Home)."""

    offered_resume: bool
    assignments: list[Assignment] | None
    unfinished: list[Attempt]

    class Discarded(Message):
        """An unfinished attempt was given up: Home reads its rows again."""

    def _msg(self, message: Any) -> str:
        from scoring.feedback import localize

        return localize(message, self.kefu.lang)

    def _title(self, scenario_id: str) -> str:
        lib = self.kefu.library
        s = lib.scenarios.get(scenario_id) if lib is not None else None
        return self._msg(s.title) if s is not None else scenario_id

    def _maybe_offer_resume(self) -> None:
        """At start only: once the first rows and the library are here, offer to resume."""
        if self.offered_resume or self.assignments is None or self.kefu.library is None:
            return
        self.offered_resume = True
        if not self.unfinished or self.app.screen is not self:
            return
        latest = self.unfinished[-1]
        self.app.push_screen(
            ChoiceDialog(
                lambda: self.t("home.resume.title"),
                lambda: self._resume_body(latest),
                [("resume", "home.resume.resume"), ("discard", "home.resume.discard"),
                 ("later", "home.resume.later")],
            ),
            lambda choice: self._resume_chosen(latest, choice),
        )  # fmt: skip

    def _resume_body(self, a: Attempt) -> str:
        when = datetime.fromtimestamp(a.started_at).strftime("%Y-%m-%d %H:%M")
        body = self.t(
            "home.resume.body", title=self._title(a.scenario_id), n=len(a.replies), when=when
        )
        # A discarded exam attempt still counts against the exam's tries.
        return body + self.t("home.resume.exam_note") if a.mode == "exam" else body

    def _resume_chosen(self, a: Attempt, choice: object) -> None:
        if choice == "resume":
            self.resume(a.id)
        elif choice == "discard":
            self._discard(a.id)

    def action_resume(self) -> None:
        """Continue the latest unfinished session."""
        if not self.unfinished:
            self.notify(self.t("home.nothing_to_resume"))
            return
        self.resume(self.unfinished[-1].id)

    @work(thread=True, exclusive=True, group="home-resume")
    def resume(self, attempt_id: int) -> None:
        """Read the attempt with its replies, then continue it in the Chat screen."""
        from simulator.store.base import StoreError

        store = self.kefu.store
        try:
            if store is None:
                raise self.no_store("home.loading")
            attempt = store.get_attempt(attempt_id)
        except StoreError as exc:
            self.app.call_from_thread(self.notify, exc.text(self.kefu.lang), severity="error")
            return
        self.app.call_from_thread(self._resume_attempt, attempt)

    def _resume_attempt(self, attempt: Attempt) -> None:
        from simulator.attempts import ReplayError, session_from_attempt
        from simulator.tui.screens.chat import ChatScreen

        lib = self.kefu.library
        scenario = lib.scenarios.get(attempt.scenario_id) if lib is not None else None
        if scenario is None:
            self.notify(self.t("home.resume_missing", id=attempt.scenario_id), severity="error")
            return
        try:
            session = session_from_attempt(attempt, scenario)
        except ReplayError as exc:
            self.notify(self.t("home.resume_failed", error=str(exc)), severity="error")
            return
        chat = ChatScreen(session, attempt.id, mode=attempt.mode, hints=attempt.hints_used)
        self.app.push_screen(chat)

    @work(thread=True, exclusive=True, group="home-resume")
    def _discard(self, attempt_id: int) -> None:
        from simulator.store.base import StoreError

        store = self.kefu.store
        try:
            if store is not None:
                store.abandon_attempt(attempt_id)
            self.kefu.drafts.forget(attempt_id)  # its unsent reply goes too
        except StoreError as exc:
            self.app.call_from_thread(self.notify, exc.text(self.kefu.lang), severity="error")
            return
        self.post_message(self.Discarded())
