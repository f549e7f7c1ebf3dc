"""Sensor readings: validation at the door, breach episodes, and the daily HACCP temperature log.

A reading is ``{"equipment": "CLD-0002", "metric": "temperature", "value": 4.2,
"at": "2024-05-01T10:15:00+08:00"}``. Readings that pass :func:`validate_reading` become
a DataFrame with columns ``equipment``, ``metric``, ``at`` (UTC) and ``value``, which the
other functions take. Thresholds are given per ``(equipment, metric)`` as
``(min, max, min_duration_minutes)``; ``min`` or ``max`` may be None for a one-sided limit.
"""

from __future__ import annotations

import math
from collections.abc import Collection, Mapping
from datetime import datetime, timedelta, timezone
from typing import Any, NamedTuple

import numpy as np
import pandas as pd

from boh_core.errors import BohError, msg

from .tokens import parse_short_code

READING_COLUMNS = ("equipment", "metric", "at", "value")
#: A sensor whose clock was reset reports 1970 or 2000; nothing real is that old.
EARLIEST_READING = datetime(2015, 1, 1, tzinfo=timezone.utc)
_MAX_TEXT = 64


class Threshold(NamedTuple):
    """Acceptable range of one metric of one equipment, and how long a breach must last."""

    min: float | None
    max: float | None
    min_duration_minutes: float = 0.0


def _show(value: object) -> str:
    """A short repr for messages, so a megabyte of junk does not end up in a log line."""
    text = repr(value)
    return text if len(text) <= 40 else text[:37] + "..."


def _parse_at(raw: object, now: datetime, max_future: timedelta) -> tuple[datetime | None, str]:
    """Parse an ISO 8601 time with offset; return (UTC datetime, "") or (None, problem)."""
    if isinstance(raw, datetime):
        moment = raw
    elif isinstance(raw, str) and len(raw) <= _MAX_TEXT:
        text = raw.strip()
        # Python before 3.11 does not read the "Z" suffix that most devices send.
        if text[-1:] in ("Z", "z"):
            text = text[:-1] + "+00:00"
        try:
            moment = datetime.fromisoformat(text)
        except ValueError:
            return None, "is not an ISO 8601 date and time such as 2024-05-01T10:15:00+08:00"
    else:
        return None, "must be an ISO 8601 date and time text such as 2024-05-01T10:15:00+08:00"
    if moment.tzinfo is None or moment.utcoffset() is None:
        return None, "has no UTC offset; add one, for example +08:00 or Z"
    moment = moment.astimezone(timezone.utc)
    if moment > now + max_future:
        return None, f"is in the future (now is {now.isoformat(timespec='seconds')})"
    if moment < EARLIEST_READING:
        return None, "is before 2015; the sensor clock is probably not set"
    return moment, ""


def _parse_value(raw: object) -> float | None:
    """A finite float from a number or numeric text, else None (booleans are not numbers)."""
    value = None
    if isinstance(raw, int | float) and not isinstance(raw, bool):
        value = float(raw)
    elif isinstance(raw, str) and len(raw) <= _MAX_TEXT:
        try:
            value = float(raw.strip())
        except ValueError:
            return None
    return value if value is not None and math.isfinite(value) else None


