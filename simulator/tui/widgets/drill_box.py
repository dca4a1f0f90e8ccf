"""The Script drill's answer box: the chat reply box with the drill's own key labels.

Enter checks the line (and, once checked, moves on); Ctrl+N starts a new
line. Same behaviour as ``ReplyBox``, but the bindings carry ``drill.*`` ids
so the footer and the help screen say "check" instead of "send".
"""

from __future__ import annotations

from textual.binding import Binding

from simulator.tui.widgets.reply_box import ReplyBox


class DrillBox(ReplyBox):
    """Where the trainee types the line from memory; Enter posts ``ReplyBox.Send``."""

    BINDINGS = [
        Binding("enter", "send", "check", id="drill.check", priority=True),
        Binding("ctrl+n", "newline", "new line", id="drill.newline"),
    ]
