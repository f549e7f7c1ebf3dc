"""Suggested orders for a whole run in one call (boh_core.ordering)."""

from __future__ import annotations

import math
from datetime import date, datetime, timedelta

import pandas as pd
import pytest

from boh_core import ordering
from boh_core.replenishment import (
    Z_80,
    order_up_to,
    order_window,
    round_order,
    safety_stock,
    shelf_capped_cover,
    sigma_from_interval,
)

# 2026-11-23 is a Monday
MONDAY_9 = datetime(2026, 11, 23, 9, 0)
TODAY = MONDAY_9.date()


def daily_demand(warehouse, ingredient, qty, var, days=21, start=TODAY):
    return [
        (warehouse, ingredient, start + timedelta(days=offset), qty, var) for offset in range(days)
    ]


def frame(rows):
    return pd.DataFrame(rows, columns=ordering.DEMAND_COLUMNS)


def one_row_as_the_engine_did(row, demand, service):
    """The per location x ingredient calculation the forecast engine made before."""
    window = order_window(MONDAY_9, row.lead_days, row.weekdays, row.cutoff_hour)
    lead = (window.delivery - window.start).days
    gap = (window.next_delivery - window.delivery).days
    cover = int(shelf_capped_cover(lead, gap, row.shelf_days or ordering.NO_EXPIRY_DAYS)) + 1
    last_day = window.start + timedelta(days=cover - 1)
    rows = demand.set_index(["warehouse_id", "ingredient", "date"]).sort_index()
    rows = rows.loc[(row.warehouse, row.product)]
    days = rows.loc[(rows.index >= window.start) & (rows.index <= last_day)]
    need_qty = float(days.qty.sum()) + max(0, cover - len(days)) * float(days.qty.mean())
    safety = safety_stock(math.sqrt(float(days["var"].mean())), cover, service)
    missing = order_up_to(need_qty, safety, max(0.0, row.on_hand), row.incoming)
    need_po = missing / row.uom_factor * row.po_uom_factor
    return need_qty, safety, missing, round_order(need_po, 1.0, row.moq)


def test_sigma_of_a_frame_is_the_sigma_of_each_row():
    forecasts = pd.DataFrame({"yhat_lo": [8.0, 5.0, None], "yhat_hi": [12.0, 4.0, None]})
    sigma = ordering.forecast_sigma(forecasts, 80)
    assert sigma[0] == pytest.approx(sigma_from_interval(8.0, 12.0))
    assert sigma[0] == (12.0 - 8.0) / (2 * Z_80)
    assert sigma[1] == 0.0, "an inverted interval has no spread"
    assert math.isnan(sigma[2]), "no interval: the spread stays unknown"


def test_ingredient_demand_adds_quantities_and_variances_of_the_items():
    items = pd.DataFrame(
        {
            "warehouse_id": [1, 1],
            "product_id": [10.0, 11.0],
            "date": [TODAY, TODAY],
            "yhat": [20.0, 10.0],
            "sigma": [2.0, None],
        }
    )
    factors = pd.DataFrame(
        {"product_id": [10, 11], "ingredient": [100, 100], "factor": [0.15, 0.3]}
    )
    demand = ordering.ingredient_demand(items, factors)
    assert list(demand.columns) == ordering.DEMAND_COLUMNS
    [row] = demand.itertuples(index=False)
    assert row.qty == pytest.approx(20 * 0.15 + 10 * 0.3)
    # the item without a known spread adds none
    assert row.var == pytest.approx((2.0 * 0.15) ** 2)


