"""AvT and the KPI formulas on a small scenario computed by hand."""

from __future__ import annotations

import pytest

from boh_core.errors import BohError
from boh_core.numbers.avt import IngredientFlows, avt_line, avt_lines, order_by_unexplained
from boh_core.numbers.kpi import (
    PeriodTotals,
    auto_replenishment_rate,
    inventory_turnover_days,
    kpis,
    prime_cost_pct,
)

# Beef at a store over one week, in kg, at 15.00 a kg:
# opened with 10 kg, received 20 (less 2 returned to the vendor), 5 in from the central
# kitchen, 3 out to another store, 4 into a production of patties that made 1 back
# (trimmings), closed with 6 kg. Sales consumed 16 kg by their recipes; 1.5 kg was wasted
# for a loss reason.
BEEF = IngredientFlows(
    opening=10.0,
    received=18.0,
    transfers_in=5.0,
    transfers_out=3.0,
    production_consumed=4.0,
    production_made=1.0,
    closing=6.0,
    theoretical=16.0,
    loss_waste=1.5,
    unit_cost=15.0,
)


def test_actual_usage_follows_the_stock_identity() -> None:
    line = avt_line(BEEF)
    # 10 + 18 + 5 - 3 - 4 + 1 - 6 = 21
    assert line.actual == pytest.approx(21.0)
    assert line.theoretical == pytest.approx(16.0)
    assert line.variance == pytest.approx(5.0)
    assert line.loss_waste == pytest.approx(1.5)
    assert line.unexplained == pytest.approx(3.5)
    assert line.actual_value == pytest.approx(315.0)
    assert line.theoretical_value == pytest.approx(240.0)
    assert line.variance_value == pytest.approx(75.0)
    assert line.loss_waste_value == pytest.approx(22.5)
    assert line.unexplained_value == pytest.approx(52.5)
    assert line.opening_value == pytest.approx(150.0)
    assert line.closing_value == pytest.approx(90.0)
    assert line.complete


def test_a_line_without_opening_count_says_so() -> None:
    line = avt_line(IngredientFlows(received=4.0, closing=1.0, theoretical=3.0, has_opening=False))
    assert line.actual == pytest.approx(3.0)
    assert not line.complete


def test_largest_unexplained_value_first_whatever_its_sign() -> None:
    lines = avt_lines(
        [
            IngredientFlows(opening=1.0, unit_cost=2.0),  # unexplained +1 kg = 2.00
            IngredientFlows(closing=3.0, unit_cost=4.0),  # -3 kg = -12.00 (more than expected)
            IngredientFlows(opening=2.0, theoretical=2.0, unit_cost=9.0),  # 0
        ]
    )
    assert order_by_unexplained(lines) == [1, 0, 2]


def test_a_negative_cost_is_refused_naming_the_field() -> None:
    with pytest.raises(BohError) as caught:
        avt_line(IngredientFlows(unit_cost=-1.0))
    assert caught.value.field == "unit_cost"
    assert "-1.0" in str(caught.value)


def test_kpis_of_a_week_computed_by_hand() -> None:
    # a week: 1,000.00 net sales from 40 orders of 50 guests; beef above is the only cost
    result = kpis(
        PeriodTotals(
            days=7,
            net_sales=1000.0,
            covers=50,
            orders=40,
            theoretical_cost=240.0,
            actual_cost=315.0,
            loss_waste_value=22.5,
            variance_value=75.0,
            opening_value=150.0,
            closing_value=90.0,
        )
    )
    assert result.average_check == pytest.approx(25.0)
    assert result.food_cost_pct_theoretical == pytest.approx(24.0)
    assert result.food_cost_pct_actual == pytest.approx(31.5)
    assert result.waste_pct == pytest.approx(2.25)
    assert result.variance_pct == pytest.approx(7.5)
    assert result.gross_margin == pytest.approx(685.0)
    assert result.gross_margin_pct == pytest.approx(68.5)
    # average inventory 120.00 over 45.00 of usage a day
    assert result.inventory_turnover_days == pytest.approx(120.0 / 45.0)


def test_a_period_without_sales_has_no_ratios_rather_than_a_division_by_zero() -> None:
    result = kpis(PeriodTotals(days=3, actual_cost=30.0, opening_value=10.0, closing_value=20.0))
    assert result.food_cost_pct_actual is None
    assert result.waste_pct is None
    assert result.average_check is None
    assert result.gross_margin == pytest.approx(-30.0)
    assert result.inventory_turnover_days == pytest.approx(1.5)


def test_no_usage_means_no_turnover_figure() -> None:
    assert inventory_turnover_days(100.0, 100.0, 0.0, 7) is None


def test_a_period_of_no_days_is_refused() -> None:
    with pytest.raises(BohError) as caught:
        kpis(PeriodTotals(days=0))
    assert caught.value.field == "days"


def test_prime_cost_adds_labour_to_the_cost_of_usage() -> None:
    assert prime_cost_pct(300.0, 250.0, 1000.0) == pytest.approx(55.0)
    assert prime_cost_pct(300.0, 250.0, 0.0) is None


def test_auto_replenishment_rate_is_the_share_confirmed_unchanged() -> None:
    assert auto_replenishment_rate(3, 4) == pytest.approx(75.0)
    assert auto_replenishment_rate(0, 0) is None  # nothing confirmed: no rate, not 0
    with pytest.raises(BohError) as caught:
        auto_replenishment_rate(5, 4)
    assert caught.value.field == "unchanged_lines"
