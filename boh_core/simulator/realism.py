"""Realism measures of daily sales series, and the ranges real data falls in.

Four numbers describe the shape of one daily series well enough to tell a believable
simulation from noise or from a too-clean sine wave:

``zero_share``
    Share of days with no sales (closures, slow items).
``cv``
    Coefficient of variation: standard deviation over mean of the daily quantities.
``weekly_strength``
    Strength of the weekly pattern (Hyndman and Athanasopoulos, *Forecasting: principles and
    practice*, section 4.2): ``max(0, 1 - Var(R) / Var(S + R))`` where the trend is a centred
    7-day moving average, ``S`` the mean detrended value of each weekday and ``R`` what is
    left. 0 = no weekly pattern, 1 = nothing but the weekly pattern.
``snaive_mase``
    Accuracy of the weekly seasonal-naive forecast (``y[t] = y[t - 7]``, i.e. last week
    again) over the last :data:`MASE_HOLDOUT_DAYS` days, forecast 1 to 7 days ahead from
    origins a week apart, as a MASE scaled by the same forecast's in-sample error before the
    hold-out (:func:`boh_core.forecast.metrics.seasonal_scale`). Near 1 for a stable series;
    above 1 when holidays, promotions, trend or new items make last week a worse guide.

:data:`BAKERY_RANGES` is measured on the real bakery panel that the forecast benchmark uses
(``bench/bench_forecast_accuracy.py``: 105 store x product series of German bakeries,
2016-01-02 .. 2019-04-30, package ``datasetsdynamic``), cut into non-overlapping windows of
:data:`WINDOW_DAYS` days (630 windows, of which 606 sold something and are measured), so
that the ranges describe half-year histories such as the demo's.
``tests/core/test_simulator_realism.py`` re-measures them on the bakery panel and holds the
simulator to them.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from boh_core.forecast.metrics import seasonal_scale

#: Window length (days) the reference ranges were measured on.
WINDOW_DAYS = 182
#: Days at the end of a series that the seasonal-naive forecast is scored on.
MASE_HOLDOUT_DAYS = 28
SEASON = 7
MEASURES = ("zero_share", "cv", "weekly_strength", "snaive_mase")


@dataclass(frozen=True)
class Range:
    """Where a measure of real series falls: the extremes and the 10th-90th percentiles."""

    low: float
    p10: float
    median: float
    p90: float
    high: float

    def contains(self, value: float) -> bool:
        """True when ``value`` lies within the extremes (inclusive)."""
        return self.low <= value <= self.high


#: Per-series ranges on the bakery panel, 182-day windows: ``measure_ranges(series_measures(
#: windowed(load_bakery())))`` with ``load_bakery`` of ``bench/bench_forecast_accuracy.py``.
BAKERY_RANGES: dict[str, Range] = {
    "zero_share": Range(0.005, 0.011, 0.027, 0.181, 0.473),
    "cv": Range(0.202, 0.308, 0.513, 0.717, 1.937),
    "weekly_strength": Range(0.03, 0.181, 0.615, 0.795, 0.922),
    "snaive_mase": Range(0.491, 0.763, 1.14, 1.706, 3.049),
}


def _weekly_strength(y: np.ndarray) -> np.ndarray:
    """Strength of the weekly pattern of each row of ``y`` (series x days, no NaN)."""
    n, t = y.shape
    if t < 3 * SEASON:
        return np.full(n, np.nan)
    # Centred 7-day moving average per row, computed with cumulative sums (no Python loop).
    csum = np.cumsum(np.pad(y, ((0, 0), (1, 0))), axis=1)
    trend = (csum[:, SEASON:] - csum[:, :-SEASON]) / SEASON  # window ending at day k+6
    half = SEASON // 2
    detr = y[:, half : half + trend.shape[1]] - trend
    dow = (np.arange(detr.shape[1]) + half) % SEASON
    onehot = np.eye(SEASON)[dow]  # days x 7
    means = (detr @ onehot) / onehot.sum(axis=0)
    seasonal = means[:, dow]
    remainder = detr - seasonal
    var_r = remainder.var(axis=1)
    var_sr = detr.var(axis=1)
    with np.errstate(invalid="ignore", divide="ignore"):
        strength = np.where(var_sr > 0, 1.0 - var_r / var_sr, 0.0)
    return np.clip(strength, 0.0, 1.0)


def _snaive_mase(y: np.ndarray) -> np.ndarray:
    """Seasonal-naive MASE of each row over its last :data:`MASE_HOLDOUT_DAYS` days."""
    n, t = y.shape
    cut = t - MASE_HOLDOUT_DAYS
    if cut <= 2 * SEASON:
        return np.full(n, np.nan)
    scale = seasonal_scale(y[:, :cut])
    # Origins a week apart: each hold-out week is forecast by the week before it.
    err = np.abs(y[:, cut:] - y[:, cut - SEASON : t - SEASON]).mean(axis=1)
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(scale > 0, err / scale, np.nan)


def series_measures(frame: pd.DataFrame) -> pd.DataFrame:
    """The four measures of every series of a long frame (``unique_id``, ``ds``, ``y``).

    Missing days between a series' first and last date count as zero sales. Only series that
    span every day of the frame are measured (an item launched or dropped during the period is
    not comparable); the others get NaN. Returns one row per series, indexed by
    ``unique_id``, with the columns of :data:`MEASURES`.
    """
    work = frame.assign(ds=pd.to_datetime(frame["ds"]).dt.normalize())
    wide = work.pivot_table(index="unique_id", columns="ds", values="y", aggfunc="sum")
    wide = wide.sort_index().reindex(
        columns=pd.date_range(wide.columns.min(), wide.columns.max(), freq="D")
    )
    span = work.groupby("unique_id")["ds"].agg(["min", "max"]).reindex(wide.index)
    full = ((span["min"] == wide.columns[0]) & (span["max"] == wide.columns[-1])).to_numpy()
    y = wide.fillna(0.0).clip(lower=0.0).to_numpy(float)
    mean = y.mean(axis=1)
    with np.errstate(invalid="ignore", divide="ignore"):
        cv = np.where(mean > 0, y.std(axis=1) / mean, np.nan)
    out = pd.DataFrame(
        {
            "zero_share": (y == 0).mean(axis=1),
            "cv": cv,
            "weekly_strength": _weekly_strength(y),
            "snaive_mase": _snaive_mase(y),
        },
        index=wide.index,
    )
    out.loc[~full, :] = np.nan
    return out


def windowed(frame: pd.DataFrame, days: int = WINDOW_DAYS) -> pd.DataFrame:
    """The frame cut into non-overlapping windows of ``days`` days, each its own series.

    Windows are counted back from the last date; a shorter remainder at the start is dropped.
    The new ``unique_id`` is ``<id>@<window number>`` and every window is moved onto the
    dates of the last one (by whole windows, so when ``days`` is a multiple of 7 each day
    keeps its weekday), so that all windows span the same days.
    """
    ds = pd.to_datetime(frame["ds"]).dt.normalize()
    age = (ds.max() - ds).dt.days.to_numpy()
    window = age // days
    full = window < (age.max() + 1) // days
    out = frame.loc[full, ["unique_id", "y"]].copy()
    out["ds"] = ds[full] + pd.to_timedelta(window[full] * days, unit="D")
    out["unique_id"] = out["unique_id"].astype(str) + "@" + window[full].astype(str)
    return out


def measure_ranges(measures: pd.DataFrame) -> dict[str, Range]:
    """The :class:`Range` of each measure over the fully measured rows of :func:`series_measures`.

    A row with any measure unknown (a series that sold nothing, or too short) is left out.
    """
    known = measures[list(MEASURES)].dropna()
    out = {}
    for name in MEASURES:
        col = known[name].to_numpy(float)
        q = np.quantile(col, [0.0, 0.1, 0.5, 0.9, 1.0])
        out[name] = Range(*(round(float(v), 3) for v in q))
    return out


def outside(measures: pd.DataFrame, ranges: dict[str, Range] | None = None) -> pd.DataFrame:
    """The rows of ``measures`` with at least one measure outside its range (NaN ignored)."""
    ranges = BAKERY_RANGES if ranges is None else ranges
    bad = np.zeros(len(measures), dtype=bool)
    for name, rng in ranges.items():
        col = measures[name].to_numpy(float)
        bad |= ~np.isnan(col) & ((col < rng.low) | (col > rng.high))
    return measures[bad]
