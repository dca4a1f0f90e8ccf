"""A scenario checked against itself: its self-tests played through the real
session, and its model replies held to its own policy card (pure: values in,
problems out; the loader reads the files)."""

from __future__ import annotations

from collections.abc import Iterable

from scoring.engine import remedy_terms
from scoring.yamldoc import YamlDoc, YamlProblem
from simulator.said import AppSaid, said
from simulator.scenario import Scenario, SelfTest
from simulator.session import Session, policy_breaches


def run_test(s: Scenario, test: SelfTest) -> list[AppSaid]:
    """Play a self-test; what did not go as expected (empty when it passed).

    A criterion or check the scenario does not have is the parser's to report
    (at its name, see ``simulator.scenario``): it is left out here.
    """
    session = Session(s, seed=0)
    for reply in test.replies:
        if session.ended:  # replies after the ending are simply not played
            break
        session.submit(reply)
    res = session.result()
    expect, failures = test.expect, []
    if "ending" in expect and res.ending != expect["ending"]:
        ending = res.ending or said("test.still_talking")
        failures.append(said("test.ending", want=expect["ending"], got=ending))
    if "mood" in expect:
        low, high = expect["mood"]
        if not low <= res.mood <= high:
            failures.append(said("test.mood", low=low, high=high, got=res.mood))
    for name, want in (expect.get("criteria") or {}).items():
        got = res.conversation.criteria.get(name)
        if got is None:
            continue
        if got.passed != want:
            failures.append(said(f"test.criterion_{'passed' if want else 'failed'}", name=name))
    for name, want in (expect.get("checks") or {}).items():
        if name not in res.checks:
            continue
        if res.checks[name] != want:
            failures.append(said(f"test.check_{'met' if want else 'not_met'}", name=name))
    return failures


def scenario_test_problems(
    s: Scenario, doc: YamlDoc, tests: Iterable[int] | None = None
) -> list[YamlProblem]:
    """A scenario's self-test failures, each placed at its test in the file;
    ``tests``: the indices of those to run (default: every one)."""
    out = []
    for i in range(len(s.tests)) if tests is None else tests:
        test = s.tests[i]
        for failure in run_test(s, test):
            out.append(
                doc.problem(("tests", i), said("test.failed", test=test.name, failure=failure))
            )
    return out


def model_reply_problems(s: Scenario, doc: YamlDoc) -> list[YamlProblem]:
    """Model replies must themselves keep to the scenario's policy card."""
    out = []
    for node in s.nodes.values():
        if not node.model_reply:
            continue
        offer = remedy_terms(node.model_reply, channel=s.channel)  # types, amounts: enough
        for breach in policy_breaches(offer, s.policy, s.order.get("currency")):
            out.append(
                doc.problem(("nodes", node.id, "model_reply"), said("policy.breach", breach=breach))
            )
    return out