def test_every_row_gets_the_numbers_of_its_own_calculation():
    demand = frame(
        daily_demand(1, 100, 3.0, 0.09)
        + daily_demand(2, 100, 5.0, 0.25)
        + daily_demand(1, 200, 44 / 4, 1.0, days=3)
    )
    rows = [
        ordering.OrderInput(
            1,
            100,
            lead_days=4,
            weekdays=(1, 4),
            on_hand=1.0,
            moq=3.0,
            uom_factor=1.0,
            po_uom_factor=0.2,
        ),
        ordering.OrderInput(
            2,
            100,
            lead_days=4,
            weekdays=(1, 4),
            incoming=2.0,
            moq=3.0,
            uom_factor=1.0,
            po_uom_factor=0.2,
        ),
        ordering.OrderInput(
            1, 200, lead_days=1, shelf_days=2, moq=2.0, uom_factor=1.0, po_uom_factor=1 / 12
        ),
    ]
    suggestions, errors = ordering.suggest_orders(MONDAY_9, rows, demand, 95.0)
    assert errors == {}
    assert [(s.warehouse, s.product) for s in suggestions] == [(1, 100), (2, 100), (1, 200)]
    for row, suggestion in zip(rows, suggestions, strict=True):
        need_qty, safety, missing, qty = one_row_as_the_engine_did(row, demand, 95.0)
        assert suggestion.demand == pytest.approx(need_qty, rel=1e-12)
        assert suggestion.safety == pytest.approx(safety, rel=1e-12)
        assert suggestion.need == pytest.approx(missing, rel=1e-12)
        assert suggestion.qty == qty
        assert suggestion.qty_own_unit == pytest.approx(qty / row.po_uom_factor)


def test_a_window_past_the_horizon_counts_its_last_days_at_the_average():
    demand = frame(daily_demand(1, 100, 2.0, 0.0, days=3))
    row = ordering.OrderInput(1, 100, lead_days=5)
    [suggestion], _errors = ordering.suggest_orders(MONDAY_9, [row], demand, 50.0)
    # cover: today .. the day before the next delivery (lead 5, daily) = 6 days, 3 known
    assert suggestion.last_day == date(2026, 11, 28)
    assert suggestion.demand == pytest.approx(6 * 2.0)
    assert suggestion.safety == 0.0
    assert suggestion.qty == 12.0


def test_nothing_missing_or_no_demand_orders_nothing():
    demand = frame(daily_demand(1, 100, 1.0, 0.0))
    rows = [
        ordering.OrderInput(1, 100, lead_days=1, on_hand=100.0),
        ordering.OrderInput(1, 999, lead_days=1),
        ordering.OrderInput(3, 100, lead_days=1),
    ]
    assert ordering.suggest_orders(MONDAY_9, rows, demand, 95.0) == ([], {})


def test_a_row_the_maths_refuses_is_reported_and_the_others_go_on():
    demand = frame(daily_demand(1, 100, 1.0, 0.0) + daily_demand(1, 200, 1.0, 0.0))
    rows = [
        ordering.OrderInput(1, 100, lead_days=-1),
        ordering.OrderInput(1, 200, lead_days=1, moq=-5.0),
        ordering.OrderInput(1, 200, lead_days=1),
    ]
    suggestions, errors = ordering.suggest_orders(MONDAY_9, rows, demand, 95.0)
    assert sorted(errors) == [0, 1]
    assert errors[0].field == "lead_days"
    assert errors[1].field == "moq"
    assert [s.product for s in suggestions] == [200]


def test_risk_profiles_reach_the_end_of_the_delivered_lot():
    demand = frame(daily_demand(1, 100, 2.0, 0.04, days=5))
    row = ordering.OrderInput(1, 100, lead_days=1, shelf_days=10)
    [suggestion], _errors = ordering.suggest_orders(MONDAY_9, [row], demand, 95.0)
    mean, sd, delivery, next_delivery = ordering.risk_profiles([suggestion], demand)
    assert delivery == [1] and next_delivery == [2]
    # the lot comes tomorrow and keeps 10 days: 11 days, the last 6 at the average
    assert mean.shape == (1, 11)
    assert mean[0].tolist() == [2.0] * 11
    assert sd[0] == pytest.approx([0.2] * 11)
