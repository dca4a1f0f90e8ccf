"""Spaced repetition: Leitner boxes in schedule(), and what next_items() picks."""

from __future__ import annotations

from dataclasses import replace

from hypothesis import given
from hypothesis import strategies as st

from scoring.model import Message
from simulator.drill import (
    BOX_INTERVALS_S,
    MAX_BOX,
    MISS_DELAY_S,
    KeyPoint,
    ScriptItem,
    ScriptSet,
    check_line,
    next_items,
    schedule,
)
from simulator.store.base import DrillStat

NOW = 1_800_000_000.0
ITEM = ScriptItem(
    "hello",
    Message("开场", "Opening"),
    ("您好，请问有什么可以帮您？",),
    (KeyPoint("greet", Message("问好", "Greeting"), ("您好",)),),
)
PASS = check_line(ITEM, "您好，请问有什么可以帮您？")
MISS = check_line(ITEM, "在吗")
SET = ScriptSet(
    "demo",
    Message("演示", "Demo"),
    "chat",
    "zh-Hans",
    tuple(replace(ITEM, id=f"i{n}") for n in range(6)),
)


def stat(item_id: str, box: int = 1, due: float = NOW, missed: int = 0, seen: int = 1) -> DrillStat:
    return DrillStat("demo", item_id, box, due, seen, missed, 80.0, 5.0)


def test_first_pass_goes_to_box_one_for_a_minute():
    s = schedule(None, PASS, NOW, "demo", "hello", 4.2)
    assert s == DrillStat("demo", "hello", 1, NOW + 60, 1, 0, 100.0, 4.2)


def test_passes_climb_the_boxes_with_growing_intervals():
    s, waits = None, []
    for _ in range(MAX_BOX + 2):
        s = schedule(s, PASS, NOW, "demo", "hello", 3.0)
        waits.append(s.due_at - NOW)
    assert waits[:MAX_BOX] == list(BOX_INTERVALS_S)
    assert waits == sorted(waits)
    assert s.box == MAX_BOX and s.seen == MAX_BOX + 2 and s.missed == 0
    assert BOX_INTERVALS_S == (60.0, 600.0, 3600.0, 86400.0, 259200.0, 604800.0)


def test_a_miss_resets_to_box_zero_and_counts():
    s = schedule(stat("hello", box=4, missed=1, seen=7), MISS, NOW, "demo", "hello", 9.0)
    assert (s.box, s.missed, s.seen) == (0, 2, 8)
    assert s.due_at == NOW + MISS_DELAY_S
    assert s.last_score == float(MISS.score) and s.last_elapsed_s == 9.0


def test_missed_items_come_back_sooner():
    clean = schedule(stat("a", box=3, missed=0), PASS, NOW, "demo", "a")
    leech = schedule(stat("b", box=3, missed=3), PASS, NOW, "demo", "b")
    assert clean.box == leech.box == 4
    assert leech.due_at < clean.due_at
    assert leech.due_at - NOW >= BOX_INTERVALS_S[0]


def test_new_and_missed_items_come_before_later_ones():
    stats = {
        "i0": stat("i0", box=5, due=NOW + 3600),  # not due
        "i1": stat("i1", box=0, due=NOW - 10, missed=2),  # missed, due
        "i2": stat("i2", box=2, due=NOW - 600),  # most overdue
    }
    picked = [i.id for i in next_items(SET, stats, NOW, 10)]
    assert picked == ["i2", "i1", "i3", "i4", "i5"]
    assert [i.id for i in next_items(SET, stats, NOW, 2)] == ["i2", "i1"]
    assert [i.id for i in next_items(SET, stats, NOW, 10, ahead=True)][-1] == "i0"
    assert next_items(SET, stats, NOW, 0) == []


def test_ties_go_to_the_lower_box_then_the_most_missed():
    stats = {
        "i3": stat("i3", box=2, due=NOW - 5, missed=0),
        "i4": stat("i4", box=1, due=NOW - 5, missed=0),
        "i5": stat("i5", box=1, due=NOW - 5, missed=4),
    }
    assert [i.id for i in next_items(SET, stats, NOW, 3)] == ["i5", "i4", "i3"]


def test_a_missed_item_returns_within_the_session():
    stats: dict[str, DrillStat] = {}
    now = NOW
    shown = []
    for _ in range(8):
        item = next_items(SET, stats, now, 1)[0]
        shown.append(item.id)
        result = MISS if item.id == "i0" else PASS
        stats[item.id] = schedule(stats.get(item.id), result, now, SET.id, item.id, 5.0)
        now += 10
    # Missed 30 s ago: back before the remaining new items.
    assert shown[:5] == ["i0", "i1", "i2", "i0", "i3"]
    assert shown.count("i0") >= 3


def test_stats_for_unknown_items_are_ignored():
    stats = {"gone": stat("gone", due=NOW - 100)}
    assert [i.id for i in next_items(SET, stats, NOW, 3)] == ["i0", "i1", "i2"]


@given(
    st.dictionaries(
        st.sampled_from([f"i{n}" for n in range(6)]),
        st.tuples(st.integers(0, MAX_BOX), st.floats(-1e6, 1e6), st.integers(0, 20)),
    ),
    st.integers(0, 8),
)
def test_next_items_is_deterministic_and_due_first(raw, n):
    stats = {k: stat(k, box=b, due=NOW + d, missed=m) for k, (b, d, m) in raw.items()}
    first = next_items(SET, stats, NOW, n, ahead=True)
    assert first == next_items(SET, dict(reversed(list(stats.items()))), NOW, n, ahead=True)
    assert len(first) == min(n, len(SET.items))
    assert len({i.id for i in first}) == len(first)
    due = [i.id in stats and stats[i.id].due_at <= NOW for i in first]
    assert due == sorted(due, reverse=True)  # every due item before any other