def validate_reading(
    data: Mapping[str, Any],
    metrics: Collection[str],
    *,
    now: datetime,
    max_future: timedelta = timedelta(minutes=10),
) -> tuple[dict[str, Any] | None, list[BohError]]:
    """Check one incoming reading; return ``(normalised reading, [])`` or ``(None, errors)``.

    Every problem is reported, each as a :class:`BohError` naming its field: ``equipment``
    must be a short code like ``FRY-0042`` (returned upper-cased), ``metric`` one of
    ``metrics``, ``value`` a finite number (numeric text accepted), ``at`` an ISO 8601 time
    *with* an offset (returned in UTC), not later than ``now + max_future`` (clock skew)
    nor before 2015. Unknown keys are ignored. Never raises for bad data.

    Long because it reads its input field by field in the order the problems are reported, each
    check next to its own message; helpers would only move the messages away from the checks they
    explain.
    """
    if not isinstance(now, datetime) or now.tzinfo is None:
        raise BohError("now", now, msg("maintenance.sensors.now.current_time_timezone"))
    if not isinstance(data, Mapping):
        return None, [
            BohError(
                "reading",
                type(data).__name__,
                msg(
                    "maintenance.sensors.reading.object_equipment_metric", name=type(data).__name__
                ),
            )
        ]
    errors: list[BohError] = []
    clean: dict[str, Any] = {}
    for key in READING_COLUMNS:
        if key not in data or data[key] is None:
            errors.append(BohError(key, None, msg("maintenance.sensors.reading_has", key=key)))
    raw = data.get("equipment")
    if raw is not None:
        try:
            prefix, number = parse_short_code(raw)
            clean["equipment"] = f"{prefix}-{number:04d}"
        except BohError:
            errors.append(
                BohError(
                    "equipment",
                    raw,
                    msg("maintenance.sensors.equipment.code_like_fry", raw=_show(raw)),
                )
            )
    raw = data.get("metric")
    if raw is not None:
        if isinstance(raw, str) and raw in metrics:
            clean["metric"] = raw
        else:
            errors.append(
                BohError(
                    "metric",
                    raw,
                    msg(
                        "maintenance.sensors.metric.invalid",
                        raw=_show(raw),
                        metrics=", ".join(sorted(metrics)),
                    ),
                )
            )
    raw = data.get("value")
    if raw is not None:
        value = _parse_value(raw)
        if value is None:
            errors.append(
                BohError(
                    "value", raw, msg("maintenance.sensors.value.finite_number", raw=_show(raw))
                )
            )
        else:
            clean["value"] = value
    raw = data.get("at")
    if raw is not None:
        moment, problem = _parse_at(raw, now.astimezone(timezone.utc), max_future)
        if moment is None:
            errors.append(
                BohError(
                    "at", raw, msg("maintenance.sensors.at.time", raw=_show(raw), problem=problem)
                )
            )
        else:
            clean["at"] = moment
    if errors:
        return None, errors
    return clean, []


def _prepare_readings(readings: pd.DataFrame) -> pd.DataFrame:
    """Check the reading columns; return a copy with ``at`` in UTC, sorted per series."""
    missing = [c for c in READING_COLUMNS if c not in getattr(readings, "columns", ())]
    if missing:
        raise BohError(
            "readings",
            missing,
            msg("maintenance.sensors.readings.lack_column_s", missing=", ".join(missing)),
        )
    df = readings.loc[:, list(READING_COLUMNS)].copy()
    try:
        # Odoo hands over naive UTC; anything aware (even mixed offsets) is brought to UTC.
        df["at"] = pd.to_datetime(df["at"], utc=True, format="ISO8601")
    except (ValueError, TypeError) as exc:
        raise BohError(
            "at", None, msg("maintenance.sensors.at.column_does_hold", exc=exc)
        ) from None
    if df["at"].isna().any():
        row = df.loc[df["at"].isna()].iloc[0]
        raise BohError(
            "at",
            None,
            msg(
                "maintenance.sensors.at.reading_has_time",
                equipment=row["equipment"],
                metric=row["metric"],
            ),
        )
    values = pd.to_numeric(df["value"], errors="coerce").astype(np.float64)
    bad = ~np.isfinite(values.to_numpy())
    if bad.any():
        row = df.loc[bad].iloc[0]
        raise BohError(
            "value",
            row["value"],
            msg(
                "maintenance.sensors.value.reading_has_finite",
                equipment=row["equipment"],
                metric=row["metric"],
                at=row["at"],
                value=_show(row["value"]),
            ),
        )
    df["value"] = values
    return df.sort_values(["equipment", "metric", "at"], kind="stable").reset_index(drop=True)


def _threshold_frame(thresholds: Mapping[tuple[str, str], Any]) -> pd.DataFrame:
    """Turn the thresholds mapping into columns, checking each entry."""
    rows = []
    for key, raw in thresholds.items():
        if not (isinstance(key, tuple) and len(key) == 2):
            raise BohError(
                "thresholds",
                key,
                msg("maintenance.sensors.thresholds.threshold_key_equipment", key=key),
            )
        try:
            limit = Threshold(*raw)
            low = np.nan if limit.min is None else float(limit.min)
            high = np.nan if limit.max is None else float(limit.max)
            minutes = float(limit.min_duration_minutes or 0.0)
        except (TypeError, ValueError):
            raise BohError(
                "thresholds", raw, msg("maintenance.sensors.thresholds.threshold_min_max", key=key)
            ) from None
        if (
            low > high
            or not minutes >= 0
            or math.isinf(minutes)
            or (np.isnan(low) and np.isnan(high))
        ):
            raise BohError(
                "thresholds",
                raw,
                msg("maintenance.sensors.thresholds.threshold_needs_min", raw=raw, key=key),
            )
        rows.append((key[0], key[1], low, high, minutes))
    frame = pd.DataFrame(rows, columns=["equipment", "metric", "low", "high", "min_minutes"])
    return frame.astype({"low": np.float64, "high": np.float64, "min_minutes": np.float64})


