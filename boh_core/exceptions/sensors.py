"""Cold-unit sensors: a drift toward the limit, doors that keep it warm, silence, a stuck value.

Readings are ``sensor``, ``at`` (local time), ``temperature`` (deg C) and optionally
``door_open`` (a door opened in the reading's interval); ``limits`` gives each sensor's upper
limit (deg C, e.g. 5 for a fridge, -15 for a freezer).

* **Drift** (:func:`detect_drift`). Door openings are spikes that decay within a quarter of
  an hour, so the readings within ``door_minutes`` after an opening are left out and the rest
  smoothed by a rolling median over ``smooth_minutes``: the *level*. The *normal* level is
  the level's median over ``reference_hours`` ending ``reference_lag_hours`` before (the lag
  keeps a slow drift out of its own reference), its noise the level's robust noise there (from
  ``min_noise`` to ``max_noise``: a unit that wanders a lot still warns). The *trend* is
  the least-squares slope of the level over the last ``trend_hours``. A reading is flagged
  when the level is above normal by at least
  ``min_rise`` and ``z`` noises and the trend is at least ``min_slope`` deg C per hour and
  projects the limit within ``horizon_hours`` (a climb of twice ``min_slope`` already at two
  thirds of that rise: it leaves little time); or when the rise is at least ``level_rise``
  and ``z + 1`` noises whatever the trend; or when the level is above the limit.
  ``persist`` flagged readings in a row raise it. The finding's start is the
  drift's onset (a change point: the last reading before the first flag whose level was within
  one noise of normal), so later runs give the same start; ``detail`` holds the
  ``hours_to_breach`` projected at the first flag (``0`` when already above the limit), the
  ``slope_per_hour`` and ``flagged_at``.
* **Door pattern** (:func:`detect_door`): within the trailing ``door_window_hours`` at
  least ``door_share`` of the readings are above the limit, at least ``door_min_openings``
  door openings, most of the warm readings (``door_explained``) follow an opening within
  ``door_minutes``, and the level between openings (as for a drift) is below the limit and
  not risen above normal: the
  temperature is high because of the doors, not the machine.
* **Silent** (:func:`detect_silent_sensors`): no reading for ``silent_minutes`` and three
  usual intervals; the finding starts at the last reading.
* **Stuck** (:func:`detect_stuck`): the same value (within ``stuck_tolerance``) for
  ``stuck_hours`` or more; the finding starts at the first of the repeated readings.
"""

from __future__ import annotations

import math
import numbers
from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np
import pandas as pd

from boh_core.errors import BohError, msg

from ._common import (
    IQR_SIGMA,
    Findings,
    check_frame,
    check_settings,
    check_time,
    make,
    numbers_of,
    runs,
    times_of,
)

COLUMNS = ("sensor", "at", "temperature")


@dataclass(frozen=True)
class SensorThresholds:
    """Settings of the sensor detectors (all > 0); see the module."""

    smooth_minutes: float = 30.0
    door_minutes: float = 15.0
    reference_hours: float = 60.0
    reference_lag_hours: float = 12.0
    min_reference_hours: float = 12.0
    trend_hours: float = 2.0
    min_noise: float = 0.2
    max_noise: float = 0.5
    z: float = 3.0
    min_rise: float = 1.0
    level_rise: float = 1.8
    min_slope: float = 0.3
    horizon_hours: float = 6.0
    persist: int = 3
    door_window_hours: float = 2.0
    door_share: float = 0.4
    door_min_openings: int = 4
    door_explained: float = 0.7
    silent_minutes: float = 30.0
    stuck_hours: float = 2.0
    stuck_tolerance: float = 0.001


def _readings(readings) -> pd.DataFrame:
    frame = check_frame(readings, "readings", COLUMNS).copy()
    frame["at"] = times_of(frame, "readings", "at")
    frame["temperature"] = numbers_of(frame, "readings", "temperature")
    if "door_open" in frame.columns:
        frame["door_open"] = frame["door_open"].fillna(False).astype(bool)
    else:
        frame["door_open"] = False
    return frame.sort_values(["sensor", "at"], kind="stable").reset_index(drop=True)


def _limits(limits: Mapping, sensors) -> dict:
    out = {}
    for sensor in sensors:
        value = limits.get(sensor) if isinstance(limits, Mapping) else None
        if value is None:
            continue
        number = isinstance(value, numbers.Real) and not isinstance(value, bool)
        if not number or not math.isfinite(value):
            raise BohError(
                "limits", value, msg("exceptions.limit.number", sensor=sensor, value=value)
            )
        out[sensor] = float(value)
    return out


