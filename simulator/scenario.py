"""The strict scenario parser (pure: YAML documents in, values out).

The values are in simulator/scenario_model.py and the two-language text checks in
simulator/scenario_text.py; both are re-exported here. See docs/scenario-format.md. ``parse_scenario`` reports every problem it finds
as a ``YamlProblem`` located at the offending key, with a did-you-mean hint for
misspelt keys; ``graph_problems`` adds the checks that need the whole graph.
"""

from __future__ import annotations

import re
from collections.abc import Set
from dataclasses import dataclass
from difflib import get_close_matches
from typing import Any

from scoring.model import CHANNELS, CONVERSATION_CRITERIA, REVIEW_CRITERIA, Message
from scoring.rule_file import REMEDY_TYPES, SPECIFICS, TARGETS
from scoring.yamldoc import Said, YamlDoc, YamlProblem, check_keys
from simulator.graph import graph_problems  # here, so forked validation workers inherit it
from simulator.said import AppSaid, said
from simulator.scenario_model import (
    BOOL_CONDITIONS,
    CATEGORIES,
    CONDITIONS,
    CURRENCY_NAMES,
    LANGUAGES,
    NUM_CONDITIONS,
    OUTCOMES,
    Buyer,
    Check,
    Ending,
    Node,
    Policy,
    Scenario,
    SelfTest,
    Transition,
    money,
    order_value,
)
from simulator.scenario_text import _text_read_as_key, field_name, out_of_range, text_pair_problems

__all__ = [
    "CURRENCY_NAMES",
    "Buyer",
    "Check",
    "Ending",
    "Node",
    "Policy",
    "Scenario",
    "SelfTest",
    "LANGUAGES",
    "Transition",
    "field_name",
    "money",
    "out_of_range",
    "parse_scenario",
    "read_scenario",
    "Reading",
    "text_pair_problems",
]

_ID = re.compile(r"^[a-z0-9][a-z0-9-]*$")
_MOOD = re.compile(r"[+-]?\d+")
# Key sets, built once (the parser checks them for every mapping of every file).
_CONDITION_KEYS = frozenset(CONDITIONS)
_TRANSITION_KEYS = frozenset({"if", "else", "mood", "goto", "why"})
_GOTO = frozenset({"goto"})
_NODE_KEYS = frozenset({"say", "model_reply", "on"})
_PAPER_NODE_REQUIRED = frozenset({"say", "on"})
_POLICY_KEYS = frozenset({"allowed", "return_postage", "notes"})
_POLICY_REQUIRED = frozenset({"allowed", "return_postage"})
_REMEDY_KEYS = frozenset(REMEDY_TYPES)
_MAX = frozenset({"max"})
_BUYER_KEYS = frozenset({"name", "temperament", "mood", "patience", "gives_up"})
_BUYER_REQUIRED = frozenset({"name", "mood"})
_CHECKS_KEYS = frozenset({"must", "must_not"})
_CHECK_KEYS = frozenset({"id", "text", "when"})
_TEST_KEYS = frozenset({"name", "replies", "expect"})
_EXPECT_KEYS = frozenset({"ending", "mood", "criteria", "checks"})
_BRIEFING_KEYS = frozenset({"situation", "order", "policy"})
_BRIEFING_REQUIRED = frozenset({"situation", "policy"})
_ENDING_KEYS = frozenset({"outcome", "say", "summary"})
_ENDING_REQUIRED = frozenset({"outcome", "summary"})

TOP_KEYS = {
    "id", "title", "category", "channel", "difficulty", "language", "tags", "response_target_s",
    "briefing", "buyer", "start", "nodes", "endings", "checks", "tests",
}  # fmt: skip
REQUIRED_TOP = {"id", "title", "category", "channel", "difficulty", "language", "briefing", "buyer",
                "start", "nodes", "endings"}  # fmt: skip
