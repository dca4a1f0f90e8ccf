"""Adaptive practice (simulator.advice) and replaying stored attempts (simulator.attempts).

Attempt rows are plain dataclasses, built here directly: no database.
"""

from __future__ import annotations

import random
import subprocess
import sys
from collections.abc import Mapping

import pytest

from simulator import advice
from simulator.attempts import ReplayError, attempt_state, session_from_attempt
from simulator.loader import Library, load
from simulator.session import Session
from simulator.store.base import Attempt, Reply

CORE = ("timely_apology", "listening", "remedy", "no_blame")


@pytest.fixture(scope="module")
def library() -> Library:
    return load(None)


def att(
    i: int,
    scenario: str,
    score: int | None,
    failed: tuple[str, ...] = (),
    status: str = "finished",
    in_result: bool = False,
) -> Attempt:
    """Attempt ``i`` (started at 1000*i) with the core criteria passed except ``failed``."""
    criteria: Mapping[str, bool] = {c: c not in failed for c in CORE}
    return Attempt(
        id=i,
        user="amy",
        scenario_id=scenario,
        mode="practice",
        seed=0,
        started_at=1000.0 * i,
        status=status,  # type: ignore[arg-type]
        finished_at=1000.0 * i + 60 if status == "finished" else None,
        score=score,
        criteria={} if in_result else criteria,
        result={"criteria": dict(criteria)} if in_result else {},
    )


# -- pass rates ---------------------------------------------------------------
def test_criterion_stats_rates_recent_and_trend() -> None:
    rows = [att(i, "wrong-size-shoes", 60, ("listening",)) for i in range(1, 6)]
    rows += [att(i, "wrong-size-shoes", 90) for i in range(6, 11)]
    rows.append(att(11, "wrong-size-shoes", None, ("remedy",), status="active"))
    stats = advice.criterion_stats(rows)
    assert list(stats) == list(CORE)
    listening = stats["listening"]
    assert (listening.attempts, listening.passed) == (10, 5)
    assert listening.rate == 0.5 and listening.recent_rate == 1.0
    assert listening.trend == pytest.approx(1.0)
    assert stats["remedy"].rate == 1.0  # the unfinished attempt does not count
    assert advice.criterion_stats(rows[:3])["listening"].trend is None


def test_criteria_fall_back_to_the_result_dict() -> None:
    rows = [att(1, "wrong-size-shoes", 50, ("no_blame",), in_result=True)]
    assert advice.criterion_stats(rows)["no_blame"].rate == 0.0


def test_pass_rate_series_is_a_moving_average_in_time_order() -> None:
    rows = [att(i, "wrong-size-shoes", 70, ("remedy",) if i % 2 else ()) for i in range(1, 7)]
    random.Random(1).shuffle(rows)
    series = advice.pass_rate_series(rows, "remedy", window=2)
    assert series == [0.0, 50.0, 50.0, 50.0, 50.0, 50.0]
    assert advice.pass_rate_series(rows, "remedy", window=3, last=2) == [
        pytest.approx(100 / 3),
        pytest.approx(200 / 3),
    ]
    assert advice.pass_rate_series([], "remedy") == []


def test_weakest_is_the_lowest_recent_rate_with_stable_ties() -> None:
    rows = [
        att(1, "wrong-size-shoes", 50, ("remedy", "listening")),
        att(2, "wrong-size-shoes", 50, ("listening", "remedy")),
    ]
    # equal rates: the scorer's order decides (listening comes before remedy)
    assert advice.weakest_criterion(advice.criterion_stats(rows)) == "listening"
    assert advice.weakest_criterion(advice.criterion_stats([att(1, "x", 100)])) is None
    assert advice.weakest_criterion({}) is None


# -- which scenarios exercise what ------------------------------------------------
def test_exercises_reads_checks_reactions_category_tags_and_channel(library: Library) -> None:
    shoes = advice.exercises(library.scenarios["wrong-size-shoes"])
    assert shoes["no_blame"] >= advice.CHECK_WEIGHT  # must-not: buyer prepays postage
    assert shoes["remedy"] >= advice.CHECK_WEIGHT  # must: shop pays postage
    assert "formal_register" not in shoes
    review = advice.exercises(library.scenarios["review-pure-cotton-tee-is-blend"])
    assert review["formal_register"] >= advice.EXERCISE_MIN
    vacuum = advice.exercises(library.scenarios["robot-vacuum-transport-screws-left-in"])
    assert vacuum["listening"] >= advice.CHECK_WEIGHT  # must: ask for evidence
    wait = advice.exercises(library.scenarios["kids-bike-presale-question-waited-hours"])
    assert wait["timely_apology"] == max(wait.values()) or wait["timely_apology"] >= 9
    cash = advice.exercises(library.scenarios["tw-cashback-card-extra-conditions"])
    assert cash["no_review_inducement"] >= advice.EXERCISE_MIN


