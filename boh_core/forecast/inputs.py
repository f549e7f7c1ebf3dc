"""What a manager knows that the sales history does not: closures, promotions, events,
overrides, new menu items; turned into the forecaster's exogenous columns or applied to its
result. Plain data in, plain data out; the Odoo side reads its records into these frames.

Documented behaviour, bad input included:

- **Closures** (``store``, ``date_from``, ``date_to``, ``closed_hours``): ``closed_hours`` 0 (or
  at least the day's opening hours) closes whole days: ``is_closed`` = 1, forecast 0. Fewer
  hours close part of the day: ``open_share`` = 1 - closed / opening hours, and the forecast
  of that day is multiplied by it (:func:`apply_open_share`): sales spread over opening hours.
- **Promotions** (``unique_id``, ``date_from``, ``date_to``, ``kind``): one 0/1 column
  ``promotion`` plus ``promotion_<kind>`` per kind, history and horizon alike, so the model
  learns from past ones. A promotion with no end date (``date_to`` empty) runs through the
  last day asked for, and :func:`promotion_columns` lists it in its notes.
- **Events** (``store``, ``date_from``, ``date_to``): ``event`` = 1 on those days for every
  item of the store.
- **Overrides** (``unique_id``, ``ds``, ``quantity``): :func:`apply_overrides` keeps the
  statistical forecast in ``yhat_stat`` and puts the override in ``yhat``, which ordering
  uses. An override on a closed day is not applied (the closure wins, the forecast stays 0)
  and comes back in the rejected list with that reason; a negative quantity is refused.
- **Forecast value added** (:func:`forecast_value_added`): on overridden days, the WAPE of the
  statistical forecast against the WAPE of the overridden one; positive FVA means the
  overrides helped.
- **New items** (:func:`cold_start`): an item with fewer than :data:`CREDIBLE_DAYS` days of
  its own history is forecast from the items of its category whose price is within
  :data:`PRICE_BAND` of its own (the whole category where none is), blended towards its own
  forecast as its history grows; an item with no similar item keeps its own.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from boh_core.errors import BohError, msg

CREDIBLE_DAYS = 28
PRICE_BAND = 0.25


def _dates(frame: pd.DataFrame, column: str, required: bool = True) -> pd.Series:
    values = pd.to_datetime(frame[column], errors="coerce")
    bad = values.isna() & frame[column].notna()
    if bad.any() or (required and values.isna().any()):
        value = frame.loc[bad | values.isna(), column].iloc[0]
        raise BohError(column, value, msg("forecast.inputs.date", column=column, value=value))
    return values.dt.normalize()


def _spans(frame: pd.DataFrame, key: str, last: pd.Timestamp) -> tuple[pd.DataFrame, list[str]]:
    """One row per (key, day) of each span; open-ended spans run to ``last``."""
    notes = []
    start = _dates(frame, "date_from")
    end = _dates(frame, "date_to", required=False)
    open_ended = end.isna()
    for k in np.flatnonzero(open_ended.to_numpy()):
        notes.append(
            f"{frame[key].iloc[k]} from {start.iloc[k].date()} has no end date: taken as "
            f"running through {last.date()}."
        )
    end = end.fillna(last)
    backwards = end < start
    if backwards.any():
        k = int(np.flatnonzero(backwards.to_numpy())[0])
        raise BohError(
            "date_to",
            str(end.iloc[k].date()),
            msg(
                "forecast.inputs.date_to.end_before_start",
                iloc=frame[key].iloc[k],
                date=end.iloc[k].date(),
                date_2=start.iloc[k].date(),
            ),
        )
    length = (end - start).dt.days.to_numpy() + 1
    rows = np.repeat(np.arange(len(frame)), length)
    offset = np.arange(rows.size) - np.repeat(np.cumsum(length) - length, length)
    out = frame.iloc[rows].reset_index(drop=True)
    out["ds"] = start.to_numpy()[rows] + pd.to_timedelta(offset, unit="D")
    return out, notes


def closure_columns(
    closures: pd.DataFrame, opening_hours: float, last: pd.Timestamp
) -> pd.DataFrame:
    """``store``, ``ds``, ``is_closed``, ``open_share`` for every day a closure touches."""
    if opening_hours <= 0:
        raise BohError("opening_hours", opening_hours, msg("forecast.inputs.opening_hours.store_s"))
    if closures.empty:
        return pd.DataFrame(columns=["store", "ds", "is_closed", "open_share"])
    hours = pd.to_numeric(closures["closed_hours"], errors="coerce")
    if hours.isna().any() or (hours < 0).any():
        value = closures["closed_hours"][hours.isna() | (hours < 0)].iloc[0]
        raise BohError("closed_hours", value, msg("forecast.inputs.closed_hours.more", value=value))
    days, _ = _spans(closures.assign(closed_hours=hours), "store", last)
    whole = (days["closed_hours"] == 0) | (days["closed_hours"] >= opening_hours)
    days["is_closed"] = whole.astype(float)
    days["open_share"] = np.where(whole, 0.0, 1.0 - days["closed_hours"] / opening_hours)
    # Two closures of one day: the day is as closed as the most closed of them.
    out = days.groupby(["store", "ds"], as_index=False).agg(
        is_closed=("is_closed", "max"), open_share=("open_share", "min")
    )
    return out


def promotion_columns(
    promotions: pd.DataFrame, last: pd.Timestamp
) -> tuple[pd.DataFrame, list[str]]:
    """``unique_id``, ``ds``, ``promotion`` and ``promotion_<kind>`` per promoted day, and
    notes on open-ended promotions."""
    if promotions.empty:
        return pd.DataFrame(columns=["unique_id", "ds", "promotion"]), []
    days, notes = _spans(promotions, "unique_id", last)
    days["promotion"] = 1.0
    kinds = pd.get_dummies(days["kind"].astype(str), prefix="promotion", dtype=float)
    out = pd.concat([days[["unique_id", "ds", "promotion"]], kinds], axis=1)
    return out.groupby(["unique_id", "ds"], as_index=False).max(), notes


def event_columns(events: pd.DataFrame, last: pd.Timestamp) -> pd.DataFrame:
    """``store``, ``ds``, ``event`` = 1 for every day of every event."""
    if events.empty:
        return pd.DataFrame(columns=["store", "ds", "event"])
    days, _ = _spans(events, "store", last)
    days["event"] = 1.0
    return days[["store", "ds", "event"]].drop_duplicates(["store", "ds"])


def apply_open_share(forecast: pd.DataFrame, open_share: pd.DataFrame) -> pd.DataFrame:
    """Scale ``yhat``, ``yhat_lo`` and ``yhat_hi`` by ``open_share`` (``unique_id``, ``ds``)."""
    out = forecast.merge(open_share, on=["unique_id", "ds"], how="left")
    share = out.pop("open_share").fillna(1.0).clip(0.0, 1.0).to_numpy()
    for column in ("yhat", "yhat_lo", "yhat_hi"):
        if column in out:
            out[column] = out[column].to_numpy() * share
    return out


def apply_overrides(
    forecast: pd.DataFrame, overrides: pd.DataFrame, closed: pd.DataFrame | None = None
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Put managers' overrides into ``yhat``, keeping the statistical one in ``yhat_stat``.

    ``closed`` lists (``unique_id``, ``ds``) days that are closed. Returns the forecast with
    ``yhat_stat``, ``yhat`` and ``overridden``, and the overrides not applied with a
    ``reason`` (closed day, or no such series and day in the forecast).
    """
    out = forecast.copy()
    out["yhat_stat"] = out["yhat"]
    out["overridden"] = False
    if overrides.empty:
        return out, overrides.assign(reason=pd.Series(dtype=object))
    qty = pd.to_numeric(overrides["quantity"], errors="coerce")
    if qty.isna().any() or (qty < 0).any():
        value = overrides["quantity"][qty.isna() | (qty < 0)].iloc[0]
        raise BohError(
            "quantity", value, msg("forecast.inputs.quantity.override_more", value=value)
        )
    wanted = overrides.assign(quantity=qty, ds=_dates(overrides, "ds"))
    wanted["reason"] = ""
    if closed is not None and not closed.empty:
        shut = wanted.merge(closed.assign(_shut=True), on=["unique_id", "ds"], how="left")
        wanted.loc[shut["_shut"].eq(True).to_numpy(), "reason"] = "closed day"
    keys = out.set_index(["unique_id", "ds"]).index
    index = keys.get_indexer(pd.MultiIndex.from_frame(wanted[["unique_id", "ds"]]))
    wanted.loc[(index < 0) & (wanted["reason"] == ""), "reason"] = "outside the forecast"
    use = (wanted["reason"] == "").to_numpy()
    rows = index[use]
    out.loc[out.index[rows], "yhat"] = wanted.loc[use, "quantity"].to_numpy()
    out.loc[out.index[rows], "overridden"] = True
    for column in ("yhat_lo", "yhat_hi"):
        if column in out:
            # The interval moves with the override: the manager's number is the new centre.
            shift = out["yhat"] - out["yhat_stat"]
            out[column] = np.clip(out[column] + shift.where(out["overridden"], 0.0), 0, None)
    return out, wanted.loc[~use].reset_index(drop=True)


