"""demand_rows: sold lines and modifiers to the rows the recipe explosion takes."""

from __future__ import annotations

from datetime import date, datetime, timezone
from decimal import Decimal

import pytest

from boh_core.errors import BohError
from boh_core.sales.modifiers import ITEM_UNIT, DemandRow, demand_rows
from boh_core.sales.payload import Line, Modifier, Order

ITEMS = {"BURGER": "p_burger", "RICE": "p_rice", "WINE": ("p_wine", "bottle"), "FRIES": "p_fries"}
MODS = {
    "EXTRA_CHEESE": [("cheese_slice", 1, "unit")],
    "NO_ONION": [("onion", Decimal("-0.02"), "kg")],
    "DOUBLE": [("beef_patty", 1, "unit"), ("bun", 0, "unit")],
    "NO_ICE": [],
}


def line(ref, item, qty, **kw) -> Line:
    mods = tuple(Modifier(code, Decimal(str(q))) for code, q in kw.pop("mods", ()))
    return Line(ref, item, Decimal(str(qty)), Decimal("10"), mods, **kw)


def order(*lines: Line) -> Order:
    return Order(
        "pos",
        "STORE1",
        "A-1",
        date(2026, 11, 25),
        datetime(2026, 11, 25, 12, tzinfo=timezone.utc),
        2,
        lines,
    )


def as_tuples(rows):
    return [(r.line_ref, r.product, r.qty, r.unit, r.kind) for r in rows]


def test_sale_with_modifiers_scales_by_line_qty():
    rows, unmapped = demand_rows(
        order(line("1", "BURGER", 2, mods=[("EXTRA_CHEESE", 1), ("NO_ONION", 1)])), ITEMS, MODS
    )
    assert unmapped == []
    assert as_tuples(rows) == [
        ("1", "p_burger", Decimal("2"), ITEM_UNIT, "sale"),
        ("1", "cheese_slice", Decimal("2"), "unit", "modifier"),
        ("1", "onion", Decimal("-0.04"), "kg", "modifier"),
    ]
    assert all(isinstance(r, DemandRow) for r in rows)


def test_modifier_qty_is_per_unit_of_the_line():
    rows, _ = demand_rows(order(line("1", "BURGER", 3, mods=[("EXTRA_CHEESE", 2)])), ITEMS, MODS)
    assert rows[1].qty == Decimal("6")


def test_item_with_its_own_unit_and_zero_deltas_dropped():
    rows, _ = demand_rows(
        order(line("1", "WINE", 1), line("2", "BURGER", 1, mods=[("DOUBLE", 1)])), ITEMS, MODS
    )
    assert as_tuples(rows) == [
        ("1", "p_wine", Decimal("1"), "bottle", "sale"),
        ("2", "p_burger", Decimal("1"), ITEM_UNIT, "sale"),
        ("2", "beef_patty", Decimal("1"), "unit", "modifier"),
    ]


def test_modifier_mapped_to_nothing_is_known():
    rows, unmapped = demand_rows(order(line("1", "BURGER", 1, mods=[("NO_ICE", 1)])), ITEMS, MODS)
    assert unmapped == [] and len(rows) == 1


def test_void_lines_produce_nothing_and_are_not_reported():
    rows, unmapped = demand_rows(
        order(line("1", "UNKNOWN", 2, void=True, mods=[("ZZZ", 1)])), ITEMS, MODS
    )
    assert rows == [] and unmapped == []


def test_refund_is_waste_with_positive_qty():
    rows, _ = demand_rows(
        order(line("1", "BURGER", -2, mods=[("EXTRA_CHEESE", 1), ("NO_ONION", 1)])), ITEMS, MODS
    )
    assert as_tuples(rows) == [
        ("1", "p_burger", Decimal("2"), ITEM_UNIT, "waste"),
        ("1", "cheese_slice", Decimal("2"), "unit", "waste"),
        # Less onion was in the wasted burgers: the delta keeps its sign.
        ("1", "onion", Decimal("-0.04"), "kg", "waste"),
    ]


def test_refund_with_restock_depletes_nothing_and_returns_stock():
    rows, _ = demand_rows(order(line("1", "WINE", -1, restock=True)), ITEMS, MODS)
    assert as_tuples(rows) == [("1", "p_wine", Decimal("1"), "bottle", "restock")]
    assert not any(r.kind in ("sale", "waste", "modifier") for r in rows)


