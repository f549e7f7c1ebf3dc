"""Per-day summaries of every series, and the feature rows gathered from them.

A forecast made at origin ``o`` (the last known day) for target day ``t = o + h`` only looks at
days up to ``o``. Every summary below is a (series x day) matrix whose column ``d`` depends on
days up to ``d`` only, so a feature for (series ``i``, origin ``o``, step ``h``) is a gather at
``[i, o]`` or at the latest same-weekday day ``tp = t - 7 * ceil(h / 7) <= o``. That makes
training rows for thousands of series and hundreds of origins one fancy-indexing operation.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from .calendar import CATEGORICAL, calendar_features
from .panel import Panel

# Window of the scale that normalises each series (two months follows level shifts quickly
# but is not thrown by one odd week); a year is the fallback for very sparse series.
SCALE_DAYS = 56
SCALE_FALLBACK_DAYS = 364
EWM_ALPHA = 0.3
F32 = np.float32
# A 0/1 exogenous flag set on fewer than this share of history days marks special days.
RARE_FLAG_SHARE = 0.15


def _trailing_mean(y: np.ndarray, window: int) -> np.ndarray:
    """Mean of the known (non-NaN) values of the last ``window`` days, ending at each day."""
    known = ~np.isnan(y)
    n = y.shape[0]
    total = np.concatenate([np.zeros((n, 1)), np.cumsum(np.where(known, y, 0.0), axis=1)], 1)
    count = np.concatenate([np.zeros((n, 1)), np.cumsum(known, axis=1)], 1)
    lo = np.maximum(np.arange(1, y.shape[1] + 1) - window, 0)
    s = total[:, 1:] - total[:, lo]
    c = count[:, 1:] - count[:, lo]
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(c > 0, s / np.maximum(c, 1), np.nan)


def _same_weekday_mean(y: np.ndarray, weeks: int) -> np.ndarray:
    """Mean of the known values on the same weekday over the last ``weeks`` weeks."""
    out = np.full_like(y, np.nan)
    for r in range(7):
        # Each weekday is a strided sub-matrix: a trailing mean over its columns.
        out[:, r::7] = _trailing_mean(y[:, r::7], weeks)
    return out


def _same_weekday_last(y: np.ndarray) -> np.ndarray:
    """The latest known value on the same weekday (the seasonal naive forecast)."""
    out = np.full_like(y, np.nan)
    for r in range(7):
        sub = y[:, r::7]
        idx = np.where(~np.isnan(sub), np.arange(sub.shape[1]), -1)
        idx = np.maximum.accumulate(idx, axis=1)
        got = np.take_along_axis(sub, np.maximum(idx, 0), axis=1)
        out[:, r::7] = np.where(idx >= 0, got, np.nan)
    return out


def _same_weekday_ewm(y: np.ndarray, alpha: float) -> np.ndarray:
    """Exponentially weighted mean over weeks of each weekday (seasonal exponential smoothing)."""
    out = np.full_like(y, np.nan)
    for r in range(7):
        frame = pd.DataFrame(y[:, r::7].T)
        out[:, r::7] = frame.ewm(alpha=alpha, ignore_na=True).mean().ffill().to_numpy().T
    return out


@dataclass
class SeriesStats:
    """Summary matrices of a panel's history, each (n series x T days), float32."""

    y: np.ndarray
    scale: np.ndarray
    m7: np.ndarray
    m28: np.ndarray
    snaive: np.ndarray
    w4: np.ndarray
    w12: np.ndarray
    ewm: np.ndarray
    zero28: np.ndarray
    last_sale: np.ndarray
    first: np.ndarray

    @classmethod
    def from_panel(cls, panel: Panel) -> SeriesStats:
        """Compute every summary of ``panel.y`` (vectorised over series and days)."""
        y = panel.y.astype(np.float64)
        known = ~np.isnan(y)
        scale = _trailing_mean(y, SCALE_DAYS)
        fallback = _trailing_mean(y, SCALE_FALLBACK_DAYS)
        scale = np.where(scale > 0, scale, fallback)
        scale = np.where(scale > 0, scale, np.nan)
        zero = np.where(known, (y == 0).astype(float), np.nan)
        idx = np.arange(y.shape[1])
        last_sale = np.maximum.accumulate(np.where(y > 0, idx, -1), axis=1)
        first = np.where(known.any(axis=1), known.argmax(axis=1), y.shape[1])
        return cls(
            y=y.astype(F32),
            scale=scale.astype(F32),
            m7=_trailing_mean(y, 7).astype(F32),
            m28=_trailing_mean(y, 28).astype(F32),
            snaive=_same_weekday_last(y).astype(F32),
            w4=_same_weekday_mean(y, 4).astype(F32),
            w12=_same_weekday_mean(y, 12).astype(F32),
            ewm=_same_weekday_ewm(y, EWM_ALPHA).astype(F32),
            zero28=_trailing_mean(zero, 28).astype(F32),
            last_sale=last_sale.astype(np.int32),
            first=first.astype(np.int64),
        )