def forecast_value_added(frame: pd.DataFrame) -> dict[str, float]:
    """On overridden days (``overridden``): WAPE of ``yhat_stat`` and of ``yhat`` against ``y``,
    and ``fva`` = their difference (positive: the overrides helped)."""
    days = frame[frame["overridden"].astype(bool) & frame["y"].notna()]
    total = float(days["y"].sum())
    if days.empty or total <= 0:
        return {"days": int(len(days)), "wape_stat": np.nan, "wape_final": np.nan, "fva": np.nan}
    stat = float((days["y"] - days["yhat_stat"]).abs().sum()) / total
    final = float((days["y"] - days["yhat"]).abs().sum()) / total
    return {"days": int(len(days)), "wape_stat": stat, "wape_final": final, "fva": stat - final}


def similar_items(items: pd.DataFrame) -> dict[str, list[str]]:
    """For each item, the others of its category within :data:`PRICE_BAND` of its price (the
    whole category where none is). ``items``: ``unique_id``, ``category``, ``price``."""
    out = {}
    for _, group in items.groupby("category", sort=False):
        ids = group["unique_id"].to_numpy()
        price = group["price"].to_numpy(float)
        with np.errstate(invalid="ignore", divide="ignore"):
            near = np.abs(price[:, None] - price[None, :]) <= PRICE_BAND * np.maximum(
                price[:, None], 1e-9
            )
        np.fill_diagonal(near, False)
        for k, item in enumerate(ids):
            pick = ids[near[k]] if near[k].any() else ids[ids != item]
            out[item] = list(pick)
    return out


