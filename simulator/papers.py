"""Published scenarios: split a scenario into its paper and its answer key, and back.

A supervisor publishes their own scenarios to the team database (``kefu
publish``) so that trainees' machines never hold the files. What everyone may
read is the *paper*: the scenario's YAML without model replies and self-tests
(the self-tests' scripted replies would give the answers away too). The
*key*, the model reply of each node, sits in a table of its own that the
database hides from a trainee until they have submitted the scenario in an
exam, when it is exam material (see the 0003 migration).

Pure apart from the types it shares with the store: text and values in and out.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any

import yaml

from scoring.yamldoc import YamlDoc, YamlError, YamlProblem, parse
from simulator.loader import Library, load_set_doc
from simulator.said import said
from simulator.scenario import Scenario, parse_scenario

if TYPE_CHECKING:
    from simulator.store.base import Paper, SetPaper

SOURCE_PREFIX = "published:"
"""How a published scenario's or set's file is named in messages."""


def _dump(data: Any) -> str:
    return yaml.safe_dump(data, allow_unicode=True, sort_keys=False, width=100)


def paper_source(doc: YamlDoc) -> str:
    """The scenario document's YAML without model replies and self-tests."""
    data = dict(doc.data)
    data.pop("tests", None)
    data["nodes"] = {
        name: {k: v for k, v in node.items() if k != "model_reply"}
        for name, node in data["nodes"].items()
    }
    return _dump(data)


def key_of(scenario: Scenario) -> dict[str, str]:
    """The answer key: each node's model reply."""
    return {node.id: node.model_reply for node in scenario.nodes.values()}


def set_source(doc: YamlDoc) -> str:
    """A set document as YAML text."""
    return _dump(doc.data)


def publication(
    lib: Library, *, exam: bool
) -> tuple[list[tuple[Paper, dict[str, str]]], list[SetPaper]]:
    """What ``Store.publish`` takes for every scenario and set of a checked library."""
    from simulator.store.base import Paper, SetPaper

    items = [
        (Paper(sid, paper_source(lib.docs[sid]), exam), key_of(lib.scenarios[sid]))
        for sid in sorted(lib.scenarios)
    ]
    sets = [
        SetPaper(s.id, set_source(lib.docs[f"set:{s.id}"]), s.scenarios)
        for s in sorted(lib.sets.values(), key=lambda s: s.id)
    ]
    return items, sets


def with_key(scenario: Scenario, key: Mapping[str, str]) -> Scenario:
    """The scenario with its model replies filled in from ``key``."""
    nodes = {
        nid: dataclasses.replace(node, model_reply=key.get(nid, node.model_reply))
        for nid, node in scenario.nodes.items()
    }
    return dataclasses.replace(scenario, nodes=nodes)


def merge(lib: Library, papers: Sequence[Paper], sets: Sequence[SetPaper]) -> list[YamlProblem]:
    """Add published scenarios and sets to ``lib`` (in place); why any were left out.

    An installed scenario or set wins over a published one of the same id
    (``kefu publish`` refuses such ids; this guards databases published to by
    another kefu version), and a published text that no longer parses is left
    out with its problems, so one bad row cannot keep the app from starting. What
    was left out is said as problems, for the caller to show in its language.
    """
    skipped: list[YamlProblem] = []
    for paper in papers:
        doc = _parse_new(paper.scenario_id, "", lib.scenarios, paper.source, skipped)
        if doc is None:
            continue
        scenario, problems = parse_scenario(doc, paper=True)
        if scenario is None or problems:
            skipped.extend(problems)
            continue
        lib.scenarios[scenario.id] = scenario
        lib.docs[scenario.id] = doc
        lib.papers[scenario.id] = paper
    for item in sets:
        doc = _parse_new(item.set_id, "set", lib.sets, item.source, skipped)
        if doc is None:
            continue
        before = len(lib.problems)
        load_set_doc(lib, doc, published=True)
        skipped.extend(lib.problems[before:])
        del lib.problems[before:]
    return skipped


def _parse_new(
    item_id: str,
    kind: str,
    installed: Mapping[str, object],
    source: str,
    skipped: list[YamlProblem],
) -> YamlDoc | None:
    """A published scenario's (``kind`` "") or set's text as a document, unless an
    installed one has its id or it does not parse (said in ``skipped``)."""
    name = f"{SOURCE_PREFIX}{kind}:{item_id}" if kind else f"{SOURCE_PREFIX}{item_id}"
    if item_id in installed:
        skipped.append(YamlProblem(name, 0, 0, said(f"publish.left_out_{kind or 'scenario'}")))
        return None
    try:
        return parse(source, name)
    except YamlError as exc:
        skipped.extend(exc.problems)
        return None
