"""A round of the Script drill: schedule-driven picking, misses coming back, the summary."""

from __future__ import annotations

from dataclasses import replace

from scoring.model import Message
from simulator.drill import MISS_DELAY_S, KeyPoint, ScriptItem, ScriptSet
from simulator.drill_round import MAX_TRIES, DrillRound
from simulator.store.base import DrillStat

NOW = 1_800_000_000.0
LINE = "您好，请问有什么可以帮您？"
ITEM = ScriptItem(
    "hello",
    Message("开场", "Opening"),
    (LINE,),
    (KeyPoint("greet", Message("问好", "Greeting"), ("您好",)),),
)
SET = ScriptSet(
    "demo",
    Message("演示", "Demo"),
    "chat",
    "zh-Hans",
    tuple(replace(ITEM, id=f"i{n}") for n in range(8)),
)


def attempt(rnd: DrillRound, typed: str, now: float, elapsed: float = 5.0) -> DrillStat:
    """Check ``typed`` against the current item and keep it, as the screen does after saving."""
    result, stat = rnd.check(typed, now, elapsed)
    rnd.record(result, stat, now, elapsed)
    return stat


def test_a_round_takes_the_first_items_of_a_fresh_set() -> None:
    rnd = DrillRound.start(SET, {}, NOW, size=4)
    assert rnd.item_ids == ("i0", "i1", "i2", "i3")
    assert rnd.current == "i0"
    assert rnd.done_count == 0 and rnd.learned() == 0


def test_due_lines_open_the_round() -> None:
    stats = {
        "i0": DrillStat("demo", "i0", 2, NOW + 3600, 2, 0, 100.0, 5.0),
        "i5": DrillStat("demo", "i5", 0, NOW - 10, 3, 2, 40.0, 9.0),
    }
    rnd = DrillRound.start(SET, stats, NOW, size=3)
    assert rnd.item_ids == ("i5", "i1", "i2")
    assert rnd.learned() == 1


def test_a_missed_line_comes_back_once_due_before_new_ones() -> None:
    rnd = DrillRound.start(SET, {}, NOW, size=5)
    miss = attempt(rnd, "在吗", NOW)
    assert miss.box == 0 and miss.due_at == NOW + MISS_DELAY_S
    assert rnd.advance(NOW) == "i1"  # not yet due: a new line first
    attempt(rnd, LINE, NOW + 10)
    assert rnd.advance(NOW + 10) == "i2"
    attempt(rnd, LINE, NOW + 20)
    assert rnd.advance(NOW + MISS_DELAY_S + 1) == "i0"  # due now: before i3 and i4


def test_the_same_line_is_not_asked_twice_in_a_row_while_others_are_open() -> None:
    rnd = DrillRound.start(SET, {}, NOW, size=2)
    attempt(rnd, "在吗", NOW)
    assert rnd.advance(NOW + 100) == "i1"
    attempt(rnd, LINE, NOW + 100)
    assert rnd.advance(NOW + 100) == "i0"  # the only one left


def test_an_item_is_done_when_passed_or_out_of_tries() -> None:
    rnd = DrillRound.start(SET, {}, NOW, size=1)
    for n in range(MAX_TRIES):
        assert not rnd.finished
        attempt(rnd, "在吗", NOW + n)
        rnd.advance(NOW + n)
    assert rnd.finished and rnd.current is None


def test_summary_counts_first_try_and_final_passes_and_names_the_weakest() -> None:
    rnd = DrillRound.start(SET, {}, NOW, size=3)
    attempt(rnd, LINE, NOW, 4)  # i0 right first time
    rnd.advance(NOW)
    attempt(rnd, "在吗", NOW, 6)  # i1 missed ...
    rnd.advance(NOW)
    attempt(rnd, "您好", NOW, 3)  # i2 missed too
    rnd.advance(NOW + 100)
    assert rnd.current == "i1"
    attempt(rnd, LINE, NOW + 100, 5)  # ... then right
    s = rnd.summary()
    assert (s.items, s.first_try, s.right, s.attempts) == (3, 1, 2, 4)
    assert s.total_s == 18
    assert [w[0] for w in s.weakest] == ["i2", "i1"]  # as many misses, lower best score first
    i1 = next(w for w in s.weakest if w[0] == "i1")
    assert i1 == ("i1", 100, 1)
    assert rnd.learned() == 2


def test_the_round_core_never_loads_textual() -> None:
    """The round logic is the pure core: the TUI renders it, nothing here needs a terminal."""
    import subprocess
    import sys

    code = "import sys, simulator.drill_round; print('textual' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"
