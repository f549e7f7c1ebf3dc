"""Properties of boh_core.forecast that hold for any input history (hypothesis)."""

from __future__ import annotations

import numpy as np
import pandas as pd
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from boh_core.forecast import forecast

# Each example fits real models; a few dozen examples cover the shapes without a slow suite.
FAST = settings(max_examples=12, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@st.composite
def histories(draw):
    """Ragged, gappy, zero-heavy, refund-carrying histories of 1 to 4 series."""
    n_series = draw(st.integers(1, 4))
    end = pd.Timestamp("2024-06-30")
    frames = []
    for k in range(n_series):
        days = draw(st.integers(1, 120))
        ds = pd.date_range(end=end - pd.Timedelta(days=draw(st.integers(0, 10))), periods=days)
        keep = draw(st.lists(st.booleans(), min_size=days, max_size=days).filter(lambda m: any(m)))
        values = draw(
            st.lists(
                st.one_of(st.just(0.0), st.floats(-5, 500, allow_nan=False)),
                min_size=days,
                max_size=days,
            )
        )
        frames.append(
            pd.DataFrame({"unique_id": f"item{k}", "ds": ds, "y": values})[np.array(keep)]
        )
    return pd.concat(frames, ignore_index=True)


@FAST
@given(history=histories(), horizon=st.integers(1, 30), level=st.floats(1, 99))
def test_shape_nonnegative_and_ordered(history, horizon, level):
    result = forecast(history, horizon, level=level)
    ids = sorted(history["unique_id"].unique())
    start = history["ds"].max() + pd.Timedelta(days=1)
    # Every series x every horizon day exactly once, in order.
    assert len(result) == len(ids) * horizon
    assert list(result["unique_id"].unique()) == ids
    expected = pd.date_range(start, periods=horizon)
    for _, group in result.groupby("unique_id"):
        assert list(group["ds"]) == list(expected)
    values = result[["yhat", "yhat_lo", "yhat_hi"]].to_numpy()
    assert np.isfinite(values).all()
    assert (values >= 0).all()
    assert (result["yhat_lo"] <= result["yhat"]).all()
    assert (result["yhat"] <= result["yhat_hi"]).all()


@settings(max_examples=6, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(history=histories(), seed=st.integers(0, 2**16))
def test_same_seed_same_answer(history, seed):
    a = forecast(history, 7, seed=seed)
    b = forecast(history.sample(frac=1.0, random_state=1), 7, seed=seed)
    # Row order of the input does not matter either.
    pd.testing.assert_frame_equal(a, b)
