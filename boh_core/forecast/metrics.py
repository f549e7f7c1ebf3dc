"""Accuracy measures of forecasts against actuals, per series and overall.

- WAPE = sum |y - yhat| / sum y (NaN when the series sold nothing in the evaluated days).
- MASE = mean |y - yhat| / scale, where scale is the mean absolute change from the same
  weekday a week before over the history before the first evaluated origin (the in-sample
  error of a weekly seasonal naive forecast); NaN when that scale is 0 or unknown.
- coverage = share of actuals inside [yhat_lo, yhat_hi].
"""

from __future__ import annotations

import numpy as np
import pandas as pd

SEASON = 7


def seasonal_scale(y: np.ndarray, season: int = SEASON) -> np.ndarray:
    """Per row of ``y`` (series x days, NaN unknown): mean |y[t] - y[t - season]|."""
    if y.shape[1] <= season:
        return np.full(y.shape[0], np.nan)
    diff = np.abs(y[:, season:] - y[:, :-season])
    known = ~np.isnan(diff)
    count = known.sum(axis=1)
    total = np.where(known, diff, 0.0).sum(axis=1)
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(count > 0, total / np.maximum(count, 1), np.nan)


def accuracy_table(frame: pd.DataFrame, scale: pd.Series | None = None) -> pd.DataFrame:
    """Per-series accuracy of a long frame of forecasts.

    ``frame`` has ``unique_id``, ``y``, ``yhat`` and optionally ``yhat_lo``/``yhat_hi`` (one row
    per evaluated day); ``scale`` maps ``unique_id`` to the MASE scale. Returns one row per
    series with ``wape``, ``mase``, ``coverage``, ``n`` (days), ``abs_err`` and ``sum_y`` (so
    that an aggregate WAPE is ``abs_err.sum() / sum_y.sum()``).
    """
    work = pd.DataFrame(
        {
            "unique_id": frame["unique_id"].to_numpy(),
            "abs_err": np.abs(frame["y"].to_numpy(float) - frame["yhat"].to_numpy(float)),
            "sum_y": frame["y"].to_numpy(float),
            "n": 1,
        }
    )
    if "yhat_lo" in frame and "yhat_hi" in frame:
        y = frame["y"].to_numpy(float)
        work["covered"] = (
            (y >= frame["yhat_lo"].to_numpy(float) - 1e-9)
            & (y <= frame["yhat_hi"].to_numpy(float) + 1e-9)
        ).astype(float)
    else:
        work["covered"] = np.nan
    out = work.groupby("unique_id", sort=True).agg(
        abs_err=("abs_err", "sum"),
        sum_y=("sum_y", "sum"),
        n=("n", "sum"),
        coverage=("covered", "mean"),
    )
    with np.errstate(invalid="ignore", divide="ignore"):
        out["wape"] = np.where(out["sum_y"] > 0, out["abs_err"] / out["sum_y"], np.nan)
        if scale is not None:
            s = scale.reindex(out.index).to_numpy(float)
            mae = out["abs_err"].to_numpy() / out["n"].to_numpy()
            out["mase"] = np.where(s > 0, mae / s, np.nan)
        else:
            out["mase"] = np.nan
    return out.reset_index()[["unique_id", "wape", "mase", "coverage", "n", "abs_err", "sum_y"]]


def overall(table: pd.DataFrame) -> dict[str, float]:
    """Aggregate WAPE (sum over all series and days), mean MASE and overall coverage."""
    covered = table["coverage"].notna()
    return {
        "wape": float(table["abs_err"].sum() / table["sum_y"].sum()),
        "mase": float(np.nanmean(table["mase"])) if table["mase"].notna().any() else np.nan,
        "coverage": float(
            np.average(table.loc[covered, "coverage"], weights=table.loc[covered, "n"])
        )
        if covered.any()
        else np.nan,
    }
