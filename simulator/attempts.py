"""A stored attempt back into a Session: what History, Debrief and reports share.

The engine is deterministic, so an attempt's seed, start time and replies
replay to exactly the conversation the trainee had (scored by the current
rubric). Pure: takes an ``Attempt`` row and a ``Scenario``, no database.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from simulator.session import Session, score_after_hints

if TYPE_CHECKING:
    from simulator.scenario import Scenario
    from simulator.store.base import Attempt


class ReplayError(ValueError):
    """An attempt that no longer replays on its scenario (the scenario was edited)."""


def attempt_state(attempt: Attempt) -> dict[str, Any]:
    """The ``Session.to_dict`` shape of an attempt: scenario, seed, start and replies."""
    replies = sorted(attempt.replies, key=lambda r: r.step)
    return {
        "scenario": attempt.scenario_id,
        "seed": attempt.seed,
        "started_at": attempt.started_at,
        "replies": [{"text": r.text, "at": r.at} for r in replies],
    }


def session_from_attempt(attempt: Attempt, scenario: Scenario) -> Session:
    """Replay ``attempt`` on ``scenario``; raise ReplayError if it no longer fits.

    The replies are submitted in step order with their saved times, so the
    mood, the response-time checks and the ending come out as they were.
    """
    if attempt.scenario_id != scenario.id:
        raise ReplayError(
            f"attempt {attempt.id} is for scenario {attempt.scenario_id!r}, not {scenario.id!r}"
        )
    try:
        return Session.from_dict(scenario, attempt_state(attempt))
    except RuntimeError:
        # The conversation ended before the last saved reply: the scenario changed.
        raise ReplayError(
            f"attempt {attempt.id} no longer replays on scenario {scenario.id!r}: "
            "the conversation ends earlier now (the scenario was edited)"
        ) from None


def replayed_score(attempt: Attempt, scenario: Scenario) -> int:
    """The score ``attempt``'s stored replies earn when replayed (less its hints).

    The trainee's app computes the score it records; replaying the stored
    replies on the server side is how a supervisor checks it (a hand-made
    client could record any number). Raises ReplayError like
    ``session_from_attempt``. Replays use the current rubric, so an attempt
    recorded before a rubric change can differ for that reason too.
    """
    session = session_from_attempt(attempt, scenario)
    return score_after_hints(session.result().score, attempt.hints_used)
