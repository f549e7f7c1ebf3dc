"""Labour: hours worked far above what the forecast needed.

Method. Each row is one day of one store (optionally one role of a store): the hours
worked and the hours the forecast needed (the labour demand of the day's forecast). The
day's overrun is the relative excess ``x = hours / needed - 1`` (``needed`` at least
``min_needed`` hours). Its baseline is the store's own habit: the median and robust noise
(clipped standard deviation, see ``_common``; at least ``min_noise``) of ``x`` over the
``lookback`` days before. The score is
``z = (x - median) / noise``; a day is flagged when ``z > z`` and the overrun beyond the
usual is at least ``min_hours`` hours (only overruns: a day worked under the need is not an
exception of this kind). A store with fewer than ``min_history`` days before the day is not
judged. Consecutive flagged days (``gap`` days apart at most) are one finding.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from ._common import (
    Findings,
    check_frame,
    check_settings,
    make,
    numbers_of,
    runs,
    times_of,
    trailing_stats,
    when,
)

COLUMNS = ("store", "ds", "hours", "needed")


@dataclass(frozen=True)
class LabourThresholds:
    """Settings of :func:`detect_labour` (all > 0): ``z`` robust z of the overrun,
    ``min_hours`` hours above the usual overrun, ``lookback``/``min_history`` days of
    baseline, ``min_needed`` floor of the needed hours, ``min_noise`` floor of the noise of
    the relative overrun, ``gap`` days that still join two flagged days into one finding."""

    z: float = 3.5
    min_hours: float = 4.0
    lookback: int = 56
    min_history: int = 21
    min_needed: float = 1.0
    min_noise: float = 0.03
    gap: int = 2


def detect_labour(days: pd.DataFrame, *, settings: LabourThresholds | None = None) -> Findings:
    """Days whose hours worked are far above the hours needed, one finding per run.

    ``days``: ``store`` (id), ``ds`` (date), ``hours`` (worked, >= 0), ``needed`` (hours the
    forecast needed, >= 0) and optionally ``role`` (then each (store, role) is a series).
    Days without work (closed) are best left out. Findings of kind ``"labour"``: ``key``
    ``(store,)`` or ``(store, role)``; ``observed`` the hours worked on the peak day,
    ``expected`` the usual hours for its need, ``low``..``high`` the band; ``detail``:
    ``peak_day``, ``needed``, ``excess_hours`` (above the usual), ``days``.
    """
    st = check_settings(settings, LabourThresholds)
    frame = check_frame(days, "days", COLUMNS).copy()
    frame["ds"] = times_of(frame, "days", "ds").dt.normalize()
    frame["hours"] = numbers_of(frame, "days", "hours")
    frame["needed"] = numbers_of(frame, "days", "needed")
    keys = ["store", "role"] if "role" in frame.columns else ["store"]
    frame = frame.sort_values([*keys, "ds"], kind="stable")
    out = Findings()
    for group_key, series in frame.groupby(keys, sort=True):
        key = group_key if isinstance(group_key, tuple) else (group_key,)
        need = np.maximum(series["needed"].to_numpy(), st.min_needed)
        hours = series["hours"].to_numpy()
        x = pd.Series(hours / need - 1.0)
        centre, noise, count = trailing_stats(x, st.lookback, st.min_history)
        centre = centre.to_numpy()
        noise = np.maximum(noise.to_numpy(), st.min_noise)
        ok = count.to_numpy() >= st.min_history
        if not ok.any():
            out.skipped[key] = "short_history"
            continue
        z = np.nan_to_num((x.to_numpy() - centre) / noise)
        usual = need * (1 + np.nan_to_num(centre))
        flags = ok & (z > st.z) & (hours - usual >= st.min_hours)
        ds = series["ds"].to_numpy()
        for run in runs(flags, z, gap=st.gap):
            p = run.peak
            out.append(
                make(
                    "labour",
                    key,
                    when(ds[run.first], True),
                    when(ds[run.last], True),
                    hours[p],
                    usual[p],
                    max(usual[p] - st.z * noise[p] * need[p], 0.0),
                    usual[p] + st.z * noise[p] * need[p],
                    z[p],
                    unit="h",
                    detail={
                        "peak_day": ds[p],
                        "needed": need[p],
                        "excess_hours": hours[p] - usual[p],
                        "days": int(flags[run.first : run.last + 1].sum()),
                    },
                )
            )
    return out
