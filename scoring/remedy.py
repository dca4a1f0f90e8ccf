"""What a reply offers: remedy types, amounts, time frames, payer, tracking.

The engine decides *whether* a reply has a concrete remedy; this module reads
the details out of the evidence so that the scenario engine can check them
against a shop's policy card (a refund larger than allowed, and so on).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any

from scoring.kinds import unit_index, units
from scoring.model import Amount, RemedyOffer
from scoring.normalize import Normalized

_CN_DIGITS = {
    "零": 0,
    "〇": 0,
    "一": 1,
    "二": 2,
    "两": 2,
    "三": 3,
    "四": 4,
    "五": 5,
    "六": 6,
    "七": 7,
    "八": 8,
    "九": 9,
}
_CN_UNITS = {"十": 10, "百": 100, "千": 1000, "万": 10000}
_NUMBER = re.compile(r"\d+(?:\.\d+)?|[零〇一二两三四五六七八九十百千万]+")
_CURRENCY = (
    (re.compile(r"nt\$|ntd|台币|新台币|臺幣"), "TWD"),
    (re.compile(r"hk\$|hkd|港币|港元"), "HKD"),
    (re.compile(r"rm|myr|令吉"), "MYR"),
    (re.compile(r"us\$|usd|\$|dollar"), "USD"),
    (re.compile(r"€|eur"), "EUR"),
    (re.compile(r"£|gbp"), "GBP"),
)
_THOUSANDS = re.compile(r"\d{1,3}(?:,\d{3})+")
_TRACKING = re.compile(r"[a-z]{2,4}\d{8,}|\d{10,}")
_EVIDENCE = re.compile(
    r"\[(图片|照片|视频|圖片|image|photo|video)\]|照片|图片|视频|截图|拍了|附图|附上|photo|picture|video|screenshot",
    re.I,
)
_ORDER_NO = re.compile(r"\d{6,}")


def chinese_number(text: str) -> float | None:
    """Parse 20, 20.5, 二十, 一百五十 or 两千 into a number."""
    if text[0].isdigit():
        return float(text)
    total, current = 0, 0
    for ch in text:
        if ch in _CN_DIGITS:
            current = _CN_DIGITS[ch]
        elif ch in _CN_UNITS:
            unit = _CN_UNITS[ch]
            total += (current or 1) * unit
            current = 0
        else:
            return None
    return float(total + current)


def parse_amount(text: str) -> Amount | None:
    """An Amount from evidence such as ¥20, 20元, 二十块, NT$100 or $15."""
    lowered = _THOUSANDS.sub(lambda m: m.group().replace(",", ""), text.lower())
    m = _NUMBER.search(lowered)
    if not m:
        return None
    value = chinese_number(m.group())
    if value is None:
        return None
    currency = next((code for rx, code in _CURRENCY if rx.search(lowered)), "CNY")
    if "%" in lowered or "折" in lowered:
        currency = "%"
    return Amount(value, currency, text)


def extract(
    norm: Normalized, concrete: Sequence[Any], specifics: Sequence[Any], costs: Sequence[Any]
) -> RemedyOffer:
    """Build a RemedyOffer from the engine's surviving hits."""
    types = tuple(dict.fromkeys(h.rule.remedy_type for h in _named(norm.text, concrete)))
    amounts, times, tracking = [], [], []
    payer = None
    for h in specifics:
        s, e = norm.span(h.start, h.end)
        original = norm.original[s:e]
        kind = h.rule.specific
        if kind == "amount" and (amount := parse_amount(norm.text[h.start : h.end])):
            amounts.append(Amount(amount.value, amount.currency, original))
        elif kind == "time":
            times.append(original)
        elif kind == "tracking":
            tracking.extend(_TRACKING.findall(norm.text[h.start : h.end]) or [original])
        elif kind == "payer":
            payer = "shop"
    if any(h.rule.target == "buyer_pays" for h in costs):
        payer = "buyer"
    if "shop_pays_postage" in types:
        payer = "shop"
    return RemedyOffer(
        types=types,
        amounts=tuple(amounts),
        time_frames=tuple(dict.fromkeys(times)),
        payer=payer,
        tracking=tuple(dict.fromkeys(tracking)),
        committed=bool(concrete),
    )


# A word for compensation in the same clause as a coupon or gift names that
# coupon or gift ("5元优惠券是我能给到的最大补偿了", "补偿您一张优惠券"): it is
# not a cash payout, which a policy card may forbid while allowing coupons.
_IN_KIND = frozenset({"coupon", "gift"})


def _named(text: str, concrete: Sequence[Any]) -> list[Any]:
    """The remedy hits that name a type of their own."""
    typed = [h for h in concrete if h.rule.remedy_type]
    if not any(h.rule.remedy_type == "compensation" for h in typed) or not any(
        h.rule.remedy_type in _IN_KIND for h in typed
    ):
        return typed
    clauses = units(text, "clause")

    in_kind = {unit_index(clauses, h.start) for h in typed if h.rule.remedy_type in _IN_KIND}
    return [
        h
        for h in typed
        if not (h.rule.remedy_type == "compensation" and unit_index(clauses, h.start) in in_kind)
    ]


def buyer_gave_details(buyer_text: str) -> bool:
    """The buyer already sent evidence (photo/video) and an order number."""
    return bool(_EVIDENCE.search(buyer_text) and _ORDER_NO.search(buyer_text))
