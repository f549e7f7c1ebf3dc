"""The simulator's sales look like real sales: per series, the bakery panel's ranges hold."""

from __future__ import annotations

import importlib.util
from datetime import date

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from boh_core.simulator import BAKERY_RANGES, default_group, series_measures, simulate
from boh_core.simulator.realism import MEASURES, measure_ranges, outside, windowed

END = date(2026, 12, 5)


def measures_of(sim) -> pd.DataFrame:
    daily = sim.daily_sales()
    frame = pd.DataFrame(
        {
            "unique_id": daily["store"] + "/" + daily["item"],
            "ds": daily["ds"],
            "y": daily["net"].clip(lower=0),
        }
    )
    return series_measures(frame)


@pytest.mark.parametrize("seed", [0, 1, 2, 3])
def test_every_series_of_the_demo_group_is_in_the_bakery_ranges(seed):
    """The demo's setting: 3 stores, about 100 orders a day, half a year."""
    sim = simulate(default_group(3), days=182, end=END, seed=seed, orders_per_day=100)
    measures = measures_of(sim)
    measured = measures.dropna()
    # Items launched or dropped during the run are not measured; all others are.
    assert len(measured) == len(measures) - 3 * 2
    assert outside(measured).empty, outside(measured)
    for name in MEASURES:
        rng = BAKERY_RANGES[name]
        assert rng.p10 <= measured[name].median() <= rng.p90, name


@settings(max_examples=6, deadline=None)
@given(
    seed=st.integers(0, 2**32),
    stores=st.integers(1, 6),
    orders=st.floats(40, 400),
    days=st.sampled_from([182, 273, 364]),
)
def test_other_sizes_stay_in_the_ranges(seed, stores, orders, days):
    sim = simulate(default_group(stores), days=days, end=END, seed=seed, orders_per_day=orders)
    measured = measures_of(sim).dropna()
    assert len(outside(measured)) <= max(1, 0.05 * len(measured))
    # One store's series share their weather and holidays: their median is held to the
    # bakery's extremes here (the demo setting above holds it to the 10th-90th percentiles).
    for name in MEASURES:
        rng = BAKERY_RANGES[name]
        assert rng.low <= measured[name].median() <= rng.high, name


def test_the_ranges_are_those_of_the_bakery_panel():
    """Re-measure the real data the forecast benchmark uses; the constants must match."""
    from boh_core.forecast.datasets import load_bakery

    assert importlib.util.find_spec("datasetsDynamic") is not None
    measured = measure_ranges(series_measures(windowed(load_bakery())))
    for name in MEASURES:
        got, want = measured[name], BAKERY_RANGES[name]
        assert (got.low, got.p10, got.median, got.p90, got.high) == pytest.approx(
            (want.low, want.p10, want.median, want.p90, want.high), abs=1e-3
        ), name


def test_measures_tell_noise_and_patterns_apart():
    days = pd.date_range("2026-01-05", periods=182)
    rng = np.random.default_rng(0)
    week = np.tile([1, 1, 1, 1, 2, 3, 0.5], 26) * 20
    frame = pd.concat(
        [
            pd.DataFrame({"unique_id": "weekly", "ds": days, "y": week}),
            pd.DataFrame({"unique_id": "noise", "ds": days, "y": rng.poisson(20, 182)}),
            pd.DataFrame({"unique_id": "sparse", "ds": days, "y": rng.poisson(0.3, 182)}),
        ]
    )
    m = series_measures(frame)
    assert m.loc["weekly", "weekly_strength"] == pytest.approx(1.0)
    assert m.loc["weekly", "snaive_mase"] != m.loc["weekly", "snaive_mase"]  # NaN: scale 0
    assert m.loc["noise", "weekly_strength"] < 0.2
    assert m.loc["sparse", "zero_share"] > 0.6
    assert m.loc["noise", "cv"] == pytest.approx(
        np.std(frame[frame.unique_id == "noise"].y) / np.mean(frame[frame.unique_id == "noise"].y)
    )
