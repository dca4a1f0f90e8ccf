"""A scenario set (``scenarios/sets/<id>.yaml``) from a parsed YAML document: every problem.

Pure: takes a :class:`YamlDoc`, returns the checked fields and every problem
found at once, as FILE:LINE:COL, held to the rules scenarios keep (an id of
lower-case letters, digits and ``-`` equal to the file name; a title and a
purpose in ``zh`` and ``en``). Which scenario ids exist is the loader's
question (:func:`unknown_scenarios`), asked even when the set has other
problems, so an author sees everything in one run.
"""

from __future__ import annotations

import re
from collections.abc import Collection
from dataclasses import dataclass
from typing import Any

from scoring.yamldoc import YamlDoc, YamlProblem, check_keys
from simulator.said import said

SET_KEYS = frozenset({"id", "title", "purpose", "pass_mark", "scenarios"})
_ID = re.compile(r"^[a-z0-9][a-z0-9-]*$")


@dataclass(frozen=True)
class SetFields:
    """What a set file says, as far as it could be read (problems aside)."""

    id: str
    title: dict[str, str]
    purpose: dict[str, str]
    pass_mark: int
    scenarios: tuple[str, ...]  # every string entry, duplicates kept, in order


def parse_set(
    doc: YamlDoc, *, file_stem: str | None = None, published: bool = False
) -> tuple[SetFields, list[YamlProblem]]:
    """The set's fields and every problem. ``file_stem``: the id must equal it.
    ``published``: a stored set, which may predate the rule that a purpose is required."""
    problems: list[YamlProblem] = []
    if not isinstance(doc.data, dict):
        problems.append(doc.problem((), said("set.not_mapping")))
        return SetFields("", {}, {}, 0, ()), problems
    data: dict[str, Any] = doc.data
    required = SET_KEYS - {"purpose"} if published else SET_KEYS
    problems += check_keys(doc, (), data, SET_KEYS, required)
    set_id = _set_id(doc, data, file_stem, problems)
    title = _texts(doc, "title", data, problems)
    purpose = _texts(doc, "purpose", data, problems) if "purpose" in data else {}
    mark = data.get("pass_mark", 0)
    if "pass_mark" in data and (
        not isinstance(mark, int) or isinstance(mark, bool) or not 0 <= mark <= 100
    ):
        problems.append(doc.problem(("pass_mark",), said("set.pass_mark", value=repr(mark))))
        mark = 0
    scenarios = _scenario_ids(doc, data, problems) if "scenarios" in data else ()
    return SetFields(set_id, title, purpose, mark, scenarios), problems


def unknown_scenarios(doc: YamlDoc, known: Collection[str]) -> list[YamlProblem]:
    """A problem for each id the set lists that is not a scenario of ``known``."""
    listed = doc.data.get("scenarios") if isinstance(doc.data, dict) else None
    if not isinstance(listed, list):
        return []
    return [
        doc.problem(("scenarios", i), said("set.unknown_scenario", id=sid))
        for i, sid in enumerate(listed)
        if isinstance(sid, str) and sid.strip() and sid not in known
    ]


def _set_id(
    doc: YamlDoc, data: dict[str, Any], file_stem: str | None, problems: list[YamlProblem]
) -> str:
    if "id" not in data:
        return ""
    value = data["id"]
    if not isinstance(value, str) or not _ID.match(value):
        problems.append(doc.problem(("id",), said("set.id_chars")))
        return str(value)
    if file_stem is not None and value != file_stem:
        problems.append(doc.problem(("id",), said("file.id_name", id=value, stem=file_stem)))
    return value


def _texts(
    doc: YamlDoc, key: str, data: dict[str, Any], problems: list[YamlProblem]
) -> dict[str, str]:
    from simulator.scenario import text_pair_problems  # the same rules and words as scenarios

    texts, found = text_pair_problems(doc, (key,), data.get(key))
    problems += found
    return texts


def _scenario_ids(
    doc: YamlDoc, data: dict[str, Any], problems: list[YamlProblem]
) -> tuple[str, ...]:
    value = data["scenarios"]
    if not isinstance(value, list) or not value:
        problems.append(doc.problem(("scenarios",), said("set.scenarios_list")))
        return ()
    seen: dict[str, int] = {}
    ids = []
    for i, sid in enumerate(value):
        if not isinstance(sid, str) or not sid.strip():
            problems.append(doc.problem(("scenarios", i), said("set.scenario_id")))
            continue
        if sid in seen:
            problems.append(
                doc.problem(("scenarios", i), said("set.twice", id=sid, entry=seen[sid] + 1))
            )
        seen.setdefault(sid, i)
        ids.append(sid)
    return tuple(ids)
