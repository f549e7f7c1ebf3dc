"""Tests for boh_core.exceptions.prices and .counts."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from boh_core.errors import BohError
from boh_core.exceptions import detect_counts, detect_prices

WEEKS = pd.date_range("2026-01-05", periods=30, freq="7D")


def regular_noise(sd, rng):
    """Noise of standard deviation about ``sd`` that is clean whatever the window: 1.34,
    -0.46, 0.46 and -1.34 noises in turn (the median 0, none beyond 1.4 noises), plus a
    jitter of a tenth of ``sd`` (random noise of 30 weeks is flagged now and then at
    thresholds calibrated to a false-alarm rate: see the rate tests)."""
    pattern = np.resize(np.array([1.3, -0.45, 0.45, -1.3]) / 0.973, len(WEEKS))
    return sd * (pattern + rng.normal(0, 0.1, len(WEEKS)))


def prices(jump=None, dear=1.0, seed=5):
    """Two vendors of rice at about 10 (1% invoice noise: a regular +-1.4 noises, clean at
    the default thresholds, and a little jitter); ``dear`` scales vendor V2."""
    rng = np.random.default_rng(seed)
    rows = []
    for vendor, level in (("V1", 10.0), ("V2", 10.2 * dear)):
        values = level * np.exp(regular_noise(0.01, rng))
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


def test_a_list_price_step_becomes_the_level_and_a_spike_on_it_is_still_seen():
    """V1's list price steps up 4% at week 12 (one flag at most, on the step itself), then
    one invoice 4% dearer still at week 20: judged against the new level, not a long median
    that mixes both levels."""
    frame = prices()
    v1 = frame["vendor"] == "V1"
    frame.loc[v1 & (frame["at"] >= WEEKS[12]), "price"] *= 1.04
    frame.loc[v1 & (frame["at"] == WEEKS[20]), "price"] *= 1.04
    starts = [f.start for f in detect_prices(frame) if f.key == ("V1", "rice")]
    assert WEEKS[20].date() in starts
    assert set(starts) <= {WEEKS[12].date(), WEEKS[20].date()}


def test_dear_invoices_are_left_out_of_the_level_and_noise_that_judge_the_next():
    """Three invoices 10% dearer, then one 4% dearer: each is seen."""
    frame = prices()
    v1 = frame["vendor"] == "V1"
    for week, rise in ((8, 1.1), (11, 1.1), (14, 1.1), (20, 1.04)):
        frame.loc[v1 & (frame["at"] == WEEKS[week]), "price"] *= rise
    starts = [f.start for f in detect_prices(frame) if f.key == ("V1", "rice")]
    assert starts == [WEEKS[week].date() for week in (8, 11, 14, 20)]


def test_clean_random_prices_raise_flags_at_about_the_calibrated_rate():
    """200 vendors' clean prices (1% normal noise, 30 weeks): a history flag on about 3% of
    the judged prices (z 2.1, two-sided, with the Student-t correction), not more."""
    rng = np.random.default_rng(11)
    rows = [
        (f"V{k}", "rice", w, 10 * np.exp(e))
        for k in range(200)
        for w, e in zip(WEEKS, rng.normal(0, 0.01, len(WEEKS)), strict=True)
    ]
    frame = pd.DataFrame(rows, columns=["vendor", "product", "at", "price"])
    flagged = sum(f.detail["prices"] for f in detect_prices(frame))
    judged = 200 * (len(WEEKS) - 7)
    assert 0.005 < flagged / judged < 0.04


def test_a_price_of_zero_is_refused_with_its_row():
    frame = prices()
    frame.loc[3, "price"] = 0
    with pytest.raises(BohError) as caught:
        detect_prices(frame)
    assert (caught.value.field, caught.value.value) == ("prices.price", 0)


def counts(shifts=(), seed=6):
    """Weekly counts of a product whose book is ~2 short each week (+-0.3, regular)."""
    rng = np.random.default_rng(seed)
    expected = np.full(len(WEEKS), 50.0)
    counted = expected - 2 + regular_noise(0.3, rng)
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


def test_an_earlier_shortfall_does_not_hide_a_later_one():
    """Two counts 3 short (10 noises), then, later, two counts 1.2 short (4 noises): the
    first pair is left out of the baseline that judges the second."""
    found = detect_counts(counts(shifts=[(12, -3), (13, -3), (24, -1.2), (25, -1.2)]))
    assert [f.start.date() for f in found] == [WEEKS[12].date(), WEEKS[24].date()]


def test_clean_random_counts_raise_flags_at_about_the_calibrated_rate():
    """400 products' clean counts (normal errors, 30 weeks): a repeated far count on about
    two judged counts in a hundred (z 1.5, two far counts at most 3 apart), not more."""
    rng = np.random.default_rng(12)
    frame = pd.concat(
        [
            counts().assign(product=f"P{k}", counted=50 - 2 + rng.normal(0, 0.3, len(WEEKS)))
            for k in range(400)
        ],
        ignore_index=True,
    )
    found = detect_counts(frame)
    assert 0.002 < len(found) / (400 * (len(WEEKS) - 6)) < 0.03
