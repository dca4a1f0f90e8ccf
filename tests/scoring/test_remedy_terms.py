"""remedy_terms (what ``kefu validate`` lints model replies with) agrees with
remedy_offer on everything a policy card limits, on many real replies.

It runs the remedy and specific rules only, on a rubric compiled for those
criteria: a reply's types, amounts and commitment must not change.
"""

from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path

import pytest

from scoring import score_reply, yamldoc
from scoring.engine import remedy_offer, remedy_terms
from scoring.model import CHANNELS
from scoring.rubric import default_rubric, default_rubric_for
from simulator.scenario import Policy, parse_scenario
from simulator.session import policy_breaches

ROOT = Path(__file__).resolve().parents[2]


def _scenarios():
    out = []
    for path in sorted((ROOT / "scenarios").rglob("*.yaml")):
        if {"rubric", "scripts", "sets"} & set(path.parts):
            continue
        scenario, _ = parse_scenario(yamldoc.parse(path.read_text(encoding="utf-8"), path.name))
        if scenario is not None:
            out.append(scenario)
    return out


SCENARIOS = _scenarios()


def _texts() -> list[str]:
    texts = [n.model_reply for s in SCENARIOS for n in s.nodes.values() if n.model_reply]
    texts += [t.replies[i] for s in SCENARIOS for t in s.tests for i in range(len(t.replies))]
    with (ROOT / "tests" / "data" / "dev_replies.jsonl").open(encoding="utf-8") as f:
        texts += [json.loads(line)["text"] for line in f if line.strip()]
    for compiled in default_rubric().rules:
        texts += [*compiled.rule.examples_match, *compiled.rule.examples_no_match]
    return texts


TEXTS = _texts()


def test_enough_texts_and_offers():
    assert len(TEXTS) > 800
    assert sum(bool(remedy_offer(t).types) for t in TEXTS) > 200


@pytest.mark.parametrize("channel", CHANNELS)
def test_types_amounts_and_commitment_agree(channel: str):
    for text in TEXTS:
        full, terms = remedy_offer(text, channel=channel), remedy_terms(text, channel=channel)
        assert (terms.types, terms.amounts, terms.committed) == (
            full.types,
            full.amounts,
            full.committed,
        ), text


def test_policy_breaches_agree_for_every_scenario_policy():
    offers = {
        ch: [(remedy_offer(t, channel=ch), remedy_terms(t, channel=ch)) for t in TEXTS]
        for ch in {s.channel for s in SCENARIOS}
    }
    breaches = 0
    for scenario in SCENARIOS:
        for full, terms in offers[scenario.channel]:
            expected = policy_breaches(full, scenario.policy)
            assert policy_breaches(terms, scenario.policy) == expected, (scenario.id, full)
            breaches += len(expected)
    assert breaches > 100  # the comparison saw breaches of both kinds, not only clean replies


def test_the_terms_rubric_holds_only_remedy_and_specific_rules():
    small = default_rubric_for(frozenset({"remedy", "specific"}))
    assert {c.rule.criterion for c in small.rules} == {"remedy", "specific"}
    full = [c.rule.id for c in default_rubric().rules if c.rule.criterion in {"remedy", "specific"}]
    assert [c.rule.id for c in small.rules] == full


def test_a_reissued_document_is_a_remedy_any_policy_allows():
    """A corrected invoice or key sent again is a committed remedy of its own type,
    and, like chasing the courier, no policy card needs to list it."""
    text = "抬头录错是我们的问题,今天已重新开了电子发票,已发到您留的邮箱,请查收。"
    offer = remedy_offer(text)
    assert offer.types == ("reissue",) and offer.committed
    assert remedy_terms(text).types == ("reissue",)
    refund_only = Policy(allowed={"refund": 50.0}, return_postage="shop", notes=None)
    assert policy_breaches(offer, refund_only) == []
    reship = remedy_offer("今天给您补发一件,运费我们承担")
    assert policy_breaches(reship, refund_only)  # the same card still refuses a reship


def test_paying_postage_is_within_a_card_on_which_the_shop_pays_it():
    """A card that says the shop pays return postage already promises the
    postage; a breach names the remedy as the card does, not by its YAML key."""
    offer = remedy_offer("今天给您补发一件,运费我们承担")
    assert offer.types == ("reship", "shop_pays_postage") and offer.committed
    shop_pays = Policy(allowed={"refund": 50.0, "reship": None}, return_postage="shop", notes=None)
    assert policy_breaches(offer, shop_pays) == []
    buyer_pays = Policy(allowed={"refund": 50.0}, return_postage="buyer", notes=None)
    breaches = policy_breaches(offer, buyer_pays)
    assert [m.zh for m in breaches] == [
        "承诺了店铺政策不允许的补救：补发",
        "承诺了店铺政策不允许的补救：店铺承担运费",
    ]
    assert [m.en for m in breaches] == [
        "Offered a remedy the policy does not allow: reship",
        "Offered a remedy the policy does not allow: shop pays postage",
    ]