def cold_start(
    forecast: pd.DataFrame, items: pd.DataFrame, history_days: pd.Series
) -> pd.DataFrame:
    """Forecast of young items from similar ones.

    ``history_days`` maps ``unique_id`` to the days of its own sales history. An item with
    fewer than :data:`CREDIBLE_DAYS` gets ``w * own + (1 - w) * median of similar items``
    with ``w = days / CREDIBLE_DAYS``; ``cold_start`` says by how much (``1 - w``).
    """
    out = forecast.copy()
    out["cold_start"] = 0.0
    days = history_days.reindex(items["unique_id"]).fillna(0).to_numpy()
    young = items.loc[days < CREDIBLE_DAYS, "unique_id"]
    if young.empty:
        return out
    similar = similar_items(items)
    columns = [c for c in ("yhat", "yhat_lo", "yhat_hi") if c in out]
    out[columns] = out[columns].astype(float)
    wide = {c: out.pivot(index="unique_id", columns="ds", values=c) for c in columns}
    young_set = set(young)
    for item in young:
        peers = [p for p in similar.get(item, []) if p in wide["yhat"].index]
        peers = [p for p in peers if p not in young_set]
        if not peers or item not in wide["yhat"].index:
            continue
        w = float(history_days.get(item, 0)) / CREDIBLE_DAYS
        rows = (out["unique_id"] == item).to_numpy()
        ds = out.loc[rows, "ds"]
        for column in columns:
            peer = wide[column].loc[peers].median(axis=0).reindex(ds).to_numpy()
            out.loc[rows, column] = w * out.loc[rows, column].to_numpy() + (1 - w) * peer
        out.loc[rows, "cold_start"] = 1 - w
    return out
