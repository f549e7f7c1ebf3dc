"""The candidate models: vectorised baselines and one global gradient-boosting model."""

from __future__ import annotations

import numpy as np
import pandas as pd
from sklearn.ensemble import HistGradientBoostingRegressor
from threadpoolctl import threadpool_limits

from .features import F32, SeriesStats, same_weekday_col, take

SINGLE_THREAD_ROWS = 100_000
BASELINES = ("snaive", "w4", "ewm", "m28")
# What each baseline is, for the ``model`` column of results.
MODEL_NAMES = {
    "gbm": "global_gbm",
    "snaive": "seasonal_naive_7",
    "w4": "weekday_mean_4w",
    "ewm": "weekday_exp_smoothing",
    "m28": "moving_average_28",
    "ets": "auto_ets",
    "theta": "auto_theta",
    "combo": "mean_gbm_ets_theta",
    "zero": "zero",
}


def baseline(
    stats: SeriesStats, name: str, i: np.ndarray, o: np.ndarray, h: np.ndarray
) -> np.ndarray:
    """Forecast of baseline ``name`` for rows (series ``i``, origin ``o``, step ``h``).

    ``snaive`` repeats the last known same weekday, ``w4`` averages the same weekday over four
    weeks, ``ewm`` smooths each weekday exponentially over weeks and ``m28`` is the flat mean
    of the last 28 known days. Where a weekday was never seen (a new series), the flat mean
    stands in, then 0.
    """
    if name == "m28":
        out = stats.m28[i, o]
    else:
        out = take(getattr(stats, name), i, same_weekday_col(o, h))
    out = np.where(np.isnan(out), stats.m28[i, o], out)
    return np.nan_to_num(out, nan=0.0).astype(F32)


class GlobalGBM:
    """One gradient-boosting model over all series: a point forecast and an error spread.

    Targets are each series' sales divided by its recent scale, so that one model serves a
    bakery selling 500 loaves and a dessert selling 2. To make the loss count units sold (the
    quantity WAPE sums), the caller samples rows in proportion to their scale rather than
    weighting them, which is several times faster to fit.

    The point model uses squared error: scikit-learn's quantile and absolute losses refit every
    leaf with a weighted percentile in Python, ten times slower at this size. Two smaller
    models learn the expected shortfall and excess of the point forecast (its in-sample
    negative and positive residuals), which shape each day's interval; the caller scales them
    to the wanted coverage on held-out days.
    """

    def __init__(
        self,
        *,
        max_iter: int = 150,
        learning_rate: float = 0.1,
        max_leaf_nodes: int = 31,
        min_samples_leaf: int = 40,
        spread_iter: int = 80,
        n_threads: int | None = 1,
        seed: int = 0,
    ):
        self.max_iter = max_iter
        self.learning_rate = learning_rate
        self.max_leaf_nodes = max_leaf_nodes
        self.min_samples_leaf = min_samples_leaf
        self.spread_iter = spread_iter
        self.n_threads = n_threads
        self.seed = seed
        self.models_: dict[str, HistGradientBoostingRegressor] = {}

    def _threads(self, rows: int) -> int | None:
        # On small fits OpenMP's barriers cost more than they save, and on a busy machine a
        # descheduled worker makes every barrier wait a time slice (seen 3x to 40x slower):
        # the caller parallelises whole fits instead. The limit is per calling thread.
        return 1 if self.n_threads == 1 or rows < SINGLE_THREAD_ROWS else self.n_threads

    def _model(self, max_iter: int, leaves: int) -> HistGradientBoostingRegressor:
        return HistGradientBoostingRegressor(
            loss="squared_error",
            max_iter=max_iter,
            learning_rate=self.learning_rate,
            max_leaf_nodes=leaves,
            min_samples_leaf=self.min_samples_leaf,
            l2_regularization=1.0,
            early_stopping=False,
            categorical_features=self.categorical_,
            random_state=self.seed,
        )

    def fit(
        self,
        x: pd.DataFrame,
        target: np.ndarray,
        categorical: list[str],
        weight: np.ndarray | None = None,
    ) -> GlobalGBM:
        """Fit the point model, then the spread models on its residuals (scaled targets)."""
        # A feature never known in training (e.g. last year's sales of a young panel) carries
        # nothing, and HistGradientBoosting cannot bin it.
        self.columns_ = [c for c in x.columns if x[c].notna().any()]
        x = x[self.columns_]
        self.categorical_ = [c for c in categorical if c in self.columns_] or None
        with threadpool_limits(limits=self._threads(len(x)), user_api="openmp"):
            mid = self._model(self.max_iter, self.max_leaf_nodes)
            self.models_["mid"] = mid.fit(x, target, sample_weight=weight)
            resid = target - np.clip(mid.predict(x), 0, None)
            for key, part in (
                ("down", np.clip(-resid, 0, None)),
                ("up", np.clip(resid, 0, None)),
            ):
                spread = self._model(self.spread_iter, 31)
                self.models_[key] = spread.fit(x, part, sample_weight=weight)
        return self

    def predict(self, x: pd.DataFrame) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Scaled point forecast and expected shortfall/excess, all non-negative."""
        x = x[self.columns_]
        # Prediction parallelises over rows with few barriers: it can use every core.
        threads = None if len(x) >= SINGLE_THREAD_ROWS else 1
        with threadpool_limits(limits=threads, user_api="openmp"):
            mid = np.clip(self.models_["mid"].predict(x), 0, None)
            floor = 1e-3 * (mid + 1e-3)
            down = np.clip(self.models_["down"].predict(x), floor, None)
            up = np.clip(self.models_["up"].predict(x), floor, None)
        return mid, down, up
