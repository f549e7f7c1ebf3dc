"""item_sales: quantities and net revenue per menu item, set meals split."""

from __future__ import annotations

from datetime import date, datetime, timezone
from decimal import Decimal

import pytest

from boh_core.food_cost import Tax
from boh_core.sales.payload import Line, Order
from boh_core.sales.revenue import ItemSales, item_sales, net_paid

VAT10 = [Tax("percent", 10.0)]


def line(ref, item, qty, price, parent=None, void=False):
    return Line(ref, item, Decimal(str(qty)), Decimal(str(price)), (), void, False, parent)


def order(*lines):
    closed = datetime(2026, 11, 25, 12, tzinfo=timezone.utc)
    return Order("pos", "S1", "A-1", date(2026, 11, 25), closed, 2, lines)


def test_net_paid_keeps_the_sign_and_leaves_bad_taxes_alone():
    assert net_paid(11.0, VAT10) == pytest.approx(10.0)
    assert net_paid(-11.0, VAT10) == pytest.approx(-10.0)
    assert net_paid(0.0, VAT10) == 0.0
    assert net_paid(11.0, [Tax("percent", -100.0)]) == 11.0
    assert net_paid(11.0, None) == 11.0


def test_mapped_lines_add_quantity_and_net_revenue_per_item():
    sales = item_sales(
        order(line("1", "BURGER", 2, 11), line("2", "BURGER", -1, 11), line("3", "X", 1, 5)),
        {"BURGER": ("p_burger", "unit")},
        {"p_burger": VAT10},
    )
    assert sales == [ItemSales("p_burger", False, 1.0, pytest.approx(10.0))]


def test_void_lines_and_components_of_a_void_set_sell_nothing():
    sales = item_sales(
        order(line("1", "SET", 1, 20, void=True), line("2", "RICE", 1, 0, parent="1")),
        {"RICE": "p_rice", "SET": "p_set"},
        {},
    )
    assert sales == []


def test_a_mapped_set_carries_the_price_and_its_components_count_without_revenue():
    sales = item_sales(
        order(line("1", "SET", 1, 20), line("2", "RICE", 2, 0, parent="1")),
        {"RICE": "p_rice", "SET": "p_set"},
        {},
    )
    assert sales == [ItemSales("p_set", False, 1.0, 20.0), ItemSales("p_rice", True, 2.0, 0.0)]


def test_an_unmapped_set_splits_its_price_over_its_components_by_quantity():
    sales = item_sales(
        order(
            line("1", "SET", 1, 33),
            line("2", "RICE", 2, 0, parent="1"),
            line("3", "SOUP", 1, 0, parent="1"),
        ),
        {"RICE": "p_rice", "SOUP": "p_soup"},
        {"p_soup": VAT10},
    )
    # the split comes first, the components' own quantities after
    assert sales == [
        ItemSales("p_rice", True, 2.0, pytest.approx(22.0)),
        ItemSales("p_soup", True, 1.0, pytest.approx(10.0)),
    ]
