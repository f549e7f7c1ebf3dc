"""Counts: a count far from expected that repeats on the same product.

Method. Each row is one count of one (store, product): what was counted and what the books
expected (the book quantity before the count replaced it). The count's error
``e = counted - expected`` is scored against the product's own habit: the median and robust
noise of the ``lookback`` errors before it (40: a noise from fewer counts is too uncertain
for the false alarms a lower ``z`` lets through), the noise at least ``min_noise`` units and
``min_share`` of the expected quantity (a count is never more exact than that), the z made
as unusual as a normal one from the errors' count (``_common.student_z``). Taken twice: the
second time the baselines leave out the counts the first found beyond ``censor_z`` (a
miscount or a loss is not learned as the product's habit), the noise divided by the
censored normal's standard deviation (``_common.censored_sd``). A count is *far* when
``|z| > z``. One far count may be a miscount; the exception is a far count that *repeats*:
at least ``repeats`` far counts of the same sign with at most ``window - 1`` counts between
consecutive ones. The finding starts at the first far count of the run. A (store, product)
with fewer than ``min_history`` counts before is not judged.

Thresholds: ``z`` 1.5 (a far count alone is common; two of them close together are not)
keeps the clean false-alarm rate at about 0.5 flags per store and week with ~17 products
counted weekly, half the budget of issue #19, measured on the simulator's clean data
(seeds 5 and 6, not the benchmark's).
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
    student_z,
    times_of,
    trailing_stats,
    when,
)

COLUMNS = ("store", "product", "at", "counted", "expected")


@dataclass(frozen=True)
class CountThresholds:
    """Settings of :func:`detect_counts` (all > 0); see the module."""

    z: float = 1.5
    repeats: int = 2
    window: int = 3
    lookback: int = 40
    min_history: int = 6
    min_noise: float = 0.001
    min_share: float = 0.002
    censor_z: float = 2.5


def detect_counts(counts: pd.DataFrame, *, settings: CountThresholds | None = None) -> Findings:
    """Counts far from expected, repeated on the same product (kind ``"count"``).

    ``counts``: ``store``, ``product`` (ids), ``at`` (date or time of the count), ``counted``
    and ``expected`` (quantities in the product's unit). Findings: ``key`` ``(store,
    product)``; ``observed`` the peak count, ``expected``/``low``/``high`` its usual value and
    band (expected + the usual error +- z x noise); ``score`` the peak's z; ``detail``:
    ``far_counts``, ``errors`` (the far counts' errors), ``direction`` (``"short"`` when less
    was counted than expected, ``"over"`` otherwise), ``peak_at``.
    """
    st = check_settings(settings, CountThresholds)
    frame = check_frame(counts, "counts", COLUMNS).copy()
    frame["at"] = times_of(frame, "counts", "at")
    frame["counted"] = numbers_of(frame, "counts", "counted")
    frame["expected"] = numbers_of(frame, "counts", "expected")
    frame = frame.sort_values(["store", "product", "at"], kind="stable")
    out = Findings()
    for key, series in frame.groupby(["store", "product"], sort=True):
        key = tuple(key)
        err = series["counted"].to_numpy() - series["expected"].to_numpy()
        floor = np.maximum(st.min_noise, st.min_share * np.abs(series["expected"].to_numpy()))
        centre, noise, z, ok = _scored(err, floor, st)
        if not ok.any():
            out.skipped[key] = "short_history"
            continue
        far = np.abs(z) > st.z
        at = series["at"].to_numpy()
        for run in runs(far, z, gap=st.window):
            span = slice(run.first, run.last + 1)
            if int(far[span].sum()) < st.repeats:
                continue
            p = run.peak
            usual = series["expected"].iloc[p] + centre[p]
            out.append(
                make(
                    "count",
                    key,
                    when(at[run.first], False),
                    when(at[run.last], False),
                    series["counted"].iloc[p],
                    usual,
                    usual - st.z * noise[p],
                    usual + st.z * noise[p],
                    z[p],
                    detail={
                        "far_counts": int(far[span].sum()),
                        "errors": [float(round(e, 4)) for e in err[span][far[span]]],
                        "direction": "short" if run.sign < 0 else "over",
                        "peak_at": at[p],
                    },
                )
            )
    return out


def _scored(err: np.ndarray, floor: np.ndarray, st: CountThresholds) -> tuple[np.ndarray, ...]:
    """Per count: the usual error, its noise, the z and whether the history is long enough;
    computed twice, the second time without the far counts of the first in the baselines."""
    base, widen = err, 1.0
    for _ in range(2):
        centre, noise, count = trailing_stats(pd.Series(base), st.lookback, st.min_history)
        ok = count.to_numpy() >= st.min_history
        noise = np.maximum(np.nan_to_num(noise.to_numpy()) * widen, floor)
        centre = np.nan_to_num(centre.to_numpy())
        z = np.where(ok, student_z((err - centre) / noise, count.to_numpy()), 0.0)
        base = np.where(np.abs(z) > st.censor_z, np.nan, err)
        widen = 1 / censored_sd(st.censor_z, two_sided=True)
    return centre, noise, z, ok
