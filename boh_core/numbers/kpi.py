"""The KPI formulas of the dashboard, as the README defines them.

A ratio over zero net sales (a closed store, a period with no sales yet) is ``None``: not
zero and not infinite, and the dashboard shows it as empty.
"""

from __future__ import annotations

from dataclasses import dataclass

from boh_core.errors import BohError, msg


@dataclass(frozen=True)
class PeriodTotals:
    """What one store (or the group) did over one period, at cost and net of tax."""

    days: int
    net_sales: float = 0.0
    covers: int = 0
    orders: int = 0
    theoretical_cost: float = 0.0
    actual_cost: float = 0.0
    loss_waste_value: float = 0.0
    variance_value: float = 0.0
    opening_value: float = 0.0
    closing_value: float = 0.0


@dataclass(frozen=True)
class Kpis:
    """The KPI figures of one period; percentages are 0-100, ``None`` where undefined."""

    net_sales: float
    covers: int
    average_check: float | None
    food_cost_pct_theoretical: float | None
    food_cost_pct_actual: float | None
    waste_pct: float | None
    variance_pct: float | None
    gross_margin: float
    gross_margin_pct: float | None
    inventory_turnover_days: float | None


def pct(part: float, whole: float) -> float | None:
    """``part`` as a percentage of ``whole``, ``None`` when ``whole`` is zero."""
    return None if not whole else 100.0 * part / whole


def inventory_turnover_days(
    opening_value: float, closing_value: float, cost_of_usage: float, days: int
) -> float | None:
    """Average inventory value over the daily cost of usage (days of stock on hand)."""
    daily = cost_of_usage / days if days else 0.0
    if daily <= 0:
        return None
    return (opening_value + closing_value) / 2.0 / daily


def kpis(totals: PeriodTotals) -> Kpis:
    """The KPI figures of one period's totals."""
    if totals.days <= 0:
        raise BohError(
            "days",
            totals.days,
            msg("numbers.days.too_few", days=totals.days),
        )
    sales = totals.net_sales
    checks = totals.orders or totals.covers
    return Kpis(
        net_sales=sales,
        covers=totals.covers,
        average_check=sales / checks if checks else None,
        food_cost_pct_theoretical=pct(totals.theoretical_cost, sales),
        food_cost_pct_actual=pct(totals.actual_cost, sales),
        waste_pct=pct(totals.loss_waste_value, sales),
        variance_pct=pct(totals.variance_value, sales),
        gross_margin=sales - totals.actual_cost,
        gross_margin_pct=pct(sales - totals.actual_cost, sales),
        inventory_turnover_days=inventory_turnover_days(
            totals.opening_value, totals.closing_value, totals.actual_cost, totals.days
        ),
    )


def prime_cost_pct(cost_of_usage: float, labour_cost: float, net_sales: float) -> float | None:
    """(cost of usage + labour cost) / net sales, in percent."""
    return pct(cost_of_usage + labour_cost, net_sales)


def auto_replenishment_rate(unchanged_lines: int, confirmed_lines: int) -> float | None:
    """Share of the forecast's suggested purchase lines that were confirmed with the
    suggested quantity, in percent of the confirmed suggested lines; ``None`` when none was
    confirmed."""
    if unchanged_lines < 0 or unchanged_lines > confirmed_lines:
        raise BohError(
            "unchanged_lines",
            unchanged_lines,
            msg(
                "numbers.unchanged_lines.more_than_confirmed",
                unchanged=unchanged_lines,
                confirmed=confirmed_lines,
            ),
        )
    return pct(unchanged_lines, confirmed_lines)
