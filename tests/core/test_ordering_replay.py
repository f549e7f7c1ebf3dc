"""boh_core.replay: the lots, the replay loop, the three policies and the order risk."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from boh_core.errors import BohError
from boh_core.replay import (
    ForecastBook,
    MinMaxPolicy,
    ParPolicy,
    SuitePolicy,
    ingredient_table,
    order_risk,
    replay,
    summarise,
)
from boh_core.replay.params import warnings_for
from boh_core.replenishment import newsvendor_service_level, shelf_capped_cover

FAST = settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
HISTORY = 28


def one(**params):
    return ingredient_table([{"unique_id": "x", **params}])


def flat_book(level: float, days: int, horizon: int = 21, sd: float = 0.0) -> ForecastBook:
    origins = np.arange(days)
    return ForecastBook(
        origins, np.full((days, 1, horizon), level), np.full((days, 1, horizon), sd)
    )


# -- parameters and bad input -----------------------------------------------------------------


def test_table_reads_weekday_names_numbers_and_defaults():
    table = ingredient_table(
        [
            {"unique_id": "a", "delivery_days": "Mon, thu"},
            {"unique_id": "b", "delivery_days": [1, 4], "pack": 6, "shelf_days": 3.0},
            {"unique_id": "c"},
        ]
    )
    assert table.delivers[0].tolist() == [True, False, False, True, False, False, False]
    assert table.delivers[1].tolist() == [False, True, False, False, True, False, False]
    assert table.lead.tolist() == [2, 2, 2] and table.shelf.tolist() == [7, 3, 7]
    assert table.pack.tolist() == [1.0, 6.0, 1.0]
    # Monday and Thursday: from a Monday delivery 3 days to the next, from Thursday 4
    assert table.gap_after(np.array([0, 1, 3]))[[0, 2]].tolist() == [3, 4]


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"shelf_days": 0}, "shelf_days"),
        ({"shelf_days": 2.5}, "shelf_days"),
        ({"lead_days": 0}, "lead_days"),
        ({"pack": 0}, "pack"),
        ({"pack": float("inf")}, "pack"),
        ({"pack": "six"}, "pack"),
        ({"unit_cost": -1}, "unit_cost"),
        ({"delivery_days": "Mon Funday"}, "delivery_days"),
        ({"delivery_days": [7]}, "delivery_days"),
    ],
)
def test_bad_parameters_name_the_field_the_series_and_the_value(params, field):
    with pytest.raises(BohError) as caught:
        one(**params)
    assert caught.value.field == field
    assert "x" in str(caught.value)


def test_duplicate_series_are_refused():
    with pytest.raises(BohError) as caught:
        ingredient_table([{"unique_id": "x"}, {"unique_id": "x"}])
    assert caught.value.field == "unique_id"


def test_a_vendor_with_no_delivery_day_delivers_every_day_as_in_odoo():
    table = one(delivery_days="", lead_days=1)
    assert table.delivers.all()
    demand = np.full((1, HISTORY + 10), 4.0)
    result = replay(demand, table, ParPolicy(1.0), start=HISTORY, first_weekday=0)
    # an order every evening, each the next day's use
    assert (result.ordered == 4.0).all()


def test_a_shelf_life_shorter_than_lead_time_and_gap_is_accepted_and_warned():
    # one day of shelf life, three days of lead time, one delivery a week
    table = one(lead_days=3, shelf_days=1, delivery_days="Mon")
    demand = np.full((1, HISTORY + 70), 5.0)
    notes = warnings_for(table, demand)
    assert any("shelf life 1 d" in note for note in notes)
    book = flat_book(5.0, demand.shape[1])
    suite = summarise(replay(demand, table, SuitePolicy(book), start=HISTORY, first_weekday=0))
    par = summarise(replay(demand, table, ParPolicy(1.0), start=HISTORY, first_weekday=0))
    # only the delivery day can be served: the suite buys that day's use and wastes nothing,
    # par buys up to 9 days' use (lead + gap - 1) and throws 8 days of it away
    assert suite["waste_pct"] == 0.0
    assert suite["fill_rate"] == pytest.approx(100 / 7, abs=3)
    assert par["waste_pct"] == pytest.approx(800 / 9, abs=0.5)


def test_a_pack_larger_than_a_months_demand_buys_one_pack_when_needed():
    table = one(lead_days=1, delivery_days="", pack=100.0, shelf_days=10)
    demand = np.full((1, HISTORY + 60), 1.0)
    assert any("more than a month" in note for note in warnings_for(table, demand))
    book = flat_book(1.0, demand.shape[1])
    result = replay(demand, table, SuitePolicy(book), start=HISTORY, first_weekday=0)
    orders = result.ordered[result.ordered > 0]
    assert set(orders.tolist()) == {100.0}
    # each pack serves its 10 days of shelf life, then 90 of its 100 units expire
    assert result.wasted[result.wasted > 0].tolist() == [90.0] * 5
    assert summarise(result)["fill_rate"] > 90


def test_months_of_zero_demand_stop_the_orders_and_break_nothing():
    days = HISTORY + 150
    demand = np.full((1, days), 6.0)
    demand[0, HISTORY + 20 : HISTORY + 120] = 0.0  # three months and more closed
    table = one(lead_days=1, delivery_days="Mon Wed Fri", shelf_days=5)
    # replay days once both the four weeks of par and the eight weeks of min/max are all 0
    quiet = slice(20 + 56 + 7, 120)
    for policy in (ParPolicy(1.5), MinMaxPolicy(refresh_days=7)):
        result = replay(demand, table, policy, start=HISTORY, first_weekday=0)
        assert result.ordered[0, quiet].sum() == 0.0
        assert result.ordered[0, 130:].sum() > 0  # and they come back with the demand
    assert "days in a row without demand" in " ".join(warnings_for(table, demand))


def test_demand_of_the_wrong_shape_or_sign_is_refused():
    table = one()
    with pytest.raises(BohError):
        replay(np.ones((2, 40)), table, ParPolicy(), start=30, first_weekday=0)
    with pytest.raises(BohError):
        replay(-np.ones((1, 40)), table, ParPolicy(), start=30, first_weekday=0)


# -- the policies on a hand-checked case ---------------------------------------------------------


def hand_case(shelf: int):
    """10 a day, ordered in the evening for the next morning, every day, packs of 1."""
    table = one(lead_days=1, delivery_days="", pack=1, shelf_days=shelf)
    demand = np.full((1, HISTORY + 6), 10.0)
    return table, demand


def test_par_orders_each_evening_what_tomorrow_uses():
    table, demand = hand_case(shelf=2)
    result = replay(demand, table, ParPolicy(1.0), start=HISTORY, first_weekday=0)
    # the first day starts empty: 10 lost; then 10 arrive each morning and are used
    assert result.ordered[0].tolist() == [10.0] * 6
    assert result.served[0].tolist() == [0.0] + [10.0] * 5
    assert result.wasted.sum() == 0.0


def test_min_max_orders_up_to_max_below_min_and_wastes_with_a_one_day_shelf_life():
    # min = 10 x 1 day + 0 safety = 10, max = min + 10 x 1 day review = 20
    table, demand = hand_case(shelf=2)
    result = replay(demand, table, MinMaxPolicy(), start=HISTORY, first_weekday=0)
    assert result.ordered[0].tolist() == [20.0, 0.0, 20.0, 0.0, 20.0, 0.0]
    assert result.wasted.sum() == 0.0
    table, demand = hand_case(shelf=1)
    result = replay(demand, table, MinMaxPolicy(), start=HISTORY, first_weekday=0)
    # the 10 not used on the day of delivery expire that evening
    assert result.ordered[0].tolist() == [20.0] * 6
    assert result.wasted[0].tolist() == [0.0] + [10.0] * 5


def test_suite_orders_forecast_minus_usable_stock():
    table, demand = hand_case(shelf=1)
    book = flat_book(10.0, demand.shape[1])
    result = replay(demand, table, SuitePolicy(book), start=HISTORY, first_weekday=0)
    assert result.ordered[0].tolist() == [10.0] * 6
    assert result.wasted.sum() == 0.0


def test_suite_does_not_count_stock_that_expires_before_it_is_used():
    # 40 fresh this morning with two days of shelf life, 10 used a day, two days of lead time
    table = one(lead_days=2, delivery_days="", shelf_days=2)
    demand = np.full((1, HISTORY + 3), 10.0)
    opening = np.array([40.0])
    book = flat_book(10.0, demand.shape[1])
    plain, suite = (
        replay(demand, table, policy, start=HISTORY, first_weekday=0, opening=opening)
        for policy in (SuitePolicy(book, plain=True), SuitePolicy(book))
    )
    # tonight 30 are on hand, but 20 of them expire tomorrow evening: the plain rule sees
    # 30 >= the 20 needed until the order after this one and orders nothing; the suite
    # projects the expiry and orders the 10 the day after tomorrow needs
    assert plain.ordered[0, 0] == 0.0
    assert suite.ordered[0, 0] == 10.0
    assert plain.wasted[0, 1] == 20.0 and plain.served[0, 2] == 0.0
    assert suite.served[0, 2] == 10.0


def test_news_vendor_level_is_lower_for_perishables_and_cover_stops_at_shelf_life():
    levels = newsvendor_service_level(4.0, np.array([4, 4]), np.array([3, 180]))
    assert levels[0] == pytest.approx(80.0)
    assert levels[1] > 99
    assert shelf_capped_cover(np.array([2, 2]), np.array([7, 7]), np.array([3, 30])).tolist() == [
        4,
        8,
    ]
    with pytest.raises(BohError):
        newsvendor_service_level(0.0, 4, 3)


# -- properties ------------------------------------------------------------------------------------


@st.composite
def cases(draw):
    n = draw(st.integers(1, 4))
    rows = [
        {
            "unique_id": f"s{i}",
            "lead_days": draw(st.integers(1, 4)),
            "delivery_days": draw(st.lists(st.integers(0, 6), max_size=7)),
            "pack": draw(st.sampled_from([0.5, 1.0, 3.0, 12.0, 250.0])),
            "shelf_days": draw(st.integers(1, 20)),
            "unit_cost": draw(st.floats(0.1, 10)),
        }
        for i in range(n)
    ]
    days = draw(st.integers(HISTORY + 1, HISTORY + 40))
    seed = draw(st.integers(0, 2**16))
    rng = np.random.default_rng(seed)
    scale = rng.uniform(0, 20, size=(n, 1))
    demand = rng.poisson(scale * (rng.uniform(size=(n, days)) > draw(st.floats(0, 0.9))))
    opening = rng.uniform(0, 30, size=n) * draw(st.booleans())
    kind = draw(st.sampled_from(["par", "minmax", "plain", "suite"]))
    knob = draw(st.floats(0.1, 4.0))
    return rows, demand.astype(float), opening, kind, knob, seed


def build(kind, knob, demand, seed):
    if kind == "par":
        return ParPolicy(knob)
    if kind == "minmax":
        return MinMaxPolicy(safety_z=knob - 1)
    rng = np.random.default_rng(seed)
    n, days = demand.shape
    mean = rng.uniform(0, 20, size=(days, n, 30))
    book = ForecastBook(np.arange(days), mean, mean * rng.uniform(0, 0.5))
    return SuitePolicy(book, plain=kind == "plain", stockout_cost_ratio=knob)


@FAST
@given(case=cases())
def test_stock_never_negative_and_every_unit_bought_is_accounted_for(case):
    rows, demand, opening, kind, knob, seed = case
    table = ingredient_table(rows)
    policy = build(kind, knob, demand, seed)
    result = replay(demand, table, policy, start=HISTORY, first_weekday=seed % 7, opening=opening)
    assert (result.on_hand >= 0).all()
    assert (result.served <= result.demand + 1e-9).all()
    # opening + bought = used + wasted + on hand at the end, per series
    balance = (
        opening
        + result.received.sum(axis=1)
        - result.served.sum(axis=1)
        - result.wasted.sum(axis=1)
        - result.on_hand[:, -1]
    )
    assert np.abs(balance).max() < 1e-6 * max(1.0, result.received.sum())
    # whole packs only, and deliveries on the vendor's days only
    packs = result.ordered / table.pack[:, None]
    assert np.allclose(packs, np.round(packs))
    weekday = (seed % 7 + HISTORY + np.arange(demand.shape[1] - HISTORY)) % 7
    delivered = result.received > 0
    assert table.delivers[np.nonzero(delivered)[0], weekday[np.nonzero(delivered)[1]]].all()


@FAST
@given(case=cases())
def test_the_same_input_gives_the_same_replay(case):
    rows, demand, opening, kind, knob, seed = case
    table = ingredient_table(rows)
    first = replay(
        demand,
        table,
        build(kind, knob, demand, seed),
        start=HISTORY,
        first_weekday=0,
        opening=opening,
    )
    again = replay(
        demand,
        table,
        build(kind, knob, demand, seed),
        start=HISTORY,
        first_weekday=0,
        opening=opening,
    )
    assert summarise(first) == summarise(again)
    assert np.array_equal(first.ordered, again.ordered)


# -- the order risk shown on purchase lines ---------------------------------------------------


def risk(qty, shelf=3, seed=0, **extra):
    mean = np.full((len(qty), 14), 10.0)
    return order_risk(qty, 0.0, 0.0, mean, mean * 0.3, 1, 4, shelf, seed=seed, samples=300, **extra)


def test_order_risk_more_quantity_more_waste_less_stockout_and_seeded():
    out = risk(np.array([0.0, 20.0, 30.0, 60.0, 200.0]))
    assert out["expected_waste"][0] == 0.0
    assert (np.diff(out["expected_waste"]) >= -1e-9).all()
    assert (np.diff(out["stockout_risk"]) <= 1e-9).all()
    assert out["stockout_risk"][0] == 1.0
    # 200 for three days of about 10: about 170 expire
    assert out["expected_waste"][-1] == pytest.approx(170, abs=6)
    again = risk(np.array([0.0, 20.0, 30.0, 60.0, 200.0]))
    assert all(np.array_equal(out[k], again[k]) for k in out)


def test_order_risk_refuses_bad_input():
    with pytest.raises(BohError) as caught:
        risk(np.array([10.0]), shelf=0)
    assert caught.value.field == "shelf_days"
    with pytest.raises(BohError) as caught:
        risk(np.array([-1.0]))
    assert caught.value.field == "qty"
