"""Whole-graph checks of a scenario: references, reachability, endings, model replies."""

from __future__ import annotations

from difflib import get_close_matches
from typing import TYPE_CHECKING

from scoring.yamldoc import Said, YamlDoc, YamlProblem
from simulator.said import said

if TYPE_CHECKING:
    from simulator.scenario import Scenario


def graph_problems(s: Scenario, doc: YamlDoc) -> list[YamlProblem]:
    """Unknown references, unreachable nodes and nodes that cannot end (a missing
    or empty model_reply is reported where the node is read)."""
    problems: list[YamlProblem] = []
    targets = set(s.nodes) | set(s.endings)
    clash = set(s.nodes) & set(s.endings)
    for name in sorted(clash):
        problems.append(doc.problem(("endings", name), said("graph.node_and_ending", name=name)))
    if s.start not in s.nodes:
        problems.append(doc.problem(("start",), said("graph.no_start", start=s.start)))
    if s.buyer.gives_up and s.buyer.gives_up not in s.endings:
        problems.append(
            doc.problem(("buyer", "gives_up"), said("graph.unknown_ending", name=s.buyer.gives_up))
        )
    for node in s.nodes.values():
        for i, t in enumerate(node.on):
            if t.goto and t.goto not in targets:
                hint = _closest(t.goto, targets)
                problems.append(
                    doc.problem(
                        ("nodes", node.id, "on", i, "goto"),
                        said("graph.unknown_target", name=t.goto, hint=hint),
                    )
                )
    reachable = _reach(s, s.start)
    can_end = _can_end(s)
    for node_id in s.nodes:
        if node_id not in reachable:
            problems.append(
                doc.problem(
                    ("nodes", node_id), said("graph.unreachable", node=node_id, start=s.start)
                )
            )
        elif node_id not in can_end:
            problems.append(doc.problem(("nodes", node_id), said("graph.no_ending", node=node_id)))
    used = {t.goto for n in s.nodes.values() for t in n.on} | ({s.buyer.gives_up} - {None})
    for ending in s.endings:
        if ending not in used:
            problems.append(
                doc.problem(("endings", ending), said("graph.ending_unused", name=ending))
            )
    return problems


def _reach(s: Scenario, start: str) -> set[str]:
    seen, todo = set(), [start]
    while todo:
        cur = todo.pop()
        if cur in seen:
            continue
        seen.add(cur)
        if cur in s.nodes:
            todo.extend(t.goto for t in s.nodes[cur].on)
    return seen


def _can_end(s: Scenario) -> set[str]:
    """The endings, and the nodes from which some ending can be reached (each node's
    own ``_reach`` meets an ending), found at once instead of node by node."""
    good = set(s.endings)
    grew = True
    while grew:
        grew = False
        for node_id, node in s.nodes.items():
            if node_id not in good and any(t.goto in good for t in node.on):
                good.add(node_id)
                grew = True
    return good


def _closest(name: str, options: set[str]) -> Said | str:
    hint = get_close_matches(name, sorted(options), n=1)
    return Said.of("yaml.did_you_mean", hint=hint[0]) if hint else ""
