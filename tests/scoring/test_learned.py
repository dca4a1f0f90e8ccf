"""The learned second opinion (scoring/learned.py) and how the engine uses it."""

from __future__ import annotations

import hashlib
import json
from dataclasses import replace
from pathlib import Path

import pytest

from scoring import score_reply
from scoring.learned import (
    FORMAT,
    MAX_CHARS,
    LearnedModel,
    LearnedModelError,
    features,
    fit,
    fit_averaged,
    from_dict,
)
from scoring.model import REPLY_CRITERIA
from scoring.rubric import default_rubric, learned_model

ROOT = Path(__file__).resolve().parents[2]


def test_features_are_char_ngrams_and_english_words():
    f = features("退款ok thanks?3天")
    assert f == {"退", "款", "退款", "?", "3", "天", "?3", "3天", "?3天"} | {
        "W:ok",
        "W:thanks",
        "B:ok thanks",
    }
    # English letters make words, never character n-grams
    assert not any("o" in g for g in f if not g.startswith(("W:", "B:")))
    assert features("") == set()


def test_fit_learns_and_is_deterministic():
    samples = [((f"x{i}", "good"), True) for i in range(20)] + [
        ((f"y{i}", "bad"), False) for i in range(20)
    ]
    first = fit(samples, epochs=5)
    assert first == fit(samples, epochs=5)
    bias, weights = first
    assert weights["good"] > 0.5 > -0.5 > weights["bad"]


def test_fit_averaged_is_the_mean_of_one_fit_per_seed():
    samples = [((f"x{i}", "good", f"n{i % 3}"), True) for i in range(12)] + [
        ((f"y{i}", "bad", f"n{i % 3}"), False) for i in range(12)
    ]
    runs = [fit(samples, epochs=3, seed=s) for s in (1, 2)]
    assert runs[0] != runs[1]  # the shuffle order moves the weights
    bias, weights = fit_averaged(samples, seeds=(1, 2), epochs=3)
    assert bias == pytest.approx((runs[0][0] + runs[1][0]) / 2)
    assert weights.keys() == runs[0][1].keys() | runs[1][1].keys()
    for k, w in weights.items():
        assert w == pytest.approx((runs[0][1].get(k, 0.0) + runs[1][1].get(k, 0.0)) / 2)
    assert fit_averaged(samples, seeds=(1, 2), epochs=3) == (bias, weights)


def _toy(overrule: dict[str, tuple[float, float]]) -> LearnedModel:
    # "退" pushes remedy up, "怪" pushes no_blame down, "亲" apology down;
    # everything else is 0. Logits are scaled by 1/sqrt(feature count).
    weights = {"退": (0.0, 0.0, 50.0, 0.0), "怪": (0.0, 0.0, 0.0, -50.0), "亲": (-90.0, 0, 0, 0)}
    return LearnedModel(REPLY_CRITERIA, (0.0, 0.0, -1.0, 1.0), weights, overrule)


def test_logits_and_vote_respect_both_thresholds():
    model = _toy({"remedy": (-2.0, 3.0), "no_blame": (-2.0, 3.0)})
    z = model.logits("退")  # one feature: scale 1
    assert z["remedy"] == 49.0 and z["no_blame"] == 1.0
    # "退退款": 退 款 退退 退款 退退款, five features
    assert model.logits("退退款")["remedy"] == pytest.approx(-1 + 50 / 5**0.5)
    rules = {"apology": True, "listening": False, "remedy": False, "no_blame": True}
    # remedy: logit 4 > make 3, so the model adds it; no_blame 1 > keep -2 stays.
    assert model.vote("退", rules) == {**rules, "remedy": True}
    # no_blame: "怪" brings the logit to -4 <= keep -2, so the model takes it away.
    assert model.vote("怪", rules)["no_blame"] is False
    # A criterion without thresholds is never overruled.
    assert model.vote("亲", rules)["apology"] is True
    # Past MAX_CHARS the model abstains.
    assert model.vote("退" * (MAX_CHARS + 1), rules) == rules
    assert model.vote("退" * MAX_CHARS, rules)["remedy"] is True


def test_evidence_points_at_the_weightiest_ngrams():
    model = _toy({})
    text = "好的,我们给您退货退款。谢谢"
    # the clause holding the weightiest n-gram
    assert [text[s:e] for s, e in model.evidence(text, "remedy", True)] == ["我们给您退货退款"]
    assert model.evidence(text, "no_blame", False) == []
    # an n-gram that is only punctuation, or runs across a clause's end, is covered whole
    punct = _toy({})
    punct = LearnedModel(REPLY_CRITERIA, punct.bias, {"。谢": (0.0, 0.0, 9.0, 0.0)}, {})
    assert [text[s:e] for s, e in punct.evidence(text, "remedy", True)] == ["我们给您退货退款。谢"]
    long = "好的" + "我们" * 40 + "退"
    assert [long[s:e] for s, e in model.evidence(long, "remedy", True)] == ["退"]


