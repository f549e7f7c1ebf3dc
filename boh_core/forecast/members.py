"""Per-series statistical members of the combination: statsforecast's AutoETS and AutoTheta.

They cost about 0.1-0.15 s of CPU a series (fit on :data:`STAT_DAYS` days, then a cheap
``forward`` pass per origin), which a store's few hundred series can afford and a chain's
15,000 cannot; :func:`boh_core.forecast.core.predict_panel` uses them only when the time budget
allows (:data:`SECONDS_PER_SERIES`). Each model is fitted once per series at the validation
cut and then applied with its fitted parameters, states re-filtered, at every validation origin
and at the forecast origin, so validation and forecast see the same model (statsforecast's
``forward``, its cross-validation with ``refit=False``).

statsforecast (Apache-2.0, on PyPI) is well kept and its AutoETS/AutoTheta are the M4
benchmarks: re-implementing them would be slower and less trusted. It is imported only here,
only when used; where it is not installed the forecaster keeps to the chain configuration
(GBM and vectorised baselines) and says so.
"""

from __future__ import annotations

import os
import warnings
from dataclasses import dataclass

import numpy as np

from .features import F32, SeriesStats

os.environ.setdefault("NIXTLA_ID_AS_COL", "1")

# A year of history: two seasons of weekly patterns many times over, and a level that follows
# the recent past; longer fits cost twice as much for no gain in our backtests.
STAT_DAYS = 364
# Fewer known days than this: the GBM (which pools every series) is the better guess.
MIN_STAT_DAYS = 56
SEASON = 7
# Seconds a series costs for both members (with the forward passes of six validation origins
# and the forecast origin, 364 days, 2 cores). 0.15 was measured on the bakery panel; on a quiet
# machine on 2026-12-07 a store of 300 series took 68.7 s in all for a 60 s budget (229 ms a
# series, the GBM fits included), so the estimate is 0.2: the members fit up to 225 series.
SECONDS_PER_SERIES = 0.2
MEMBERS = ("ets", "theta")


def available() -> bool:
    """Whether statsforecast can be imported here."""
    try:
        import statsforecast.models  # noqa: F401
    except ImportError:
        return False
    return True


def _start(stats: SeriesStats, i: int, end: int, anchor: int | None = None) -> int:
    """First day of the stretch of series ``i`` that ends before ``end``: its first known
    day, at most STAT_DAYS back; with ``anchor``, moved forward (by less than a week) to the
    anchor's weekday.

    A fitted model keeps the weekly phase of the days it was fitted on: ``forward`` on days
    that start on another weekday would put Sunday's sales on Monday."""
    lo = max(int(stats.first[i]), end - STAT_DAYS)
    if anchor is not None:
        lo += (anchor - lo) % SEASON
    return lo


def _filled(stats: SeriesStats, i: int, end: int, lo: int | None = None) -> np.ndarray:
    """Series ``i`` on days ``lo`` (default :func:`_start`) .. ``end`` (exclusive), unknown
    days (closed) filled with the same-weekday mean, else the 28-day mean, else 0."""
    lo = _start(stats, i, end) if lo is None else lo
    y = stats.y[i, lo:end].astype(np.float64)
    gap = np.isnan(y)
    if gap.any():
        fill = np.where(
            np.isnan(stats.w4[i, lo:end]), stats.m28[i, lo:end], stats.w4[i, lo:end]
        ).astype(np.float64)
        y[gap] = np.nan_to_num(fill[gap], nan=0.0)
    return y


@dataclass
class StatMembers:
    """Point forecasts of each member for some origins: ``values[name][series, slot, step]``."""

    slots: dict[int, int]
    values: dict[str, np.ndarray]

    def points(self, name: str, i: np.ndarray, o: np.ndarray, h: np.ndarray) -> np.ndarray:
        """Forecast of member ``name`` for rows (series, origin, step); NaN where none."""
        keys = np.array(sorted(self.slots), dtype=np.int64)
        pos = np.minimum(np.searchsorted(keys, o), keys.size - 1)
        found = keys[pos] == o
        slot = np.array([self.slots[int(k)] for k in keys])[pos]
        out = self.values[name][i, slot, h - 1]
        return np.where(found, out, np.nan).astype(F32)


def fit_members(stats: SeriesStats, cut: int, origins: list[int], horizon: int) -> StatMembers:
    """Fit each member per series on days before ``cut`` and forecast from each origin.

    A series with fewer than :data:`MIN_STAT_DAYS` known days before ``cut``, or on which a
    model fails (a constant series, say), gets NaN: the combination leaves that member out.
    """
    from statsforecast.models import AutoETS, AutoTheta

    makers = {
        "ets": lambda: AutoETS(season_length=SEASON),
        "theta": lambda: AutoTheta(season_length=SEASON),
    }
    n = stats.y.shape[0]
    values = {m: np.full((n, len(origins), horizon), np.nan, dtype=F32) for m in MEMBERS}
    known = np.cumsum(~np.isnan(stats.y), axis=1)
    for i in range(n):
        if cut < 1 or known[i, cut - 1] < MIN_STAT_DAYS:
            continue
        first = _start(stats, i, cut)
        train = _filled(stats, i, cut, first)
        for name, make in makers.items():
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                try:
                    model = make().fit(train)
                    for k, o in enumerate(origins):
                        days = _filled(stats, i, o + 1, _start(stats, i, o + 1, first))
                        path = model.forward(y=days, h=horizon)["mean"]
                        values[name][i, k] = np.clip(path, 0.0, None)
                except Exception:  # noqa: BLE001 - any failure of one model on one series
                    values[name][i] = np.nan
    return StatMembers({int(o): k for k, o in enumerate(origins)}, values)
