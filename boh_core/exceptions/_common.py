"""What every detector shares: input checks, robust statistics, runs of flagged points.

Robust statistics: a series' *centre* is its median and its *noise* a clipped standard
deviation (values clipped to the median +- 3 scaled MADs), both over a trailing
window that ends just before the point scored, so that a point never hides in its own
baseline and a detector run on overlapping windows scores a point the same way in both.
A point's score is its robust z: ``(observed - centre) / noise``; where the noise comes
from the series' own few points alone, the z is first made as unusual as a normal one
(:func:`student_z`: its Student-t tail with the points' degrees of freedom).

A baseline can leave out the points found far from it by a first pass (a second pass
without them): an anomaly then does not count as noise for the points after it. Left out
at ``|z| > c`` (or ``z > c``), a normal noise is underestimated by the censored normal's
standard deviation (:func:`censored_sd`), which the second pass's noise is divided by.

One finding per cause: consecutive flagged points of a series (same direction, gaps of at
most ``gap`` points) are one run; a run becomes one :class:`~.finding.Finding` whose
``start`` is the run's first point, ``end`` its last and ``score`` the run's largest
``|z|`` (signed).
"""

from __future__ import annotations

import math
import numbers
import warnings
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, fields
from datetime import date, datetime
from typing import Any

import numpy as np
import pandas as pd
from scipy import stats

from boh_core.errors import BohError, msg

from .finding import Finding

#: The normal distribution's interquartile range in standard deviations.
IQR_SIGMA = 1.349


class Findings(list):
    """The findings of a detector run (a plain ``list`` of :class:`Finding`), plus
    ``skipped``: the series it could not judge yet, key -> reason (``"short_history"``: fewer
    points than the settings' ``min_history``, so no baseline is credible)."""

    def __init__(self, items: Iterable[Finding] = (), skipped: Mapping[tuple, str] | None = None):
        super().__init__(items)
        self.skipped: dict[tuple, str] = dict(skipped or {})


def check_frame(frame: Any, name: str, columns: Iterable[str]) -> pd.DataFrame:
    """``frame`` as a DataFrame with ``columns``; :class:`BohError` otherwise."""
    if not isinstance(frame, pd.DataFrame):
        raise BohError(
            name,
            type(frame).__name__,
            msg("exceptions.frame.not_dataframe", name=name, type=type(frame).__name__),
        )
    missing = [c for c in columns if c not in frame.columns]
    if missing:
        raise BohError(
            name,
            ", ".join(missing),
            msg(
                "exceptions.frame.missing_columns",
                name=name,
                missing=", ".join(missing),
                columns=", ".join(map(str, frame.columns)) or "none",
            ),
        )
    return frame


def numbers_of(frame: pd.DataFrame, name: str, column: str, *, allow_nan=False) -> np.ndarray:
    """Column ``column`` as floats; a :class:`BohError` names the first bad row and value."""
    values = pd.to_numeric(frame[column], errors="coerce").to_numpy(dtype=float)
    bad = ~np.isfinite(values)
    if allow_nan:
        bad &= frame[column].notna().to_numpy()
    if bad.any():
        row = int(np.flatnonzero(bad)[0])
        value = frame[column].iloc[row]
        raise BohError(
            f"{name}.{column}",
            value,
            msg("exceptions.column.not_number", name=name, column=column, row=row, value=value),
        )
    return values


