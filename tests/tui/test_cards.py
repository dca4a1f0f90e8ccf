"""The briefing cards' text (simulator/tui/widgets/cards.py)."""

from __future__ import annotations

from simulator.tui.widgets.cards import value_text


def test_order_values_read_as_the_author_meant_them() -> None:
    # YAML reads "price: 89.00" as the float 89.0
    assert value_text(89.0) == "89"
    assert value_text(119.95) == "119.95"
    assert value_text(128) == "128"
    assert value_text([1.0, "两只"]) == "1, 两只"
    assert value_text({"壶": 88.0, "杯": 28.5}) == "壶: 88, 杯: 28.5"
