"""The 86 list: how many portions of each menu item the ingredients on hand allow.

A dish's *portion vector* is what one unit of it (in the unit it is sold in) takes of each
ingredient: the recipe's ingredients per unit of its output, times the factor from the
sold unit to the recipe's output unit. A dish can be made as many times as its scarcest
tracked ingredient allows, rounded down; the ingredient that sets the limit is named.
Only ingredients tracked in stock limit a dish; a dish with none is left out.
"""

from __future__ import annotations

import math
from collections.abc import Collection, Hashable, Mapping
from dataclasses import dataclass

#: Slack under a whole portion that still counts as one (floating sums of quantities).
PORTION_SLACK = 1e-9


@dataclass(frozen=True)
class Availability:
    """Portions of ``product`` that stock allows, and the ingredient that limits it."""

    product: Hashable
    portions: int
    limiting: Hashable


def portion_vector(per_unit: Mapping[Hashable, float], factor: float) -> dict[Hashable, float]:
    """What one sold unit takes of each ingredient (ingredients it does not use left out)."""
    return {ingredient: qty * factor for ingredient, qty in per_unit.items() if qty > 0}


def portions_available(
    vectors: Mapping[Hashable, Mapping[Hashable, float]],
    on_hand: Mapping[Hashable, float],
    tracked: Collection[Hashable],
) -> list[Availability]:
    """Portions of each dish of ``vectors`` that ``on_hand`` allows, limited only by the
    ``tracked`` ingredients (a dish without any is left out); negative stock allows 0."""
    result = []
    for product, vector in vectors.items():
        limits = [
            (on_hand.get(ingredient, 0.0) / qty, ingredient)
            for ingredient, qty in vector.items()
            if ingredient in tracked and qty
        ]
        if not limits:
            continue
        portions, limiting = min(limits)
        result.append(Availability(product, max(0, math.floor(portions + PORTION_SLACK)), limiting))
    return result


__all__ = ["Availability", "PORTION_SLACK", "portion_vector", "portions_available"]
