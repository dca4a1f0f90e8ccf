"""Published scenarios and sets: papers for everyone, answer keys behind the 0003 policies."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from simulator.store import schema as t
from simulator.store.base import Paper, SetPaper
from simulator.store.core import SqlCore, now


class PapersMixin(SqlCore):
    """Publish, list, read keys, unpublish (see the 0003 migration for who may)."""

    def publish(
        self, papers: Sequence[tuple[Paper, Mapping[str, str]]], sets: Sequence[SetPaper]
    ) -> None:
        """Store (or replace) scenarios, each with its key, and sets, in one transaction."""
        me = self.actor()
        at = now()

        def work(conn: Connection) -> None:
            for paper, key in papers:
                self._upsert(
                    conn,
                    t.scenario_papers,
                    {
                        "scenario_id": paper.scenario_id,
                        "source": paper.source,
                        "exam": paper.exam,
                        "published_by": me,
                        "published_at": at,
                    },
                    ["scenario_id"],
                )
                self._upsert(
                    conn,
                    t.scenario_keys,
                    {"scenario_id": paper.scenario_id, "model_replies": dict(key)},
                    ["scenario_id"],
                )
            for item in sets:
                values = {
                    "set_id": item.set_id,
                    "source": item.source,
                    "published_by": me,
                    "published_at": at,
                }
                self._upsert(conn, t.set_papers, values, ["set_id"])
                ss = t.set_scenarios
                conn.execute(sa.delete(ss).where(ss.c.set_id == item.set_id))
                if item.scenarios:
                    conn.execute(
                        sa.insert(ss),
                        [
                            {"set_id": item.set_id, "position": i, "scenario_id": sid}
                            for i, sid in enumerate(item.scenarios)
                        ],
                    )

        self._write(work)

    def papers(self) -> Sequence[Paper]:
        """Every published scenario, by id."""
        p = t.scenario_papers
        query = sa.select(p).order_by(p.c.scenario_id)
        return self._read(
            lambda conn: [
                Paper(r.scenario_id, r.source, bool(r.exam), r.published_by, r.published_at)
                for r in conn.execute(query)
            ]
        )

    def set_papers(self) -> Sequence[SetPaper]:
        """Every published set, by id."""

        def work(conn: Connection) -> list[SetPaper]:
            ss = t.set_scenarios.c
            members: dict[str, list[str]] = {}
            for row in conn.execute(
                sa.select(ss.set_id, ss.scenario_id).order_by(ss.set_id, ss.position)
            ):
                members.setdefault(row.set_id, []).append(row.scenario_id)
            sp = t.set_papers
            return [
                SetPaper(
                    r.set_id,
                    r.source,
                    tuple(members.get(r.set_id, ())),
                    r.published_by,
                    r.published_at,
                )
                for r in conn.execute(sa.select(sp).order_by(sp.c.set_id))
            ]

        return self._read(work)

    def scenario_key(self, scenario_id: str) -> Mapping[str, str] | None:
        """A published scenario's model replies by node, or None if unknown or locked."""
        k = t.scenario_keys.c
        query = sa.select(k.model_replies).where(k.scenario_id == scenario_id)
        key = self._read(lambda conn: conn.execute(query).scalar())
        return None if key is None else {str(n): str(v) for n, v in key.items()}

    def unpublish(self, ids: Sequence[str]) -> int:
        """Remove the published scenarios and sets with these ids; how many went."""
        wanted = list(ids)

        def work(conn: Connection) -> int:
            gone = 0
            for table, column in (
                (t.scenario_papers, t.scenario_papers.c.scenario_id),
                (t.set_papers, t.set_papers.c.set_id),
            ):
                gone += conn.execute(sa.delete(table).where(column.in_(wanted))).rowcount
            return gone

        return self._write(work)