# Every key a scenario file has, for the YAML reader's messages (a key indented too far).
KEYS = frozenset({
    *TOP_KEYS, *_CONDITION_KEYS, *_TRANSITION_KEYS, *_NODE_KEYS, *_POLICY_KEYS, *_REMEDY_KEYS,
    *_MAX, *_BUYER_KEYS, *_CHECKS_KEYS, *_CHECK_KEYS, *_TEST_KEYS, *_EXPECT_KEYS,
    *_BRIEFING_KEYS, *_ENDING_KEYS, "zh", "en",
})  # fmt: skip


# Where a problem leaves the conversation as the author wrote it, so that the
# self-tests still tell the truth: texts shown to people, the model replies, the
# labels. None matches any key or index. A problem anywhere else (a reaction, a
# condition, the policy, the buyer's mood...) means the engine would play
# something else, and the self-tests wait until it is fixed.
_NOT_PLAYED: tuple[tuple[str | None, ...], ...] = (
    ("id",), ("title",), ("category",), ("difficulty",), ("language",), ("tags",),
    ("briefing", "situation"), ("briefing", "order"), ("briefing", "policy", "notes"),
    ("buyer", "name"), ("buyer", "temperament"),
    ("nodes", None, "model_reply"), ("nodes", None, "on", None, "why"),
    ("endings", None, "outcome"), ("endings", None, "say"), ("endings", None, "summary"),
    ("checks", None, None, "text"),
    ("tests", None, "name"),
)  # fmt: skip


def _played(path: tuple) -> bool:
    """Whether what sits at ``path`` changes how the scenario plays."""
    return not any(
        len(path) >= len(p) and all(x is None or x == y for x, y in zip(p, path, strict=False))
        for p in _NOT_PLAYED
    )


class _Reader:
    """Typed access to a YamlDoc that records problems instead of raising."""

    def __init__(self, doc: YamlDoc, paper: bool = False) -> None:
        self.doc = doc
        self.paper = paper  # a published scenario without its answer key
        self.problems: list[YamlProblem] = []
        self.untestable = False  # a problem changes how the scenario plays
        self.bad_tests: set[int] = set()  # self-tests with problems of their own

    def _touch(self, path: tuple | None) -> None:
        """Note what a problem at ``path`` (None: nothing that plays) does to the self-tests."""
        if path is None or not _played(path):
            return
        if len(path) >= 2 and path[0] == "tests" and isinstance(path[1], int):
            self.bad_tests.add(path[1])
        else:
            self.untestable = True

    def fail(self, path: tuple, message: Said) -> None:
        self.problems.append(self.doc.problem(path, message))
        self._touch(path)

    def mapping(
        self,
        path: tuple,
        value: Any,
        allowed: Set[str],
        required: Set[str] = frozenset(),
    ) -> dict:
        if not isinstance(value, dict):
            self.fail(path, said("must_be_mapping"))
            return {}
        found = check_keys(self.doc, path, value, allowed, required)
        if found:
            self.problems.extend(found)
            # An unknown key stands for the key it resembles (left out, so it
            # matters as that key would); one like no key is just ignored.
            for key in value.keys() - allowed:
                hint = get_close_matches(key, sorted(allowed), n=1)
                self._touch((*path, hint[0]) if hint else None)
            for key in required - value.keys():
                self._touch((*path, key))
        return value

    def text(self, path: tuple, value: Any) -> str:
        if type(value) is str and value.strip():
            return value  # the common case: what the checks below let through as it is
        if isinstance(value, dict) and len(value) == 1:
            self.fail(path, _text_read_as_key(path, value))
            return ""
        if (
            not isinstance(value, str | int | float)
            or isinstance(value, bool)
            or str(value).strip() == ""
        ):
            self.fail(path, said("text.required", field=field_name(path)))
            return ""
        return str(value)

    def message(self, path: tuple, value: Any) -> Message:
        if type(value) is dict and len(value) == 2:  # the common case: {zh: ..., en: ...}
            zh, en = value.get("zh"), value.get("en")
            if type(zh) is str and type(en) is str and zh.strip() and en.strip():
                return Message(zh, en)
        texts, problems = text_pair_problems(self.doc, path, value)
        self.problems.extend(problems)
        if problems:
            self._touch(path)
        return Message(texts.get("zh", "?"), texts.get("en", "?"))

    def texts(self, path: tuple, value: Any) -> tuple[str, ...]:
        if isinstance(value, str):
            value = [value]
        if not isinstance(value, list) or not value:
            self.fail(path, said("text.list_required", field=field_name(path)))
            return ()
        return tuple(self.text((*path, i), v) for i, v in enumerate(value))

    def choice(self, path: tuple, value: Any, allowed: tuple[str, ...], what: str) -> str:
        """One of ``allowed``; ``what``: its name, a key of ``validate.what``."""
        if value not in allowed:
            what_said = said(f"what.{what}")
            self.fail(
                path, said("choice", what=what_said, value=repr(value), choices=", ".join(allowed))
            )
            return allowed[0]
        return str(value)

    def integer(
        self, path: tuple, value: Any, low: int, high: int, meaning: AppSaid | None = None
    ) -> int:
        """A whole number in [low, high]; ``meaning`` tells what the range means."""
        if not isinstance(value, int) or isinstance(value, bool) or not low <= value <= high:
            whole = said("range.whole", low=low, high=high)
            self.fail(path, out_of_range(path, whole, value, meaning))
            return low
        return value


