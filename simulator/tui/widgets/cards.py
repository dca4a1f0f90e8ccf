"""The briefing cards as Rich Text: the order, the shop's policy and the buyer.

Shared by the Briefing screen and the policy dialog of the Chat screen. Field
and remedy names come from the ``briefing`` catalog; a field the catalog does
not know is shown by its own name, so authors can add order fields freely.
"""

from __future__ import annotations

from collections.abc import Callable

from rich.text import Text

from scoring.feedback import localize
from simulator.i18n import label_of
from simulator.scenario import Scenario, money
from simulator.tui.widgets.mood import mood_band

Translate = Callable[..., str]
LABEL_STYLE = "bold"


def _field(out: Text, t: Translate, label: str, value: str) -> None:
    out.append(label + t("briefing.sep"), style=LABEL_STYLE)
    out.append(value + "\n")


_MONEY_KEYS = ("price", "value", "amount", "fee", "cost", "refund", "total", "paid")


def _is_money(key: str, shown: str) -> bool:
    """An amount in the shop's currency: ``price``, ``filter_value``, ``shipping_fee`` ...
    holding a plain number."""
    last = key.rsplit("_", 1)[-1]
    return last in _MONEY_KEYS and shown.replace(".", "", 1).isdigit()


def order_text(scenario: Scenario, t: Translate) -> Text:
    """Item, price, dates, tracking ... one field a line, in the scenario's order."""
    out = Text()
    order = scenario.order
    for key, value in order.items():
        if key == "currency":
            continue
        shown = value  # made readable by the parser (simulator.scenario_model.order_value)
        if _is_money(key, shown) and order.get("currency"):
            shown = f"{shown} {order['currency']}"
        _field(out, t, label_of(t, f"briefing.order.{key}"), shown)
    out.rstrip()
    return out


def policy_text(scenario: Scenario, t: Translate, lang: str) -> Text:
    """Allowed remedies with their limits, who pays return postage, and the notes."""
    policy = scenario.policy
    out = Text(t("briefing.allowed") + "\n", style=LABEL_STYLE)
    for kind, cap in policy.allowed.items():
        name = label_of(t, f"briefing.remedy.{kind}")
        currency = scenario.order.get("currency")
        shown = localize(money(cap, currency), lang) if cap is not None else ""
        limit = t("briefing.limit", max=shown) if cap is not None else ""
        out.append(f" • {name}{limit}\n")
    _field(out, t, t("briefing.postage"), t(f"briefing.payer.{policy.return_postage}"))
    if policy.notes is not None:
        _field(out, t, t("briefing.notes"), localize(policy.notes, lang))
    out.rstrip()
    return out


def buyer_text(scenario: Scenario, t: Translate, lang: str) -> Text:
    """The buyer's name, temperament, starting mood and patience."""
    buyer = scenario.buyer
    out = Text()
    _field(out, t, t("briefing.buyer_name"), buyer.name)
    _field(out, t, t("briefing.temperament"), localize(buyer.temperament, lang))
    mood = t("briefing.mood_value", mood=buyer.mood, label=t(f"chat.mood.{mood_band(buyer.mood)}"))
    _field(out, t, t("briefing.mood"), mood)
    _field(out, t, t("briefing.patience"), t("briefing.patience_value", n=buyer.patience))
    out.rstrip()
    return out
