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
from .finding import Finding


@dataclass(frozen=True)
class FeedThresholds:
    """Settings of :func:`detect_silent_feeds` and :func:`detect_silent_items` (all > 0):
    ``min_expected`` events expected in the silence (``item_min_expected`` for an item,
    whose sales swing more with the weather and promotions), ``min_share`` share of weeks the store
    trades in the current hour, ``max_gap_hours`` how far back a silence is looked for,
    ``min_weeks`` weeks of history a profile needs."""

    min_expected: float = 8.0
    item_min_expected: float = 12.0
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
    frame["weekday"] = frame["at"].dt.day_of_week
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
        weeks = np.bincount(days.day_of_week, minlength=7)
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


@dataclass
class _Profile:
    """A profile as arrays: keys (K tuples), rate and share (K, 7, 24), weeks (K, 7)."""

    keys: list
    rate: np.ndarray
    share: np.ndarray
    weeks: np.ndarray


def _arrays(profile: pd.DataFrame, by: list[str]) -> _Profile:
    codes = profile.groupby(by, sort=True).ngroup().to_numpy()
    first = profile.groupby(by, sort=True).head(1)
    keys = [tuple(row) for row in first.sort_values(by, kind="stable")[by].itertuples(index=False)]
    n = len(keys)
    wd = profile["weekday"].to_numpy(dtype=int)
    hr = profile["hour"].to_numpy(dtype=int)
    rate = np.zeros((n, 7, 24))
    share = np.zeros((n, 7, 24))
    weeks = np.zeros((n, 7))
    rate[codes, wd, hr] = profile["rate"].to_numpy(dtype=float)
    share[codes, wd, hr] = profile["share"].to_numpy(dtype=float)
    weeks[codes, wd] = profile["weeks"].to_numpy(dtype=float)
    return _Profile(keys, rate, share, weeks)


def expected_events(rate: np.ndarray, start, end, closed: list | None = None) -> np.ndarray:
    """Events expected from ``start`` to ``end`` (arrays of K timestamps) with hourly rates
    ``rate`` (K, 7, 24), wall clock: the rate of each hour times the part of it inside;
    ``closed[k]``, a set of dates on which key ``k`` expected nothing."""
    start = np.asarray(start, dtype="datetime64[ns]")
    end = np.asarray(end, dtype="datetime64[ns]")
    if start.size == 0:
        return np.zeros(0)
    first = pd.Timestamp(start.min()).floor("h")
    hours = pd.date_range(first, pd.Timestamp(end.max()), freq="h")
    h0 = hours.to_numpy()
    one = np.timedelta64(1, "h")
    begin = np.maximum(h0[None, :], start[:, None])
    finish = np.minimum(h0[None, :] + one, end[:, None])
    part = np.clip((finish - begin) / one, 0.0, 1.0)
    per_hour = rate[:, hours.day_of_week, hours.hour]
    if closed:
        days = hours.normalize()
        masks: dict = {}
        for k, dates in enumerate(closed):
            if dates:
                key = frozenset(dates)
                if key not in masks:
                    masks[key] = days.isin(list(dates))
                per_hour[k, masks[key]] = 0.0
    return np.sum(per_hour * part, axis=1)


def _silence(kind, key, t0, t1, lam) -> Finding:
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


def _judge(kind, prof: _Profile, t0: dict, t1: dict, st, out: Findings, closed=None) -> None:
    """Findings for the keys of ``t0`` (silence from ``t0[key]`` to ``t1[key]``); ``closed``
    maps a store to the dates it was closed."""
    rows = [k for k, key in enumerate(prof.keys) if key in t0]
    if not rows:
        return
    starts = [t0[prof.keys[k]] for k in rows]
    ends = [t1[prof.keys[k]] for k in rows]
    shut = [closed.get(prof.keys[k][0]) for k in rows] if closed else None
    lam = expected_events(prof.rate[rows], starts, ends, shut)
    least = st.item_min_expected if kind == "item_silent" else st.min_expected
    for k, a, b, value in zip(rows, starts, ends, lam, strict=True):
        if value >= least:
            out.append(_silence(kind, prof.keys[k], a, b, float(value)))