def parse_condition(r: _Reader, path: tuple, value: Any) -> dict[str, Any]:
    """A condition mapping (``if`` / ``when``), checked key by key."""
    cond = r.mapping(path, value, _CONDITION_KEYS)
    for key, v in cond.items():
        p = (*path, key)
        if key in BOOL_CONDITIONS and not isinstance(v, bool):
            r.fail(p, said("bool", key=key))
        elif key in ("mood_at_least", "mood_at_most"):
            r.integer(p, v, 0, 100, said("range.mood"))
        elif key in NUM_CONDITIONS and (
            not isinstance(v, int | float) or isinstance(v, bool) or v < 0
        ):
            r.fail(p, out_of_range(p, said("range.amount"), v))
        elif key in ("remedy_type", "blame_target", "specific"):
            allowed = {"remedy_type": REMEDY_TYPES, "blame_target": TARGETS, "specific": SPECIFICS}[
                key
            ]
            for item in v if isinstance(v, list) else [v]:
                r.choice(p, item, allowed, key)
    return dict(cond)


def _mood_delta(r: _Reader, path: tuple, value: Any) -> int:
    if value is None:
        return 0
    if isinstance(value, str) and _MOOD.fullmatch(value.strip()):
        value = int(value)
    if not isinstance(value, int) or isinstance(value, bool) or not -100 <= value <= 100:
        r.fail(path, out_of_range(path, said("range.mood_change"), value))
        return 0
    return value


def _parse_transition(r: _Reader, path: tuple, raw: Any) -> Transition | None:
    t = r.mapping(path, raw, _TRANSITION_KEYS, _GOTO)
    if not t:
        return None
    if ("if" in t) == ("else" in t):
        r.fail(path, said("reaction.if_or_else"))
    if "else" in t and t["else"] is not True:
        r.fail((*path, "else"), said("reaction.else_true"))
    cond = parse_condition(r, (*path, "if"), t["if"]) if "if" in t else {}
    why = r.message((*path, "why"), t["why"]) if "why" in t else None
    goto = r.text((*path, "goto"), t["goto"]) if "goto" in t else ""
    return Transition(cond, _mood_delta(r, (*path, "mood"), t.get("mood")), goto, why, "else" in t)


