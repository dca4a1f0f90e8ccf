"""The chat screen's side doors: the shop's policy card (F2) and, in practice,
the model reply for a cost (F3), which an exam refuses with a word instead of
silence. A mixin of ``ChatScreen``, kept apart so the conversation itself
reads on its own."""

from __future__ import annotations

from typing import TYPE_CHECKING

from rich.text import Text
from textual import events, work

from simulator.session import HINT_COST
from simulator.store.base import StoreError
from simulator.tui.dialogs import CardDialog, ChoiceDialog
from simulator.tui.widgets.cards import policy_text

if TYPE_CHECKING:
    from typing import Any

    from simulator.session import Session
    from simulator.tui.screens.base import KefuScreen

    _Screen = KefuScreen
else:
    _Screen = object


class ChatHints(_Screen):
    """F2 (policy card) and F3 (model reply) for ``ChatScreen``."""

    session: Session
    attempt_id: int
    hints: int
    busy: bool

    if TYPE_CHECKING:

        @property
        def exam(self) -> bool: ...

        def set_status(self, key: str | None, level: str = "error", **values: Any) -> None: ...

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """No hint key in exam mode."""
        return not (action == "hint" and self.exam)

    def on_key(self, event: events.Key) -> None:
        """F3 in an exam: say why there is no hint rather than nothing at all."""
        if event.key == "f3" and self.exam:
            event.stop()
            self.notify(self.t("chat.hint_exam"), timeout=4)

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
        model = self.session.scenario.nodes[node].model_reply
        if self.kefu.exam_holds(self.session.scenario.id):  # practice of an exam's scenario
            self.app.call_from_thread(self.set_status, "chat.hint_locked", "muted")
            return
        if self.kefu.is_published(self.session.scenario.id):
            key = self.kefu.scenario_key(self.session.scenario.id)
            if key is None:  # exam material the database still keeps from this trainee
                self.app.call_from_thread(self.set_status, "chat.hint_locked", "muted")
                return
            model = key.get(node, "")
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