def test_a_rebooked_visit_is_a_remedy_any_policy_allows():
    """An installation or repair visit booked again at a stated time is a committed
    remedy of type revisit; like a reissued invoice, no policy card needs to list it."""
    text = "师傅那边临时有事,给您改约明天下午3点,师傅出发前会先打电话给您。"
    offer = remedy_offer(text)
    assert offer.types == ("revisit",) and offer.committed
    assert remedy_terms(text).types == ("revisit",)
    refund_only = Policy(allowed={"refund": 50.0}, return_postage="shop", notes=None)
    assert policy_breaches(offer, refund_only) == []
    pickup = remedy_offer("明天安排快递上门取件,运费我们出")
    assert "revisit" not in pickup.types  # a courier collecting a return is not a visit


def test_buyer_paying_for_the_shops_mistake_is_no_remedy():
    """CRITERIA.md: postage for the shop's own error, never refunded, is not a remedy
    (and fails no_blame); fronted and refunded later, the exchange still counts."""
    never = score_reply("發錯顏色真的很抱歉,您先自己付運費寄回來,我們收到再換。")
    assert not never.criteria["remedy"] and not never.criteria["no_blame"]
    assert not remedy_offer("發錯顏色真的很抱歉,您先自己付運費寄回來,我們收到再換。").committed
    fronted = score_reply(
        "发错颜色很抱歉,运费您先垫一下,我们收到后连同运费一起退给您,新的今天发出。"
    )
    assert fronted.criteria["remedy"] and not fronted.criteria["no_blame"]
    english = score_reply(
        "Sorry! Please pay the return postage first; we'll refund it once it arrives."
    )
    assert english.criteria["remedy"] and not english.criteria["no_blame"]


@pytest.mark.parametrize(
    ("text", "types"),
    [
        # A remedy refused in so many words is not offered; the coupon is, and the
        # word for compensation beside it names the coupon, not a cash payout.
        ("真的很抱歉,现金赔偿我这边没有权限,5元优惠券是我能给到的最大补偿了", ("coupon",)),
        (
            "I'm sorry, I can't make an exception on the refund, but I will send you a $10 coupon today",
            ("coupon",),
        ),
        ("补偿您一张10元优惠券", ("coupon",)),
        # Cash is still cash, with or without a refund beside it.
        ("补偿您50元", ("compensation",)),
        ("退款并补偿您50元", ("refund", "compensation")),
    ],
)
def test_a_refused_remedy_is_not_offered(text: str, types: tuple[str, ...]):
    assert remedy_offer(text).types == types
    no_cash = Policy(allowed={"coupon": 10.0, "reship": None}, return_postage="buyer", notes=None)
    if "coupon" in types and len(types) == 1:
        assert policy_breaches(remedy_offer(text), no_cash) == []


@pytest.mark.parametrize(
    "text",
    [
        "We can do a $0 refund on this one.",
        "I can refund you $0.00 since the item was on sale.",
        "退款金额为0元，因为已经超过售后期。",
        "補償金額是0元，這是規定。",
    ],
)
def test_an_amount_of_nothing_is_no_remedy(text: str):
    """A refund of nothing gives the buyer nothing: the zero does not make it concrete."""
    offer = remedy_offer(text)
    assert not offer.committed and offer.amounts == ()
    assert (
        score_reply(text, rubric=replace(default_rubric(), learned=None)).criteria["remedy"]
        is False
    )


@pytest.mark.parametrize("text", ["退您0元", "给您退0元哦", "We'll refund you $0."])
def test_the_learned_model_cannot_make_an_amount_of_nothing_a_remedy(text: str):
    """The model reads "退您...元" as a refund offer; with the amount nothing the
    rules' verdict stands (the model is on in the default rubric)."""
    assert default_rubric().learned is not None
    assert score_reply(text).criteria["remedy"] is False
    assert score_reply(text.replace("0", "20")).criteria["remedy"] is True


@pytest.mark.parametrize(
    ("text", "amounts"),
    [("给您退10元", (10.0,)), ("a $0.50 refund today", (0.5,)), ("运费0元，另外补偿您5元", (5.0,))],
)
def test_a_real_amount_still_counts(text: str, amounts: tuple[float, ...]):
    offer = remedy_offer(text)
    assert offer.committed and tuple(a.value for a in offer.amounts) == amounts