def _parse_node(r: _Reader, path: tuple, node_id: str, raw: Any) -> Node:
    n = r.mapping(path, raw, _NODE_KEYS, _PAPER_NODE_REQUIRED if r.paper else _NODE_KEYS)
    on_raw = n.get("on")
    if not isinstance(on_raw, list) or not on_raw:
        if "on" in n:  # a missing key is reported once, as missing
            r.fail((*path, "on"), said("reaction.list", field=field_name((*path, "on"))))
        on_raw = []
    on = tuple(t for i, x in enumerate(on_raw) if (t := _parse_transition(r, (*path, "on", i), x)))
    if on and not on[-1].is_else:
        r.fail((*path, "on"), said("reaction.last_else"))
    model = r.text((*path, "model_reply"), n.get("model_reply")) if "model_reply" in n else ""
    say = r.texts((*path, "say"), n.get("say")) if "say" in n else ()
    return Node(node_id, say, model, on)


def _parse_policy(r: _Reader, path: tuple, raw: Any) -> Policy:
    p = r.mapping(path, raw, _POLICY_KEYS, _POLICY_REQUIRED)
    allowed_raw = r.mapping((*path, "allowed"), p.get("allowed", {}), _REMEDY_KEYS)
    allowed: dict[str, float | None] = {}
    for kind, limit in allowed_raw.items():
        lim = r.mapping((*path, "allowed", kind), limit if limit is not None else {}, _MAX)
        mx = lim.get("max")
        if mx is not None and (not isinstance(mx, int | float) or isinstance(mx, bool) or mx < 0):
            r.fail(
                (*path, "allowed", kind, "max"),
                out_of_range((*path, "allowed", kind, "max"), said("range.amount"), mx),
            )
            mx = None
        allowed[kind] = float(mx) if mx is not None else None
    postage = r.choice(
        (*path, "return_postage"), p.get("return_postage", "shop"), ("shop", "buyer"), "payer"
    )
    notes = r.message((*path, "notes"), p["notes"]) if "notes" in p else None
    return Policy(allowed, postage, notes)


def _parse_buyer(r: _Reader, path: tuple, raw: Any) -> Buyer:
    b = r.mapping(path, raw, _BUYER_KEYS, _BUYER_REQUIRED)
    return Buyer(
        name=r.text((*path, "name"), b.get("name")),
        temperament=r.message((*path, "temperament"), b["temperament"])
        if "temperament" in b
        else Message("", ""),
        mood=r.integer((*path, "mood"), b.get("mood"), 0, 100, said("range.calm_furious")),
        patience=r.integer(
            (*path, "patience"), b.get("patience", 3), 1, 20, said("range.patience")
        ),
        gives_up=r.text((*path, "gives_up"), b["gives_up"]) if "gives_up" in b else None,
    )


def _parse_checks(r: _Reader, raw: Any) -> tuple[Check, ...]:
    c = r.mapping(("checks",), raw, _CHECKS_KEYS)
    out = []
    for kind in ("must", "must_not"):
        items = c.get(kind, [])
        if not isinstance(items, list):
            r.fail(("checks", kind), said("must_be_list"))
            continue
        for i, item in enumerate(items):
            p = ("checks", kind, i)
            m = r.mapping(p, item, _CHECK_KEYS, _CHECK_KEYS)
            if m:
                out.append(
                    Check(
                        r.text((*p, "id"), m.get("id")),
                        r.message((*p, "text"), m.get("text")),
                        parse_condition(r, (*p, "when"), m.get("when")),
                        kind == "must",
                    )
                )
    return tuple(out)