def _with_limits(df: pd.DataFrame, thresholds: Mapping) -> pd.DataFrame:
    """Attach limits to each reading (NaN where none) and flag those out of range."""
    limits = _threshold_frame(thresholds)
    df = df.merge(limits, on=["equipment", "metric"], how="left", sort=False)
    # A reading without limits compares NaN; it is simply not out of range, no warning needed.
    with np.errstate(invalid="ignore"):
        excess = np.fmax(df["value"] - df["high"], df["low"] - df["value"])
        df["out"] = excess.to_numpy() > 0
    df["excess"] = excess
    return df


#: Columns of :func:`breach_episodes`, in order.
EPISODE_COLUMNS = (
    "equipment",
    "metric",
    "start",
    "end",
    "last_out",
    "duration_minutes",
    "readings",
    "peak",
    "direction",
    "state",
)


def _close_runs(episodes: pd.DataFrame, last_pos, df: pd.DataFrame, series) -> None:
    """Set ``end`` and ``state`` of each run: the reading right after a run's last
    (``last_pos``) closes it, if it belongs to the same series."""
    after = last_pos + 1
    closes = after < len(df)
    closes[closes] = series[after[closes]] == series[after[closes] - 1]
    end = pd.Series(pd.NaT, index=episodes.index, dtype=df["at"].dtype)
    end[closes] = df["at"].to_numpy()[after[closes]]
    episodes["end"] = end
    episodes["state"] = np.where(closes, "closed", "open")


def breach_episodes(
    readings: pd.DataFrame,
    thresholds: Mapping[tuple[str, str], Threshold | tuple],
    *,
    include_short: bool = False,
) -> pd.DataFrame:
    """Find the breach episodes that deserve a repair request: one episode, one request.

    An episode is a run of consecutive out-of-range readings of one ``(equipment,
    metric)``; it counts when its readings span at least ``min_duration_minutes`` (from
    its first to its last out-of-range reading, so a single spike between sparse readings
    does not count unless the duration is 0). Series without a threshold are ignored.

    Returns ``equipment``, ``metric``, ``start`` (first out-of-range reading; with the
    two others, the stable key of the episode), ``end`` (first reading back in range, NaT
    while ``state`` is ``"open"``), ``last_out``, ``duration_minutes``, ``readings``,
    ``peak`` (the reading furthest outside the range), ``direction`` (``"high"`` or
    ``"low"``, for the peak) and ``state`` (``"open"`` or ``"closed"``), ordered by start.

    With ``include_short``, runs shorter than the minimum duration are kept too, and two
    more columns say ``long_enough`` and give the peak's ``excess`` over the limit: what
    :func:`reconcile_episodes` needs to extend an episode already recorded.
    """
    columns = list(EPISODE_COLUMNS)
    if include_short:
        columns += ["long_enough", "excess"]
    df = _with_limits(_prepare_readings(readings), thresholds)
    df = df.loc[df["low"].notna() | df["high"].notna()].reset_index(drop=True)
    if df.empty:
        return pd.DataFrame(columns=columns)
    series, _ = pd.factorize(pd.MultiIndex.from_frame(df[["equipment", "metric"]]))
    out = df["out"].to_numpy()
    new_series = np.r_[True, series[1:] != series[:-1]]
    run_start = out & (new_series | ~np.r_[False, out[:-1]])
    run_id = np.cumsum(run_start)
    positions = np.flatnonzero(out)
    if positions.size == 0:
        return pd.DataFrame(columns=columns)
    outs = df.iloc[positions].assign(run=run_id[positions], pos=positions)
    grouped = outs.groupby("run", sort=True)
    peak_rows = outs.loc[grouped["excess"].idxmax()]
    episodes = pd.DataFrame(
        {
            "equipment": grouped["equipment"].first(),
            "metric": grouped["metric"].first(),
            "start": grouped["at"].first(),
            "last_out": grouped["at"].last(),
            "readings": grouped["at"].size(),
            "min_minutes": grouped["min_minutes"].first(),
            "peak": peak_rows.set_index("run")["value"],
            "excess": peak_rows.set_index("run")["excess"],
            "direction": np.where(
                peak_rows.set_index("run")["value"] > peak_rows.set_index("run")["high"],
                "high",
                "low",
            ),
        }
    )
    _close_runs(episodes, grouped["pos"].last().to_numpy(), df, series)
    episodes["duration_minutes"] = (episodes["last_out"] - episodes["start"]) / pd.Timedelta(
        minutes=1
    )
    episodes["long_enough"] = episodes["duration_minutes"] >= episodes["min_minutes"]
    if not include_short:
        episodes = episodes.loc[episodes["long_enough"]]
    episodes = episodes.sort_values(["start", "equipment", "metric"], kind="stable")
    return episodes[columns].reset_index(drop=True)