@pytest.mark.parametrize(
    "data, message",
    [
        ([], "not a kefu-learned/1 model"),
        ({"format": "other"}, "not a kefu-learned/1 model"),
        (
            {
                "format": FORMAT,
                "criteria": ["apology"],
                "bias": [0],
                "weights": {},
                "overrule": {},
                "extra": 1,
            },
            "unknown key(s): extra",
        ),
        (
            {"format": FORMAT, "criteria": ["manners"], "bias": [0], "weights": {}, "overrule": {}},
            "criteria must list reply criteria",
        ),
        (
            {
                "format": FORMAT,
                "criteria": ["apology"],
                "bias": [0, 1],
                "weights": {},
                "overrule": {},
            },
            "bias must hold 1 numbers",
        ),
        (
            {
                "format": FORMAT,
                "criteria": ["apology"],
                "bias": [0],
                "weights": {"a": [1, 2]},
                "overrule": {},
            },
            "each weight must hold 1 numbers",
        ),
        (
            {
                "format": FORMAT,
                "criteria": ["apology"],
                "bias": [0],
                "weights": {},
                "overrule": {"apology": [2, 1]},
            },
            "keep <= make",
        ),
    ],
)
def test_bad_model_files_are_refused_with_the_reason(data, message):
    with pytest.raises(LearnedModelError, match=message.replace("(", r"\(").replace(")", r"\)")):
        from_dict(data)


def test_model_round_trips_through_its_json_form():
    model = _toy({"remedy": (-2.0, 3.0)})
    again = from_dict(json.loads(json.dumps(model.to_dict())))
    assert again.logits("退怪") == model.logits("退怪")
    assert again.overrule == model.overrule


def test_shipped_model_was_trained_on_the_current_labeled_files():
    """Edit a labeled set and this fails until the model is retrained:
    uv run python benchmarks/train_learned.py"""
    data = json.loads((ROOT / "scenarios" / "rubric" / "learned.json").read_text("utf-8"))
    trained_on = data["trained_on"]
    labeled = sorted(
        p.relative_to(ROOT).as_posix()
        for p in (ROOT / "benchmarks" / "data").glob("holdout*_replies.jsonl")
    )
    # every labeled set but the sealed ones, which the model never sees
    sealed = (
        "holdout11",
        "holdout34",
        "holdout35",
        "holdout44",
        "holdout45",
        "holdout46",
        "holdout47",
        "holdout52",
        "holdout53",
        "holdout54",
        "holdout55",
        "holdout56",
        "holdout57",
        "holdout58",
        "holdout59",
        "holdout60",
        "holdout61",
        "holdout62",
        "holdout63",
        "holdout64",
        "holdout65",
        "holdout66",
        "holdout67",
        "holdout76",
        "holdout77",
        "holdout78",
        "holdout79",
        "holdout82",
        "holdout83",
        "holdout84",
    )
    assert sorted(trained_on) == sorted(
        [p for p in labeled if not p.endswith(tuple(f"/{s}_replies.jsonl" for s in sealed))]
        + ["tests/data/dev_replies.jsonl"]
    )
    for rel, digest in trained_on.items():
        actual = hashlib.sha256((ROOT / rel).read_bytes()).hexdigest()[:16]
        assert actual == digest, f"{rel} changed since the model was trained: retrain it"
    assert default_rubric().learned is learned_model()
    assert set(learned_model().overrule) == set(REPLY_CRITERIA)


def _with(model: LearnedModel):
    return replace(default_rubric(), learned=model)


def test_model_finding_a_remedy_adds_evidence_in_the_original_text():
    rubric = _with(_toy({"remedy": (-99.0, 3.0)}))
    text = "親,這個我們給您退"  # Traditional: spans must map back through t2s
    plain = score_reply(text, rubric=replace(rubric, learned=None))
    assert plain.criteria["remedy"] is False
    result = score_reply(text, rubric=rubric)
    assert result.criteria["remedy"] is True
    found = [f for f in result.findings if f.rule == "ML-remedy"]
    assert found and all(f.level == "earn" for f in found)
    assert [text[f.start : f.end] for f in found] == [f.text for f in found] == ["這個我們給您退"]


