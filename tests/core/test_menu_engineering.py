"""Menu engineering quadrants on known data."""

from __future__ import annotations

import pytest

from boh_core.errors import BohError
from boh_core.numbers.menu_engineering import MenuItemSales, classify

# Mains: 4 items, fair share 25%, threshold 17.5%; 200 sold.
#   burger 80 sold at 12.00, cost 4.00 -> CM 8.00, mix 40%
#   steak 20 sold at 30.00, cost 12.00 -> CM 18.00, mix 10%
#   pasta 70 sold at 10.00, cost 3.50 -> CM 6.50, mix 35%
#   fish 30 sold at 15.00, cost 10.00 -> CM 5.00, mix 15%
# total margin 640 + 360 + 455 + 150 = 1605 over 200 -> average CM 8.025
# Drinks (never compared with mains): cola 100 at 3.00 cost 0.50, wine 10 at 9.00 cost 3.00
MAINS = [
    MenuItemSales("burger", "mains", 80, 960.0, 4.0),
    MenuItemSales("steak", "mains", 20, 600.0, 12.0),
    MenuItemSales("pasta", "mains", 70, 700.0, 3.5),
    MenuItemSales("fish", "mains", 30, 450.0, 10.0),
]
DRINKS = [
    MenuItemSales("cola", "drinks", 100, 300.0, 0.5),
    MenuItemSales("wine", "drinks", 10, 90.0, 3.0),
]


def by_key(items):
    return {item.key: item for item in classify(items)}


def test_mains_land_in_the_four_quadrants() -> None:
    result = by_key(MAINS)
    assert result["burger"].quadrant == "plowhorse"  # popular, CM 8.00 < 8.025
    assert result["steak"].quadrant == "puzzle"
    assert result["pasta"].quadrant == "plowhorse"
    assert result["fish"].quadrant == "dog"  # 15% < 17.5%
    assert result["burger"].category_avg_margin == pytest.approx(8.025)
    assert result["burger"].mix_threshold_pct == pytest.approx(17.5)
    assert result["steak"].menu_mix_pct == pytest.approx(10.0)
    assert result["steak"].total_margin == pytest.approx(360.0)


def test_a_star_is_popular_and_above_the_average_margin() -> None:
    items = [*MAINS[:3], MenuItemSales("fish", "mains", 30, 450.0, 5.0)]  # CM 10.00
    # average (640 + 360 + 455 + 300) / 200 = 8.775; fish mix 15% is still below 17.5%
    assert by_key(items)["fish"].quadrant == "puzzle"
    items = [MenuItemSales("burger", "mains", 80, 960.0, 2.0), *MAINS[1:]]  # CM 10.00
    assert by_key(items)["burger"].quadrant == "star"


def test_categories_are_never_compared() -> None:
    result = by_key(MAINS + DRINKS)
    # within drinks: average (250 + 60) / 110 = 2.82; wine CM 6.00, mix 9.1% < 35%
    assert result["wine"].quadrant == "puzzle"
    assert result["cola"].quadrant == "plowhorse"
    assert result["wine"].category_avg_margin == pytest.approx(310.0 / 110.0)
    assert result["burger"].quadrant == "plowhorse"


def test_items_without_sales_are_left_out_and_negative_sales_refused() -> None:
    assert classify([MenuItemSales("x", "mains", 0, 0.0, 1.0)]) == []
    with pytest.raises(BohError) as caught:
        classify([MenuItemSales("x", "mains", -1, 0.0, 1.0)])
    assert caught.value.field == "qty"
