"""Production of stocked prep items: consumption over lots, use-by dates, yield variance."""

from __future__ import annotations

from datetime import datetime

import pytest

from boh_core.errors import BohError
from boh_core.production import (
    Shortage,
    kitchen_needs,
    plan_consumption,
    use_by,
    yield_variance,
)
from boh_core.sales.lots import LotStock


def test_consumption_takes_the_first_expiring_lots_first() -> None:
    pools = {
        "tomato": [
            LotStock("late", "stock", 5.0, (datetime(2031, 5, 1),)),
            LotStock("early", "stock", 1.0, (datetime(2031, 4, 1),)),
        ],
        "oil": [LotStock(None, "stock", 2.0, (datetime.max,))],
    }
    plan = plan_consumption({"tomato": 1.25, "oil": 0.05}, 2.0, pools, 3)
    assert plan.short == ()
    assert plan.needed == {"tomato": 2.5, "oil": 0.1}
    assert plan.parts["tomato"] == [("early", "stock", 1.0), ("late", "stock", 1.5)]
    assert plan.parts["oil"] == [(None, "stock", 0.1)]
    # the pools given are not changed
    assert pools["tomato"][1].qty == 1.0


def test_short_ingredients_are_listed_with_what_is_there() -> None:
    pools = {"tomato": [LotStock("a", "stock", 1.0, (1,)), LotStock("b", "stock", -2.0, (0,))]}
    plan = plan_consumption({"tomato": 2.0, "salt": 0.01}, 1.0, pools, 3)
    assert plan.short == (Shortage("tomato", 2.0, 1.0), Shortage("salt", 0.01, 0.0))


def test_zero_quantities_are_skipped() -> None:
    plan = plan_consumption({"water": 0.0}, 3.0, {}, 3)
    assert plan.needed == {} and plan.short == ()


@pytest.mark.parametrize("qty", [0, -1.0, float("nan")])
def test_batch_of_nothing_is_refused(qty: float) -> None:
    with pytest.raises(BohError) as caught:
        plan_consumption({"tomato": 1.0}, qty, {}, 3)
    assert caught.value.field == "qty"


def test_use_by_is_production_time_plus_shelf_life() -> None:
    assert use_by(datetime(2031, 3, 10, 22, 30), 36) == datetime(2031, 3, 12, 10, 30)


@pytest.mark.parametrize("hours", [0, -4, float("inf")])
def test_shelf_life_zero_is_refused_naming_the_recipe(hours: float) -> None:
    with pytest.raises(BohError) as caught:
        use_by(datetime(2031, 3, 10), hours, "Tomato sauce")
    assert caught.value.field == "shelf_life_hours"
    assert "'Tomato sauce'" in str(caught.value)


def test_yield_variance_in_units_and_percent() -> None:
    assert yield_variance(10.0, 9.0) == (pytest.approx(-1.0), pytest.approx(-10.0))
    with pytest.raises(BohError):
        yield_variance(10.0, 0.0)


def test_batches_to_make_are_what_was_asked_beyond_stock_and_plans() -> None:
    from boh_core.production import batches_to_make

    made = batches_to_make(
        {"sauce": 10.0, "dough": 4.0, "pesto": 2.0},
        {"sauce": 3.0, "dough": 5.0, "pesto": -1.0},
        {"sauce": 2.0},
        2,
    )
    # negative stock counts as none: the pesto still needs its 2
    assert made == {"sauce": 5.0, "pesto": 2.0}


def test_the_kitchen_makes_the_larger_of_the_days_requisitions_and_prep_plan():
    # sauce: asked 3 L for the day, the stores' forecast says 5 L: 5 L, not 8
    # dough: asked 4 for the day, forecast 2: the requisition wins
    # pesto: only forecast; stock: only asked, for another day
    needs = kitchen_needs(
        requested={"sauce": 3.0, "dough": 4.0, "stock": 2.0},
        requested_on_day={"sauce": 3.0, "dough": 4.0},
        prep_plan={"sauce": 5.0, "dough": 2.0, "pesto": 1.5},
    )
    assert needs == {"sauce": 5.0, "dough": 4.0, "stock": 2.0, "pesto": 1.5}


def test_requisitions_of_other_days_add_to_the_days_plan():
    # 1 L asked for the day after: made on top of the day's 5 L forecast
    needs = kitchen_needs({"sauce": 4.0}, {"sauce": 3.0}, {"sauce": 5.0})
    assert needs == {"sauce": pytest.approx(6.0)}
    assert kitchen_needs({}, {}, {"sauce": 0.0}) == {}
