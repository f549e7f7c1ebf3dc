"""Supplier scorecard figures on known receipts."""

from __future__ import annotations

from datetime import date

import pytest

from boh_core.numbers.scorecard import PurchaseLine, scorecard

MONDAY, TUESDAY, WEDNESDAY = date(2031, 3, 3), date(2031, 3, 4), date(2031, 3, 5)

LINES = [
    # on time, full, 10.00 after 9.50, agreed 10.00
    PurchaseLine(20, 20, TUESDAY, TUESDAY, 10.0, last_price=9.5, agreed_price=10.0),
    # a day late, 85% short, same price as last time, no agreed price
    PurchaseLine(10, 8.5, MONDAY, TUESDAY, 4.0, last_price=4.0),
    # early, more than ordered (capped at 100%), first purchase
    PurchaseLine(5, 6, WEDNESDAY, MONDAY, 2.2, agreed_price=2.0),
    # not received yet: no on-time figure, 0% filled
    PurchaseLine(4, 0, WEDNESDAY, None, 3.0),
]


def test_scorecard_of_four_lines_computed_by_hand() -> None:
    card = scorecard(LINES)
    assert card.lines == 4
    assert card.on_time_pct == pytest.approx(200.0 / 3)  # 2 of the 3 received
    assert card.fill_pct == pytest.approx((100 + 85 + 100 + 0) / 4)
    assert card.price_vs_last_pct == pytest.approx((100 * 0.5 / 9.5 + 0.0) / 2)
    assert card.price_vs_agreed_pct == pytest.approx((0.0 + 10.0) / 2)


def test_a_vendor_with_nothing_received_has_no_on_time_figure() -> None:
    card = scorecard([LINES[3]])
    assert card.on_time_pct is None
    assert card.fill_pct == 0.0
    assert card.price_vs_last_pct is None
