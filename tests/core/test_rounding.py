"""round_half_up, is_zero, compare: Odoo's decimal rounding of floats, without Odoo."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from boh_core.rounding import compare, is_zero, round_half_up


def test_ties_go_away_from_zero():
    assert round_half_up(0.125, 2) == 0.13
    assert round_half_up(-0.125, 2) == -0.13
    assert round_half_up(2.5, 0) == 3.0


def test_stored_just_below_the_tie_still_rounds_up():
    # 2.675 is stored as 2.67499999999999982236431605997495353221893310546875
    assert round_half_up(2.675, 2) == 2.68
    assert round_half_up(1.0005, 3) == 1.001


def test_zero_and_compare_at_the_precision():
    assert is_zero(0.0004, 3)
    assert not is_zero(0.0005, 3)
    assert compare(1.0004, 1.0, 3) == 0
    assert compare(1.0006, 1.0, 3) == 1
    assert compare(0.999, 1.0, 3) == -1


@given(st.floats(min_value=-1e6, max_value=1e6, allow_nan=False), st.integers(0, 6))
def test_rounding_is_within_half_a_step_and_stable(value, digits):
    rounded = round_half_up(value, digits)
    assert abs(rounded - value) <= 0.5 * 10.0**-digits + 1e-9 * max(1.0, abs(value))
    assert round_half_up(rounded, digits) == rounded
