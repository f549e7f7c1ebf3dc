"""Decimal rounding of floats, tie away from zero, as Odoo's ``float_round`` rounds.

Odoo stores quantities with a number of decimals (a ``decimal.precision``); the pure
algorithms that split or net such quantities round with the same rule, so that what they
return is what the database will keep. The value is scaled, nudged by an epsilon of its
own magnitude (``2.675`` is stored as ``2.67499...``) and rounded half away from zero.
"""

from __future__ import annotations

import math


def round_half_up(value: float, digits: int) -> float:
    """``value`` rounded to ``digits`` decimals, ties away from zero (Odoo's HALF-UP)."""
    if value == 0:
        return 0.0
    scale = 10.0**digits
    normalized = value * scale
    epsilon = 2 ** (math.log2(abs(normalized)) - 50)
    return round(normalized + math.copysign(epsilon, normalized)) / scale


def is_zero(value: float, digits: int) -> bool:
    """Whether ``value`` rounds to nothing at ``digits`` decimals."""
    epsilon = 10.0**-digits
    return value == 0.0 or abs(round_half_up(value, digits)) < epsilon


def compare(first: float, second: float, digits: int) -> int:
    """-1, 0 or 1 as ``first`` is below, equal to or above ``second`` at ``digits`` decimals."""
    if first == second:
        return 0
    delta = round_half_up(first, digits) - round_half_up(second, digits)
    if is_zero(delta, digits):
        return 0
    return -1 if delta < 0.0 else 1


__all__ = ["compare", "is_zero", "round_half_up"]
