"""Counts typed in shelf units: parsing and exact totals."""

from __future__ import annotations

from fractions import Fraction

import pytest
from hypothesis import given
from hypothesis import strategies as st

from boh_core.counting import CountTerm, count_total, parse_count
from boh_core.errors import BohError

UNITS = {"Units": 1, "Case 12": 12, "case": 12, "kg": 1, "g": 0.001, "Box of 6": 6}


def test_mixed_units_on_one_line():
    assert count_total("3 case + 4", UNITS) == 40
    assert count_total("3 cases 4 units", UNITS) == 40
    assert count_total("1 Case 12 + 1 box of 6", UNITS) == 18


def test_decimals_are_exact():
    assert count_total("2.5 kg + 250 g", UNITS) == Fraction(11, 4)
    assert count_total("0,1 case + 0.2 case", UNITS) == Fraction(36, 10)
    assert count_total(".5", UNITS) == Fraction(1, 2)
    assert count_total("7", {}) == 7


def test_terms():
    assert parse_count(" 3  CASE. + 4 ", ["case"]) == [
        CountTerm(Fraction(3), "case"),
        CountTerm(4, ""),
    ]


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("", "is empty"),
        ("-3", "not understood at '-3'"),
        ("three", "not understood"),
        ("3 crates", "Unit 'crates' in '3 crates' is not a unit Test Milk is counted in"),
        ("x" * 300, "at most 200"),
    ],
)
def test_bad_entries_name_product_and_text(text, message):
    with pytest.raises(BohError) as caught:
        count_total(text, UNITS, "Test Milk")
    assert message in str(caught.value)
    assert caught.value.field == "counted_entry"


@given(
    st.lists(
        st.tuples(st.integers(0, 10**6), st.integers(0, 999), st.sampled_from(sorted(UNITS))),
        min_size=1,
        max_size=5,
    )
)
def test_total_is_the_sum_of_the_terms(terms):
    text = " + ".join(f"{whole}.{frac:03d} {unit}" for whole, frac, unit in terms)
    expected = sum(
        (Fraction(whole) + Fraction(frac, 1000)) * Fraction(UNITS[unit]).limit_denominator(10**9)
        for whole, frac, unit in terms
    )
    assert count_total(text, UNITS) == expected


@given(st.text(max_size=60))
def test_any_text_gives_a_total_or_a_boh_error(text):
    try:
        total = count_total(text, UNITS)
    except BohError as error:
        assert error.field == "counted_entry"
    else:
        assert total >= 0


def test_singular_of_a_plural_unit_name():
    assert count_total("1 dozen + 2 dozens", {"Dozens": 12}) == 36
