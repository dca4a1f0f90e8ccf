"""The chat screen's side doors: the shop's policy card (F2), in practice the
model reply for a cost (F3), which an exam refuses with a word instead of
silence (as does practice on a scenario whose model replies an exam still keeps
from the trainee: :func:`hints_locked`), and the way out (Esc), which says an
exam's clock keeps running. A mixin of ``ChatScreen``, kept apart so the
conversation itself reads on its own."""

from __future__ import annotations

from typing import TYPE_CHECKING

from rich.text import Text
from textual import events, work

from simulator.session import HINT_COST
from simulator.store.base import StoreError
from simulator.tui.dialogs import CardDialog, ChoiceDialog
from simulator.tui.widgets.cards import policy_text
from simulator.tui.widgets.timer import clock_text

if TYPE_CHECKING:
    from typing import Any

    from simulator.session import Session
    from simulator.tui.app import KefuApp
    from simulator.tui.screens.base import KefuScreen

    _Screen = KefuScreen
else:
    _Screen = object


def hints_locked(app: KefuApp, scenario_id: str) -> bool:
    """In a worker thread: whether the model replies of ``scenario_id`` are kept from
    this trainee, so practice has no hint: an open exam of theirs holds the scenario,
    or it is published exam material whose key the database still keeps from them."""
    if app.exam_holds(scenario_id):
        return True
    return app.is_published(scenario_id) and app.scenario_key(scenario_id) is None


class ChatHints(_Screen):
    """F2 (policy card), F3 (model reply) and Esc (leave) for ``ChatScreen``."""

    session: Session
    attempt_id: int
    hints: int
    busy: bool
    deadline: float | None
    locked = False  # practice without hints: an exam keeps the model replies (hints_locked)

    if TYPE_CHECKING:

        @property
        def exam(self) -> bool: ...

        def set_status(self, key: str | None, level: str = "error", **values: Any) -> None: ...

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """No hint key in exam mode, nor while an exam keeps the model replies."""
        return not (action == "hint" and (self.exam or self.locked))

    def on_key(self, event: events.Key) -> None:
        """F3 without hints: say why rather than nothing at all (or a price for nothing)."""
        if event.key == "f3" and (self.exam or self.locked):
            event.stop()
            key = "chat.hint_exam" if self.exam else "chat.hint_locked"
            self.notify(self.t(key), timeout=4)

    @work(thread=True, exclusive=True, group="chat-hint-lock")
    def check_hints(self) -> None:
        """Practice: find out whether an exam keeps this scenario's model replies."""
        if hints_locked(self.kefu, self.session.scenario.id):
            self.app.call_from_thread(self._hints_locked)

    def _hints_locked(self) -> None:
        self.locked = True
        self.refresh_bindings()  # the footer and F1 drop F3

    def action_policy(self) -> None:
        """The shop's policy card (F2 or Escape closes it)."""
        s = self.session.scenario
        self.app.push_screen(
            CardDialog(
                lambda: self.t("chat.policy_title"),
                lambda: policy_text(s, self.t, self.kefu.lang),
            )
        )

    def action_hint(self) -> None:
        """Practice only: the model reply for this point of the conversation, for a cost."""
        if self.exam or self.session.ended or self.busy:
            return
        self.app.push_screen(
            ChoiceDialog(
                lambda: self.t("chat.hint_title"),
                lambda: self.t("chat.hint_cost", n=self.hints, cost=HINT_COST),
                [("show", "chat.hint_show"), ("cancel", "dialog.cancel_label")],
            ),
            self._hint_chosen,
        )

    def _hint_chosen(self, choice: object) -> None:
        if choice == "show":
            self._charge_hint(self.session.node)

    @work(thread=True, exclusive=True, group="chat-hint")
    def _charge_hint(self, node: str) -> None:
        scenario_id = self.session.scenario.id
        if hints_locked(self.kefu, scenario_id):  # pressed before check_hints could say
            self.app.call_from_thread(self._hints_locked)
            self.app.call_from_thread(self.set_status, "chat.hint_locked", "muted")
            return
        model = self.session.scenario.nodes[node].model_reply
        if self.kefu.is_published(scenario_id):  # its key comes from the database
            model = (self.kefu.scenario_key(scenario_id) or {}).get(node, "")
        store = self.kefu.store
        try:
            if store is None:
                raise self.no_store("chat.no_store")
            store.add_hint(self.attempt_id)
        except StoreError as exc:
            self.app.call_from_thread(self.set_status, "chat.hint_failed", "error", error=exc)
            return
        self.app.call_from_thread(self._show_hint, model)

    def _show_hint(self, model: str) -> None:
        if not self.is_attached:
            return  # the trainee left meanwhile; the store has it all
        self.hints += 1
        self.app.push_screen(
            CardDialog(
                lambda: self.t("chat.hint_title"),
                lambda: Text(
                    self.t("chat.hint_intro", n=self.hints, cost=HINT_COST) + "\n\n" + model
                ),
            )
        )

    def action_leave(self) -> None:
        """Back to Home after confirming; the attempt stays open to resume."""
        self.app.push_screen(
            ChoiceDialog(
                lambda: self.t("chat.leave_title_exam" if self.exam else "chat.leave_title"),
                self._leave_body,
                [("stay", "chat.leave_no"), ("leave", "chat.leave_yes")],
            ),
            self._leave_chosen,
        )

    def _leave_body(self) -> str:
        """What leaving means: an exam's clock keeps running (a timed one: the time left)."""
        if not self.exam:
            return self.t("chat.leave_body")
        if self.deadline is None:
            return self.t("chat.leave_body_exam")
        return self.t("chat.leave_body_timed", left=clock_text(self.deadline - self.kefu.clock()))

    def _leave_chosen(self, choice: object) -> None:
        if choice == "leave":
            self.kefu.command_home()
