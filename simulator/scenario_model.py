"""The Scenario model: immutable values a parsed scenario is made of (see
simulator/scenario.py for the parser and docs/scenario-format.md for the YAML)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from scoring.model import REPLY_CHECKS, REPLY_CRITERIA, Message

CATEGORIES = (
    "quality_defect", "not_as_described", "slow_reply", "rude_service", "slow_shipping",
    "damaged_or_lost", "usage_misunderstanding", "policy_misunderstanding", "wrong_item",
    "out_of_stock", "broken_promise",
)  # fmt: skip
LANGUAGES = ("zh-Hans", "zh-Hant", "en")
OUTCOMES = ("resolved", "review_revised", "escalated", "left_angry", "partial")
BOOL_CONDITIONS = (*REPLY_CRITERIA, *REPLY_CHECKS, "policy_breach", "slow")
NUM_CONDITIONS = ("amount_at_least", "amount_at_most", "mood_at_least", "mood_at_most")
CONDITIONS = (*BOOL_CONDITIONS, *NUM_CONDITIONS, "remedy_type", "blame_target", "specific")


@dataclass(frozen=True)
class Transition:
    """One ``on`` entry: when ``cond`` holds (or ``is_else``), change mood and go."""

    cond: Mapping[str, Any]
    mood: int
    goto: str
    why: Message | None = None
    is_else: bool = False


@dataclass(frozen=True)
class Node:
    """A buyer line (with variants), the model reply, and the reactions."""

    id: str
    say: tuple[str, ...]
    model_reply: str
    on: tuple[Transition, ...]


@dataclass(frozen=True)
class Ending:
    """Where a conversation ends."""

    id: str
    outcome: str
    say: tuple[str, ...]
    summary: Message


@dataclass(frozen=True)
class Check:
    """A scenario-specific must / must-not item."""

    id: str
    text: Message
    when: Mapping[str, Any]
    must: bool


@dataclass(frozen=True)
class SelfTest:
    """Scripted replies with the expected ending, mood range and criteria."""

    name: str
    replies: tuple[str, ...]
    expect: Mapping[str, Any]


@dataclass(frozen=True)
class Policy:
    """The shop's policy card: allowed remedy types with optional max amounts."""

    allowed: Mapping[str, float | None]
    return_postage: str
    notes: Message | None


@dataclass(frozen=True)
class Buyer:
    """The buyer persona."""

    name: str
    temperament: Message
    mood: int
    patience: int
    gives_up: str | None


@dataclass(frozen=True)
class Scenario:
    """A whole scenario, as parsed from YAML."""

    id: str
    title: Message
    category: str
    channel: str
    difficulty: int
    language: str
    tags: tuple[str, ...]
    response_target_s: float | None
    situation: Message
    order: Mapping[str, Any]
    policy: Policy
    buyer: Buyer
    start: str
    nodes: Mapping[str, Node]
    endings: Mapping[str, Ending]
    checks: tuple[Check, ...] = ()
    tests: tuple[SelfTest, ...] = ()
    file: str = ""
    line_of: Mapping[str, int] = field(default_factory=dict, compare=False)


# A policy limit is in the shop's currency (the scenario's ``order.currency``):
# shown as 10 元 / 10 CNY, never as a bare 10.
CURRENCY_NAMES = {
    "CNY": ("元", "CNY"),
    "TWD": ("新台币", "TWD"),
    "HKD": ("港元", "HKD"),
    "USD": ("美元", "USD"),
}


def money(value: float, currency: str | None) -> Message:
    """``value`` with its unit in Chinese and English: 10 元 / 10 CNY."""
    if not currency:
        return Message(f"{value:g}", f"{value:g}")
    zh, en = CURRENCY_NAMES.get(currency, (currency, currency))
    return Message(f"{value:g} {zh}", f"{value:g} {en}")


def order_value(value: Any) -> str:
    """An order field as the briefing card shows it: lists joined, mappings as
    ``k: v``, whole numbers without ``.0`` (YAML reads ``price: 89.00`` as the
    float 89.0) and cents with two places (``24.50``)."""
    if isinstance(value, Mapping):
        return ", ".join(f"{k}: {order_value(v)}" for k, v in value.items())
    if isinstance(value, list | tuple):
        return ", ".join(order_value(v) for v in value)
    if isinstance(value, float):
        if value.is_integer():
            return str(int(value))
        return f"{value:.2f}" if round(value, 2) == value else str(value)
    return str(value)