def test_set_meal_parent_unmapped_carries_price_components_deplete():
    rows, unmapped = demand_rows(
        order(
            line("1", "SET_A", 1, mods=[("EXTRA_CHEESE", 1)]),
            line("2", "BURGER", 1, parent_line_ref="1"),
            line("3", "RICE", 1, parent_line_ref="1"),
        ),
        ITEMS,
        MODS,
    )
    assert unmapped == []
    assert as_tuples(rows) == [
        ("1", "cheese_slice", Decimal("1"), "unit", "modifier"),
        ("2", "p_burger", Decimal("1"), ITEM_UNIT, "sale"),
        ("3", "p_rice", Decimal("1"), ITEM_UNIT, "sale"),
    ]


def test_set_meal_parent_mapped_depletes_only_through_its_components():
    # SET_A's recipe is the dishes its components deplete: depleting it too counts twice
    items = {**ITEMS, "SET_A": "p_set_a"}
    rows, unmapped = demand_rows(
        order(line("1", "SET_A", 2), line("2", "RICE", 2, parent_line_ref="1")), items, MODS
    )
    assert unmapped == []
    assert [(r.product, r.qty) for r in rows] == [("p_rice", Decimal("2"))]


def test_set_meal_sent_without_components_depletes_its_recipe():
    items = {**ITEMS, "SET_A": "p_set_a"}
    rows, _ = demand_rows(order(line("1", "SET_A", 2)), items, MODS)
    assert [(r.product, r.qty) for r in rows] == [("p_set_a", Decimal("2"))]


def test_components_of_a_void_parent_produce_nothing():
    rows, unmapped = demand_rows(
        order(line("1", "SET_A", 1, void=True), line("2", "RICE", 1, parent_line_ref="1")),
        ITEMS,
        MODS,
    )
    assert rows == [] and unmapped == []


def test_refunded_set_meal_wastes_its_components():
    rows, _ = demand_rows(
        order(line("1", "SET_A", -1), line("2", "RICE", -1, parent_line_ref="1")), ITEMS, MODS
    )
    assert as_tuples(rows) == [("2", "p_rice", Decimal("1"), ITEM_UNIT, "waste")]


def test_unmapped_codes_are_listed_and_the_rest_still_counts():
    rows, unmapped = demand_rows(
        order(
            line("1", "MYSTERY", 1, mods=[("EXTRA_CHEESE", 1), ("GLITTER", 1), ("GLITTER", 2)]),
            line("2", "FRIES", 1, mods=[("SALTLESS", 1)]),
        ),
        ITEMS,
        MODS,
    )
    assert unmapped == [
        ("1", "item", "MYSTERY"),
        ("1", "modifier", "GLITTER"),
        ("2", "modifier", "SALTLESS"),
    ]
    assert [(r.line_ref, r.product) for r in rows] == [("1", "cheese_slice"), ("2", "p_fries")]


def test_float_deltas_are_exact_decimals():
    mods = {"SPLASH": [("milk", 0.1, "L")]}
    rows, _ = demand_rows(order(line("1", "BURGER", 3, mods=[("SPLASH", 1)])), ITEMS, mods)
    assert rows[1].qty == Decimal("0.3")


@pytest.mark.parametrize(
    "items, mods",
    [
        ({"BURGER": ("p", "unit", "extra")}, {}),
        (ITEMS, {"EXTRA_CHEESE": [("cheese", 1)]}),
        (ITEMS, {"EXTRA_CHEESE": [("cheese", "lots", "unit")]}),
        (ITEMS, {"EXTRA_CHEESE": [("cheese", float("nan"), "unit")]}),
        (ITEMS, {"EXTRA_CHEESE": [("cheese", True, "unit")]}),
    ],
)
def test_malformed_mapping_is_a_boh_error(items, mods):
    with pytest.raises(BohError) as info:
        demand_rows(order(line("1", "BURGER", 1, mods=[("EXTRA_CHEESE", 1)])), items, mods)
    assert info.value.message.endswith(".")


def test_rows_from_a_validated_order():
    from boh_core.sales.payload import validate_push

    payload = {
        "source": "pos",
        "orders": [
            {
                "order_ref": "A-1",
                "location": "S1",
                "business_date": "2025-06-01",
                "closed_at": "2025-06-01T12:00:00+02:00",
                "lines": [
                    {
                        "line_ref": "1",
                        "item_code": "BURGER",
                        "qty": 2,
                        "unit_price": 12.5,
                        "modifiers": [{"code": "NO_ONION", "qty": 1}],
                    }
                ],
            }
        ],
    }
    (validated,) = validate_push(payload).orders
    rows, _ = demand_rows(validated, ITEMS, MODS)
    assert [(r.product, r.qty) for r in rows] == [("p_burger", 2), ("onion", Decimal("-0.04"))]
