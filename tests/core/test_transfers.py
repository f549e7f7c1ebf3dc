"""Requisition cut-offs and receipts of transfers."""

from __future__ import annotations

from datetime import date, datetime

import pytest

from boh_core.errors import BohError
from boh_core.transfers import cutoff_deadline, split_receipt


def test_cutoff_is_the_day_before_at_the_kitchens_time() -> None:
    assert cutoff_deadline(date(2031, 3, 11), 14.5) == datetime(2031, 3, 10, 14, 30)
    assert cutoff_deadline(date(2031, 3, 1), 0) == datetime(2031, 2, 28, 0, 0)


@pytest.mark.parametrize("hours", [24, -1, float("nan")])
def test_cutoff_outside_a_day_is_refused(hours: float) -> None:
    with pytest.raises(BohError) as caught:
        cutoff_deadline(date(2031, 3, 11), hours)
    assert caught.value.field == "cutoff"


def test_receipt_takes_the_lots_in_shipping_order() -> None:
    good, bad, missing = split_receipt([("early", 1.0), ("late", 2.0)], 1.5, 0.5, 3)
    assert good == [("early", 1.0), ("late", 0.5)]
    assert bad == [("late", 0.5)]
    assert missing == 1.0


def test_receiving_more_than_shipped_is_refused() -> None:
    with pytest.raises(BohError) as caught:
        split_receipt([("a", 1.0)], 1.0, 0.5, 3, "Tomato sauce")
    assert caught.value.field == "qty_received"
    assert "1.5 of 'Tomato sauce'" in str(caught.value)
    with pytest.raises(BohError):
        split_receipt([("a", 1.0)], -1.0, 0.0, 3)
