"""One round of the Script drill: which line comes next, and how the round went.

Pure: the Leitner state (``DrillStat`` per item) comes in from the caller and
the new state goes back out; nothing here touches disk or the terminal. A
round holds up to :data:`ROUND_SIZE` items picked by ``next_items`` (due
lines first, then new ones, then the rest ahead of schedule). After each
attempt the next item is again chosen by the schedule among the items still
open in the round, so a missed line (due again in ``MISS_DELAY_S``) comes back
before lines that were passed or not yet seen once it is due. An item is done
for the round when passed, or after :data:`MAX_TRIES` attempts.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from simulator.drill import DrillResult, ScriptItem, ScriptSet, check_line, next_items, schedule

if TYPE_CHECKING:
    from simulator.store.base import DrillStat

ROUND_SIZE = 6
MAX_TRIES = 3  # attempts per item and round; then it waits for the next round
WEAKEST = 3  # lines named in the summary


@dataclass(frozen=True)
class Attempt:
    """One typed line of the round, its verdict and the time it took."""

    item_id: str
    result: DrillResult
    elapsed_s: float
    at: float


@dataclass(frozen=True)
class Summary:
    """How a round went: items right (first try, in the end) and the weakest lines."""

    items: int
    first_try: int
    right: int
    attempts: int
    mean_similarity: float
    total_s: float
    weakest: tuple[tuple[str, int, int], ...]  # (item id, best score, misses), worst first


@dataclass
class DrillRound:
    """The items of one round and every attempt at them, in order."""

    script_set: ScriptSet
    stats: dict[str, DrillStat]
    item_ids: tuple[str, ...]
    attempts: list[Attempt] = field(default_factory=list)
    current: str | None = None

    @classmethod
    def start(
        cls,
        script_set: ScriptSet,
        stats: Mapping[str, DrillStat],
        now: float,
        size: int = ROUND_SIZE,
    ) -> DrillRound:
        """A round of the ``size`` items the schedule wants most, the first one current."""
        picked = next_items(script_set, stats, now, size, ahead=True)
        rnd = cls(script_set, dict(stats), tuple(i.id for i in picked))
        rnd.advance(now)
        return rnd

    # -- state ---------------------------------------------------------------------
    def item(self, item_id: str | None = None) -> ScriptItem | None:
        """An item of the set (default: the current one)."""
        key = self.current if item_id is None else item_id
        return self.script_set.item(key) if key else None

    def tries(self, item_id: str) -> list[Attempt]:
        """This round's attempts at ``item_id``."""
        return [a for a in self.attempts if a.item_id == item_id]

    def is_done(self, item_id: str) -> bool:
        """Passed in this round, or tried :data:`MAX_TRIES` times."""
        tries = self.tries(item_id)
        return any(a.result.passed for a in tries) or len(tries) >= MAX_TRIES

    def open_items(self) -> list[str]:
        """Items of the round still to practise, in round order."""
        return [i for i in self.item_ids if not self.is_done(i)]

    @property
    def finished(self) -> bool:
        """Every item passed or out of tries."""
        return not self.open_items()

    @property
    def done_count(self) -> int:
        """Items of the round that are done."""
        return len(self.item_ids) - len(self.open_items())

    def learned(self) -> int:
        """Items of the whole set whose last attempt passed (Leitner box 1 or more)."""
        boxes = [s.box for s in self.stats.values() if self.script_set.item(s.item_id)]
        return sum(1 for box in boxes if box >= 1)

    # -- playing -------------------------------------------------------------------
    def advance(self, now: float) -> str | None:
        """Make the next item current: the schedule's pick among the open items.

        The item just tried is not repeated at once while another is open.
        """
        open_ids = set(self.open_items())
        if not open_ids:
            self.current = None
            return None
        everything = next_items(
            self.script_set, self.stats, now, len(self.script_set.items), ahead=True
        )
        ranked = [i.id for i in everything if i.id in open_ids]
        last = self.attempts[-1].item_id if self.attempts else None
        self.current = next((i for i in ranked if i != last), ranked[0])
        return self.current

    def check(self, typed: str, now: float, elapsed_s: float) -> tuple[DrillResult, DrillStat]:
        """Check ``typed`` against the current item; the item's new state (not yet kept)."""
        item = self.item()
        if item is None:
            raise ValueError("the round is over: no current item")
        result = check_line(item, typed)
        stat = schedule(
            self.stats.get(item.id), result, now, self.script_set.id, item.id, elapsed_s
        )
        return result, stat

    def record(self, result: DrillResult, stat: DrillStat, now: float, elapsed_s: float) -> None:
        """Keep an attempt and its new state (call once the state is saved)."""
        self.stats[stat.item_id] = stat
        self.attempts.append(Attempt(result.item_id, result, elapsed_s, now))

    # -- the end -------------------------------------------------------------------
    def summary(self) -> Summary:
        """Items right, first-try passes, time, and the weakest lines of the round."""
        tried = [i for i in self.item_ids if self.tries(i)]
        first = sum(1 for i in tried if self.tries(i)[0].result.passed)
        right = sum(1 for i in tried if any(a.result.passed for a in self.tries(i)))
        weak = []
        for i in tried:
            tries = self.tries(i)
            misses = sum(1 for a in tries if not a.result.passed)
            if misses:
                weak.append((i, max(a.result.score for a in tries), misses))
        weak.sort(key=lambda w: (-w[2], w[1], self.item_ids.index(w[0])))
        n = len(self.attempts)
        return Summary(
            items=len(self.item_ids),
            first_try=first,
            right=right,
            attempts=n,
            mean_similarity=sum(a.result.similarity for a in self.attempts) / n if n else 0.0,
            total_s=sum(a.elapsed_s for a in self.attempts),
            weakest=tuple(weak[:WEAKEST]),
        )
