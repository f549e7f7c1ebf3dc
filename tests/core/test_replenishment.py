"""Replenishment maths: order windows, safety stock, pack/MOQ rounding, day parts, prep."""

from __future__ import annotations

import math
from datetime import date, datetime

import pytest
from hypothesis import given
from hypothesis import strategies as st

from boh_core.errors import BohError
from boh_core.recipes import Recipe, RecipeLine
from boh_core.replenishment import (
    DAY_PARTS,
    batches_needed,
    kitchen_prep_requirements,
    labour_hours,
    order_up_to,
    order_window,
    prep_requirements,
    round_order,
    safety_stock,
    service_z,
    sigma_from_interval,
    split_prep_requirements,
    spread_day_parts,
)
from boh_core.units import Unit, UnitConverter

MON, TUE, WED, THU, FRI = 0, 1, 2, 3, 4
# 2026-11-23 is a Monday
MONDAY_9 = datetime(2026, 11, 23, 9, 0)


def test_daily_delivery_covers_lead_time_plus_one_day():
    window = order_window(MONDAY_9, lead_days=2)
    assert window.order_date == date(2026, 11, 23)
    assert window.delivery == date(2026, 11, 25)
    assert window.next_delivery == date(2026, 11, 26)
    assert window.cover_days == 3


def test_delivery_weekdays_cover_until_the_delivery_after_next():
    # delivered Tuesday and Friday, 1 day lead: ordered Monday, comes Tuesday, the next
    # order comes Friday, so this one covers Monday to Thursday
    window = order_window(MONDAY_9, lead_days=1, weekdays=[TUE, FRI])
    assert window.delivery == date(2026, 11, 24)
    assert window.next_delivery == date(2026, 11, 27)
    assert window.cover_days == 4


def test_cut_off_moves_the_order_to_the_next_day():
    before = order_window(MONDAY_9, lead_days=1, weekdays=[TUE, FRI], cutoff_hour=10)
    after = order_window(MONDAY_9, lead_days=1, weekdays=[TUE, FRI], cutoff_hour=8.5)
    assert before.delivery == date(2026, 11, 24)
    assert after.order_date == date(2026, 11, 24)
    assert after.delivery == date(2026, 11, 27)
    # the order after that one goes out Wednesday and comes the Tuesday after
    assert after.next_delivery == date(2026, 12, 1)
    assert after.cover_days == 8


def test_order_window_refuses_bad_weekdays():
    with pytest.raises(BohError) as error:
        order_window(MONDAY_9, 1, weekdays=[7])
    assert error.value.field == "weekdays"


@given(
    lead=st.integers(0, 20),
    days=st.sets(st.integers(0, 6), max_size=7),
    hour=st.integers(0, 23),
    cutoff=st.one_of(st.none(), st.floats(0, 24)),
)
def test_order_window_is_ordered(lead, days, hour, cutoff):
    window = order_window(datetime(2026, 11, 23, hour), lead, days, cutoff)
    assert (window.order_date - window.start).days in (0, 1)
    assert (window.delivery - window.order_date).days >= lead
    assert window.next_delivery > window.delivery
    if days:
        assert window.delivery.weekday() in days
        assert window.next_delivery.weekday() in days
    assert window.cover_days >= lead + 1


def test_service_z_and_safety_stock_by_hand():
    assert service_z(95) == pytest.approx(1.6449, abs=1e-4)
    assert safety_stock(2.0, 4, 95) == pytest.approx(1.6449 * 2.0 * 2.0, abs=1e-3)
    assert safety_stock(0.0, 4, 99) == 0.0
    with pytest.raises(BohError):
        service_z(100)
    with pytest.raises(BohError):
        safety_stock(-1.0, 4, 95)


def test_sigma_from_interval():
    assert sigma_from_interval(10 - 1.2816, 10 + 1.2816) == pytest.approx(1.0, abs=1e-4)
    assert sigma_from_interval(5, 5) == 0.0


def test_order_up_to_and_rounding_by_hand():
    # 10 demand + 2 safety - 3 on hand - 1 incoming = 8 kg, cases of 1 (purchase unit), MOQ 10
    assert order_up_to(10, 2, 3, 1) == 8
    assert order_up_to(1, 0, 3, 1) == 0
    assert round_order(8, 1, 10) == 10
    assert round_order(11.2, 1, 10) == 12
    assert round_order(7, 6, 0) == 12
    assert round_order(7, 6, 13) == 18
    assert round_order(0, 6, 13) == 0
    assert round_order(-3, 6, 13) == 0
    # float noise does not add a pack
    assert round_order(0.1 + 0.2, 0.3 / 3, 0) == pytest.approx(0.3)
    with pytest.raises(BohError):
        round_order(1, 0, 0)


@given(
    need=st.floats(0, 1e6),
    pack=st.floats(0.01, 1000),
    moq=st.floats(0, 1e4),
)
def test_round_order_properties(need, pack, moq):
    qty = round_order(need, pack, moq)
    if need <= 1e-9:
        assert qty == 0
        return
    assert qty >= need - 1e-6 * max(1.0, need)
    assert qty >= moq - 1e-6 * max(1.0, moq)
    packs = qty / pack
    assert abs(packs - round(packs)) < 1e-6 * max(1.0, packs)
    # one pack less would not do
    assert qty - pack < max(need, moq) + 1e-6 * max(1.0, need, moq)


def test_day_parts_split_by_hourly_profile():
    profile = {12: 30.0, 13: 10.0, 19: 60.0}
    parts = spread_day_parts(200.0, profile)
    assert set(parts) == set(DAY_PARTS)
    assert parts["lunch"] == pytest.approx(80.0)
    assert parts["dinner"] == pytest.approx(120.0)
    assert parts["breakfast"] == 0.0
    flat = spread_day_parts(120.0, {})
    assert sum(flat.values()) == pytest.approx(120.0)


