"""What boh_core.forecast answers on series whose truth is known."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from boh_core.forecast import Forecaster, backtest, forecast

WEEKLY = np.array([0.8, 0.7, 0.9, 1.0, 1.3, 1.8, 0.5])  # Monday .. Sunday


def _panel(n_series: int, days: int, start: str = "2023-01-02", seed: int = 0, trend=0.0):
    """Poisson demand with a weekly profile, per-series level and a linear trend."""
    rng = np.random.default_rng(seed)
    ds = pd.date_range(start, periods=days + 28, freq="D")
    levels = rng.uniform(20, 80, n_series)
    t = np.arange(days + 28)
    mean = levels[:, None] * (1 + trend * t)[None, :] * WEEKLY[ds.day_of_week][None, :]
    y = rng.poisson(mean).astype(float)
    frame = pd.DataFrame(
        {
            "unique_id": np.repeat([f"s{k}" for k in range(n_series)], days + 28),
            "ds": np.tile(ds, n_series),
            "y": y.ravel(),
            "mean": mean.ravel(),
        }
    )
    hist = frame[frame["ds"] < ds[days]]
    return hist.drop(columns="mean"), frame[frame["ds"] >= ds[days]]


def _merged(result: pd.DataFrame, truth: pd.DataFrame) -> pd.DataFrame:
    return result.merge(truth, on=["unique_id", "ds"])


def test_recovers_weekly_seasonality_and_level():
    hist, truth = _panel(6, 300)
    m = _merged(forecast(hist, 14), truth)
    wape = (m["yhat"] - m["mean"]).abs().sum() / m["mean"].sum()
    assert wape < 0.08
    # The weekday shape comes through: forecast/true ratio is flat across weekdays.
    m["dow"] = m["ds"].dt.day_of_week
    ratio = m.groupby("dow")["yhat"].sum() / m.groupby("dow")["mean"].sum()
    assert ratio.between(0.9, 1.1).all()
    inside = ((m["y"] >= m["yhat_lo"]) & (m["y"] <= m["yhat_hi"])).mean()
    assert 0.6 <= inside <= 0.97


def test_follows_a_trend():
    # +0.3% a day: the last fortnight of history is ~35% above the first months.
    hist, truth = _panel(6, 300, trend=0.003, seed=1)
    m = _merged(forecast(hist, 14), truth)
    bias = m["yhat"].sum() / m["mean"].sum() - 1
    assert abs(bias) < 0.08
    last_month = hist.groupby("unique_id").tail(28)["y"].mean()
    assert m["yhat"].mean() > 1.02 * last_month


def test_deterministic_for_a_seed():
    hist, _ = _panel(4, 200)
    a = forecast(hist, 10, seed=3)
    b = forecast(hist, 10, seed=3)
    pd.testing.assert_frame_equal(a, b)


def test_short_history_new_menu_item():
    hist, _ = _panel(5, 200)
    launch = hist["ds"].max() - pd.Timedelta(days=5)
    new = pd.DataFrame(
        {"unique_id": "new", "ds": pd.date_range(launch, periods=6), "y": [9, 11, 10, 12, 8, 10.0]}
    )
    result = forecast(pd.concat([hist, new]), 7)
    got = result[result["unique_id"] == "new"]
    assert len(got) == 7
    assert got["yhat"].between(3, 25).all()
    # A single day of history still forecasts.
    one = forecast(new.iloc[[0]], 3)
    assert len(one) == 3 and (one["yhat"] >= 0).all()


def test_intermittent_zero_heavy_series():
    rng = np.random.default_rng(5)
    ds = pd.date_range("2023-01-01", periods=240)
    y = (rng.random(240) < 0.1) * rng.integers(1, 4, 240)
    hist = pd.DataFrame({"unique_id": "caviar", "ds": ds, "y": y.astype(float)})
    result = forecast(hist, 14)
    # Right on average (about 0.2 a day), not pinned to the zeros or to the rare spikes.
    assert 0.05 < result["yhat"].mean() < 0.6
    assert (result["yhat_hi"] >= result["yhat"]).all() and (result["yhat_lo"] >= 0).all()


def test_all_zero_series_forecasts_zero():
    hist, _ = _panel(3, 120)
    zeros = pd.DataFrame({"unique_id": "dud", "ds": hist["ds"].unique(), "y": 0.0})
    result = forecast(pd.concat([hist, zeros]), 7)
    dud = result[result["unique_id"] == "dud"]
    assert (dud[["yhat", "yhat_lo", "yhat_hi"]] == 0).all().all()


def test_discontinued_item_trailing_zeros_forecasts_zero():
    hist, _ = _panel(3, 200)
    gone = hist[hist["unique_id"] == "s0"].assign(unique_id="gone")
    gone.loc[gone["ds"] > gone["ds"].max() - pd.Timedelta(days=35), "y"] = 0.0
    model = Forecaster(14)
    result = model.fit(pd.concat([hist, gone])).predict()
    got = result[result["unique_id"] == "gone"]
    assert (got[["yhat", "yhat_hi"]] == 0).all().all()
    assert model.models_["gone"] == "zero"
    assert (result[result["unique_id"] == "s0"]["yhat"] > 0).all()


def test_closed_days_forecast_zero_and_do_not_count_as_demand():
    hist, _ = _panel(3, 210)
    # Closed every Wednesday in history, zero sales then; closed one future Friday.
    hist = hist.assign(is_closed=(hist["ds"].dt.day_of_week == 2).astype(int))
    hist.loc[hist["is_closed"] == 1, "y"] = 0.0
    start = hist["ds"].max() + pd.Timedelta(days=1)
    days = pd.date_range(start, periods=14)
    future = pd.DataFrame(
        {
            "unique_id": np.repeat(hist["unique_id"].unique(), 14),
            "ds": np.tile(days, 3),
        }
    )
    future["is_closed"] = (future["ds"].dt.day_of_week == 2).astype(int)
    friday = days[days.day_of_week == 4][0]
    future.loc[future["ds"] == friday, "is_closed"] = 1
    result = forecast(hist, 14, future).merge(future, on=["unique_id", "ds"])
    closed = result[result["is_closed"] == 1]
    assert (closed[["yhat", "yhat_lo", "yhat_hi"]] == 0).all().all()
    # Wednesdays' zeros were not demand: Thursday is not dragged down by them.
    thursday = result[result["ds"].dt.day_of_week == 3]
    assert (thursday["yhat"] > 0.5 * thursday["yhat"].mean()).all()
    assert thursday["yhat"].mean() > 20


def test_closed_in_future_only_needs_no_history_column():
    hist, _ = _panel(2, 100)
    start = hist["ds"].max() + pd.Timedelta(days=1)
    future = pd.DataFrame(
        {"unique_id": np.repeat(["s0", "s1"], 5), "ds": np.tile(pd.date_range(start, periods=5), 2)}
    )
    future["is_closed"] = (future["ds"] == start).astype(int)
    result = forecast(hist, 5, future)
    assert (result[result["ds"] == start]["yhat"] == 0).all()
    assert (result[result["ds"] > start]["yhat"] > 0).all()


@pytest.mark.parametrize("country", ["CN", "DE"])
def test_holiday_calendar_learns_holiday_closures(country):
    """A chain that sells almost nothing on public holidays: the forecast learns it."""
    import holidays

    rng = np.random.default_rng(2)
    ds = pd.date_range("2023-01-01", "2024-09-24")
    table = holidays.country_holidays(country, years=[2023, 2024])
    is_hol = np.array([d.date() in table for d in ds])
    mean = 40 * WEEKLY[ds.day_of_week] * np.where(is_hol, 0.05, 1.0)
    rows = [
        pd.DataFrame({"unique_id": f"s{k}", "ds": ds, "y": rng.poisson(mean).astype(float)})
        for k in range(2)
    ]
    hist = pd.concat(rows)
    result = forecast(hist, 14, country=country)
    hol = result["ds"].dt.date.map(lambda d: d in table).to_numpy()
    assert hol.any()  # CN: National Day week; DE: German Unity Day
    assert result.loc[hol, "yhat"].mean() < 0.3 * result.loc[~hol, "yhat"].mean()


def test_backtest_columns_and_metrics():
    hist, _ = _panel(3, 150)
    table = backtest(hist, 7, windows=3)
    assert list(table["unique_id"]) == ["s0", "s1", "s2"]
    assert {"unique_id", "wape", "mase", "coverage", "model"} <= set(table.columns)
    assert (table["n"] == 21).all()
    assert table["wape"].between(0, 0.5).all()
    assert table["mase"].between(0, 1.5).all()
    assert table["coverage"].between(0, 1).all()
    assert np.allclose(table["wape"], table["abs_err"] / table["sum_y"])


@pytest.mark.parametrize("days", [365, 400, 700])
def test_stat_members_keep_the_weekday_of_the_days_they_were_fitted_on(days):
    # fitted on days up to a cut, run forward from the last day on a year of history that
    # starts on another weekday than the fit (a history just over a year, as the Odoo run
    # reads): the weekly peak stays on its weekday
    pytest.importorskip("statsforecast")
    from types import SimpleNamespace

    from boh_core.forecast import members

    rng = np.random.default_rng(3)
    profile = np.array([60.0, 55.0, 58.0, 62.0, 70.0, 90.0, 200.0])
    y = profile[np.arange(days) % 7] + rng.normal(0, 3, days)
    stats = SimpleNamespace(y=y[None, :], first=np.array([0]), w4=None, m28=None)
    fitted = members.fit_members(stats, days - 168, [days - 1], 14)
    for name in members.MEMBERS:
        path = fitted.values[name][0, 0]
        peaks = np.flatnonzero(path > 150) + days
        assert len(peaks) == 2 and (peaks % 7 == 6).all(), (name, path.round())