KNOWN_COLUMNS = ("id", "equipment", "metric", "start", "last_out", "end", "peak", "state")


def _utc(column: pd.Series) -> pd.Series:
    """A datetime column in UTC (naive values are taken as UTC, as Odoo stores them)."""
    return pd.to_datetime(column, utc=True, format="ISO8601")


#: Columns of :func:`reconcile_episodes`, in order.
RECONCILED_COLUMNS = (
    "id",
    "equipment",
    "metric",
    "start",
    "last_out",
    "end",
    "peak",
    "direction",
    "state",
    "new",
)


def _known_frame(known: pd.DataFrame | None) -> pd.DataFrame:
    """The recorded episodes, checked and in UTC; each spans at least its start."""
    if known is None or known.empty:
        known = pd.DataFrame(columns=list(KNOWN_COLUMNS))
    missing = [c for c in KNOWN_COLUMNS if c not in known.columns]
    if missing:
        raise BohError(
            "known",
            missing,
            msg("maintenance.sensors.known.recorded_episodes_lack", missing=", ".join(missing)),
        )
    known = known.loc[:, list(KNOWN_COLUMNS)].reset_index(drop=True)
    for column in ("start", "last_out", "end"):
        known[column] = _utc(known[column])
    # Episodes recorded without their last out-of-range reading span at least their start.
    known["last_out"] = known["last_out"].fillna(known["start"])
    return known


def _recorded_rows(old: pd.DataFrame, limits: pd.DataFrame) -> pd.DataFrame:
    """Recorded episodes as rows of their group, with their peak's excess over the limit."""
    old = old.merge(limits, on=["equipment", "metric"], how="left", sort=False)
    with np.errstate(invalid="ignore"):
        old["excess"] = np.fmax(
            old["peak"].astype(np.float64) - old["high"], old["low"] - old["peak"]
        )
    old["excess"] = old["excess"].fillna(-np.inf)
    old["group"] = "k" + old["id"].astype(str)
    old["fresh"] = False
    return old


def _episodes_of_groups(rows: pd.DataFrame, limits: pd.DataFrame, columns) -> pd.DataFrame:
    """One episode per group of runs and recorded episodes: the union of their spans, the
    state of the latest, the worst peak (see :func:`reconcile_episodes`)."""
    grouped = rows.groupby("group", sort=False)
    # The latest run says whether the episode is still going on (runs win ties).
    latest = rows.sort_values(["last_out", "fresh"], kind="stable").groupby("group").tail(1)
    latest = latest.set_index("group")
    worst = rows.loc[grouped["excess"].idxmax()].set_index("group")
    result = pd.DataFrame(
        {
            "id": grouped["id"].first(),
            "equipment": grouped["equipment"].first(),
            "metric": grouped["metric"].first(),
            "start": grouped["start"].min(),
            "last_out": grouped["last_out"].max(),
        }
    )
    result["end"] = latest["end"]
    result["state"] = latest["state"]
    result["peak"] = worst["peak"].astype(np.float64)
    result = result.merge(limits, on=["equipment", "metric"], how="left").set_axis(result.index)
    result["direction"] = np.where(result["peak"] > result["high"], "high", "low")
    result["new"] = result.index.str.startswith("r")
    result["id"] = result["id"].where(~result["new"], None)
    result = result.sort_values(["start", "equipment", "metric"], kind="stable")
    return result[columns].reset_index(drop=True)