def _parse_tests(r: _Reader, raw: Any) -> tuple[SelfTest, ...]:
    if not isinstance(raw, list):
        r.fail(("tests",), said("tests_list"))
        return ()
    out = []
    for i, item in enumerate(raw):
        p = ("tests", i)
        t = r.mapping(p, item, _TEST_KEYS, _TEST_KEYS)
        if not t:
            out.append(SelfTest("", (), {}))  # kept, so that tests[i] is the file's i-th test
            continue
        expect = r.mapping((*p, "expect"), t.get("expect"), _EXPECT_KEYS)
        for key in ("criteria", "checks"):
            verdicts = expect.get(key)
            if verdicts is not None and not (
                isinstance(verdicts, dict) and all(isinstance(v, bool) for v in verdicts.values())
            ):
                example = f"{key}: {{{'no_blame' if key == 'criteria' else 'my-check'}: true}}"
                field = field_name((*p, "expect", key))
                r.fail((*p, "expect", key), said("verdicts", field=field, example=example))
        mood = expect.get("mood")
        if mood is not None and not (
            isinstance(mood, list)
            and len(mood) == 2
            and all(isinstance(x, int) and not isinstance(x, bool) for x in mood)
            and 0 <= mood[0] <= mood[1] <= 100
        ):
            r.fail(
                (*p, "expect", "mood"),
                out_of_range((*p, "expect", "mood"), said("range.mood_range"), mood),
            )
        out.append(
            SelfTest(
                r.text((*p, "name"), t.get("name")),
                r.texts((*p, "replies"), t.get("replies")),
                expect,
            )
        )
    return tuple(out)


@dataclass(frozen=True)
class Reading:
    """A scenario document read: the Scenario (None if it could not be made), every
    problem, and which self-tests can still run."""

    scenario: Scenario | None
    problems: list[YamlProblem]
    untestable: bool = False  # a problem changes how the scenario plays: no self-test runs
    bad_tests: frozenset[int] = frozenset()  # self-tests with problems of their own
    tests_written: int = 0  # the entries under ``tests``, run or not

    def runnable_tests(self) -> tuple[int, ...]:
        """The indices of the self-tests that can run (none if the scenario is unplayable)."""
        if self.scenario is None or self.untestable:
            return ()
        return tuple(i for i in range(len(self.scenario.tests)) if i not in self.bad_tests)


def parse_scenario(
    doc: YamlDoc, *, paper: bool = False
) -> tuple[Scenario | None, list[YamlProblem]]:
    """A Scenario from a parsed YAML document, and every problem found.

    ``paper``: the document is a published scenario's paper (simulator.papers),
    which has no model replies; they come later, with its key.
    """
    reading = read_scenario(doc, paper=paper)
    return reading.scenario, reading.problems