def _level(series: pd.DataFrame, st: SensorThresholds) -> pd.Series:
    """The smoothed level at each reading, readings just after a door opening left out.

    The windows stretch with the sensor's reading interval (its median gap): a door's spike
    is left out for ``door_minutes`` after the reading that saw the opening (with readings
    every 15 minutes, the next reading still carries a third of the spike), and the median
    spans at least four readings (over two readings a median is a mean)."""
    at = series["at"]
    opened = series["door_open"].astype(float)
    idx = pd.DatetimeIndex(at)
    gaps = np.diff(idx.to_numpy()) / np.timedelta64(1, "m")
    interval = float(np.median(gaps)) if gaps.size else 0.0
    door_window = pd.Timedelta(minutes=st.door_minutes + interval)
    smooth_window = pd.Timedelta(minutes=max(st.smooth_minutes, 4 * interval))
    recent_door = pd.Series(opened.to_numpy(), index=idx).rolling(door_window).max().to_numpy() > 0
    temp = pd.Series(np.where(recent_door, np.nan, series["temperature"].to_numpy()), index=idx)
    level = temp.rolling(smooth_window, min_periods=1).median()
    return level.ffill()


def _lagged(stat: pd.Series, idx: pd.DatetimeIndex, lag: pd.Timedelta) -> np.ndarray:
    """``stat`` as it was ``lag`` before each instant of ``idx`` (NaN before its start)."""
    pos = np.searchsorted(idx.to_numpy(), (idx - lag).to_numpy(), side="right") - 1
    values = stat.to_numpy()
    return np.where(pos >= 0, values[np.maximum(pos, 0)], np.nan)


def _drift_arrays(series: pd.DataFrame, limit: float, st: SensorThresholds) -> dict:
    idx = pd.DatetimeIndex(series["at"])
    level = _level(series, st)
    ref = level.rolling(f"{int(st.reference_hours)}h", min_periods=1)
    lag = pd.Timedelta(hours=st.reference_lag_hours)
    normal = _lagged(ref.median(), idx, lag)
    spread = (ref.quantile(0.75) - ref.quantile(0.25)) / IQR_SIGMA
    noise = np.clip(np.nan_to_num(_lagged(spread, idx, lag)), st.min_noise, st.max_noise)
    hours = pd.Series((idx - idx[0]) / pd.Timedelta(hours=1), index=idx)
    win = f"{int(st.trend_hours * 60)}min"
    cov = hours.rolling(win, min_periods=3).cov(level)
    var = hours.rolling(win, min_periods=3).var()
    slope = (cov / var).fillna(0.0).to_numpy()
    lv = level.to_numpy()
    rise = np.nan_to_num(lv - normal, nan=-np.inf)
    covered = (idx - idx[0]) >= lag + pd.Timedelta(hours=st.min_reference_hours)
    with np.errstate(divide="ignore", invalid="ignore"):
        to_breach = np.where(lv >= limit, 0.0, np.where(slope > 0, (limit - lv) / slope, np.inf))
    up = rise >= np.maximum(st.min_rise, st.z * noise)
    trend = (slope >= st.min_slope) & (to_breach <= st.horizon_hours)
    high = rise >= np.maximum(st.level_rise, (st.z + 1) * noise)
    # a steep climb (twice min_slope) warns at two thirds of the rise: it leaves little time
    steep = (slope >= 2 * st.min_slope) & (rise >= 2 / 3 * np.maximum(st.min_rise, st.z * noise))
    raw = covered & (((up | steep) & trend) | high | (lv >= limit))
    return {
        "level": lv,
        "normal": normal,
        "noise": noise,
        "slope": slope,
        "rise": rise,
        "to_breach": to_breach,
        "raw": raw,
    }


def _persisted(raw: np.ndarray, persist: int) -> np.ndarray:
    """Readings that end ``persist`` flagged readings in a row, and the rest of that run."""
    run = np.zeros(len(raw), int)
    count = 0
    for k, flag in enumerate(raw):
        count = count + 1 if flag else 0
        run[k] = count
    out = np.zeros(len(raw), bool)
    for k in np.flatnonzero(run == persist):
        end = k
        while end + 1 < len(raw) and raw[end + 1]:
            end += 1
        out[k : end + 1] = True
    return out


def _drift_runs(flags: np.ndarray, a: dict, persist: int) -> list:
    """(onset, first flagged reading, run) per drift: runs that share an onset (the level
    never came back within one noise of normal between them) are one drift."""
    merged: list = []
    for run in runs(flags, np.ones(len(flags)), gap=1):
        first = max(run.first - persist + 1, 0)
        onset = first
        while onset > 0 and a["rise"][onset - 1] > a["noise"][onset - 1]:
            onset -= 1
        if merged and merged[-1][0] == onset:
            merged[-1][2].last = run.last
            continue
        merged.append((onset, first, run))
    return merged


