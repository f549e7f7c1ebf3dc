"""portion_vector and portions_available: the 86 list from ingredients on hand."""

from __future__ import annotations

from boh_core.sales.availability import Availability, portion_vector, portions_available


def test_portion_vector_scales_to_the_sold_unit_and_drops_unused_ingredients():
    assert portion_vector({"beef": 0.2, "salt": 0.0, "bun": 1.0}, 2.0) == {"beef": 0.4, "bun": 2.0}


def test_the_scarcest_tracked_ingredient_limits_the_dish():
    vectors = {"burger": {"beef": 0.2, "bun": 1.0, "salt": 0.001}}
    rows = portions_available(vectors, {"beef": 1.0, "bun": 12.0}, tracked={"beef", "bun"})
    assert rows == [Availability("burger", 5, "beef")]


def test_floating_sums_just_under_a_portion_count_as_one_and_negative_stock_as_none():
    vectors = {"a": {"x": 0.1}, "b": {"y": 1.0}}
    rows = portions_available(vectors, {"x": 0.3 - 1e-12, "y": -4.0}, tracked={"x", "y"})
    assert rows == [Availability("a", 3, "x"), Availability("b", 0, "y")]


def test_a_dish_without_tracked_ingredients_is_left_out():
    assert portions_available({"tea": {"leaf": 0.01}}, {}, tracked=set()) == []