def read_scenario(doc: YamlDoc, *, paper: bool = False) -> Reading:
    """``parse_scenario``, also saying which self-tests the problems leave runnable.

    A problem in what the engine plays (the nodes' reactions, the conditions,
    the policy card, the buyer's mood and patience...) leaves no self-test
    runnable; one in a test leaves that test out; one in a text, a label, a
    model reply or the id changes nothing the self-tests see.
    """
    r = _Reader(doc, paper)
    d = r.mapping((), doc.data, TOP_KEYS, REQUIRED_TOP)
    written = d.get("tests") if isinstance(d, dict) else None
    count = len(written) if isinstance(written, list) else 0
    if not d or r.problems and not d.keys() >= REQUIRED_TOP:
        return Reading(None, r.problems, untestable=True, tests_written=count)
    sid = r.text(("id",), d.get("id"))
    if sid and not _ID.match(sid):
        r.fail(("id",), said("id_chars"))
    brief = r.mapping(("briefing",), d.get("briefing"), _BRIEFING_KEYS, _BRIEFING_REQUIRED)
    nodes_raw = r.mapping(("nodes",), d.get("nodes"), set(d.get("nodes") or {}))
    endings_raw = r.mapping(("endings",), d.get("endings"), set(d.get("endings") or {}))
    nodes = {k: _parse_node(r, ("nodes", k), k, v) for k, v in nodes_raw.items()}
    endings = {}
    for k, v in endings_raw.items():
        e = r.mapping(("endings", k), v, _ENDING_KEYS, _ENDING_REQUIRED)
        endings[k] = Ending(
            k,
            r.choice(("endings", k, "outcome"), e.get("outcome"), OUTCOMES, "outcome"),
            r.texts(("endings", k, "say"), e["say"]) if "say" in e else (),
            r.message(("endings", k, "summary"), e.get("summary")),
        )
    target = d.get("response_target_s")
    if target is not None and (
        not isinstance(target, int | float) or isinstance(target, bool) or target <= 0
    ):
        r.fail(
            ("response_target_s",),
            out_of_range(("response_target_s",), said("range.seconds"), target),
        )
        target = None
    tags = d.get("tags", [])
    if not isinstance(tags, list) or not all(isinstance(t, str) for t in tags):
        r.fail(("tags",), said("words_list"))
        tags = []
    order = brief.get("order", {})
    if not isinstance(order, dict):
        r.fail(("briefing", "order"), said("must_be_mapping"))
        order = {}
    scenario = Scenario(
        id=sid,
        title=r.message(("title",), d.get("title")),
        category=r.choice(("category",), d.get("category"), CATEGORIES, "category"),
        channel=r.choice(("channel",), d.get("channel"), CHANNELS, "channel"),
        difficulty=r.integer(("difficulty",), d.get("difficulty"), 1, 3, said("range.difficulty")),
        language=r.choice(("language",), d.get("language"), LANGUAGES, "language"),
        tags=tuple(tags),
        response_target_s=float(target) if target is not None else None,
        situation=r.message(("briefing", "situation"), brief.get("situation")),
        order={str(k): order_value(v) for k, v in order.items()},
        policy=_parse_policy(r, ("briefing", "policy"), brief.get("policy")),
        buyer=_parse_buyer(r, ("buyer",), d.get("buyer")),
        start=r.text(("start",), d.get("start")),
        nodes=nodes,
        endings=endings,
        checks=_parse_checks(r, d["checks"]) if "checks" in d else (),
        tests=_parse_tests(r, d["tests"]) if "tests" in d else (),
        file=doc.file,
        line_of={k: doc.where(("nodes", k))[0] for k in nodes},
    )
    r.problems.extend(_unknown_names(scenario, doc))
    graph = graph_problems(scenario, doc)
    r.problems.extend(graph)
    untestable = r.untestable or bool(graph) and not _plays_through(scenario)
    return Reading(scenario, r.problems, untestable, frozenset(r.bad_tests), count)


def _plays_through(s: Scenario) -> bool:
    """Whether every move the engine can make leads somewhere: the start is a node,
    each goto and the buyer's giving up name a node or an ending, and no name is
    both. (A node nobody reaches or an ending never reached plays as written.)"""
    targets = set(s.nodes) | set(s.endings)
    return (
        s.start in s.nodes
        and not set(s.nodes) & set(s.endings)
        and (s.buyer.gives_up is None or s.buyer.gives_up in s.endings)
        and all(t.goto in targets for node in s.nodes.values() for t in node.on)
    )


def _unknown_names(s: Scenario, doc: YamlDoc) -> list[YamlProblem]:
    """Criteria and checks a self-test expects that the scenario does not have, each at
    its name. The test still runs, without that name."""
    criteria = (*CONVERSATION_CRITERIA, *(REVIEW_CRITERIA if s.channel == "review_reply" else ()))
    checks = [c.id for c in s.checks]
    out = []
    for i, test in enumerate(s.tests):
        for key, known, what in (("criteria", criteria, "criterion"), ("checks", checks, "check")):
            verdicts = test.expect.get(key)
            if not isinstance(verdicts, dict):
                continue
            for name in verdicts:
                if name in known:
                    continue
                hint = get_close_matches(name, known, n=1)
                if hint:
                    why: Said = Said.of("yaml.did_you_mean", hint=hint[0])
                elif what == "criterion" and name in REVIEW_CRITERIA:
                    why = said("test.review_only")
                else:
                    why = said("test.names", names=", ".join(known)) if known else said("test.none")
                unknown = said(
                    "test.unknown_name",
                    test=test.name,
                    what=said(f"what.{what}"),
                    name=name,
                    why=why,
                )
                out.append(doc.problem(("tests", i, "expect", key, name), unknown))
    return out
