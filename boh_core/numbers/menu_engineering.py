"""Menu engineering (Kasavana-Smith) within one menu category.

An item is **popular** when its menu mix (its share of the category's items sold) is at
least 70% of a fair share (1 / number of items in the category), and **profitable** when its
contribution margin per item (net price - food cost) is at least the category's
sales-weighted average contribution margin (total margin / items sold). Popular and
profitable: *star*; popular only: *plowhorse*; profitable only: *puzzle*; neither: *dog*.
Items are only ever compared within their category (drinks never with mains).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

from boh_core.errors import BohError, msg

FAIR_SHARE_FACTOR = 0.7


@dataclass(frozen=True)
class MenuItemSales:
    """What one menu item sold in a period: quantity, net revenue and food cost per item."""

    key: object
    category: object
    qty: float
    revenue: float
    unit_cost: float


@dataclass(frozen=True)
class MenuItemClass:
    """Where one item lands in its category."""

    key: object
    category: object
    menu_mix_pct: float
    mix_threshold_pct: float
    unit_margin: float
    category_avg_margin: float
    total_margin: float
    popular: bool
    profitable: bool
    quadrant: str


def classify(items: list[MenuItemSales]) -> list[MenuItemClass]:
    """Place every item with sales as star, plowhorse, puzzle or dog within its category."""
    for item in items:
        if item.qty < 0:
            raise BohError(
                "qty",
                item.qty,
                msg("numbers.qty.negative", item=item.key, qty=item.qty),
            )
    by_category = defaultdict(list)
    for item in items:
        if item.qty > 0:
            by_category[item.category].append(item)
    result = []
    for category, members in by_category.items():
        sold = sum(item.qty for item in members)
        margin = sum(item.revenue - item.unit_cost * item.qty for item in members)
        average = margin / sold
        threshold = FAIR_SHARE_FACTOR / len(members)
        for item in members:
            unit_margin = item.revenue / item.qty - item.unit_cost
            mix = item.qty / sold
            popular = mix >= threshold
            profitable = unit_margin >= average
            result.append(
                MenuItemClass(
                    key=item.key,
                    category=category,
                    menu_mix_pct=100.0 * mix,
                    mix_threshold_pct=100.0 * threshold,
                    unit_margin=unit_margin,
                    category_avg_margin=average,
                    total_margin=unit_margin * item.qty,
                    popular=popular,
                    profitable=profitable,
                    quadrant=_quadrant(popular, profitable),
                )
            )
    return result


def _quadrant(popular: bool, profitable: bool) -> str:
    if popular:
        return "star" if profitable else "plowhorse"
    return "puzzle" if profitable else "dog"
