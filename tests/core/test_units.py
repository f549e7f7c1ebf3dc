"""Unit conversion: Odoo uom factors within a category, product bridges across categories."""

from __future__ import annotations

import math

import pytest
from hypothesis import given
from hypothesis import strategies as st

from boh_core.errors import BohError
from boh_core.units import ProductConversion, Unit, UnitConverter

UNITS = [
    Unit("kg", "weight", 1.0, "kg"),
    Unit("g", "weight", 1000.0, "g"),
    Unit("case6", "weight", 1.0 / 6.0, "Case 6 kg"),
    Unit("L", "volume", 1.0, "L"),
    Unit("ml", "volume", 1000.0, "ml"),
    Unit("each", "count", 1.0, "Units"),
    Unit("dozen", "count", 1.0 / 12.0, "Dozens"),
]
BRIDGES = [
    ProductConversion("egg", "each", 1.0, "g", 55.0),
    ProductConversion("oil", "L", 1.0, "kg", 0.92),
]


@pytest.fixture
def conv() -> UnitConverter:
    return UnitConverter(UNITS, BRIDGES)


def test_same_category_uses_factors(conv: UnitConverter) -> None:
    assert conv.convert(1.5, "kg", "g") == pytest.approx(1500.0)
    assert conv.convert(250.0, "g", "kg") == pytest.approx(0.25)
    # A "Case 6 kg" holds six kilograms, so 2 cases are 12 kg and 12,000 g.
    assert conv.convert(2.0, "case6", "kg") == pytest.approx(12.0)
    assert conv.convert(3000.0, "g", "case6") == pytest.approx(0.5)
    assert conv.factor("L", "ml") == pytest.approx(1000.0)
    assert conv.factor("kg", "kg") == 1.0


def test_bridge_works_both_ways_and_for_every_unit_of_the_categories(conv: UnitConverter) -> None:
    assert conv.convert(2.0, "each", "g", product="egg") == pytest.approx(110.0)
    assert conv.convert(110.0, "g", "each", product="egg") == pytest.approx(2.0)
    # Declared as each -> g, it also gives dozen -> kg.
    assert conv.convert(1.0, "dozen", "kg", product="egg") == pytest.approx(0.66)
    assert conv.convert(0.66, "kg", "dozen", product="egg") == pytest.approx(1.0)
    assert conv.convert(1000.0, "ml", "g", product="oil") == pytest.approx(920.0)
    assert conv.convert(0.92, "kg", "L", product="oil") == pytest.approx(1.0)


def test_bridges_chain_through_categories() -> None:
    conv = UnitConverter(
        UNITS,
        [
            ProductConversion("egg", "each", 1.0, "g", 55.0),
            ProductConversion("egg", "L", 1.0, "kg", 1.1),  # liquid egg
        ],
    )
    # 20 eggs = 1100 g = 1 L.
    assert conv.convert(20.0, "each", "L", product="egg") == pytest.approx(1.0)
    assert conv.convert(500.0, "ml", "each", product="egg") == pytest.approx(10.0)


def test_bridge_is_per_product(conv: UnitConverter) -> None:
    assert conv.can_convert("each", "g", product="egg")
    assert not conv.can_convert("each", "g", product="oil")
    assert not conv.can_convert("each", "g")
    assert conv.can_convert("kg", "g", product="anything")
    assert not conv.can_convert("kg", "nope")


def test_generic_bridge_applies_unless_product_has_its_own() -> None:
    conv = UnitConverter(
        UNITS,
        [
            ProductConversion(None, "L", 1.0, "kg", 1.0),
            ProductConversion("oil", "L", 1.0, "kg", 0.92),
        ],
    )
    assert conv.convert(2.0, "L", "kg", product="water") == pytest.approx(2.0)
    assert conv.convert(2.0, "L", "kg", product="oil") == pytest.approx(1.84)


def test_missing_bridge_error_names_product_units_and_value(conv: UnitConverter) -> None:
    with pytest.raises(BohError) as info:
        conv.convert(3.0, "each", "g", product="flour", product_name="Flour T55")
    error = info.value
    assert error.field == "uom"
    assert error.value == 3.0
    message = str(error)
    assert "Flour T55" in message and "Units" in message and " g" in message and "3" in message
    assert message.endswith(".")


