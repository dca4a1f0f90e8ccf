"""Adaptive practice: pass rates per criterion, the weakest one, and what to play next.

Pure: attempt rows (``simulator.store.base.Attempt``) and the ``Library`` in,
values out; no Textual, no database. The reason for a suggestion is a
``Message`` (Simplified Chinese and English, from the ``advice`` catalog).

Which scenarios exercise which criterion
----------------------------------------
A scenario's model replies are written to pass every criterion, so they do
not tell scenarios apart; what does is what the author made the scenario
*react to*. ``exercises(scenario)`` adds up weights per conversation
criterion from:

- its must / must-not checks (``CHECK_WEIGHT`` each): the condition keys map
  to criteria by ``CONDITION_CRITERION`` (``apology`` -> timely_apology,
  ``remedy_type`` / ``specific`` / amounts / ``policy_breach`` -> remedy,
  ``blame_target`` -> no_blame ...);
- its buyer's reactions (``REACTION_WEIGHT`` per node whose ``on`` tests the
  condition): a node that turns on ``no_blame: false`` punishes blame;
- its category and tags (``CATEGORY_WEIGHTS``, ``TAG_WEIGHTS``): a slow-reply
  scenario tests the timely apology, a "decline-politely" one courtesy;
- its channel: public review replies exercise formal register and privacy.

A scenario *exercises* a criterion when the weight is at least
``EXERCISE_MIN`` (one check, or two weaker signals).

How the next scenario is chosen
-------------------------------
1. Difficulty: the trainee steps up past the highest difficulty with a score
   of at least ``PASS_SCORE``; after a failed attempt they stay at that
   attempt's difficulty, and after two failures in a row there they go one
   step down (``target_difficulty``).
2. Among the library's scenarios, the order is: the trainee's language (then
   the other Chinese script), closest to the target difficulty (easier
   before harder), unplayed before played, exercising the weakest criterion,
   lowest best score, heaviest weight, least recently played, id. The same
   rows always give the same suggestion.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from scoring.feedback import CRITERION_NAMES
from scoring.model import CONVERSATION_CRITERIA, REVIEW_CRITERIA, Message
from simulator.exams import passes
from simulator.i18n import Translator

if TYPE_CHECKING:
    from simulator.loader import Library
    from simulator.scenario import Scenario
    from simulator.store.base import Attempt

PASS_SCORE = 80
RECENT = 5
EXERCISE_MIN = 2
CHECK_WEIGHT = 3
REACTION_WEIGHT = 1
REVIEW_WEIGHT = 3
CRITERIA = (*CONVERSATION_CRITERIA, *REVIEW_CRITERIA)
CORE_CRITERIA = ("timely_apology", "listening", "remedy", "no_blame")

CONDITION_CRITERION = {
    "apology": "timely_apology",
    "slow": "timely_apology",
    "listening": "listening",
    "remedy": "remedy",
    "remedy_type": "remedy",
    "specific": "remedy",
    "amount_at_least": "remedy",
    "amount_at_most": "remedy",
    "policy_breach": "remedy",
    "no_blame": "no_blame",
    "blame_target": "no_blame",
    "courtesy": "courtesy",
    "no_template": "no_template",
    "no_review_inducement": "no_review_inducement",
    "formal_register": "formal_register",
    "no_private_data": "no_private_data",
}
CATEGORY_WEIGHTS: Mapping[str, Mapping[str, int]] = {
    "slow_reply": {"timely_apology": 2},
    "rude_service": {"courtesy": 2, "timely_apology": 1},
    "usage_misunderstanding": {"no_blame": 2, "listening": 1},
    "policy_misunderstanding": {"no_blame": 2, "courtesy": 1},
    "slow_shipping": {"no_blame": 1, "remedy": 1},
    "damaged_or_lost": {"no_blame": 1, "listening": 1},
    "not_as_described": {"no_blame": 1, "remedy": 1},
    "quality_defect": {"listening": 1, "remedy": 1},
    "wrong_item": {"remedy": 1},
    "out_of_stock": {"remedy": 2},
    "broken_promise": {"remedy": 2, "no_review_inducement": 1},
}
TAG_WEIGHTS: Mapping[str, Mapping[str, int]] = {
    "review-inducement": {"no_review_inducement": 3},
    "cashback": {"no_review_inducement": 2},
    "unreasonable-buyer": {"courtesy": 2},
    "unreasonable-demand": {"courtesy": 2},
    "decline-politely": {"courtesy": 2},
    "bad-review-threat": {"courtesy": 1, "no_review_inducement": 1},
    "brush-off": {"courtesy": 2, "no_template": 2},
    "agent-conduct": {"courtesy": 2, "no_template": 1},
    "evidence": {"listening": 2},
    "waiting": {"timely_apology": 2},
    "late-dispatch": {"timely_apology": 1},
    "formal-register": {"formal_register": 2},
    "colleague": {"no_blame": 2},
    "courier-chase": {"no_blame": 1},
    "options": {"remedy": 1},
    "postage": {"remedy": 1},
}
_SCRIPT = {"zh": "zh-Hans", "zh-Hans": "zh-Hans", "zh-Hant": "zh-Hant", "en": "en"}


@dataclass(frozen=True)
class CriterionStat:
    """How often one criterion passed: overall, recently, and the trend."""

    criterion: str
    attempts: int
    passed: int
    rate: float  # 0..1 over every finished attempt that scored it
    recent_rate: float  # 0..1 over the last ``RECENT`` of them
    trend: float | None  # recent rate minus the rate of the attempts before; None if too few


@dataclass(frozen=True)
class Suggestion:
    """The scenario to play next and why."""

    scenario_id: str
    reason: Message
    criterion: str | None  # the weakest criterion it targets, if any
    difficulty: int
    move: str  # start | up | same | down


# -- pass rates -------------------------------------------------------------
def finished(attempts: Iterable[Attempt]) -> list[Attempt]:
    """Finished attempts with a score, oldest first."""
    done = [a for a in attempts if a.status == "finished" and a.score is not None]
    return sorted(done, key=lambda a: (a.finished_at or a.started_at, a.started_at, a.id))


def attempt_criteria(attempt: Attempt) -> Mapping[str, bool]:
    """Criterion -> passed for one attempt (the row's column, else its result dict)."""
    if attempt.criteria:
        return attempt.criteria
    criteria = attempt.result.get("criteria") if attempt.result else None
    return criteria if isinstance(criteria, Mapping) else {}


def criterion_outcomes(attempts: Iterable[Attempt], criterion: str) -> list[bool]:
    """Pass/fail of ``criterion`` over the finished attempts that scored it, oldest first."""
    return [
        bool(c[criterion]) for a in finished(attempts) if criterion in (c := attempt_criteria(a))
    ]


def _rate(outcomes: Sequence[bool]) -> float:
    return sum(outcomes) / len(outcomes) if outcomes else 0.0


def criterion_stats(attempts: Iterable[Attempt], recent: int = RECENT) -> dict[str, CriterionStat]:
    """Pass rates per criterion (in the scorer's order), for criteria seen at least once."""
    rows = list(attempts)
    out: dict[str, CriterionStat] = {}
    for name in CRITERIA:
        outcomes = criterion_outcomes(rows, name)
        if not outcomes:
            continue
        last, before = outcomes[-recent:], outcomes[:-recent]
        trend = _rate(last) - _rate(before) if before else None
        out[name] = CriterionStat(
            name, len(outcomes), sum(outcomes), _rate(outcomes), _rate(last), trend
        )
    return out


def pass_rate_series(
    attempts: Iterable[Attempt], criterion: str, window: int = RECENT, last: int | None = None
) -> list[float]:
    """Moving-average pass rate (percent, over ``window`` attempts) after each attempt.

    ``last`` keeps only the newest points, for a chart of the last N attempts.
    """
    outcomes = criterion_outcomes(attempts, criterion)
    series = [100.0 * _rate(outcomes[max(0, i + 1 - window) : i + 1]) for i in range(len(outcomes))]
    return series[-last:] if last else series


def weakest_criterion(stats: Mapping[str, CriterionStat]) -> str | None:
    """The criterion with the lowest recent pass rate; None when nothing fails lately.

    Ties go to the lower overall rate, then to the scorer's order of criteria.
    """
    order = {name: i for i, name in enumerate(CRITERIA)}
    weak = [s for s in stats.values() if s.recent_rate < 1.0]
    if not weak:
        return None
    return min(weak, key=lambda s: (s.recent_rate, s.rate, order[s.criterion])).criterion


# -- scenarios ----------------------------------------------------------------
def exercises(scenario: Scenario) -> dict[str, int]:
    """Criterion -> how strongly ``scenario`` exercises it (see the module docstring)."""
    weights: Counter[str] = Counter()
    for check in scenario.checks:
        for name in {CONDITION_CRITERION[k] for k in check.when if k in CONDITION_CRITERION}:
            weights[name] += CHECK_WEIGHT
    for node in scenario.nodes.values():
        tested = {
            CONDITION_CRITERION[k] for t in node.on for k in t.cond if k in CONDITION_CRITERION
        }
        for name in tested:
            weights[name] += REACTION_WEIGHT
    weights.update(CATEGORY_WEIGHTS.get(scenario.category, {}))
    for tag in scenario.tags:
        weights.update(TAG_WEIGHTS.get(tag, {}))
    if scenario.channel == "review_reply":
        weights.update({name: REVIEW_WEIGHT for name in REVIEW_CRITERIA})
    return {name: weights[name] for name in CRITERIA if weights[name]}


def _lang_rank(scenario: Scenario, want: str | None) -> int:
    """0 the trainee's language (or no preference), 1 the other Chinese script, 2 other."""
    if want is None or scenario.language == want:
        return 0
    return 1 if {scenario.language, want} <= {"zh-Hans", "zh-Hant"} else 2


def _preferred_language(
    attempts: Sequence[Attempt], library: Library, user_lang: str | None
) -> str | None:
    """The scenario language to prefer: the UI language, else the one played most."""
    if user_lang:
        return _SCRIPT.get(user_lang)
    langs = Counter(
        library.scenarios[a.scenario_id].language
        for a in attempts
        if a.scenario_id in library.scenarios
    )
    return min(langs, key=lambda k: (-langs[k], k)) if langs else None


def target_difficulty(attempts: Iterable[Attempt], library: Library) -> tuple[int, str, int]:
    """(difficulty to play, move, difficulty moved from): start | up | same | down."""
    levels = sorted({s.difficulty for s in library.scenarios.values()}) or [1]
    played = [
        (a.score or 0, library.scenarios[a.scenario_id].difficulty)
        for a in finished(attempts)
        if a.scenario_id in library.scenarios
    ]
    if not played:
        return levels[0], "start", levels[0]
    passed = [d for score, d in played if score >= PASS_SCORE]
    top = max(passed, default=levels[0])
    target = next((lv for lv in levels if lv > top), levels[-1]) if passed else levels[0]
    last_score, last_level = played[-1]
    if last_score >= PASS_SCORE:
        # The step is from the highest level passed, which may be above this attempt's.
        return target, ("up" if target > top else "same"), top
    fails = 0
    for score, d in reversed(played):
        if d != last_level or score >= PASS_SCORE:
            break
        fails += 1
    lower = [lv for lv in levels if lv < last_level]
    if fails >= 2 and lower:
        return lower[-1], "down", last_level
    return min(target, last_level), "same", last_level


# -- the suggestion -------------------------------------------------------------
def suggest_next(
    attempts: Iterable[Attempt], library: Library, user_lang: str | None = None
) -> Suggestion | None:
    """The next scenario for this trainee and why; None for an empty library.

    ``user_lang`` is the UI language (zh, zh-Hant or en); without it the
    language the trainee has played most is preferred.
    """
    done = finished(attempts)
    usable = [s for s in library.scenarios.values() if s.id not in library.broken]
    if not usable:
        return None
    stats = criterion_stats(done)
    weakest = weakest_criterion(stats)
    target, move, moved_from = target_difficulty(done, library)
    want = _preferred_language(done, library, user_lang)
    best: dict[str, int] = {}
    seen: dict[str, int] = {}
    for i, a in enumerate(done):
        best[a.scenario_id] = max(best.get(a.scenario_id, 0), a.score or 0)
        seen[a.scenario_id] = i

    def rank(s: Scenario) -> tuple[Any, ...]:
        weight = exercises(s).get(weakest, 0) if weakest else 0
        played = s.id in seen
        return (
            _lang_rank(s, want),
            abs(s.difficulty - target),
            s.difficulty > target,
            played,
            weight < EXERCISE_MIN,
            best.get(s.id, 0),
            -weight,
            seen.get(s.id, -1),
            s.id,
        )

    choice = min(usable, key=rank)
    tests = bool(weakest) and exercises(choice).get(weakest or "", 0) >= EXERCISE_MIN
    reason = _reason(
        move=move if choice.difficulty == target else "nearest",
        level=choice.difficulty,
        target=target,
        moved_from=moved_from,
        weakest=weakest,
        stat=stats.get(weakest or ""),
        played=choice.id in seen,
        tests=tests,
        best=best.get(choice.id, 0),
        any_played=bool(done),
    )
    return Suggestion(choice.id, reason, weakest if tests else None, choice.difficulty, move)


def weakest_key(recent_rate: float, n: int) -> str:
    """The catalog key for the weakest criterion's sentence.

    ``weakest`` gives the rate; with none passed it says so plainly (not
    "passed 0% of the last 1"): ``weakest_none``, or ``weakest_none_one``
    for a single attempt.
    """
    if round(100 * recent_rate) > 0:
        return "weakest"
    return "weakest_none_one" if n == 1 else "weakest_none"


def _reason(
    *,
    move: str,
    level: int,
    target: int,
    moved_from: int,
    weakest: str | None,
    stat: CriterionStat | None,
    played: bool,
    tests: bool,
    best: int,
    any_played: bool,
) -> Message:
    """The suggestion's reason in both languages, from the advice catalog."""
    texts = []
    for lang in ("zh", "en"):
        t = Translator(lang)
        name = CRITERION_NAMES[weakest].pick(lang) if weakest else ""
        parts = []
        if not any_played:
            parts.append(t("advice.start"))
        elif weakest and stat:
            rate = round(100 * stat.recent_rate)
            n = min(stat.attempts, RECENT)
            parts.append(t("advice." + weakest_key(stat.recent_rate, n), name=name, rate=rate, n=n))
        else:
            parts.append(t("advice.all_good"))
        if any_played:
            values = {"level": level, "target": target, "from_level": moved_from}
            parts.append(t(f"advice.move.{move}", **values, pass_score=PASS_SCORE))
        key = ("again" if played else "new") + ("_tests" if tests else "")
        parts.append(t(f"advice.scenario.{key}", name=name, score=best))
        texts.append((" " if lang == "en" else "").join(parts))
    return Message(texts[0], texts[1])


def next_in_set(
    scenario_ids: Sequence[str],
    attempts: Iterable[Attempt],
    current: str | None = None,
    pass_mark: int | None = None,
) -> str | None:
    """The next scenario of an assigned set still to do, after ``current`` (wrapping).

    A scenario is done when a finished attempt passes ``pass_mark``
    (:func:`simulator.exams.passes`; without a pass mark, when it was finished
    in time). None when every other scenario of the set is done.
    """
    done = {a.scenario_id for a in finished(attempts) if passes(a.score or 0, pass_mark, a)}
    ids = list(scenario_ids)
    start = ids.index(current) + 1 if current in ids else 0
    for sid in ids[start:] + ids[:start]:
        if sid != current and sid not in done:
            return sid
    return None