def detect_drift(
    readings: pd.DataFrame, limits: Mapping, *, settings: SensorThresholds | None = None
) -> Findings:
    """Cold units drifting up toward their limit (kind ``"sensor_drift"``).

    ``readings``: ``sensor``, ``at``, ``temperature``, optional ``door_open`` (bool);
    ``limits``: sensor -> upper limit (deg C); sensors without a limit are not judged. Findings:
    ``key`` ``(sensor,)``; ``start`` the drift's onset, ``end`` the last flagged reading
    (datetimes); ``observed`` the level at the end, ``expected`` the normal level,
    ``low``..``high`` normal +- z noises; ``score`` the rise in noises; ``detail``:
    ``flagged_at``, ``hours_to_breach`` (projected at the first flag, 0 if above the limit),
    ``hours_to_breach_now`` (at the last flagged reading), ``slope_per_hour``, ``limit``,
    ``rise``.
    """
    st = check_settings(settings, SensorThresholds)
    frame = _readings(readings)
    lims = _limits(limits, frame["sensor"].unique())
    out = Findings()
    for sensor, series in frame.groupby("sensor", sort=True):
        if sensor not in lims:
            continue
        series = series.reset_index(drop=True)
        span = series["at"].iloc[-1] - series["at"].iloc[0]
        if span < pd.Timedelta(hours=st.min_reference_hours):
            out.skipped[(sensor,)] = "short_history"
            continue
        a = _drift_arrays(series, lims[sensor], st)
        flags = _persisted(a["raw"], int(st.persist))
        for onset, first, run in _drift_runs(flags, a, int(st.persist)):
            last = run.last
            out.append(
                make(
                    "sensor_drift",
                    (sensor,),
                    series["at"].iloc[max(onset - 1, 0)].to_pydatetime(),
                    series["at"].iloc[last].to_pydatetime(),
                    a["level"][last],
                    a["normal"][first],
                    a["normal"][first] - st.z * a["noise"][first],
                    a["normal"][first] + st.z * a["noise"][first],
                    a["rise"][last] / a["noise"][first],
                    unit="°C",
                    detail={
                        "flagged_at": series["at"].iloc[run.first],
                        "hours_to_breach": min(a["to_breach"][run.first], 1e6),
                        "hours_to_breach_now": min(a["to_breach"][last], 1e6),
                        "slope_per_hour": a["slope"][run.first],
                        "limit": lims[sensor],
                        "rise": a["rise"][last],
                    },
                )
            )
    return out


def detect_door(
    readings: pd.DataFrame, limits: Mapping, *, settings: SensorThresholds | None = None
) -> Findings:
    """Door openings that keep a cold unit above its limit (kind ``"sensor_door"``).

    Same input as :func:`detect_drift` (``door_open`` needed). Findings: ``key``
    ``(sensor,)``; ``start``/``end`` the first and last reading of the warm, door-driven
    stretch; ``observed`` the share of readings above the limit in the window at the peak,
    ``expected`` 0, ``high`` ``door_share``; ``score`` the share over ``door_share``;
    ``detail``: ``openings`` (door openings in the peak window), ``limit``, ``peak_at``.
    """
    st = check_settings(settings, SensorThresholds)
    frame = _readings(readings)
    lims = _limits(limits, frame["sensor"].unique())
    out = Findings()
    win = f"{int(st.door_window_hours * 60)}min"
    for sensor, series in frame.groupby("sensor", sort=True):
        if sensor not in lims:
            continue
        idx = pd.DatetimeIndex(series["at"])
        warm = pd.Series((series["temperature"].to_numpy() > lims[sensor]).astype(float), idx)
        door = pd.Series(series["door_open"].to_numpy().astype(float), idx)
        after_door = door.rolling(f"{int(st.door_minutes)}min").max() > 0
        explained = pd.Series((warm.to_numpy() > 0) & after_door.to_numpy(), idx).astype(float)
        share = warm.rolling(win).mean().to_numpy()
        openings = door.rolling(win).sum().to_numpy()
        warm_n = warm.rolling(win).sum().to_numpy()
        expl = explained.rolling(win).sum().to_numpy() / np.maximum(warm_n, 1)
        a = _drift_arrays(series.reset_index(drop=True), lims[sensor], st)
        machine_ok = (a["level"] < lims[sensor]) & (
            a["rise"] < np.maximum(st.min_rise, st.z * a["noise"])
        )
        flags = (
            (share >= st.door_share)
            & (openings >= st.door_min_openings)
            & (expl >= st.door_explained)
            & machine_ok
        )
        at = series["at"].to_numpy()
        gap = max(1, int(np.sum(idx >= idx[-1] - pd.Timedelta(hours=1))))
        for run in runs(flags, np.ones(len(flags)), gap=gap):
            p = run.first + int(np.argmax(share[run.first : run.last + 1]))
            start = pd.Timestamp(at[run.first]) - pd.Timedelta(hours=st.door_window_hours)
            start = max(start, pd.Timestamp(at[0]))
            first_warm = series["at"][(series["at"] >= start) & (warm.to_numpy() > 0)]
            out.append(
                make(
                    "sensor_door",
                    (sensor,),
                    pd.Timestamp(
                        first_warm.iloc[0] if len(first_warm) else at[run.first]
                    ).to_pydatetime(),
                    pd.Timestamp(at[run.last]).to_pydatetime(),
                    share[p],
                    0.0,
                    0.0,
                    st.door_share,
                    share[p] / st.door_share,
                    unit="share",
                    detail={"openings": int(openings[p]), "limit": lims[sensor], "peak_at": at[p]},
                )
            )
    return out


