"""What a line of ``kefu score`` input must be, and what is wrong when it is not.

``parse_conversation`` checks one JSONL line and returns the conversation, or
raises ``LineError`` with a ``Problem``: a key of the ``score`` catalog
(simulator/locales/*/score.yaml) and its values, said in any language where it
is printed. Pure: no scoring and no I/O here.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import cache
from typing import Any

from scoring.conversation import parse_time
from scoring.model import CHANNELS
from simulator.i18n import Translator

MAX_REPLY_CHARS = 20_000
MAX_TURNS = 500
ROLES = ("buyer", "agent")


@cache
def _translator(lang: str) -> Translator:
    return Translator(lang)


@dataclass(frozen=True, slots=True)
class Problem:
    """What is wrong with an input line, said in any language: a key of the
    ``score`` catalog (simulator/locales/*/score.yaml) and its values, which
    may be problems themselves (the kind of a wrong value: "the number 5").
    Small and picklable, so it crosses from a worker process as it is."""

    key: str
    values: tuple[tuple[str, Any], ...] = ()

    def text(self, lang: str = "en") -> str:
        """The message in ``lang`` (zh, zh-Hant or en)."""
        values = {k: v.text(lang) if isinstance(v, Problem) else v for k, v in self.values}
        return _translator(lang)(f"score.{self.key}", **values)


class LineError(ValueError):
    """A problem with one input line (message only; the caller adds FILE:LINE).

    ``str(error)`` is the English message; ``problem`` says it in any language."""

    def __init__(self, key: str, **values: Any) -> None:
        self.problem = Problem(f"error.{key}", tuple(values.items()))
        super().__init__(self.problem.text("en"))


def _shown(value: Any) -> Problem:
    """A JSON value of the wrong type as a message names it: its kind and its
    text, shortened ("the text 'hi'", "a list [1, 2]", "null")."""
    if value is None:
        return Problem("kind.null")
    if isinstance(value, bool):
        return Problem("kind.bool", (("value", "true" if value else "false"),))
    if isinstance(value, str):
        return Problem("kind.text", (("value", _quoted(value)),))
    kind = "number" if isinstance(value, int | float) else "list"
    kind = "object" if isinstance(value, dict) else kind
    text = json.dumps(value, ensure_ascii=False)
    return Problem(f"kind.{kind}", (("value", text if len(text) <= 40 else text[:39] + "…"),))


def _quoted(text: str) -> str:
    """``text`` in quotes, shortened to fit in a message."""
    return repr(text if len(text) <= 38 else text[:37] + "…")


def _value(value: Any) -> Any:
    """A value of the right type but not a valid one: a text quoted as it is
    ('seller'), anything else named with its kind."""
    return _quoted(value) if isinstance(value, str) else _shown(value)


def _check_turn(i: int, turn: Any) -> dict[str, Any]:
    where = f"turns[{i}]"
    if not isinstance(turn, dict):
        raise LineError("turn_type", where=where, shown=_shown(turn))
    unknown = set(turn) - {"role", "text", "at"}
    if unknown:
        raise LineError("turn_keys", where=where, keys=", ".join(sorted(unknown)))
    if "role" not in turn:
        raise LineError("role_missing", where=where)
    role = turn["role"]
    if role not in ROLES:
        raise LineError("role", where=where, shown=_value(role))
    if "text" not in turn:
        raise LineError("text_missing", where=where)
    text = turn["text"]
    if not isinstance(text, str):
        raise LineError("text_type", where=where, shown=_shown(text))
    if role == "agent" and not text.strip():
        raise LineError("empty_reply", where=where)
    if len(text) > MAX_REPLY_CHARS:
        raise LineError("too_long", where=where, n=f"{len(text):,}", limit=f"{MAX_REPLY_CHARS:,}")
    at = turn.get("at")
    if isinstance(at, bool | list | dict):
        raise LineError("at_type", where=where, shown=_shown(at))
    try:
        parse_time(at)
    except (ValueError, TypeError, OverflowError, OSError):
        raise LineError("at", where=where, shown=_value(at)) from None
    return turn


# The json module's messages (English only), as keys of the catalog's "json" part.
_JSON_MESSAGES = {
    "Expecting value": "value",
    "Expecting property name enclosed in double quotes": "name",
    "Expecting ':' delimiter": "colon",
    "Expecting ',' delimiter": "comma",
    "Unterminated string starting at": "unterminated",
    "Invalid control character at": "control",
    "Extra data": "extra",
    "Invalid \\escape": "escape",
    "Invalid \\uXXXX escape": "uescape",
}


def _json_problem(message: str) -> Problem | str:
    """The json module's message in any language (one it may add later: as it is)."""
    key = _JSON_MESSAGES.get(message)
    return Problem(f"json.{key}") if key else message


def parse_conversation(raw: str) -> dict[str, Any]:
    """Parse and check one JSONL line; raise LineError saying what is wrong."""
    try:
        data = json.loads(raw)
    except json.JSONDecodeError as exc:
        raise LineError("broken_json", detail=_json_problem(exc.msg), column=exc.colno) from None
    if not isinstance(data, dict):
        raise LineError("not_object", shown=_shown(data))
    unknown = set(data) - {"id", "channel", "turns", "response_target_s"}
    if unknown:
        raise LineError("unknown_keys", keys=", ".join(sorted(unknown)))
    if "id" not in data:
        raise LineError("id_missing")
    if not isinstance(data["id"], str | int) or isinstance(data["id"], bool):
        raise LineError("id_type", shown=_shown(data["id"]))
    channel = data.get("channel", "chat")
    if channel not in CHANNELS:
        raise LineError("channel", choices=", ".join(CHANNELS), shown=_value(channel))
    if "turns" not in data:
        raise LineError("turns_missing")
    turns = data["turns"]
    if not isinstance(turns, list):
        raise LineError("turns_type", shown=_shown(turns))
    if not turns:
        raise LineError("turns_empty")
    if len(turns) > MAX_TURNS:
        raise LineError("too_many_turns", n=len(turns), limit=MAX_TURNS)
    checked = [_check_turn(i, t) for i, t in enumerate(turns)]
    if not any(t["role"] == "agent" for t in checked):
        raise LineError("no_agent_reply")
    target = data.get("response_target_s")
    if target is not None and (
        not isinstance(target, int | float) or isinstance(target, bool) or target <= 0
    ):
        raise LineError("target", shown=_shown(target))
    return {"id": data["id"], "channel": channel, "turns": checked, "response_target_s": target}
