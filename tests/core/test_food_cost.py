"""Food cost %: net of included taxes, target checks and the impact of cost changes."""

from __future__ import annotations

import math

import pytest
from hypothesis import given
from hypothesis import strategies as st

from boh_core.errors import BohError
from boh_core.food_cost import Tax, cost_impact, food_cost, net_of_tax

VAT6 = Tax("percent", 6.0)
VAT13 = Tax("percent", 13.0)


def test_net_of_tax_with_6_and_13_percent_vat() -> None:
    assert net_of_tax(10.60, [VAT6]) == pytest.approx(10.0)
    assert net_of_tax(11.30, [VAT13]) == pytest.approx(10.0)
    # Two price-included percent taxes add up, as in Odoo: 10 * 1.19.
    assert net_of_tax(11.90, [VAT6, VAT13]) == pytest.approx(10.0)
    assert net_of_tax(8.0) == 8.0
    assert net_of_tax(0.0, [VAT6]) == 0.0


def test_fixed_amounts_come_off_before_percentages() -> None:
    # 11.10 = (10 + 6% VAT) + 0.50 bottle deposit.
    assert net_of_tax(11.10, [Tax("fixed", 0.5), VAT6]) == pytest.approx(10.0)


@pytest.mark.parametrize("price", [-1.0, math.nan, math.inf, "12"])
def test_bad_price(price: object) -> None:
    with pytest.raises(BohError) as info:
        net_of_tax(price, [VAT6])  # type: ignore[arg-type]
    assert info.value.field == "price"
    assert str(price) in str(info.value) or repr(price) in str(info.value)


def test_bad_taxes() -> None:
    with pytest.raises(BohError) as info:
        net_of_tax(10.0, [Tax("division", 6.0)])
    assert info.value.field == "amount_type" and "division" in str(info.value)
    with pytest.raises(BohError) as info:
        net_of_tax(10.0, [Tax("percent", math.nan)])
    assert info.value.field == "amount"
    with pytest.raises(BohError) as info:
        net_of_tax(10.0, [Tax("percent", -100.0)])
    assert info.value.field == "amount"


def test_food_cost_against_net_price() -> None:
    result = food_cost(3.0, 10.60, [VAT6], target_pct=30.0)
    assert result.cost == 3.0
    assert result.price == 10.60
    assert result.net_price == pytest.approx(10.0)
    assert result.food_cost_pct == pytest.approx(30.0)
    assert result.margin == pytest.approx(7.0)
    assert result.target_pct == 30.0
    # Exactly on target is not over it.
    assert not result.over_target
    over = food_cost(3.39, 11.30, [VAT13], target_pct=30.0)
    assert over.food_cost_pct == pytest.approx(33.9)
    assert over.over_target


def test_food_cost_without_price_or_target() -> None:
    free = food_cost(2.0, 0.0, target_pct=25.0)
    assert free.food_cost_pct is None
    assert not free.over_target
    assert free.margin == -2.0
    no_target = food_cost(5.0, 10.0)
    assert no_target.food_cost_pct == pytest.approx(50.0)
    assert no_target.target_pct is None and not no_target.over_target


def test_bad_cost_and_target() -> None:
    with pytest.raises(BohError) as info:
        food_cost(math.nan, 10.0)
    assert info.value.field == "cost"
    with pytest.raises(BohError) as info:
        food_cost(1.0, 10.0, target_pct=-5)
    assert info.value.field == "target_pct"
    with pytest.raises(BohError) as info:
        food_cost(1.0, -10.0)
    assert info.value.field == "price"


@given(
    cost=st.floats(0, 1000),
    price=st.floats(0.01, 1000),
    rates=st.lists(st.sampled_from([0.0, 5.0, 6.0, 9.0, 13.0, 20.0]), max_size=3),
)
def test_net_price_grossed_up_gives_the_price_back(
    cost: float, price: float, rates: list[float]
) -> None:
    taxes = [Tax("percent", rate) for rate in rates]
    result = food_cost(cost, price, taxes)
    assert result.net_price * (1 + sum(rates) / 100) == pytest.approx(price)
    assert result.food_cost_pct == pytest.approx(100 * cost / result.net_price)
    assert result.margin == pytest.approx(result.net_price - cost)


def test_cost_impact_orders_by_largest_move_and_flags_target_crossings() -> None:
    old = {
        "burger": food_cost(2.8, 10.0, target_pct=30),  # 28%
        "fries": food_cost(1.0, 5.0, target_pct=30),  # 20%
        "steak": food_cost(9.0, 25.0, target_pct=30),  # 36%
        "water": food_cost(0.1, 2.0, target_pct=30),  # 5%
        "staff_meal": food_cost(3.0, 0.0, target_pct=30),  # no price
        "gone": food_cost(1.0, 10.0),
    }
    new = {
        "burger": food_cost(3.2, 10.0, target_pct=30),  # 32%: +4, crosses above
        "fries": food_cost(1.5, 5.0, target_pct=30),  # 30%: +10, not over (equal)
        "steak": food_cost(7.0, 25.0, target_pct=30),  # 28%: -8, crosses below
        "water": food_cost(0.1, 2.0, target_pct=30),  # unchanged
        "staff_meal": food_cost(3.5, 0.0, target_pct=30),  # cost +0.5, no %
        "new_dish": food_cost(1.0, 10.0),
    }
    impacts = cost_impact(old, new)
    assert [impact.key for impact in impacts] == ["fries", "steak", "burger", "staff_meal"]
    crossed = {impact.key: impact.crossed_target for impact in impacts}
    assert crossed == {"fries": "", "steak": "below", "burger": "above", "staff_meal": ""}
    assert impacts[0].pct_change == pytest.approx(10.0)
    assert impacts[1].pct_change == pytest.approx(-8.0)
    assert impacts[3].pct_change is None
    assert impacts[3].cost_change == pytest.approx(0.5)
    assert impacts[1].old is old["steak"] and impacts[1].new is new["steak"]


def test_cost_impact_threshold() -> None:
    old = {"a": food_cost(3.0, 10.0), "b": food_cost(3.0, 10.0), "c": food_cost(1.0, 0.0)}
    new = {"a": food_cost(3.2, 10.0), "b": food_cost(3.6, 10.0), "c": food_cost(1.0, 0.0)}
    assert [impact.key for impact in cost_impact(old, new, min_change_pct=5.0)] == ["b"]
    assert [impact.key for impact in cost_impact(old, new, min_change_pct=2.0)] == ["b"]
    assert [impact.key for impact in cost_impact(old, new)] == ["b", "a"]
    with pytest.raises(BohError) as info:
        cost_impact(old, new, min_change_pct=-1)
    assert info.value.field == "min_change_pct"
