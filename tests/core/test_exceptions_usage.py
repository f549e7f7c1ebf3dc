"""Tests for boh_core.exceptions.usage: variance and waste above history and peers."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from boh_core.errors import BohError
from boh_core.exceptions import detect_usage, detect_waste

WEEKS = pd.date_range("2026-01-05", periods=40, freq="7D")


def periods(bump=None, leak=None, shared=None, seed=4):
    """Four stores: weekly loss share of flour, 3% +- 0.5 points (within 1.5 sd: clean)."""
    rng = np.random.default_rng(seed)
    rows = []
    for store in ("A", "B", "C", "D"):
        values = 0.03 + np.clip(rng.normal(0, 0.005, len(WEEKS)), -0.0075, 0.0075)
        if bump and store == "A":
            values[bump[0]] += bump[1]
        if leak and store == "A":
            values[leak:] += 0.009  # 1.8 noises, every week: mostly inside the one-week band
        if shared is not None:
            values[shared] += 0.05
        rows += [(store, "flour", w, v) for w, v in zip(WEEKS, values, strict=True)]
    return pd.DataFrame(rows, columns=["store", "ingredient", "period", "value"])


def test_one_bad_week_is_flagged():
    found = detect_usage(periods(bump=(30, 0.03)))
    assert [(f.kind, f.key, f.start) for f in found] == [
        ("usage", ("A", "flour"), WEEKS[30].date())
    ]
    assert found[0].detail["method"] == "period"


def test_a_slow_steady_leak_is_flagged_by_cusum_from_near_its_start():
    found = detect_usage(periods(leak=25))
    assert len(found) == 1
    f = found[0]
    assert f.key == ("A", "flour") and f.detail["method"] == "cusum"
    assert WEEKS[24].date() <= f.start <= WEEKS[29].date()


def test_a_week_every_store_shares_is_not_one_stores_exception():
    assert detect_usage(periods(shared=30)) == []


def test_clean_data_is_quiet_and_same_result_twice():
    assert detect_usage(periods()) == []
    frame = periods(leak=25, bump=(15, 0.03))
    assert detect_usage(frame) == detect_usage(frame)


def test_an_ongoing_leak_keeps_its_start_as_weeks_are_added():
    frame = periods(leak=25)
    whole = detect_usage(frame)
    later = detect_usage(frame[frame["period"] <= WEEKS[36]])
    assert [(f.kind, f.key, f.start) for f in whole] == [(f.kind, f.key, f.start) for f in later]


def test_waste_has_its_kind():
    assert [f.kind for f in detect_waste(periods(bump=(30, 0.03)))] == ["waste"]


def test_short_history_and_bad_input():
    frame = periods()
    found = detect_usage(frame[frame["period"] < WEEKS[5]])
    assert found == [] and ("A", "flour") in found.skipped
    with pytest.raises(BohError) as caught:
        detect_usage(frame.drop(columns="value"))
    assert caught.value.code == "exceptions.frame.missing_columns"
    assert caught.value.value == "value"


def three_stores(bumps):
    """Stores A, B and C as in :func:`periods`, ``bumps``: ``{(store, week): extra}``."""
    frame = periods()
    frame = frame[frame["store"] != "D"].reset_index(drop=True)
    for (store, week), extra in bumps.items():
        frame.loc[(frame["store"] == store) & (frame["period"] == WEEKS[week]), "value"] += extra
    return frame


def test_earlier_bad_weeks_do_not_widen_the_band_that_judges_a_later_one():
    """Three bad weeks (6 noises) then one of 3.4 noises: the bad weeks are left out of the
    baseline, so the later week is still judged against the usual 0.5-point noise."""
    bad = {("A", week): 0.03 for week in (14, 18, 22)}
    found = detect_usage(three_stores(bad | {("A", 30): 0.017}))
    assert [f.start for f in found if f.key == ("A", "flour")] == [
        WEEKS[week].date() for week in (14, 18, 22, 30)
    ]


def test_another_stores_own_bad_week_does_not_excuse_this_one():
    """A and B both go bad the same week, C does not: not a chain-wide change, so each is
    flagged (the chain's excess leaves out the highest other store)."""
    found = detect_usage(three_stores({("A", 30): 0.03, ("B", 30): 0.05}))
    assert sorted(f.key for f in found) == [("A", "flour"), ("B", "flour")]
    assert all(f.start == WEEKS[30].date() for f in found)


def test_keys_are_plain_python_values_as_odoo_ids_need():
    frame = periods(bump=(30, 0.03))
    frame["store"] = frame["store"].map({"A": 11, "B": 12, "C": 13, "D": 14})
    frame["ingredient"] = 7
    (found,) = detect_usage(frame)
    assert found.key == (11, 7)
    assert all(type(part) is int for part in found.key)
