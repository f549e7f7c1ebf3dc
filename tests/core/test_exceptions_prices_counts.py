"""Tests for boh_core.exceptions.prices and .counts."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from boh_core.errors import BohError
from boh_core.exceptions import detect_counts, detect_prices

WEEKS = pd.date_range("2026-01-05", periods=30, freq="7D")


def prices(jump=None, dear=1.0, seed=5):
    """Two vendors of rice at about 10 (1% invoice noise); ``dear`` scales vendor V2."""
    rng = np.random.default_rng(seed)
    rows = []
    for vendor, level in (("V1", 10.0), ("V2", 10.2 * dear)):
        values = level * np.exp(np.clip(rng.normal(0, 0.01, len(WEEKS)), -0.02, 0.02))
        if jump and vendor == "V1":
            values[jump[0]] *= jump[1]
        rows += [(vendor, "rice", w, v) for w, v in zip(WEEKS, values, strict=True)]
    return pd.DataFrame(rows, columns=["vendor", "product", "at", "price"])


def test_a_price_far_from_its_history_is_flagged():
    found = detect_prices(prices(jump=(20, 1.15)))
    assert [(f.kind, f.key, f.start) for f in found] == [
        ("price", ("V1", "rice"), WEEKS[20].date())
    ]
    assert found[0].detail["reason"] in ("history", "both")
    assert found[0].observed > found[0].high


def test_a_vendor_far_dearer_than_the_others_is_flagged_from_its_first_price():
    found = detect_prices(prices(dear=1.5))
    assert [(f.key, f.start, f.detail["reason"]) for f in found] == [
        (("V2", "rice"), WEEKS[0].date(), "peers")
    ]


def test_clean_prices_raise_nothing_and_twice_the_same():
    assert detect_prices(prices()) == []
    frame = prices(jump=(20, 1.15))
    assert detect_prices(frame) == detect_prices(frame)


def test_a_price_of_zero_is_refused_with_its_row():
    frame = prices()
    frame.loc[3, "price"] = 0
    with pytest.raises(BohError) as caught:
        detect_prices(frame)
    assert (caught.value.field, caught.value.value) == ("prices.price", 0)


def counts(shifts=(), seed=6):
    """Weekly counts of a product whose book is ~2 short each week (+-0.3)."""
    rng = np.random.default_rng(seed)
    expected = np.full(len(WEEKS), 50.0)
    counted = expected - 2 + np.clip(rng.normal(0, 0.3, len(WEEKS)), -0.36, 0.36)
    for week, shift in shifts:
        counted[week] += shift
    return pd.DataFrame(
        {"store": "S", "product": "P", "at": WEEKS, "counted": counted, "expected": expected}
    )


def test_a_far_count_that_repeats_is_flagged_from_the_first():
    found = detect_counts(counts(shifts=[(20, -3), (22, -3)]))
    assert [(f.kind, f.key, f.start.date()) for f in found] == [
        ("count", ("S", "P"), WEEKS[20].date())
    ]
    assert found[0].detail["far_counts"] == 2 and found[0].detail["direction"] == "short"


def test_a_single_miscount_is_not_an_exception():
    assert detect_counts(counts(shifts=[(20, -3)])) == []
    assert detect_counts(counts()) == []


def test_the_repeat_keeps_its_start_as_counts_are_added():
    frame = counts(shifts=[(20, -3), (22, -3), (24, -3)])
    early = detect_counts(frame.iloc[:23])
    late = detect_counts(frame)
    assert [(f.key, f.start) for f in early] == [(f.key, f.start) for f in late]


def test_counts_bad_input():
    with pytest.raises(BohError) as caught:
        detect_counts(counts().assign(expected=None))
    assert caught.value.field == "counts.expected"