@given(
    daily=st.floats(0, 1e6),
    profile=st.dictionaries(st.integers(0, 23), st.floats(0, 1e4), max_size=24),
)
def test_day_parts_keep_the_daily_total(daily, profile):
    parts = spread_day_parts(daily, profile)
    assert sum(parts.values()) == pytest.approx(daily, rel=1e-9, abs=1e-6)


def test_labour_hours():
    assert labour_hours(1200.0, 150.0) == 8.0
    assert labour_hours(-5, 10) == 0.0
    with pytest.raises(BohError):
        labour_hours(10, 0)


def test_prep_requirements_through_nested_preps():
    converter = UnitConverter(
        [
            Unit("kg", "weight", 1.0, "kg"),
            Unit("g", "weight", 1000.0, "g"),
            Unit("L", "volume", 1.0, "L"),
            Unit("ml", "volume", 1000.0, "ml"),
            Unit("each", "count", 1.0, "Units"),
        ]
    )
    sauce = Recipe("r_sauce", "sauce", 2.0, "L", 90.0, (RecipeLine("tomato", 2.0, "kg", 10.0),))
    base = Recipe("r_base", "base", 1.0, "kg", 100.0, (RecipeLine("sauce", 500, "ml"),))
    pizza = Recipe(
        "r_pizza",
        "pizza",
        1.0,
        "each",
        100.0,
        (RecipeLine("base", 200, "g", 0.0), RecipeLine("sauce", 80, "ml", 20.0)),
    )
    need = prep_requirements(
        [sauce, base, pizza], [("pizza", 10, "each")], {"sauce", "base"}, converter
    )
    # 10 pizzas: 2 kg base; 0.8 L sauce / 0.8 (20% waste) = 1 L + 2 kg base * 0.5 L = 2 L
    assert need["base"] == pytest.approx(2.0)
    assert need["sauce"] == pytest.approx(2.0)
    # 2 L of sauce from 2 L batches at 90% yield: 2 batches
    assert batches_needed(need["sauce"], 2.0, 90.0) == 2
    assert batches_needed(1.8, 2.0, 90.0) == 1
    assert batches_needed(0.0, 2.0) == 0
    assert math.isclose(sum(need.values()), 4.0)


def _kitchen_world():
    converter = UnitConverter(
        [
            Unit("kg", "weight", 1.0, "kg"),
            Unit("g", "weight", 1000.0, "g"),
            Unit("L", "volume", 1.0, "L"),
            Unit("ml", "volume", 1000.0, "ml"),
            Unit("each", "count", 1.0, "Units"),
        ]
    )
    # the kitchen's sauce is made with a roux (not stocked); the stores make their dough
    roux = Recipe("r_roux", "roux", 1.0, "kg", 100.0, (RecipeLine("flour", 1.0, "kg"),))
    sauce = Recipe(
        "r_sauce",
        "sauce",
        2.0,
        "L",
        80.0,
        (RecipeLine("tomato", 2.0, "kg"), RecipeLine("roux", 400, "g")),
    )
    dough = Recipe("r_dough", "dough", 1.0, "kg", 100.0, (RecipeLine("flour", 1.0, "kg"),))
    pizza = Recipe(
        "r_pizza",
        "pizza",
        1.0,
        "each",
        100.0,
        (RecipeLine("dough", 250, "g"), RecipeLine("sauce", 100, "ml", 20.0)),
    )
    return [roux, sauce, dough, pizza], {"roux", "sauce", "dough"}, converter


def test_a_store_leaves_out_what_the_kitchen_supplies_and_what_only_it_is_made_of():
    recipes, preps, converter = _kitchen_world()
    split = split_prep_requirements(
        recipes, [("pizza", 8, "each")], preps, converter, supplied={"sauce"}
    )
    # 8 pizzas: 2 kg dough; 0.8 L sauce / 0.8 (20% waste) = 1 L sauce, from the kitchen
    assert split.made == {"dough": pytest.approx(2.0)}
    assert split.supplied == {"sauce": pytest.approx(1.0)}
    # nothing supplied: the store makes it all, as prep_requirements says
    whole = split_prep_requirements(recipes, [("pizza", 8, "each")], preps, converter)
    assert whole.supplied == {}
    assert whole.made == pytest.approx(
        prep_requirements(recipes, [("pizza", 8, "each")], preps, converter)
    )
    assert whole.made["roux"] == pytest.approx(0.25)


def test_the_kitchens_plan_is_the_sum_of_the_stores_needs_through_the_recipes():
    recipes, preps, converter = _kitchen_world()
    needs = [
        split_prep_requirements(recipes, [("pizza", n, "each")], preps, converter, {"sauce"})
        for n in (8, 16)
    ]
    plan = kitchen_prep_requirements(
        recipes, [], [split.supplied for split in needs], preps, converter
    )
    # 1 L + 2 L of sauce; 3 L at 80% yield is 1.875 batches of 400 g roux = 0.75 kg
    assert plan == {"sauce": pytest.approx(3.0), "roux": pytest.approx(0.75)}
    # a kitchen that also sells pizzas makes its own dough and sauce on top
    own = kitchen_prep_requirements(
        recipes, [("pizza", 8, "each")], [needs[0].supplied], preps, converter
    )
    assert own["sauce"] == pytest.approx(2.0)
    assert own["dough"] == pytest.approx(2.0)
    assert kitchen_prep_requirements(recipes, [], [], preps, converter) == {}
