"""Usage and waste: an ingredient's unexplained variance or waste well above its own history
and above the other stores', one bad period or a slow, steady loss.

Method. Each row is one period (a count period, a week) of one (store, ingredient): a value
where higher is worse and which is comparable between stores (unexplained usage variance or
recorded waste as a share of the theoretical usage, for instance). Three steps:

1. *Own history*: the robust z of the value against the median and robust noise
   (clipped standard deviation, see ``_common``) of the ``lookback`` periods before it,
   the noise's square shrunk toward the median noise of the stores that period by
   ``pool_weight`` pseudo-periods (a short history does not make a narrow band) and widened
   by the median's own uncertainty (``x sqrt(1 + pi / 2n)``), at least ``min_noise``:
   ``z_own``. Taken twice: the second time the baselines leave out the periods the first
   found above ``censor_z`` (an earlier bad week or spoiled batch is not learned as noise,
   which otherwise widens the band for the half year after it), the noise divided by the
   censored normal's standard deviation (``_common.censored_sd``) so that clean data keep
   their false-alarm rate.
2. *Peers*: the excess over the chain, ``d = (e - chain) / noise`` where ``e`` is a
   store's value minus its usual (median) and ``chain`` the median excess of the other
   stores (same ingredient and period) without the highest of them, when above zero: a
   change that every store shows (a recipe change, a price change feeding a valued
   variance) is not one store's exception, while another store's own bad week (the highest)
   or quiet week (below zero) does not make or unmake this store's. With fewer than
   ``min_peers`` other stores judged that period, ``d = z_own``.
3. *Flags*: one bad period when ``z_own > z`` and ``d > peer_z``; a slow, steady loss by a
   one-sided CUSUM of ``d`` (each term capped at ``cusum_cap``):
   ``S = max(0, S + min(d, cap) - cusum_k)``, alarmed while ``S > cusum_h``; the alarm's
   cause starts at the period after ``S`` was last 0.

Thresholds: ``z`` 2.3 keeps the clean false-alarm rate at about 0.5 flags per store and week
with ~17 weekly series per store (about one clean week in 35 per series; measured on the
simulator's clean data, seeds 5 and 6, not the benchmark's: see the README), half the
budget of issue #19. Waste has a floor of its own: a spoiled batch (10-30% of the shelf
thrown in one day) is a real waste far above the usual, flagged on clean data too.

Flagged periods, CUSUM spans included, are one finding per run (``gap`` periods apart at
most). A series with fewer than ``min_history`` periods before is not judged.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from ._common import (
    Findings,
    censored_sd,
    check_frame,
    check_settings,
    make,
    numbers_of,
    runs,
    times_of,
    trailing_stats,
    when,
)

COLUMNS = ("store", "ingredient", "period", "value")


@dataclass(frozen=True)
class UsageThresholds:
    """Settings of :func:`detect_usage` and :func:`detect_waste` (all > 0); see the module."""

    z: float = 2.3
    peer_z: float = 2.0
    cusum_k: float = 0.75
    cusum_h: float = 5.0
    cusum_cap: float = 3.0
    lookback: int = 26
    min_history: int = 10
    min_peers: int = 2
    min_noise: float = 0.001
    pool_weight: float = 8.0
    gap: int = 2
    censor_z: float = 2.5


def detect_usage(periods: pd.DataFrame, *, settings: UsageThresholds | None = None) -> Findings:
    """Unexplained usage variance well above its history and the other stores' (kind
    ``"usage"``).

    ``periods``: ``store``, ``ingredient`` (ids), ``period`` (the period's end date),
    ``value`` (the unexplained variance, comparable between stores: e.g. (theoretical -
    actual usage) / theoretical, loss positive). Findings: ``key`` ``(store, ingredient)``;
    ``observed`` the peak period's value, ``expected`` its baseline median,
    ``low``..``high`` the own band (median +- z x noise); ``score`` the peak's ``z_own``;
    ``detail``: ``peak_period``, ``periods``, ``peer_excess`` (d at the peak), ``method``
    (``"period"`` or ``"cusum"``), ``cusum`` (largest S), ``excess`` (sum of value - median
    over the run, the loss beyond the usual).
    """
    return _detect(periods, "usage", settings)


def detect_waste(periods: pd.DataFrame, *, settings: UsageThresholds | None = None) -> Findings:
    """Recorded waste well above its history and the other stores' (kind ``"waste"``); the
    same input and method as :func:`detect_usage`, ``value`` the waste (e.g. as a share of
    usage)."""
    return _detect(periods, "waste", settings)


def _detect(periods, kind: str, settings) -> Findings:
    st = check_settings(settings, UsageThresholds)
    frame = check_frame(periods, "periods", COLUMNS).copy()
    frame["period"] = times_of(frame, "periods", "period").dt.normalize()
    frame["value"] = numbers_of(frame, "periods", "value")
    frame = frame.sort_values(["store", "ingredient", "period"], kind="stable")
    frame = frame.reset_index(drop=True)
    out = Findings()
    if frame.empty:
        return out
    keys = ["store", "ingredient"]
    first = _scored(frame, frame["value"], st, 1.0)
    # the baseline again, without the periods the first pass found far above it
    censored = frame["value"].where(~(first["z"].to_numpy() > st.censor_z))
    frame = _scored(frame, censored, st, 1 / censored_sd(st.censor_z, two_sided=False))
    for key, series in frame.groupby(keys, sort=True):
        if not series["ok"].any():
            out.skipped[tuple(key)] = "short_history"
        _judge(series, tuple(key), kind, st, out)
    return out


def _scored(frame: pd.DataFrame, baseline: pd.Series, st: UsageThresholds, widen: float):
    """``frame`` with each period's ``centre``, ``noise``, ``z`` and peer excess ``d``, the
    trailing statistics taken on ``baseline`` (the values, some censored to NaN; their
    noise multiplied by ``widen``)."""
    parts = []
    for _, rows in frame.groupby(["store", "ingredient"], sort=True):
        centre, noise, count = trailing_stats(
            baseline.loc[rows.index].reset_index(drop=True), st.lookback, st.min_history
        )
        part = rows.copy()
        part["centre"] = centre.to_numpy()
        part["noise"] = noise.to_numpy() * widen
        part["n"] = count.to_numpy()
        part["ok"] = count.to_numpy() >= st.min_history
        parts.append(part)
    frame = pd.concat(parts)
    pooled = frame.groupby(["ingredient", "period"])["noise"].transform("median")
    n = frame["n"].to_numpy()
    shrunk = np.sqrt((n * frame["noise"] ** 2 + st.pool_weight * pooled**2) / (n + st.pool_weight))
    # a prediction's noise: the point's own and the median's uncertainty (pi/2 sigma^2 / n)
    shrunk = shrunk.to_numpy() * np.sqrt(1 + np.pi / 2 / np.maximum(n, 1))
    frame["noise"] = np.maximum(np.nan_to_num(shrunk), st.min_noise)
    frame["z"] = np.where(frame["ok"], (frame["value"] - frame["centre"]) / frame["noise"], np.nan)
    frame["d"] = _peer_excess(frame, st)
    return frame


def _peer_excess(frame: pd.DataFrame, st: UsageThresholds) -> np.ndarray:
    """The excess over the usual (value - median) minus the chain's (same ingredient,
    period), in the store's noise. The chain's excess is the median of the other stores'
    without the highest (which may be that store's own exception), and only when their z
    (the same median) is beyond ``peer_z``: a change the chain shows, not noise."""
    excess = (frame["value"] - frame["centre"]).to_numpy(dtype=float)
    z = frame["z"].to_numpy(dtype=float)
    noise = frame["noise"].to_numpy(dtype=float)
    d = z.copy()
    codes = frame.groupby(["ingredient", "period"], sort=False).ngroup().to_numpy()
    for code in np.unique(codes):
        members = np.flatnonzero((codes == code) & np.isfinite(z))
        if members.size - 1 < st.min_peers:
            continue
        for m in members:
            others = members[members != m]
            lowest = others[np.argsort(z[others])][:-1]
            if np.median(z[lowest]) > st.peer_z:
                d[m] = (excess[m] - max(float(np.median(excess[lowest])), 0.0)) / noise[m]
    return d


def _judge(series: pd.DataFrame, key: tuple, kind: str, st: UsageThresholds, out) -> None:
    z = series["z"].to_numpy(dtype=float)
    d = series["d"].to_numpy(dtype=float)
    ok = np.isfinite(z)
    flags = ok & (z > st.z) & (d > st.peer_z)
    method = np.where(flags, 1, 0)
    s, since, largest = 0.0, 0, np.zeros(len(z))
    for t in range(len(z)):
        if not ok[t]:
            continue
        if s == 0.0:
            since = t
        s = max(0.0, s + min(d[t], st.cusum_cap) - st.cusum_k)
        largest[t] = s
        if s > st.cusum_h:
            method[since : t + 1] = np.where(method[since : t + 1] == 1, 1, 2)
            flags[since : t + 1] |= ok[since : t + 1]
    value = series["value"].to_numpy()
    centre = np.nan_to_num(series["centre"].to_numpy())
    noise = series["noise"].to_numpy()
    periods = series["period"].to_numpy()
    for run in runs(flags, np.ones(len(z)), gap=st.gap):
        span = slice(run.first, run.last + 1)
        p = run.first + int(np.nanargmax(np.where(flags[span], z[span], -np.inf)))
        out.append(
            make(
                kind,
                key,
                when(periods[run.first], True),
                when(periods[run.last], True),
                value[p],
                centre[p],
                centre[p] - st.z * noise[p],
                centre[p] + st.z * noise[p],
                z[p],
                detail={
                    "peak_period": periods[p],
                    "periods": int(flags[span].sum()),
                    "peer_excess": d[p],
                    "method": "cusum" if (method[span] == 2).any() else "period",
                    "cusum": float(largest[span].max()),
                    "excess": float(np.sum((value[span] - centre[span])[flags[span]])),
                },
            )
        )
