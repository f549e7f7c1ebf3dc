"""Sales far outside what was expected: an item's or a store total's day, after known causes.

Method. Each row is one day of one series (a store's item, or the store's total when ``item``
is empty) with the forecast and its 80% interval. Days with a known cause (a promotion, a
closure, a holiday, a manager's override: column ``cause`` not empty) are taken out: they
are neither judged nor used as baseline. On the other days the residual is put in the
forecast's own units of noise, ``u = (actual - forecast) / sigma`` with
``sigma = (hi80 - lo80) / (2 x 1.2816)`` (the 80% interval's half-width in standard
deviations; at least ``min_sigma`` units). The forecast is then *calibrated* on the series'
own past: the median (bias) and robust noise (clipped standard deviation, see ``_common``;
at least ``min_calibration``) of ``u`` over the ``lookback`` judged days before the day, the
noise's square shrunk toward 1
(the forecast's own interval) by ``prior_days`` pseudo-days, so that a short history does not
make a narrow band. The day's score is
``z = (u - bias) / noise``; it is flagged when ``|z| > z x scale``, where ``z`` defaults to
3.29 (a normal day leaves that band once in a thousand, two-sided) and ``scale`` is the
series' band scale (1, widened each time a manager calls a flag of the series a false
alarm). A series with fewer than ``min_history`` judged days before the day is not judged
(``Findings.skipped``). Consecutive flagged days of the same sign, known-cause days between
them ignored, are one finding that starts on the first.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np
import pandas as pd

from boh_core.errors import BohError, msg

from ._common import (
    Findings,
    check_frame,
    check_scales,
    check_settings,
    make,
    numbers_of,
    runs,
    times_of,
    trailing_stats,
    when,
)

#: The 80% interval's half-width in standard deviations of a normal distribution.
Z80 = 1.2816
COLUMNS = ("store", "item", "ds", "actual", "forecast", "lo80", "hi80")


@dataclass(frozen=True)
class SalesThresholds:
    """Settings of :func:`detect_sales` (all > 0).

    ``z``: half-width of the band in calibrated standard deviations (3.29: one normal day in a
    thousand outside); ``lookback``: judged days the calibration looks back on;
    ``min_history``: judged days needed before a series is judged; ``min_sigma``: floor of a
    day's standard deviation, in units; ``min_calibration``: floor of the calibrated noise;
    ``prior_days``: weight, in days, of the forecast's own interval in the calibration;
    ``min_units``: a day is only flagged if it is this many units from the forecast.
    """

    z: float = 3.29
    lookback: int = 56
    min_history: int = 21
    min_sigma: float = 1.0
    min_calibration: float = 0.5
    prior_days: float = 28.0
    min_units: float = 3.0


def detect_sales(
    days: pd.DataFrame,
    *,
    scales: Mapping[tuple, float] | None = None,
    settings: SalesThresholds | None = None,
) -> Findings:
    """Sales days far outside the calibrated band, one :class:`Finding` per run of days.

    ``days``: one row per series and day: ``store`` (any hashable id), ``item`` (the item's
    id, or ``""``/None for the store's total), ``ds`` (date), ``actual`` (units sold),
    ``forecast`` (expected units), ``lo80``/``hi80`` (the forecast's 80% interval) and,
    optionally, ``cause`` (text: ``"promotion"``, ``"closure"``, ``"holiday"``,
    ``"override"``...; empty or missing for none). ``scales``: band scale by series key.
    Returns findings of kind ``"sales"``: ``key`` ``(store, item)`` or ``(store,)`` for the
    total; ``observed`` the actual units of the peak day, ``expected``/``low``/``high`` the
    calibrated band of that day, ``score`` its z; ``detail``: ``peak_day``, ``days`` (flagged
    days), ``direction`` (``"high"``/``"low"``), ``scale``, ``bias``, ``calibration``.
    """
    settings = check_settings(settings, SalesThresholds)
    band_scales = check_scales(scales)
    frame = check_frame(days, "days", COLUMNS).copy()
    frame["ds"] = times_of(frame, "days", "ds").dt.normalize()
    for column in ("actual", "forecast", "lo80", "hi80"):
        frame[column] = numbers_of(frame, "days", column)
    reversed_rows = np.flatnonzero(frame["lo80"].to_numpy() > frame["hi80"].to_numpy())
    if reversed_rows.size:
        row = int(reversed_rows[0])
        low, high = frame["lo80"].iloc[row], frame["hi80"].iloc[row]
        raise BohError(
            "days.lo80",
            low,
            msg("exceptions.column.interval_reversed", name="days", row=row, low=low, high=high),
        )
    cause = frame["cause"] if "cause" in frame.columns else pd.Series("", index=frame.index)
    frame["known"] = cause.fillna("").astype(str).str.strip() != ""
    frame["item"] = frame["item"].where(frame["item"].notna() & (frame["item"] != ""), "")
    frame = frame.sort_values(["store", "item", "ds"], kind="stable")
    out = Findings()
    for (store, item), series in frame.groupby(["store", "item"], sort=True):
        key = (store,) if item == "" else (store, item)
        scale = band_scales.get(key, 1.0)
        _judge(series, key, scale, settings, out)
    return out


def _judge(series: pd.DataFrame, key: tuple, scale: float, st: SalesThresholds, out) -> None:
    """Append the findings of one series to ``out`` (or mark it skipped)."""
    judged = series[~series["known"]]
    if judged.empty:
        return
    sigma = np.maximum((judged["hi80"] - judged["lo80"]) / (2 * Z80), st.min_sigma)
    u = (judged["actual"] - judged["forecast"]) / sigma
    bias, noise, count = trailing_stats(u.reset_index(drop=True), st.lookback, st.min_history)
    n = count.to_numpy()
    # shrunk toward the forecast's own interval (1) by ``prior_days`` pseudo-days
    noise = np.sqrt((n * noise.to_numpy() ** 2 + st.prior_days) / (n + st.prior_days))
    noise = np.maximum(noise, st.min_calibration)
    bias = bias.to_numpy()
    z = (u.to_numpy() - bias) / noise
    units = np.abs(judged["actual"].to_numpy() - judged["forecast"].to_numpy())
    ok = count.to_numpy() >= st.min_history
    if not ok.any():
        out.skipped[key] = "short_history"
        return
    limit = st.z * scale
    flags = ok & (np.abs(np.nan_to_num(z)) > limit) & (units >= st.min_units)
    ds = judged["ds"].to_numpy()
    sig = sigma.to_numpy()
    fc = judged["forecast"].to_numpy()
    for run in runs(flags, np.nan_to_num(z), gap=1):
        p = run.peak
        centre = fc[p] + sig[p] * bias[p]
        half = sig[p] * noise[p] * limit
        out.append(
            make(
                "sales",
                key,
                when(ds[run.first], True),
                when(ds[run.last], True),
                judged["actual"].iloc[p],
                centre,
                max(centre - half, 0.0),
                centre + half,
                z[p],
                unit="units",
                detail={
                    "peak_day": ds[p],
                    "days": int(flags[run.first : run.last + 1].sum()),
                    "direction": "high" if run.sign > 0 else "low",
                    "scale": scale,
                    "bias": bias[p],
                    "calibration": noise[p],
                },
            )
        )
