"""Feeds: a store that stopped sending orders, or a POS that stopped sending one item.

Method. :func:`hourly_profile` learns, from history, how many events (orders, or lines of an
item) a store sends in each hour of each weekday: ``rate`` (events per hour, averaged over
the weeks of the history) and ``share`` (the share of those weekday-hours with at least one
event). Local wall-clock times throughout: on a daylight-saving day the hour that is skipped
or repeated only shifts the expectation by one hour's rate.

Silence is judged with a Poisson model: from the last event ``t0`` to ``now``, the number
of events expected is ``lam = sum(rate of each hour x the part of the hour in the gap)``;
the chance of none is ``exp(-lam)``. A feed is silent when ``lam >= min_expected`` (8 by
default: a chance of none below 0.0004, wide for the overdispersion of real trade) and the
store usually trades in the current hour (its ``share >= min_share``). An item is silent
when the store's feed is alive (other lines came after the item's last) and the lines of the
item expected between its last line and the store's last line reach ``min_expected``. The
finding starts at the last event: every run while the silence lasts gives the same
(kind, key, start), so it stays one flag. The check needs only ``now``, the recent events
and the profile, so it can run every few minutes.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy.stats import poisson

from ._common import Findings, check_frame, check_settings, check_time, make, times_of


@dataclass(frozen=True)
class FeedThresholds:
    """Settings of :func:`detect_silent_feeds` and :func:`detect_silent_items` (all > 0):
    ``min_expected`` events expected in the silence, ``min_share`` share of weeks the store
    trades in the current hour, ``max_gap_hours`` how far back a silence is looked for,
    ``min_weeks`` weeks of history a profile needs."""

    min_expected: float = 8.0
    min_share: float = 0.8
    max_gap_hours: float = 72.0
    min_weeks: float = 3.0


PROFILE_COLUMNS = ("weekday", "hour", "rate", "share", "weeks")


def hourly_profile(history: pd.DataFrame, *, by: Sequence[str] = ("store",)) -> pd.DataFrame:
    """The hourly profile of events per key: one row per key, weekday (0 = Monday) and hour.

    ``history``: the ``by`` columns and ``at`` (local time of each event: an order, or a line
    of an item with ``by=("store", "item")``). Returns the ``by`` columns, ``weekday``,
    ``hour``, ``rate`` (events per such hour on average), ``share`` (share of such hours with
    an event) and ``weeks`` (how many of that weekday the history spans, first to last day of
    the key's events).
    """
    by = list(by)
    frame = check_frame(history, "history", [*by, "at"]).copy()
    frame["at"] = times_of(frame, "history", "at")
    frame["day"] = frame["at"].dt.normalize()
    frame["weekday"] = frame["at"].dt.weekday
    frame["hour"] = frame["at"].dt.hour
    cols = [*by, *PROFILE_COLUMNS]
    if frame.empty:
        return pd.DataFrame(columns=cols)
    per_hour = frame.groupby([*by, "day", "weekday", "hour"], sort=True).size()
    per_hour = per_hour.rename("n").reset_index()
    span = frame.groupby(by)["day"].agg(["min", "max"]).reset_index()
    rows = []
    for rec in span.itertuples(index=False):
        days = pd.date_range(rec.min, rec.max, freq="D")
        weeks = np.bincount(days.weekday, minlength=7)
        for wd in range(7):
            rows.append((*rec[: len(by)], wd, int(weeks[wd])))
    grid = pd.DataFrame(rows, columns=[*by, "weekday", "weeks"])
    agg = per_hour.groupby([*by, "weekday", "hour"], as_index=False).agg(
        total=("n", "sum"), hours=("n", "size")
    )
    prof = agg.merge(grid, on=[*by, "weekday"], how="left")
    prof["rate"] = prof["total"] / prof["weeks"].clip(lower=1)
    prof["share"] = prof["hours"] / prof["weeks"].clip(lower=1)
    return prof[cols].sort_values([*by, "weekday", "hour"], ignore_index=True)


def _lookup(profile: pd.DataFrame, by: list[str]) -> dict[tuple, np.ndarray]:
    """Per key: (rates (7, 24), shares (7, 24), weeks (7,))."""
    table = {}
    for key, rows in profile.groupby(by, sort=False):
        key = key if isinstance(key, tuple) else (key,)
        rate = np.zeros((7, 24))
        share = np.zeros((7, 24))
        weeks = np.zeros(7)
        wd = rows["weekday"].to_numpy(dtype=int)
        hr = rows["hour"].to_numpy(dtype=int)
        rate[wd, hr] = rows["rate"].to_numpy(dtype=float)
        share[wd, hr] = rows["share"].to_numpy(dtype=float)
        weeks[wd] = rows["weeks"].to_numpy(dtype=float)
        table[key] = (rate, share, weeks)
    return table


def expected_events(rate: np.ndarray, start: pd.Timestamp, end: pd.Timestamp) -> float:
    """Events expected from ``start`` to ``end`` with hourly ``rate`` (7, 24) (wall clock)."""
    if end <= start:
        return 0.0
    hours = pd.date_range(start.floor("h"), end, freq="h", inclusive="left")
    if len(hours) == 0:
        hours = pd.DatetimeIndex([start.floor("h")])
    one = pd.Timedelta(hours=1)
    begin = np.maximum(hours.to_numpy(), start.to_datetime64())
    finish = np.minimum((hours + one).to_numpy(), end.to_datetime64())
    part = np.clip((finish - begin) / np.timedelta64(1, "h"), 0.0, 1.0)
    return float(np.sum(rate[hours.weekday, hours.hour] * part))


def _silence(kind, key, t0, t1, rate, st) -> object | None:
    lam = expected_events(rate, t0, t1)
    if lam < st.min_expected:
        return None
    return make(
        kind,
        key,
        t0.to_pydatetime(),
        t1.to_pydatetime(),
        0.0,
        lam,
        float(poisson.ppf(0.001, lam)),
        float(poisson.ppf(0.999, lam)),
        -lam / np.sqrt(lam),
        unit="events",
        detail={
            "last_event": t0,
            "silent_hours": (t1 - t0) / pd.Timedelta(hours=1),
            "chance_of_none": float(np.exp(-lam)),
        },
    )


def detect_silent_feeds(
    now,
    recent: pd.DataFrame,
    profile: pd.DataFrame,
    *,
    closed: Sequence = (),
    settings: FeedThresholds | None = None,
) -> Findings:
    """Stores whose feed went silent during hours they usually trade (kind ``"feed_silent"``).

    ``now``: the current local time (naive, the stores' wall clock). ``recent``: ``store``,
    ``at``: the recent orders, at least each store's last one (a store of the profile without
    any is not judged: ``skipped[key] = "no_recent_events"``; a silence is looked for over
    ``max_gap_hours`` at most, so the start stays the last order within that). ``profile``:
    :func:`hourly_profile` of the orders (``by=("store",)``). ``closed``: stores known to be
    closed now (a closure, a holiday): not judged. Findings: ``key`` ``(store,)``,
    ``start`` the last order (a datetime), ``end`` ``now``; ``observed`` 0, ``expected`` the
    orders expected in the silence, ``low``..``high`` their 99.8% Poisson range; ``score``
    ``-lam / sqrt(lam)``; ``detail``: ``last_event``, ``silent_hours``, ``chance_of_none``.
    """
    st = check_settings(settings, FeedThresholds)
    now = check_time("now", now)
    recent = check_frame(recent, "recent", ["store", "at"]).copy()
    recent["at"] = times_of(recent, "recent", "at")
    profile = check_frame(profile, "profile", ["store", *PROFILE_COLUMNS])
    last = recent[recent["at"] <= now].groupby("store")["at"].max()
    closed_now = set(closed)
    out = Findings()
    floor = now - pd.Timedelta(hours=st.max_gap_hours)
    for key, (rate, share, weeks) in sorted(_lookup(profile, ["store"]).items(), key=str):
        if weeks.sum() / 7 < st.min_weeks:
            out.skipped[key] = "short_history"
            continue
        if key[0] in closed_now or share[now.weekday(), now.hour] < st.min_share:
            continue
        if key[0] not in last.index:
            out.skipped[key] = "no_recent_events"
            continue
        t0 = max(last[key[0]], floor)
        found = _silence("feed_silent", key, t0, now, rate, st)
        if found is not None:
            out.append(found)
    return out


def detect_silent_items(
    now,
    recent: pd.DataFrame,
    profile: pd.DataFrame,
    *,
    settings: FeedThresholds | None = None,
) -> Findings:
    """Items a store's POS stopped sending while it sends others (kind ``"item_silent"``).

    ``recent``: ``store``, ``item``, ``at``: the recent order lines (at least each item's last
    one and the store's last line; an item without any is not judged). ``profile`` should
    hold only the items on the menu now (a retired item is silent by design). ``profile``: :func:`hourly_profile` of the lines with
    ``by=("store", "item")``. Findings: ``key`` ``(store, item)``, ``start`` the item's last
    line, ``end`` the store's last line; ``expected`` the item's lines expected in between;
    otherwise as :func:`detect_silent_feeds`.
    """
    st = check_settings(settings, FeedThresholds)
    now = check_time("now", now)
    recent = check_frame(recent, "recent", ["store", "item", "at"]).copy()
    recent["at"] = times_of(recent, "recent", "at")
    profile = check_frame(profile, "profile", ["store", "item", *PROFILE_COLUMNS])
    recent = recent[recent["at"] <= now]
    store_last = recent.groupby("store")["at"].max()
    item_last = recent.groupby(["store", "item"])["at"].max()
    out = Findings()
    floor = now - pd.Timedelta(hours=st.max_gap_hours)
    for key, (rate, _share, weeks) in sorted(_lookup(profile, ["store", "item"]).items(), key=str):
        if weeks.sum() / 7 < st.min_weeks:
            out.skipped[key] = "short_history"
            continue
        alive = store_last.get(key[0])
        if alive is None:
            continue  # the whole feed is silent: detect_silent_feeds says so
        if key not in item_last.index:
            out.skipped[key] = "no_recent_events"
            continue
        t0 = max(item_last[key], floor)
        if t0 >= alive:
            continue
        found = _silence("item_silent", key, t0, alive, rate, st)
        if found is not None:
            out.append(found)
    return out