def reconcile_episodes(
    runs: pd.DataFrame,
    known: pd.DataFrame | None,
    thresholds: Mapping[tuple[str, str], Threshold | tuple],
) -> pd.DataFrame:
    """Match freshly found runs to the episodes already recorded: one breach, one episode.

    ``runs`` is :func:`breach_episodes` with ``include_short=True``; ``known`` holds the
    recorded episodes (columns :data:`KNOWN_COLUMNS`, ``id`` any hashable key, ``last_out``
    their last out-of-range reading) that may touch them. Readings arrive in any order,
    so a run is matched by *overlap*, never by its start: a run whose span ``[start,
    last_out]`` overlaps a recorded episode of the same series extends it (the earliest
    one, if several), however short the run; a run that overlaps none becomes a new
    episode only when it lasts the minimum duration. A late earlier reading thus moves an
    episode's start instead of opening a second one, and a late in-range reading inside an
    episode does not split it.

    Returns one row per episode touched: ``id`` (the recorded key, or None for a new
    episode), ``equipment``, ``metric``, ``start`` and ``last_out`` (the union of the
    spans), ``end`` and ``state`` (of the latest run), ``peak`` and ``direction`` (the
    reading furthest out of range), ``new``; ordered by start.
    """
    columns = list(RECONCILED_COLUMNS)
    if runs is None or runs.empty:
        return pd.DataFrame(columns=columns)
    runs = runs.reset_index(drop=True)
    for column in ("start", "last_out", "end"):
        runs[column] = _utc(runs[column])
    runs["run"] = np.arange(len(runs))
    known = _known_frame(known)
    pairs = runs[["run", "equipment", "metric", "start", "last_out"]].merge(
        known[["id", "equipment", "metric", "start", "last_out"]],
        on=["equipment", "metric"],
        suffixes=("", "_known"),
    )
    pairs = pairs.loc[
        (pairs["start"] <= pairs["last_out_known"]) & (pairs["last_out"] >= pairs["start_known"])
    ]
    first = pairs.sort_values(["run", "start_known"], kind="stable").drop_duplicates("run")
    match = pd.Series(first["id"].to_numpy(), index=first["run"].to_numpy(), dtype=object)
    runs["id"] = runs["run"].map(match)
    matched = runs["run"].isin(match.index)
    runs = runs.loc[matched | runs["long_enough"].astype(bool)].copy()
    if runs.empty:
        return pd.DataFrame(columns=columns)
    matched = runs["run"].isin(match.index)
    # The group of a run: its recorded episode, or itself when it starts a new one.
    runs["group"] = np.where(matched, "k" + runs["id"].astype(str), "r" + runs["run"].astype(str))
    runs["fresh"] = True

    limits = _threshold_frame(thresholds)
    old = _recorded_rows(known.loc[known["id"].isin(runs.loc[matched, "id"])], limits)

    parts = ["id", "equipment", "metric", "start", "last_out", "end", "peak", "excess"]
    parts += ["state", "group", "fresh"]
    dtypes = {"id": object, "peak": np.float64, "excess": np.float64, "state": object}
    frames = [frame[parts].astype(dtypes) for frame in (runs, old) if not frame.empty]
    rows = pd.concat(frames, ignore_index=True) if len(frames) > 1 else frames[0]
    return _episodes_of_groups(rows, limits, columns)


def track_episodes(
    readings: pd.DataFrame,
    thresholds: Mapping[tuple[str, str], Threshold | tuple],
    known: pd.DataFrame | None = None,
) -> pd.DataFrame:
    """The episodes that ``readings`` open or extend, given those already ``known``.

    :func:`breach_episodes` (short runs included) followed by :func:`reconcile_episodes`:
    what a receiver runs after each push, whatever order the readings come in.
    """
    runs = breach_episodes(readings, thresholds, include_short=True)
    return reconcile_episodes(runs, known, thresholds)


