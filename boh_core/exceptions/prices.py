"""Prices: a vendor's price far from its own history or from other vendors of the product.

Method, on log prices (a 10% rise weighs the same for saffron and for salt). Each row is one
price of one (vendor, product) at one date (an invoice or purchase line, in the product's
reference unit), rows of one date averaged.

* *History*: list prices are sticky (a price holds, then steps), so the expected log
  price is the vendor's current *level*, the median of its last ``level_prices`` prices,
  plus the usual error against that level (the median of the last ``lookback`` errors);
  the noise is the errors' robust noise (clipped standard deviation, see ``_common``; at
  least ``min_noise``) over the same ``lookback`` errors (40: against the level the errors
  are steady, so a long window gives a steadier noise). A long median of the prices (the
  former method) lags a step and counts the step as noise. The z is made as unusual as a
  normal one from the errors' count (``_common.student_z``: few prices, uncertain noise).
  Taken twice: the second time the
  level and the errors leave out the prices the first found beyond ``censor_z`` (an odd
  invoice is not learned as level or noise), the noise divided by the censored normal's
  standard deviation (``_common.censored_sd``).
* *Peers*: the log ratio of the price to the median of the other vendors' latest prices of
  the product (each no older than ``peer_days`` before the date), in units of the product's
  spread between the other vendors (robust, at least ``min_peer_noise``); only dearer
  counts, and only when at least ``min_peers`` other vendors price the product.

A price is flagged when its history ``|z| > z`` or its peer z ``> peer_z``; consecutive
flagged prices of a (vendor, product) are one finding from the first. A (vendor, product)
with fewer than ``min_history`` earlier errors is judged only against its peers.

Thresholds: ``z`` 2.1 keeps the clean false-alarm rate at about 0.5 flags per store and week
(two vendors of every ingredient priced weekly; a list-price step beyond the noise is most
of them), half the budget of issue #19, measured on the simulator's clean data (seeds 5 and
6, not the benchmark's).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from boh_core.errors import BohError, msg

from ._common import (
    Findings,
    censored_sd,
    check_frame,
    check_settings,
    make,
    numbers_of,
    runs,
    student_z,
    times_of,
    trailing_stats,
    when,
)

COLUMNS = ("vendor", "product", "at", "price")


@dataclass(frozen=True)
class PriceThresholds:
    """Settings of :func:`detect_prices` (all > 0); see the module."""

    z: float = 2.1
    peer_z: float = 4.0
    lookback: int = 40
    level_prices: int = 4
    censor_z: float = 2.5
    min_history: int = 6
    min_noise: float = 0.01
    min_peer_noise: float = 0.05
    peer_days: int = 90
    min_peers: int = 1


def detect_prices(prices: pd.DataFrame, *, settings: PriceThresholds | None = None) -> Findings:
    """Vendor prices far from their history or from other vendors (kind ``"price"``).

    ``prices``: ``vendor``, ``product`` (ids), ``at`` (date), ``price`` (> 0, per the
    product's reference unit). Findings: ``key`` ``(vendor, product)``; ``observed`` the peak
    price, ``expected`` the history's median price (the peers' median when the history is too
    short), ``low``..``high`` its band; ``score`` the larger z; ``detail``: ``reason``
    (``"history"``, ``"peers"`` or ``"both"``), ``history_z``, ``peer_z``, ``peer_price`` (the
    other vendors' median), ``prices`` (flagged prices), ``peak_at``.
    """
    st = check_settings(settings, PriceThresholds)
    frame = check_frame(prices, "prices", COLUMNS).copy()
    frame["at"] = times_of(frame, "prices", "at").dt.normalize()
    frame["price"] = numbers_of(frame, "prices", "price")
    bad = np.flatnonzero(frame["price"].to_numpy() <= 0)
    if bad.size:
        value = frame["price"].iloc[int(bad[0])]
        raise BohError(
            "prices.price",
            value,
            msg(
                "exceptions.column.negative",
                name="prices",
                column="price",
                row=int(bad[0]),
                value=value,
            ),
        )
    frame = frame.groupby(["vendor", "product", "at"], as_index=False, sort=True)["price"].mean()
    frame["log"] = np.log(frame["price"])
    frame["peer_log"], frame["peer_noise"] = _peers(frame, st)
    out = Findings()
    for key, series in frame.groupby(["vendor", "product"], sort=True):
        _judge(series.reset_index(drop=True), tuple(key), st, out)
    return out


def _peers(frame: pd.DataFrame, st: PriceThresholds) -> tuple[np.ndarray, np.ndarray]:
    """Per row: the median log price of the other vendors' latest prices and their spread."""
    peer = np.full(len(frame), np.nan)
    spread = np.full(len(frame), np.nan)
    window = np.timedelta64(int(st.peer_days), "D")
    for _, rows in frame.groupby("product", sort=False):
        if rows["vendor"].nunique() < st.min_peers + 1:
            continue
        logs = rows.pivot(index="at", columns="vendor", values="log").sort_index()
        dates = logs.index.to_numpy().astype("datetime64[ns]")
        stamp = np.where(logs.notna().to_numpy(), dates[:, None].astype("int64"), np.nan)
        when = pd.DataFrame(stamp).ffill().to_numpy()
        fresh = logs.ffill().to_numpy(dtype=float, copy=True)
        age = dates[:, None].astype("int64") - when
        fresh[~(age < window.astype("timedelta64[ns]").astype("int64"))] = np.nan
        vendors = list(logs.columns)
        date_pos = np.searchsorted(dates, rows["at"].to_numpy())
        vendor_pos = np.array([vendors.index(v) for v in rows["vendor"]])
        for k, (d, v) in enumerate(zip(date_pos, vendor_pos, strict=True)):
            values = fresh[d]
            others = np.delete(values, v)
            others = others[np.isfinite(others)]
            if len(others) < st.min_peers:
                continue
            q75, q25 = np.percentile(others, [75, 25])
            pos = frame.index.get_loc(rows.index[k])
            peer[pos] = float(np.median(others))
            spread[pos] = max((q75 - q25) / 1.349, st.min_peer_noise)
    return peer, spread


def _history(logp: np.ndarray, st: PriceThresholds) -> tuple[np.ndarray, ...]:
    """Per price: the expected log price (the level plus the usual error), the noise of
    the errors, the history z and whether the history is long enough; computed twice, the
    second time without the prices the first found far (``|z| > censor_z``) in the
    baselines (their noise widened back, see ``_common.censored_sd``)."""
    base, widen = logp, 1.0
    for _ in range(2):
        level = trailing_stats(pd.Series(base), st.level_prices, 1)[0].to_numpy()
        err = logp - level
        bias, noise, count = trailing_stats(
            pd.Series(np.where(np.isnan(base), np.nan, err)), st.lookback, st.min_history
        )
        ok = (count >= st.min_history).to_numpy() & np.isfinite(level)
        noise = np.maximum(np.nan_to_num(noise.to_numpy()) * widen, st.min_noise)
        expected = level + np.nan_to_num(bias.to_numpy())
        hz = np.where(ok, student_z((logp - expected) / noise, count.to_numpy()), 0.0)
        base = np.where(np.abs(hz) > st.censor_z, np.nan, logp)
        widen = 1 / censored_sd(st.censor_z, two_sided=True)
    return expected, noise, hz, ok


def _judge(series: pd.DataFrame, key: tuple, st: PriceThresholds, out: Findings) -> None:
    logp = series["log"]
    centre, noise, hz, ok = _history(logp.to_numpy(dtype=float), st)
    pz = np.nan_to_num((logp.to_numpy() - series["peer_log"].to_numpy()) / series["peer_noise"])
    if not ok.any() and not np.isfinite(series["peer_log"].to_numpy()).any():
        out.skipped[key] = "short_history"
    by_history = np.abs(hz) > st.z
    by_peers = pz > st.peer_z
    flags = by_history | by_peers
    score = np.where(np.abs(hz) >= np.abs(pz), hz, pz)
    at = series["at"].to_numpy()
    price = series["price"].to_numpy()
    for run in runs(flags, np.ones(len(score)), gap=1):
        span = slice(run.first, run.last + 1)
        p = run.first + int(np.argmax(np.abs(score[span])))
        if ok[p]:
            mid, half = centre[p], st.z * noise[p]
        else:
            mid, half = series["peer_log"].iloc[p], st.peer_z * series["peer_noise"].iloc[p]
        reason = {(True, False): "history", (False, True): "peers"}.get(
            (bool(by_history[span].any()), bool(by_peers[span].any())), "both"
        )
        out.append(
            make(
                "price",
                key,
                when(at[run.first], True),
                when(at[run.last], True),
                price[p],
                np.exp(mid),
                np.exp(mid - half),
                np.exp(mid + half),
                score[p],
                detail={
                    "reason": reason,
                    "history_z": hz[p],
                    "peer_z": pz[p],
                    "peer_price": float(np.exp(series["peer_log"].iloc[p]))
                    if np.isfinite(series["peer_log"].iloc[p])
                    else None,
                    "prices": int(flags[span].sum()),
                    "peak_at": at[p],
                },
            )
        )
