"""Reliability figures over maintenance requests: MTTR, MTBF, repeat failures, repair cost.

Input is one pandas DataFrame of requests with columns ``equipment_id``, ``category_id``,
``store_id``, ``kind`` ('corrective' or 'preventive'), ``request_dt`` and ``close_dt``
(NaT while open). Datetimes may be naive (taken as UTC, as Odoo stores them) or aware.
Only corrective requests are failures; preventive work is planned and counts for neither
MTTR nor MTBF. Everything is vectorised: no Python loop per request or per equipment.

Definitions (the usual maintenance KPI ones, SMRP 2.1.1 / 3.5.1 style):

* **MTTR** = mean of ``close_dt - request_dt`` over corrective requests created in the
  period and closed by its end (time to restore, waiting included).
* **MTBF** = operating time / number of failures, where operating time is the period
  length less the corrective downtime (open corrective requests clipped to the period,
  overlaps counted once) and failures are the corrective requests created in the period.
  It is NaN for no failure. Equipment is taken as in service for the whole period.
* Groups (category, store) are **pooled**: total repair time / total repairs, total
  operating time / total failures; not a mean of per-equipment means, which would let an
  equipment with one failure weigh as much as one with fifty.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np
import pandas as pd

from boh_core.errors import BohError, msg

REQUEST_COLUMNS = ("equipment_id", "category_id", "store_id", "kind", "request_dt", "close_dt")
KINDS = ("corrective", "preventive")
GROUP_COLUMNS = ("equipment_id", "category_id", "store_id")


def _naive_utc(values: pd.Series, field: str) -> pd.Series:
    """Return a datetime column as naive UTC datetime64[ns], refusing what is not a date."""
    try:
        # utc=True reads naive values as UTC (Odoo's convention) and converts aware ones.
        values = pd.to_datetime(values, utc=True, format="ISO8601")
    except (ValueError, TypeError) as exc:
        raise BohError(
            field,
            str(values.dtype),
            msg("maintenance.reliability.column_does_hold", field=field, exc=exc),
        ) from None
    # The arithmetic reads the raw integers, so fix the unit (pandas 2 keeps s/ms/us).
    return values.dt.tz_localize(None).astype("datetime64[ns]")


def _timestamp(value: object, field: str) -> pd.Timestamp:
    """Turn a period bound into a naive UTC Timestamp."""
    try:
        stamp = pd.Timestamp(value)
    except (ValueError, TypeError):
        stamp = pd.NaT
    if stamp is pd.NaT:
        raise BohError(
            field, value, msg("maintenance.reliability.date_time", field=field, value=value)
        )
    if stamp.tzinfo is not None:
        stamp = stamp.tz_convert("UTC").tz_localize(None)
    return stamp


def _prepare(requests: pd.DataFrame) -> pd.DataFrame:
    """Check the request columns and values; return a copy with naive UTC datetimes."""
    if not isinstance(requests, pd.DataFrame):
        raise BohError(
            "requests", type(requests).__name__, msg("maintenance.reliability.requests.dataframe")
        )
    missing = [column for column in REQUEST_COLUMNS if column not in requests.columns]
    if missing:
        raise BohError(
            "requests",
            missing,
            msg("maintenance.reliability.requests.lack_column_s", missing=", ".join(missing)),
        )
    df = requests.loc[:, list(REQUEST_COLUMNS)].copy()
    df["request_dt"] = _naive_utc(df["request_dt"], "request_dt")
    df["close_dt"] = _naive_utc(df["close_dt"], "close_dt")
    bad_kind = ~df["kind"].isin(KINDS)
    if bad_kind.any():
        value = df.loc[bad_kind, "kind"].iloc[0]
        raise BohError(
            "kind",
            value,
            msg("maintenance.reliability.kind.request_corrective_preventive", value=value),
        )
    if df["request_dt"].isna().any():
        raise BohError(
            "request_dt", None, msg("maintenance.reliability.request_dt.every_needs_empty")
        )
    backwards = df["close_dt"] < df["request_dt"]
    if backwards.any():
        row = df.loc[backwards].iloc[0]
        raise BohError(
            "close_dt",
            str(row["close_dt"]),
            msg(
                "maintenance.reliability.close_dt.equipment_has_request",
                equipment_id=row["equipment_id"],
                close_dt=row["close_dt"],
                request_dt=row["request_dt"],
            ),
        )
    return df


def _group_keys(by: str | Sequence[str]) -> list[str]:
    keys = [by] if isinstance(by, str) else list(by)
    wrong = [key for key in keys if key not in GROUP_COLUMNS]
    if not keys or wrong:
        raise BohError(
            "by",
            by,
            msg(
                "maintenance.reliability.by.group_possible_use",
                by=by,
                group_columns=", ".join(GROUP_COLUMNS),
            ),
        )
    return keys


def _fleet(df: pd.DataFrame, equipment: pd.DataFrame | None) -> pd.DataFrame:
    """Group columns per equipment: the listed fleet first, then what the requests say."""
    fleet = df.loc[:, list(GROUP_COLUMNS)]
    if equipment is not None:
        missing = [c for c in GROUP_COLUMNS if c not in getattr(equipment, "columns", ())]
        if missing:
            raise BohError(
                "equipment",
                missing,
                msg("maintenance.reliability.equipment.lack_column_s", missing=", ".join(missing)),
            )
        fleet = pd.concat([equipment.loc[:, list(GROUP_COLUMNS)], fleet], ignore_index=True)
    return fleet.drop_duplicates("equipment_id", keep="first").set_index("equipment_id")


def _downtime_ns(codes, request_ns, close_ns, start_ns: int, end_ns: int):
    """Downtime spans in nanoseconds: ``(equipment code of each span, what it adds)``.

    Each corrective request holds the equipment down from request to close (or to the
    period end while open), clipped to the period, overlaps merged per equipment.
    """
    nat = np.iinfo(np.int64).min
    closed = close_ns != nat
    down_from = np.maximum(request_ns, start_ns)
    down_to = np.minimum(np.where(closed, close_ns, end_ns), end_ns)
    live = down_to > down_from
    order = np.lexsort((down_from[live], codes[live]))
    span_code = codes[live][order]
    span_from = down_from[live][order]
    span_to = down_to[live][order]
    furthest = pd.Series(span_to).groupby(span_code).cummax().to_numpy()
    # The union of sorted intervals grows by what each one adds past all earlier ends.
    earlier_end = np.r_[nat, furthest[:-1]]
    first_of_equipment = np.r_[True, span_code[1:] != span_code[:-1]]
    earlier_end[first_of_equipment] = nat
    added = np.clip(span_to - np.maximum(span_from, earlier_end), 0, None).astype(np.float64)
    return span_code, added


def _group_totals(per_equipment: pd.DataFrame, keys: list[str]) -> pd.DataFrame:
    """Sum the equipment's figures per group; MTTR and MTBF stay NaN without a repair or
    a failure to divide by."""
    totals = (
        per_equipment.reset_index()
        .groupby(keys, sort=True)[
            ["failures", "repairs", "repair_hours", "operating_hours", "downtime_hours"]
        ]
        .sum()
    )
    totals["failures"] = totals["failures"].astype(np.int64)
    totals["repairs"] = totals["repairs"].astype(np.int64)
    totals["mttr_hours"] = totals["repair_hours"] / totals["repairs"].where(totals["repairs"] > 0)
    totals["mtbf_hours"] = totals["operating_hours"] / totals["failures"].where(
        totals["failures"] > 0
    )
    columns = [
        "failures",
        "repairs",
        "mttr_hours",
        "mtbf_hours",
        "operating_hours",
        "downtime_hours",
    ]
    return totals[columns].reset_index()


def mttr_mtbf(
    requests: pd.DataFrame,
    *,
    period_start: object,
    period_end: object,
    by: str | Sequence[str] = "equipment_id",
    equipment: pd.DataFrame | None = None,
) -> pd.DataFrame:
    """MTTR and MTBF in hours per group over ``[period_start, period_end)``.

    ``by`` is ``equipment_id``, ``category_id``, ``store_id`` or a list of them.
    ``equipment`` (columns ``equipment_id``, ``category_id``, ``store_id``) lists the
    fleet, so equipment that never failed still adds its operating time to its group;
    its category and store win over those on the requests. Returns one row per group with
    the group columns and ``failures``, ``repairs``, ``mttr_hours``, ``mtbf_hours``,
    ``operating_hours``, ``downtime_hours`` (see the module docstring for definitions).
    """
    keys = _group_keys(by)
    start = _timestamp(period_start, "period_start")
    end = _timestamp(period_end, "period_end")
    if end <= start:
        raise BohError(
            "period_end",
            str(end),
            msg("maintenance.reliability.period_end.after_start", end=end, start=start),
        )
    df = _prepare(requests)
    fleet = _fleet(df, equipment)

    corrective = df.loc[df["kind"].to_numpy() == "corrective"]
    # Integer equipment codes and nanosecond integers let np.bincount and np.lexsort do the
    # per-equipment work, several times faster than pandas groupby on the raw columns.
    codes, ids = pd.factorize(corrective["equipment_id"])
    n_ids = len(ids)
    nat = np.iinfo(np.int64).min
    request_ns = corrective["request_dt"].to_numpy().view(np.int64)
    close_ns = corrective["close_dt"].to_numpy().view(np.int64)
    start_ns, end_ns = start.value, end.value
    closed = close_ns != nat
    in_period = (request_ns >= start_ns) & (request_ns < end_ns)
    repaired = in_period & closed & (close_ns <= end_ns)
    repair_ns = np.where(repaired, close_ns - request_ns, 0).astype(np.float64)

    span_code, added = _downtime_ns(codes, request_ns, close_ns, start_ns, end_ns)

    ns_per_hour = 3600e9
    per_equipment = pd.DataFrame(
        {
            "failures": np.bincount(codes, in_period, minlength=n_ids),
            "repairs": np.bincount(codes, repaired, minlength=n_ids),
            "repair_hours": np.bincount(codes, repair_ns, minlength=n_ids) / ns_per_hour,
            "downtime_hours": np.bincount(span_code, added, minlength=n_ids) / ns_per_hour,
        },
        index=pd.Index(ids, name="equipment_id"),
    )
    per_equipment = per_equipment.reindex(fleet.index).fillna(0.0)
    per_equipment["operating_hours"] = (end - start) / pd.Timedelta(hours=1) - per_equipment[
        "downtime_hours"
    ]
    per_equipment = per_equipment.join(fleet[[c for c in GROUP_COLUMNS if c != "equipment_id"]])
    per_equipment.index.name = "equipment_id"

    return _group_totals(per_equipment, keys)


def repeat_failures(requests: pd.DataFrame, n: int, days: float) -> pd.DataFrame:
    """Equipment with at least ``n`` corrective requests within some window of ``days`` days.

    A window holds the failures whose request times lie at most ``days`` days apart (ends
    included). Returns one row per such equipment with ``equipment_id``, ``category_id``,
    ``store_id``, ``failures_in_window`` (the most found in any window) and
    ``window_start``/``window_end`` (first and last failure of the latest such window),
    sorted by ``failures_in_window`` descending then ``equipment_id``.
    """
    if isinstance(n, bool) or not isinstance(n, int) or n < 2:
        raise BohError("n", n, msg("maintenance.reliability.n.repeat_threshold_whole", n=n))
    if isinstance(days, bool) or not isinstance(days, int | float) or not 0 < days <= 3660:
        raise BohError("days", days, msg("maintenance.reliability.days.window_from", days=days))
    df = _prepare(requests)
    columns = [*GROUP_COLUMNS, "failures_in_window", "window_start", "window_end"]
    failures = df.loc[df["kind"].to_numpy() == "corrective"].sort_values(
        ["equipment_id", "request_dt"], kind="stable"
    )
    if failures.empty:
        return pd.DataFrame(columns=columns)
    codes, _ = pd.factorize(failures["equipment_id"], sort=False)
    moments = failures["request_dt"].to_numpy()
    seconds = ((moments - moments.min()) // np.timedelta64(1, "s")).astype(np.int64)
    window = int(round(days * 86400))
    # Putting each equipment on its own stretch of a single time axis, further apart than
    # any window, lets one searchsorted find every window start without a groupby.
    stride = int(seconds.max()) + window + 1
    key = codes.astype(np.int64) * stride + seconds
    first = np.searchsorted(key, key - window, side="left")
    positions = np.arange(len(key))
    failures = failures.assign(
        failures_in_window=positions - first + 1,
        window_start=failures["request_dt"].to_numpy()[first],
        window_end=failures["request_dt"].to_numpy(),
    )
    hits = failures.loc[failures["failures_in_window"] >= n]
    best = hits.sort_values(
        ["equipment_id", "failures_in_window", "window_end"], kind="stable"
    ).drop_duplicates("equipment_id", keep="last")
    best = best.sort_values(
        ["failures_in_window", "equipment_id"], ascending=[False, True], kind="stable"
    )
    return best[columns].reset_index(drop=True)


def repair_cost_ratio(
    repairs: pd.DataFrame, equipment_value: Mapping[object, float] | pd.Series
) -> pd.DataFrame:
    """Cumulated repair cost (parts + labour) of each equipment against its value.

    ``repairs`` has columns ``equipment_id``, ``parts_cost``, ``labour_cost`` (one row per
    request or already summed); ``equipment_value`` maps equipment to its value (purchase
    or replacement cost). Returns ``equipment_id``, ``parts_cost``, ``labour_cost``,
    ``repair_cost``, ``equipment_value`` and ``ratio`` (NaN when the value is unknown or
    not positive), one row per equipment seen in either input, highest ratio first.
    """
    needed = ("equipment_id", "parts_cost", "labour_cost")
    missing = [c for c in needed if c not in getattr(repairs, "columns", ())]
    if missing:
        raise BohError(
            "repairs",
            missing,
            msg("maintenance.reliability.repairs.lack_column_s", missing=", ".join(missing)),
        )
    costs = repairs.loc[:, list(needed)].copy()
    for column in ("parts_cost", "labour_cost"):
        values = pd.to_numeric(costs[column], errors="coerce")
        bad = values.isna() & costs[column].notna() | (values < 0) | np.isinf(values)
        if bad.any():
            value = costs.loc[bad, column].iloc[0]
            raise BohError(
                column,
                value,
                msg("maintenance.reliability.finite_amount_more", column=column, value=value),
            )
        costs[column] = values.fillna(0.0)
    summed = costs.groupby("equipment_id")[["parts_cost", "labour_cost"]].sum()
    value = pd.Series(equipment_value, dtype=np.float64)
    result = summed.reindex(summed.index.union(value.index)).fillna(0.0)
    result["repair_cost"] = result["parts_cost"] + result["labour_cost"]
    result["equipment_value"] = value.reindex(result.index)
    result["ratio"] = result["repair_cost"] / result["equipment_value"].where(
        result["equipment_value"] > 0
    )
    result.index.name = "equipment_id"
    result = result.reset_index().sort_values(
        ["ratio", "equipment_id"], ascending=[False, True], na_position="last", kind="stable"
    )
    return result.reset_index(drop=True)