def test_model_doubting_a_remedy_keeps_the_offer_for_policy_checks():
    """The model's doubt changes the verdict, not the offer: what the words
    promise is still checked against a shop's policy."""
    rubric = _with(_toy({"remedy": (-0.5, 99.0)}))  # no 退: logit -1, the model doubts
    text = "亲,给您补发一件新的,明天就发出"
    plain = score_reply(text, rubric=replace(rubric, learned=None))
    assert plain.criteria["remedy"] is True
    assert plain.remedy.committed and "reship" in plain.remedy.types
    result = score_reply(text, rubric=rubric)
    assert result.criteria["remedy"] is False
    assert result.remedy == plain.remedy
    notes = [f for f in result.findings if f.criterion == "remedy"]
    assert notes and all(f.level == "note" for f in notes)
    assert "learned model" in notes[0].message.en


def test_model_doubting_an_apology_turns_the_earn_into_a_note():
    rubric = _with(_toy({"apology": (-5.0, 99.0)}))
    text = "亲,非常抱歉"
    result = score_reply(text, rubric=rubric)
    assert result.criteria["apology"] is False
    notes = [f for f in result.findings if f.criterion == "apology"]
    assert notes and all(f.level == "note" for f in notes)
    assert "learned model" in notes[0].message.en


def test_model_cannot_doubt_a_formal_apology_in_a_sentence_of_its_own():
    """CRITERIA.md, "Regret, then a refusal": the apology sentence counts."""
    rubric = _with(_toy({"apology": (-5.0, 99.0)}))  # every text has 亲: the model doubts
    rules_only = replace(rubric, learned=None)
    kept = (
        "亲,非常理解您的心情,再次向您道歉。50元超出了我能申请的范围,5元券今天发您",
        "亲 We apologise for the delay. Your refund is on its way.",
    )
    doubted = (
        "亲,我们向您道歉,不过这个真的不能退",  # hedged in the same sentence
        "親,我們向您道歉,不過這個真的不能退",  # Traditional hedges too
        "亲 Apologies if the box wasn't up to your standards.",
        "亲,非常抱歉",  # not a formal apology
    )
    for text in kept + doubted:
        assert score_reply(text, rubric=rules_only).criteria["apology"] is True, text
    for text in kept:
        assert score_reply(text, rubric=rubric).criteria["apology"] is True, text
    for text in doubted:
        assert score_reply(text, rubric=rubric).criteria["apology"] is False, text


def test_model_seeing_blame_adds_a_cost_unless_the_shop_owns_the_fault():
    rubric = _with(_toy({"no_blame": (-2.0, 99.0)}))
    blamed = score_reply("这个怪不了别人", rubric=rubric)
    assert blamed.criteria["no_blame"] is False
    assert any(f.rule == "ML-no_blame" and f.level == "cost" for f in blamed.findings)
    owned = score_reply("这个怪不了别人,是我们发错了", rubric=rubric)
    assert owned.criteria["no_blame"] is True


def test_model_clearing_blame_keeps_the_words_as_a_note():
    rubric = _with(_toy({"no_blame": (-99.0, -50.0)}))
    text = "这是快递的问题,您去找快递"
    plain = score_reply(text, rubric=replace(rubric, learned=None))
    assert plain.criteria["no_blame"] is False and "courier" in plain.blame_targets
    result = score_reply(text, rubric=rubric)
    assert result.criteria["no_blame"] is True
    assert result.blame_targets == ()
    assert not [f for f in result.findings if f.criterion == "no_blame" and f.level == "cost"]
    assert [f for f in result.findings if f.criterion == "no_blame" and f.level == "note"]


def test_shipped_scorer_overrules_on_real_phrasings_and_explains():
    """Replies from the labeled sets where the shipped model overrules the rules."""
    overruled = 0
    for line in (ROOT / "tests" / "data" / "dev_replies.jsonl").read_text("utf-8").splitlines():
        row = json.loads(line)
        text, channel = row["text"], row.get("channel", "chat")
        result = score_reply(text, channel=channel)
        plain = score_reply(text, channel=channel, rubric=replace(default_rubric(), learned=None))
        if result.criteria == plain.criteria:
            continue
        overruled += 1
        changed = [c for c in REPLY_CRITERIA if result.criteria[c] != plain.criteria[c]]
        for c in changed:
            said = [
                f for f in result.findings if f.criterion == c and "learned model" in f.message.en
            ]
            assert said, (text, c)
            assert all(text[f.start : f.end] == f.text for f in said)
    assert overruled > 0


@pytest.mark.parametrize("text", ["{", '{"format": "other"}', "[]", "\ufffd\x00"])
def test_a_broken_model_file_is_a_rubric_error_naming_the_file(text):
    from scoring.rubric import RubricError, parse_learned

    with pytest.raises(RubricError) as info:
        parse_learned(text)
    assert "learned.json:1:1" in str(info.value)
    assert "the learned model cannot be read" in str(info.value)