def times_of(frame: pd.DataFrame, name: str, column: str) -> pd.Series:
    """Column ``column`` as naive timestamps; a :class:`BohError` names the first bad row."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)  # mixed formats parse one by one
        parsed = pd.to_datetime(frame[column], errors="coerce")
    bad = parsed.isna().to_numpy()
    if bad.any():
        row = int(np.flatnonzero(bad)[0])
        value = frame[column].iloc[row]
        raise BohError(
            f"{name}.{column}",
            value,
            msg("exceptions.column.not_date", name=name, column=column, row=row, value=value),
        )
    if getattr(parsed.dt, "tz", None) is not None:
        parsed = parsed.dt.tz_localize(None)
    return parsed


def check_time(name: str, value: Any) -> pd.Timestamp:
    """A single instant (``now``) as a naive timestamp."""
    if not isinstance(value, datetime | date | pd.Timestamp):
        raise BohError(name, value, msg("exceptions.time.not_time", name=name, value=value))
    stamp = pd.Timestamp(value)
    return stamp.tz_localize(None) if stamp.tzinfo is not None else stamp


def check_settings(settings: Any, cls: type) -> Any:
    """``settings`` (default ``cls()``), every numeric field a finite number > 0."""
    settings = cls() if settings is None else settings
    if not isinstance(settings, cls):
        raise BohError(
            "settings",
            type(settings).__name__,
            msg("exceptions.settings.type", expected=cls.__name__, type=type(settings).__name__),
        )
    for f in fields(settings):
        value = getattr(settings, f.name)
        if isinstance(value, bool) or not isinstance(value, numbers.Real):
            continue
        if not math.isfinite(value) or value <= 0:
            raise BohError(
                f.name, value, msg("exceptions.settings.positive", setting=f.name, value=value)
            )
    return settings


def check_scales(scales: Mapping | None) -> dict[tuple, float]:
    """Band scales by series key: numbers >= 1 would widen, any number > 0 is accepted."""
    out: dict[tuple, float] = {}
    for key, value in (scales or {}).items():
        ok = not isinstance(value, bool) and isinstance(value, numbers.Real)
        if not ok or not math.isfinite(value) or value <= 0:
            raise BohError("scales", value, msg("exceptions.scale.positive", key=key, value=value))
        out[key if isinstance(key, tuple) else (key,)] = float(value)
    return out


def trailing_stats(values: pd.Series, lookback: int, min_history: int) -> tuple[pd.Series, ...]:
    """Median, robust noise and count of the ``lookback`` points before each point (NaN while
    fewer than ``min_history`` points precede it; NaN points are skipped).

    The noise is a clipped standard deviation: the points are clipped to the median +- 3
    scaled MADs (MAD x 1.4826) and their standard deviation taken, which is as robust to a
    few outliers as the MAD but nearly as exact as the plain standard deviation on normal
    data (the MAD alone wastes most of a short history)."""
    x = np.asarray(values, dtype=float)
    lookback, min_history = max(int(lookback), 1), int(min_history)
    n = len(x)
    index = values.index if isinstance(values, pd.Series) else None
    if n == 0:
        empty = pd.Series([], dtype=float, index=index)
        return empty, empty, empty
    padded = np.concatenate([np.full(lookback, np.nan), x])
    windows = np.lib.stride_tricks.sliding_window_view(padded, lookback)[:n]
    count = np.sum(~np.isnan(windows), axis=1).astype(float)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        centre = np.nanmedian(windows, axis=1)
        mad = np.nanmedian(np.abs(windows - centre[:, None]), axis=1) * 1.4826
        low, high = (centre - 3 * mad)[:, None], (centre + 3 * mad)[:, None]
        clipped = np.where(np.isnan(windows), np.nan, np.clip(windows, low, high))
        noise = np.nanstd(clipped, axis=1, ddof=1)
    short = count < min_history
    centre[short] = np.nan
    noise[short] = np.nan
    return (
        pd.Series(centre, index=index),
        pd.Series(noise, index=index),
        pd.Series(count, index=index),
    )


def censored_sd(limit: float, two_sided: bool) -> float:
    """The standard deviation of a standard normal variable censored at ``limit`` (values
    beyond ``+-limit``, or above ``limit`` only, left out): what a baseline without its
    far points underestimates a normal noise by, to divide the noise by."""
    c = float(limit)
    density = math.exp(-c * c / 2) / math.sqrt(2 * math.pi)
    below = 0.5 * (1 + math.erf(c / math.sqrt(2)))
    if two_sided:
        return math.sqrt(1 - 2 * c * density / (2 * below - 1))
    ratio = density / below
    return math.sqrt(1 - c * ratio - ratio * ratio)


def student_z(z: np.ndarray, count: np.ndarray) -> np.ndarray:
    """``z`` of a point against a noise estimated from ``count`` points, made as unusual as
    a normal z: the normal quantile of its Student-t tail with ``count - 1`` degrees of
    freedom (a noise from few points is uncertain, so a short history needs a larger z
    for the same false-alarm rate). NaN counts leave ``z`` as it is."""
    z = np.asarray(z, dtype=float)
    df = np.maximum(np.nan_to_num(np.asarray(count, dtype=float), nan=np.inf) - 1, 1)
    with np.errstate(invalid="ignore"):
        tail = stats.t.sf(np.abs(z), df)
        out = np.sign(z) * stats.norm.isf(np.maximum(tail, 1e-300))
    return np.where(np.isfinite(df) & np.isfinite(z), out, z)


@dataclass
class Run:
    """Consecutive flagged points of one series: positions ``first``..``last``, the
    position of the largest ``|z|`` and its sign."""

    first: int
    last: int
    peak: int
    sign: int


def runs(flags: np.ndarray, z: np.ndarray, gap: int = 1) -> list[Run]:
    """Runs of ``flags`` (same sign of ``z``, at most ``gap - 1`` unflagged points inside)."""
    out: list[Run] = []
    for pos in np.flatnonzero(flags):
        sign = 1 if z[pos] >= 0 else -1
        cur = out[-1] if out else None
        if cur is not None and cur.sign == sign and pos - cur.last <= gap:
            cur.last = int(pos)
            if abs(z[pos]) > abs(z[cur.peak]):
                cur.peak = int(pos)
        else:
            out.append(Run(int(pos), int(pos), int(pos), sign))
    return out


def as_key(value: Any) -> tuple:
    """A series key as a tuple of plain Python values."""
    items = value if isinstance(value, tuple) else (value,)
    return tuple(item.item() if isinstance(item, np.generic) else item for item in items)


def plain(value: Any) -> Any:
    """A value made JSON-able (numpy scalars to Python, timestamps to ISO text)."""
    if isinstance(value, np.generic):
        value = value.item()
    if isinstance(value, float):
        return round(value, 4) if math.isfinite(value) else None
    if isinstance(value, pd.Timestamp | datetime | date):
        return pd.Timestamp(value).isoformat()
    return value


def when(value: Any, daily: bool) -> date | datetime:
    """A finding's start/end: a ``date`` for daily series, a naive ``datetime`` otherwise."""
    stamp = pd.Timestamp(value)
    return stamp.date() if daily else stamp.to_pydatetime()


def make(kind: str, key: tuple, start, end, observed, expected, low, high, score, **kw) -> Finding:
    """A :class:`Finding` with plain floats and a JSON-able ``detail``."""
    detail = {k: plain(v) for k, v in kw.pop("detail", {}).items()}
    return Finding(
        kind=kind,
        key=as_key(key),
        start=start,
        end=end,
        observed=float(round(observed, 4)),
        expected=float(round(expected, 4)),
        low=float(round(low, 4)),
        high=float(round(high, 4)),
        score=float(round(score, 2)),
        detail=detail,
        **kw,
    )