# -- difficulty progress -------------------------------------------------------------
def test_target_difficulty_steps_up_stays_and_steps_down(library: Library) -> None:
    easy, mid, hard = (
        "car-vent-phone-holder-falls-off",
        "wrong-size-shoes",
        "two-minute-wait-demands-compensation",
    )
    assert advice.target_difficulty([], library) == (1, "start", 1)
    assert advice.target_difficulty([att(1, easy, 79)], library)[:2] == (1, "same")
    assert advice.target_difficulty([att(1, easy, 80)], library) == (2, "up", 1)
    fail_once = [att(1, easy, 90), att(2, mid, 60)]
    assert advice.target_difficulty(fail_once, library) == (2, "same", 2)
    fail_twice = [*fail_once, att(3, mid, 55)]
    assert advice.target_difficulty(fail_twice, library) == (1, "down", 2)
    back_up = [*fail_twice, att(4, easy, 95)]
    assert advice.target_difficulty(back_up, library) == (2, "up", 1)
    top = [att(1, mid, 85), att(2, hard, 88)]
    assert advice.target_difficulty(top, library) == (3, "same", 3)
    # A pass at an easier level after a harder one: the step is from the harder one
    # (it said 'you scored 80+ at difficulty 1: moving up to 3').
    easier_after = [att(1, mid, 85), att(2, easy, 80)]
    assert advice.target_difficulty(easier_after, library) == (3, "up", 2)
    s = advice.suggest_next(easier_after, library, user_lang="zh")
    assert s is not None and "你在难度 2 拿到了 80 分以上，升到难度 3。" in s.reason.zh
    assert "You scored 80+ at difficulty 2: moving up to 3." in s.reason.en
    # ... and from the top level there is nowhere up to go.
    after_top = [att(1, hard, 85), att(2, easy, 90)]
    assert advice.target_difficulty(after_top, library) == (3, "same", 3)


# -- the suggestion ----------------------------------------------------------------------
@pytest.mark.parametrize(
    ("ui", "script"), [("zh", "zh-Hans"), ("zh-Hant", "zh-Hant"), ("en", "en")]
)
def test_first_suggestion_is_entry_level_in_the_trainee_language(
    library: Library, ui: str, script: str
) -> None:
    s = advice.suggest_next([], library, user_lang=ui)
    assert s is not None
    chosen = library.scenarios[s.scenario_id]
    assert (chosen.difficulty, chosen.language, s.move) == (1, script, "start")
    assert "入门" in s.reason.zh and "entry level" in s.reason.en


def test_weakest_criterion_picks_an_unplayed_scenario_that_exercises_it(library: Library) -> None:
    rows = [
        att(1, "car-vent-phone-holder-falls-off", 85, ("listening",)),
        att(2, "glass-teapot-arrived-shattered", 82, ("listening",)),
    ]
    s = advice.suggest_next(rows, library, user_lang="zh")
    assert s is not None
    chosen = library.scenarios[s.scenario_id]
    assert s.scenario_id not in {a.scenario_id for a in rows}
    assert (chosen.difficulty, chosen.language, s.move) == (2, "zh-Hans", "up")
    assert s.criterion == "listening"
    assert advice.exercises(chosen)["listening"] >= advice.EXERCISE_MIN
    assert "倾听询问" in s.reason.zh and "Listening" in s.reason.en
    assert "升到难度 2" in s.reason.zh and "moving up to 2" in s.reason.en


def test_suggestion_is_deterministic_whatever_the_row_order(library: Library) -> None:
    rows = [
        att(i, sid, 60 + 5 * i, ("remedy",) if i % 2 else ("no_blame",))
        for i, sid in enumerate(sorted(library.scenarios)[:6], start=1)
    ]
    first = advice.suggest_next(rows, library, user_lang="en")
    for seed in range(5):
        shuffled = list(rows)
        random.Random(seed).shuffle(shuffled)
        assert advice.suggest_next(shuffled, library, user_lang="en") == first


