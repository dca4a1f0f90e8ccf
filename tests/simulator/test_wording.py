"""Trainee-facing wording found by a QA pass: zero rates, key names, dates, units, trends."""

from __future__ import annotations

from scoring.engine import remedy_offer
from scoring.model import Message
from simulator import advice, report_text
from simulator.i18n import Translator
from simulator.scenario import Policy, money
from simulator.session import policy_breaches
from simulator.tui.screens.history import HistoryScreen


def test_no_pass_yet_is_said_plainly_not_as_zero_percent():
    assert advice.weakest_key(0.0, 1) == "weakest_none_one"
    assert advice.weakest_key(0.0, 3) == "weakest_none"
    assert advice.weakest_key(0.6, 5) == "weakest"
    for lang in ("zh", "en"):
        t = Translator(lang)
        for area in ("advice", "history"):
            for key in ("weakest_none", "weakest_none_one"):
                text = t(f"{area}.{key}", name="X", n=3, rate=0)
                assert "0%" not in text and "{" not in text, text
    assert "只通过了" not in Translator("zh")("advice.weakest_none_one", name="及时道歉", n=1)


def test_the_suggestion_names_the_key_as_bound():
    keys = {b.action: b.key for b in HistoryScreen.BINDINGS if not isinstance(b, tuple)}
    key = keys["suggested"]
    assert f"按 {key} " in Translator("zh")("history.suggestion", title="T", level=1)
    assert f"press {key} " in Translator("en")("history.suggestion", title="T", level=1)


def test_a_policy_limit_has_its_unit():
    assert money(10, "CNY") == Message("10 元", "10 CNY")
    assert money(300, "TWD") == Message("300 新台币", "300 TWD")
    policy = Policy({"compensation": 10.0}, "shop", None)
    offer = remedy_offer("我们给您补偿200元，今天就安排。", channel="chat")
    assert offer.committed and offer.amounts
    (breach,) = policy_breaches(offer, policy, "CNY")
    assert breach.zh.endswith("政策上限 10 元") and breach.en.endswith("policy limit of 10 CNY")


def test_a_score_change_reads_as_a_change():
    assert report_text.change(55) == "↑55"
    assert report_text.change(-12.5) == "↓12.5"
    assert report_text.change(0) == "→0"
    assert report_text.change(None) == "–"