def detect_silent_sensors(
    now, readings: pd.DataFrame, *, settings: SensorThresholds | None = None
) -> Findings:
    """Sensors that stopped reporting (kind ``"sensor_silent"``).

    ``now``: current local time; ``readings``: ``sensor``, ``at`` (and ``temperature``), at
    least the last few readings of each sensor. Findings: ``key`` ``(sensor,)``; ``start`` the
    last reading, ``end`` ``now``; ``observed`` the minutes of silence, ``expected`` the usual
    interval in minutes, ``high`` the silence tolerated; ``score`` silence / interval;
    ``detail``: ``last_reading``, ``interval_minutes``, ``silent_minutes``.
    """
    st = check_settings(settings, SensorThresholds)
    now = check_time("now", now)
    frame = check_frame(readings, "readings", ["sensor", "at"])
    frame = pd.DataFrame({"sensor": frame["sensor"], "at": times_of(frame, "readings", "at")})
    frame = frame[frame["at"] <= now].sort_values(["sensor", "at"], kind="stable")
    out = Findings()
    for sensor, series in frame.groupby("sensor", sort=True):
        times = series["at"].to_numpy()
        steps = np.diff(times[-50:]) / np.timedelta64(1, "m")
        interval = float(np.median(steps)) if len(steps) else st.silent_minutes / 3
        tolerated = max(st.silent_minutes, 3 * interval)
        at = series["at"]
        silent = (now - at.iloc[-1]) / pd.Timedelta(minutes=1)
        if silent < tolerated:
            continue
        out.append(
            make(
                "sensor_silent",
                (sensor,),
                at.iloc[-1].to_pydatetime(),
                now.to_pydatetime(),
                silent,
                interval,
                0.0,
                tolerated,
                silent / max(interval, 1e-9),
                unit="min",
                detail={
                    "last_reading": at.iloc[-1],
                    "interval_minutes": interval,
                    "silent_minutes": silent,
                },
            )
        )
    return out


def detect_stuck(readings: pd.DataFrame, *, settings: SensorThresholds | None = None) -> Findings:
    """Sensors sending the same value for hours (kind ``"sensor_stuck"``).

    ``readings``: ``sensor``, ``at``, ``temperature``. Findings: ``key`` ``(sensor,)``;
    ``start``/``end`` the first and last reading of the repeated value; ``observed`` the value,
    ``expected``/``low``/``high`` the value too; ``score`` the hours stuck over
    ``stuck_hours``; ``detail``: ``hours``, ``readings``.
    """
    st = check_settings(settings, SensorThresholds)
    frame = _readings(readings)
    out = Findings()
    for sensor, series in frame.groupby("sensor", sort=True):
        temp = series["temperature"].to_numpy()
        at = series["at"].to_numpy()
        change = np.r_[True, np.abs(np.diff(temp)) > st.stuck_tolerance]
        starts = np.flatnonzero(change)
        ends = np.r_[starts[1:] - 1, len(temp) - 1]
        for a, b in zip(starts, ends, strict=True):
            hours = (at[b] - at[a]) / np.timedelta64(1, "h")
            if b - a < 2 or hours < st.stuck_hours:
                continue
            out.append(
                make(
                    "sensor_stuck",
                    (sensor,),
                    pd.Timestamp(at[a]).to_pydatetime(),
                    pd.Timestamp(at[b]).to_pydatetime(),
                    temp[a],
                    temp[a],
                    temp[a],
                    temp[a],
                    hours / st.stuck_hours,
                    unit="°C",
                    detail={"hours": hours, "readings": int(b - a + 1)},
                )
            )
    return out


def detect_sensors(
    now, readings: pd.DataFrame, limits: Mapping, *, settings: SensorThresholds | None = None
) -> Findings:
    """All four sensor detectors on the same readings, findings in the order drift, door,
    silent, stuck (``skipped`` merged)."""
    out = Findings()
    for found in (
        detect_drift(readings, limits, settings=settings),
        detect_door(readings, limits, settings=settings),
        detect_silent_sensors(now, readings, settings=settings),
        detect_stuck(readings, settings=settings),
    ):
        out.extend(found)
        out.skipped.update(found.skipped)
    return out