def detect_silent_feeds(
    now,
    recent: pd.DataFrame,
    profile: pd.DataFrame,
    *,
    closed: Sequence = (),
    closed_days: Sequence = (),
    settings: FeedThresholds | None = None,
) -> Findings:
    """Stores whose feed went silent during hours they usually trade (kind ``"feed_silent"``).

    ``now``: the current local time (naive, the stores' wall clock). ``recent``: ``store``,
    ``at``: the recent orders, at least each store's last one (a store of the profile without
    any is not judged: ``skipped[key] = "no_recent_events"``; a silence is looked for over
    ``max_gap_hours`` at most, so the start stays the last order within that). ``profile``:
    :func:`hourly_profile` of the orders (``by=("store",)``). ``closed``: stores known to be
    closed now (a closure, a holiday): not judged. ``closed_days``: ``(store, date)`` pairs of
    the last days a store was closed: their hours expect no order. Findings: ``key`` ``(store,)``,
    ``start`` the last order (a datetime), ``end`` ``now``; ``observed`` 0, ``expected`` the
    orders expected in the silence, ``low``..``high`` their 99.8% Poisson range; ``score``
    ``-lam / sqrt(lam)``; ``detail``: ``last_event``, ``silent_hours``, ``chance_of_none``.
    """
    st = check_settings(settings, FeedThresholds)
    now = check_time("now", now)
    recent = check_frame(recent, "recent", ["store", "at"]).copy()
    recent["at"] = times_of(recent, "recent", "at")
    prof = _arrays(check_frame(profile, "profile", ["store", *PROFILE_COLUMNS]), ["store"])
    last = recent[recent["at"] <= now].groupby("store")["at"].max()
    closed_now = set(closed)
    floor = now - pd.Timedelta(hours=st.max_gap_hours)
    out = Findings()
    t0, t1 = {}, {}
    for k, key in enumerate(prof.keys):
        if prof.weeks[k].sum() / 7 < st.min_weeks:
            out.skipped[key] = "short_history"
        elif key[0] not in last.index:
            out.skipped[key] = "no_recent_events"
        elif key[0] not in closed_now and prof.share[k, now.weekday(), now.hour] >= st.min_share:
            t0[key], t1[key] = max(last[key[0]], floor), now
    shut: dict = {}
    for store, day in closed_days:
        shut.setdefault(store, set()).add(pd.Timestamp(day).normalize())
    _judge("feed_silent", prof, t0, t1, st, out, shut)
    return out


def detect_silent_items(
    now,
    recent: pd.DataFrame,
    profile: pd.DataFrame,
    *,
    closed_days: Sequence = (),
    settings: FeedThresholds | None = None,
) -> Findings:
    """Items a store's POS stopped sending while it sends others (kind ``"item_silent"``).

    ``recent``: ``store``, ``item``, ``at``: the recent order lines (at least each item's last
    one and the store's last line; an item without any is not judged). ``profile`` should
    hold only the items on the menu now (a retired item is silent by design):
    :func:`hourly_profile` of the lines with ``by=("store", "item")``. Findings: ``key``
    ``(store, item)``, ``start`` the item's last line, ``end`` the store's last line;
    ``expected`` the item's lines expected in between; ``closed_days`` as in
    :func:`detect_silent_feeds`; otherwise as :func:`detect_silent_feeds`.
    """
    st = check_settings(settings, FeedThresholds)
    now = check_time("now", now)
    recent = check_frame(recent, "recent", ["store", "item", "at"]).copy()
    recent["at"] = times_of(recent, "recent", "at")
    prof = _arrays(
        check_frame(profile, "profile", ["store", "item", *PROFILE_COLUMNS]), ["store", "item"]
    )
    recent = recent[recent["at"] <= now]
    store_last = recent.groupby("store")["at"].max()
    item_last = recent.groupby(["store", "item"])["at"].max()
    floor = now - pd.Timedelta(hours=st.max_gap_hours)
    out = Findings()
    t0, t1 = {}, {}
    for k, key in enumerate(prof.keys):
        if prof.weeks[k].sum() / 7 < st.min_weeks:
            out.skipped[key] = "short_history"
        elif key not in item_last.index:
            out.skipped[key] = "no_recent_events"
        elif key[0] in store_last.index and item_last[key] < store_last[key[0]]:
            # a whole silent feed is detect_silent_feeds' to say
            t0[key], t1[key] = max(item_last[key], floor), store_last[key[0]]
    shut: dict = {}
    for store, day in closed_days:
        shut.setdefault(store, set()).add(pd.Timestamp(day).normalize())
    _judge("item_silent", prof, t0, t1, st, out, shut)
    return out