def test_factor_error_without_name_uses_product_key(conv: UnitConverter) -> None:
    with pytest.raises(BohError) as info:
        conv.factor("L", "each", product=42)
    assert info.value.field == "uom"
    assert "42" in str(info.value) and "L" in str(info.value) and "Units" in str(info.value)


def test_unknown_unit(conv: UnitConverter) -> None:
    with pytest.raises(BohError) as info:
        conv.convert(1.0, "cup", "ml", product="milk", product_name="Milk")
    assert info.value.field == "uom"
    assert info.value.value == "cup"
    assert "cup" in str(info.value) and "Milk" in str(info.value)
    with pytest.raises(BohError):
        conv.factor("kg", "stone")


@pytest.mark.parametrize("qty", [math.nan, math.inf, "2"])
def test_convert_refuses_non_finite_quantities(conv: UnitConverter, qty: object) -> None:
    with pytest.raises(BohError) as info:
        conv.convert(qty, "kg", "g")  # type: ignore[arg-type]
    assert info.value.field == "qty"


@pytest.mark.parametrize("factor", [0.0, -1.0, math.nan, math.inf])
def test_bad_factor_is_refused(factor: float) -> None:
    with pytest.raises(BohError) as info:
        UnitConverter([Unit("x", "weight", factor, "Bag")])
    assert info.value.field == "factor"
    assert "Bag" in str(info.value)


def test_bad_bridges_are_refused() -> None:
    with pytest.raises(BohError) as info:
        UnitConverter(UNITS, [ProductConversion("egg", "each", 0.0, "g", 55.0)])
    assert info.value.field == "from_qty"
    with pytest.raises(BohError) as info:
        UnitConverter(UNITS, [ProductConversion("egg", "kg", 1.0, "g", 1000.0)])
    assert info.value.field == "uom"
    with pytest.raises(BohError) as info:
        UnitConverter(UNITS, [ProductConversion("egg", "each", 1.0, "pinch", 1.0)])
    assert info.value.field == "uom" and info.value.value == "pinch"
    with pytest.raises(BohError) as info:
        UnitConverter(
            UNITS,
            [
                ProductConversion("egg", "each", 1.0, "g", 55.0),
                ProductConversion("egg", "g", 60.0, "each", 1.0),
            ],
        )
    assert info.value.field == "uom" and "egg" in str(info.value)


def test_consistent_duplicate_bridge_is_accepted() -> None:
    conv = UnitConverter(
        UNITS,
        [
            ProductConversion("egg", "each", 1.0, "g", 55.0),
            ProductConversion("egg", "kg", 0.055, "each", 1.0),
        ],
    )
    assert conv.convert(1.0, "each", "g", product="egg") == pytest.approx(55.0)


def test_conflicting_unit_definitions_are_refused() -> None:
    with pytest.raises(BohError) as info:
        UnitConverter([Unit("g", "weight", 1000.0), Unit("g", "weight", 100.0)])
    assert info.value.field == "uom"


unit_ids = st.sampled_from([unit.id for unit in UNITS])


@given(
    qty=st.floats(min_value=1e-6, max_value=1e6),
    a=unit_ids,
    b=unit_ids,
    grams_per_each=st.floats(min_value=0.1, max_value=1000),
    kg_per_litre=st.floats(min_value=0.1, max_value=5),
)
def test_round_trip(qty: float, a: str, b: str, grams_per_each: float, kg_per_litre: float) -> None:
    conv = UnitConverter(
        UNITS,
        [
            ProductConversion("p", "each", 1.0, "g", grams_per_each),
            ProductConversion("p", "L", 1.0, "kg", kg_per_litre),
        ],
    )
    # Every unit connects to every other for "p" (count - weight - volume).
    there = conv.convert(qty, a, b, product="p")
    assert conv.convert(there, b, a, product="p") == pytest.approx(qty, rel=1e-9)
    assert conv.factor(a, b, "p") * conv.factor(b, a, "p") == pytest.approx(1.0, rel=1e-9)