def test_without_a_ui_language_the_most_played_language_wins(library: Library) -> None:
    rows = [att(1, "dutch-oven-sold-out-after-payment", 50, ("remedy",))]
    s = advice.suggest_next(rows, library)
    assert s is not None and library.scenarios[s.scenario_id].language == "en"


def test_when_everything_in_reach_was_played_the_lowest_best_score_comes_back(
    library: Library,
) -> None:
    easy, shoes, shirt = (
        "car-vent-phone-holder-falls-off",
        "wrong-size-shoes",
        "pure-cotton-shirt-mostly-polyester",
    )
    small = Library(scenarios={i: library.scenarios[i] for i in (easy, shoes, shirt)})
    rows = [
        att(1, easy, 90),
        att(2, shoes, 70, ("remedy",)),
        att(3, easy, 92),
        att(4, shirt, 85, ("remedy",)),
    ]
    s = advice.suggest_next(rows, small, user_lang="zh")
    assert s is not None and (s.scenario_id, s.move) == (shoes, "same")
    assert "70" in s.reason.zh and "70" in s.reason.en


def test_no_scenario_at_the_target_level_in_that_language_says_so(library: Library) -> None:
    small = Library(
        scenarios={
            i: library.scenarios[i]
            for i in ("dutch-oven-sold-out-after-payment", "wrong-size-shoes")
        }
    )
    rows = [att(1, "dutch-oven-sold-out-after-payment", 95)]
    s = advice.suggest_next(rows, small, user_lang="en")
    assert s is not None and s.scenario_id == "dutch-oven-sold-out-after-payment"
    assert "difficulty 2" in s.reason.en
    assert advice.suggest_next([], Library()) is None


def test_next_in_set_skips_done_scenarios_and_wraps(library: Library) -> None:
    ids = library.sets["first-week"].scenarios
    rows = [att(1, ids[1], 90), att(2, ids[2], 50)]
    assert advice.next_in_set(ids, rows, current=ids[0]) == ids[3]
    assert advice.next_in_set(ids, rows, current=ids[0], pass_mark=70) == ids[2]
    assert advice.next_in_set(ids, rows, current=ids[-1]) == ids[0]
    everything = [att(i, sid, 90) for i, sid in enumerate(ids, start=1)]
    assert advice.next_in_set(ids, everything, current=ids[0]) is None


# -- replaying a stored attempt ---------------------------------------------------------
REPLIES = [
    "非常抱歉给您发错了尺码!方便拍一下鞋盒上的尺码标签吗?",
    "看到了,是我们发错了。今天给您寄42码,错的那双顺丰到付寄回,运费我们承担。",
]


def stored(scenario_id: str, replies: list[str], seed: int = 3) -> Attempt:
    rows = tuple(Reply(i, text, 1000.0 + 30 * (i + 1)) for i, text in enumerate(replies))
    return Attempt(7, "amy", scenario_id, "practice", seed, 1000.0, "finished", replies=rows[::-1])


def test_session_from_attempt_replays_the_same_conversation(library: Library) -> None:
    scenario = library.scenarios["wrong-size-shoes"]
    live = Session(scenario, seed=3, started_at=1000.0)
    for i, text in enumerate(REPLIES):
        live.submit(text, at=1000.0 + 30 * (i + 1))
    replayed = session_from_attempt(stored(scenario.id, REPLIES), scenario)
    assert replayed.to_dict() == live.to_dict()
    assert replayed.ending == "resolved"
    assert replayed.result().to_dict() == live.result().to_dict()
    assert [r["text"] for r in attempt_state(stored(scenario.id, REPLIES))["replies"]] == REPLIES


def test_an_attempt_that_no_longer_fits_is_a_replay_error(library: Library) -> None:
    scenario = library.scenarios["wrong-size-shoes"]
    with pytest.raises(ReplayError, match="not 'wrong-size-shoes'"):
        session_from_attempt(stored("kettle-leaking-from-base", REPLIES), scenario)
    with pytest.raises(ReplayError, match="ends earlier"):
        session_from_attempt(stored(scenario.id, [*REPLIES, "还有别的问题吗?"]), scenario)


@pytest.mark.parametrize("module", ["simulator.advice", "simulator.attempts"])
def test_pure_modules_import_no_textual_and_no_database(module: str) -> None:
    code = (
        f"import sys, {module}\n"
        "print(','.join(m for m in ('textual', 'sqlalchemy', 'sqlite3') if m in sys.modules))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == ""