def take(matrix: np.ndarray, i: np.ndarray, col: np.ndarray) -> np.ndarray:
    """``matrix[i, col]`` with NaN where ``col`` falls outside the matrix."""
    ok = (col >= 0) & (col < matrix.shape[1])
    out = matrix[i, np.clip(col, 0, matrix.shape[1] - 1)].astype(F32)
    return np.where(ok, out, np.nan).astype(F32)


def same_weekday_col(o: np.ndarray, h: np.ndarray) -> np.ndarray:
    """Latest day at or before origin ``o`` on the weekday of ``o + h``."""
    return o + h - 7 * ((h + 6) // 7)


class FeatureBuilder:
    """Gathers model features for (series, origin, step) triples of one panel."""

    def __init__(self, panel: Panel, stats: SeriesStats, country: str | None):
        self.panel = panel
        self.stats = stats
        self.calendar = calendar_features(panel.dates(), country)
        self.binary = [c for c, v in panel.exog.items() if ((v == 0) | (v == 1)).all()]
        # A flag set on many days (school holidays: a quarter of the year) is a regime the
        # level of every model follows; only rare ones (promotions, events) make a day special.
        history = slice(0, panel.n_days)
        self.rare = [c for c in self.binary if panel.exog[c][:, history].mean() < RARE_FLAG_SHARE]

    def special(self, i: np.ndarray, t: np.ndarray) -> np.ndarray:
        """Rows whose target day is a public holiday or has a rare 0/1 exogenous flag set."""
        out = self.calendar["hol"][t] > 0 if "hol" in self.calendar else np.zeros(i.size, bool)
        for name in self.rare:
            out |= self.panel.exog[name][i, t] > 0
        return out

    @property
    def categorical(self) -> list[str]:
        """Names of the features that are categories, not quantities."""
        return [c for c in CATEGORICAL if c in self.calendar]

    def rows(self, i: np.ndarray, o: np.ndarray, h: np.ndarray) -> tuple[pd.DataFrame, np.ndarray]:
        """Feature frame and scale of each row; level features are divided by the scale."""
        st = self.stats
        t = o + h
        tp = same_weekday_col(o, h)
        s = st.scale[i, o].astype(F32)
        feats: dict[str, np.ndarray] = {"h": h.astype(F32)}
        for name, values in self.calendar.items():
            feats[name] = values[t].astype(F32)
        for name, values in self.panel.exog.items():
            feats[name] = values[i, t].astype(F32)
            if name in self.binary:
                feats[f"{name}_prev"] = take(values, i, t - 1)
                feats[f"{name}_next"] = take(values, i, t + 1)
        with np.errstate(invalid="ignore", divide="ignore"):
            for name, matrix, col in (
                ("snaive", st.snaive, tp),
                ("w4", st.w4, tp),
                ("w12", st.w12, tp),
                ("ewm", st.ewm, tp),
                ("m7", st.m7, o),
                ("m28", st.m28, o),
                ("last1", st.y, o),
                ("m28_prev", st.m28, o - 28),
                ("ly", st.y, np.where(t - 364 <= o, t - 364, -1)),
                ("ly3", st.w4, np.where(t - 357 <= o, t - 357, -1)),
            ):
                feats[name] = take(matrix, i, col) / s
        feats["zero28"] = st.zero28[i, o]
        feats["since_sale"] = np.minimum(o - st.last_sale[i, o], 90).astype(F32)
        feats["age"] = np.minimum(o - st.first[i], 400).astype(F32)
        return pd.DataFrame(feats), s
