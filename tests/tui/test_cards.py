"""The briefing cards' text (simulator/tui/widgets/cards.py)."""

from __future__ import annotations

from simulator.scenario_model import order_value as value_text


def test_order_values_read_as_the_author_meant_them() -> None:
    # YAML reads "price: 89.00" as the float 89.0
    assert value_text(89.0) == "89"
    assert value_text(119.95) == "119.95"
    assert value_text(128) == "128"
    assert value_text([1.0, "两只"]) == "1, 两只"
    assert value_text({"壶": 88.0, "杯": 28.5}) == "壶: 88, 杯: 28.50"
    assert value_text(24.5) == "24.50"  # cents, as a price is written


def test_the_parser_keeps_order_values_readable() -> None:
    """``filter_value: 24.00`` once showed as 24.0 on the card, lists as Python reprs."""
    from pathlib import Path

    from simulator.loader import read_doc
    from simulator.scenario import parse_scenario

    root = Path(__file__).resolve().parents[2]
    path = root / "scenarios" / "broken_promise" / "review-promised-spare-filter.yaml"
    scenario, problems = parse_scenario(read_doc(path))
    assert problems == []
    assert scenario.order["filter_value"] == "24" and scenario.order["price"] == "129.99"


def test_money_fields_carry_the_shops_currency() -> None:
    from pathlib import Path

    from simulator.loader import read_doc
    from simulator.scenario import parse_scenario
    from simulator.tui.widgets.cards import order_text

    root = Path(__file__).resolve().parents[2]
    path = root / "scenarios" / "broken_promise" / "review-promised-spare-filter.yaml"
    scenario, _ = parse_scenario(read_doc(path))
    text = order_text(scenario, lambda key, **_: ": " if key == "briefing.sep" else key).plain
    assert "filter value: 24 USD" in text and "price: 129.99 USD" in text
    assert "ordered: 2026-09-14\n" in text  # a date is no amount