def _minutes_out(df: pd.DataFrame, tz: str, max_gap_minutes: float) -> pd.Series:
    """Minutes out of range per equipment and local day: each out-of-range reading holds
    until the next one of its equipment (at most ``max_gap_minutes``), split at midnight."""
    same_next = np.r_[df["equipment"].to_numpy()[1:] == df["equipment"].to_numpy()[:-1], False]
    next_at = df["at"].shift(-1).where(same_next)
    capped = df["at"] + pd.Timedelta(minutes=max_gap_minutes)
    hold_end = next_at.where(next_at < capped, capped)
    # The last reading of a series has no next one: it holds for no time.
    hold_end = hold_end.where(next_at.notna(), df["at"])
    # Local midnight after each reading, as an instant: naive wall clock, then the zone.
    midnight = pd.DatetimeIndex(df["day"] + pd.Timedelta(days=1)).tz_localize(
        tz, ambiguous=np.zeros(len(df), dtype=bool), nonexistent="shift_forward"
    )
    midnight = pd.Series(midnight.tz_convert("UTC"), index=df.index)
    minute = pd.Timedelta(minutes=1)
    today = (hold_end.where(hold_end < midnight, midnight) - df["at"]) / minute
    tomorrow = ((hold_end - midnight) / minute).clip(lower=0)
    weight = df["out"].astype(np.float64)
    spill = pd.concat(
        [
            pd.DataFrame({"equipment": df["equipment"], "day": df["day"], "m": today * weight}),
            pd.DataFrame(
                {
                    "equipment": df["equipment"],
                    "day": df["day"] + pd.Timedelta(days=1),
                    "m": tomorrow * weight,
                }
            ),
        ]
    )
    minutes = spill.groupby(["equipment", "day"])["m"].sum()
    return minutes


def daily_temperature_log(
    readings: pd.DataFrame,
    tz: str,
    thresholds: Mapping[tuple[str, str], Threshold | tuple] | None = None,
    *,
    metric: str = "temperature",
    max_gap_minutes: float = 30.0,
) -> pd.DataFrame:
    """The HACCP log: per equipment and local day, min, max, mean and count of ``metric``.

    With ``thresholds``, it also gives ``out_count`` (readings out of range) and
    ``minutes_out`` (time out of range): each out-of-range reading is taken to hold until
    the next reading of the same equipment, at most ``max_gap_minutes`` (a silent sensor
    is not assumed out of range for hours), split at local midnight. The last reading of
    a series has no known extent and adds no minutes; a hold that spills past midnight
    into a day without readings gives that day a row with ``count`` 0. Both are NaN for
    equipment without a threshold. Returns ``equipment``, ``day`` (a date in ``tz``),
    ``min``, ``max``, ``mean``, ``count``, ``out_count``, ``minutes_out``, sorted by
    equipment and day.
    """
    try:
        pd.Timestamp("2024-01-01", tz=tz)
    except Exception:
        raise BohError("tz", tz, msg("maintenance.sensors.tz.time_zone_known", tz=tz)) from None
    if not 0 < max_gap_minutes <= 720:
        raise BohError(
            "max_gap_minutes",
            max_gap_minutes,
            msg(
                "maintenance.sensors.max_gap_minutes.longest_more_most",
                max_gap_minutes=max_gap_minutes,
            ),
        )
    columns = ["equipment", "day", "min", "max", "mean", "count", "out_count", "minutes_out"]
    df = _prepare_readings(readings)
    df = df.loc[df["metric"] == metric].reset_index(drop=True)
    df = _with_limits(df, thresholds or {})
    if df.empty:
        return pd.DataFrame(columns=columns)

    local = df["at"].dt.tz_convert(tz).dt.tz_localize(None)
    df["day"] = local.dt.normalize()
    stats = df.groupby(["equipment", "day"]).agg(
        min=("value", "min"),
        max=("value", "max"),
        mean=("value", "mean"),
        count=("value", "size"),
        out_count=("out", "sum"),
    )

    minutes = _minutes_out(df, tz, max_gap_minutes)
    log = stats.join(minutes.rename("minutes_out"), how="outer")
    log["count"] = log["count"].fillna(0).astype(np.int64)
    log["out_count"] = log["out_count"].fillna(0.0).astype(np.float64)
    limited = {equipment for equipment, name in (thresholds or {}) if name == metric}
    without_limits = ~log.index.get_level_values("equipment").isin(limited)
    log.loc[without_limits, ["out_count", "minutes_out"]] = np.nan
    log = log.loc[(log["count"] > 0) | (log["minutes_out"] > 0)].reset_index()
    log["day"] = log["day"].dt.date
    return log[columns].sort_values(["equipment", "day"], kind="stable").reset_index(drop=True)
