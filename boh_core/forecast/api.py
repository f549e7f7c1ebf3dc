"""Public entry points: :func:`forecast`, :func:`backtest`, :func:`cross_validation`."""

from __future__ import annotations

import numbers

import numpy as np
import pandas as pd

from boh_core.errors import BohError, msg

from .calendar import check_country
from .core import predict_panel
from .metrics import accuracy_table, seasonal_scale
from .panel import (
    MAX_HISTORY_DAYS,
    attach_future,
    check_horizon,
    check_level,
    prepare_history,
)

MAX_WINDOWS = 52
BACKTEST_LEVEL = 80.0
# Seconds one forecast may take: a chain's 15,000 series get the GBM and the vectorised
# baselines, a store's few hundred the per-series statistical members as well (see
# :func:`.core.predict_panel`). ``None`` means no per-series members whatever the size.
DEFAULT_TIME_BUDGET = 60.0


def _check_time_budget(value: object) -> float | None:
    if value is None:
        return None
    ok = isinstance(value, numbers.Real) and not isinstance(value, bool)
    if not ok or not np.isfinite(float(value)) or float(value) <= 0:
        raise BohError(
            "time_budget",
            value,
            msg("forecast.api.time_budget.positive_number_seconds", value=value),
        )
    return float(value)


def _check_seed(seed: object) -> int:
    if isinstance(seed, bool) or not isinstance(seed, numbers.Integral) or seed < 0:
        raise BohError("seed", seed, msg("forecast.api.seed.non_negative_whole", seed=seed))
    return int(seed)


class Forecaster:
    """Daily demand forecaster for many series at once, in scikit-learn's shape.

    ``Forecaster(horizon, level, country=..., seed=...).fit(history).predict(future_exog)``
    is the same as :func:`forecast`; after ``predict``, ``models_`` maps each ``unique_id``
    to the model chosen for it (``global_gbm``, ``seasonal_naive_7``, ``weekday_mean_4w``,
    ``weekday_exp_smoothing``, ``moving_average_28``, ``auto_ets``, ``auto_theta``,
    ``mean_gbm_ets_theta`` or ``zero``) and ``config_`` says which configuration the time
    budget allowed (``store`` or ``chain``).
    """

    def __init__(
        self,
        horizon: int,
        level: float = 80,
        *,
        country: str | None = None,
        seed: int = 0,
        time_budget: float | None = DEFAULT_TIME_BUDGET,
    ):
        self.horizon = horizon
        self.level = level
        self.country = country
        self.seed = seed
        self.time_budget = time_budget

    def fit(self, history: pd.DataFrame) -> Forecaster:
        """Validate and store ``history`` (the models are fitted in :meth:`predict`, once the
        horizon's exogenous values are known, because the features of the horizon need them)."""
        self.horizon_ = check_horizon(self.horizon)
        self.level_ = check_level(self.level)
        self.country_ = check_country(self.country)
        self.seed_ = _check_seed(self.seed)
        self.time_budget_ = _check_time_budget(self.time_budget)
        self.panel_, self.exog_cols_, _ = prepare_history(history, self.horizon_)
        return self

    def predict(self, future_exog: pd.DataFrame | None = None) -> pd.DataFrame:
        """Forecast every series over the horizon (see :func:`forecast` for the result)."""
        if not hasattr(self, "panel_"):
            raise BohError("Forecaster", None, msg("forecast.api.forecaster.call_fit_history"))
        panel = attach_future(self.panel_, self.exog_cols_, future_exog)
        result = predict_panel(
            panel, self.level_, self.country_, self.seed_, time_budget=self.time_budget_
        )
        self.models_ = dict(zip(panel.ids, result.model, strict=True))
        self.config_ = result.config
        n, h = result.yhat.shape
        dates = panel.dates()[panel.n_days :]
        return pd.DataFrame(
            {
                "unique_id": np.repeat(panel.ids, h),
                "ds": np.tile(dates.to_numpy(), n),
                "yhat": result.yhat.ravel(),
                "yhat_lo": result.lo.ravel(),
                "yhat_hi": result.hi.ravel(),
            }
        )


def forecast(
    history: pd.DataFrame,
    horizon: int,
    future_exog: pd.DataFrame | None = None,
    level: float = 80,
    *,
    country: str | None = None,
    seed: int = 0,
    time_budget: float | None = DEFAULT_TIME_BUDGET,
) -> pd.DataFrame:
    """Forecast daily demand of every series in ``history`` for ``horizon`` days.

    ``history`` is long format: ``unique_id``, ``ds`` (daily dates), ``y`` (sales) and optional
    numeric exogenous columns (``is_closed``, ``is_holiday``, ``temperature``, ``promotion``...),
    which ``future_exog`` (``unique_id``, ``ds`` and the same columns) must then give for every
    series and every horizon day. The horizon starts the day after the latest date of
    ``history``. ``country`` (an ISO code such as ``"CN"`` or ``"DE-BY"``) adds that public
    holiday calendar to the features. The input rules (missing days are 0, duplicates summed,
    refunds clipped, NaN sales refused, ...) are documented in :mod:`boh_core.forecast.panel`.

    Returns one row per series and horizon day, sorted by ``unique_id`` then ``ds``, with
    ``yhat`` and the central ``level``% interval ``yhat_lo``/``yhat_hi``; never negative, 0 on
    closed days and for discontinued series; the same for the same ``seed``.

    ``time_budget`` (seconds, default 60) chooses how much work goes into each series: where
    per-series AutoETS and AutoTheta (about 0.15 s of CPU a series) fit in three quarters of
    it, they join the GBM and the baselines and their combinations are chosen on six held-out
    windows (``store``); otherwise the GBM and vectorised baselines only (``chain``, 15,000
    series in well under a minute on two cores).
    """
    model = Forecaster(horizon, level, country=country, seed=seed, time_budget=time_budget)
    return model.fit(history).predict(future_exog)


def _origins(n_days: int, horizon: int, windows: object) -> np.ndarray:
    if isinstance(windows, bool) or not isinstance(windows, numbers.Integral):
        raise BohError(
            "windows",
            windows,
            msg("forecast.api.windows.whole_number_backtest", windows=windows),
        )
    if not 1 <= int(windows) <= MAX_WINDOWS:
        raise BohError(
            "windows",
            windows,
            msg("forecast.api.windows.from", max_windows=MAX_WINDOWS, windows=windows),
        )
    origins = n_days - horizon * np.arange(int(windows), 0, -1)
    if origins[0] < 1:
        raise BohError(
            "history",
            n_days,
            msg(
                "forecast.api.history.covers_day_s",
                n_days=n_days,
                windows=windows,
                horizon=horizon,
                horizon_2=horizon * int(windows) + 1,
            ),
        )
    return origins


def cross_validation(
    history: pd.DataFrame,
    horizon: int,
    windows: int = 8,
    *,
    country: str | None = None,
    seed: int = 0,
    level: float = BACKTEST_LEVEL,
    time_budget: float | None = DEFAULT_TIME_BUDGET,
) -> pd.DataFrame:
    """Rolling-origin forecasts of the last ``windows`` x ``horizon`` days of history.

    Origins are spaced by ``horizon``; the last window ends on the last day of history. Each
    window is forecast by the full :func:`forecast` pipeline from the history before it, with
    the actual exogenous values of the window standing in for their forecast. Returns
    ``unique_id``, ``ds``, ``cutoff`` (last day known), ``y``, ``yhat``, ``yhat_lo``,
    ``yhat_hi`` and ``model``, for the days that count as demand: closed days and days before
    a series' first sale record are left out.
    """
    return _cross_validation(history, horizon, windows, country, seed, level, time_budget)[0]


def _cross_validation(history, horizon, windows, country, seed, level, time_budget):
    time_budget = _check_time_budget(time_budget)
    horizon = check_horizon(horizon)
    level = check_level(level)
    country = check_country(country)
    seed = _check_seed(seed)
    panel, _, _ = prepare_history(history, horizon, MAX_HISTORY_DAYS + MAX_WINDOWS * horizon)
    dates = panel.dates(panel.n_days)
    parts = []
    for origin in _origins(panel.n_days, horizon, windows):
        result = predict_panel(
            panel.truncate(int(origin), horizon), level, country, seed, time_budget=time_budget
        )
        actual = panel.y[:, origin : origin + horizon]
        i, j = np.nonzero(~np.isnan(actual))
        parts.append(
            pd.DataFrame(
                {
                    "unique_id": panel.ids[i],
                    "ds": dates[origin + j],
                    "cutoff": dates[origin - 1],
                    "y": actual[i, j],
                    "yhat": result.yhat[i, j],
                    "yhat_lo": result.lo[i, j],
                    "yhat_hi": result.hi[i, j],
                    "model": result.model[i],
                }
            )
        )
    return pd.concat(parts, ignore_index=True), panel


def backtest(
    history: pd.DataFrame,
    horizon: int,
    windows: int = 8,
    *,
    country: str | None = None,
    seed: int = 0,
    time_budget: float | None = DEFAULT_TIME_BUDGET,
) -> pd.DataFrame:
    """Per-series accuracy of :func:`forecast` over rolling origins spaced by ``horizon``.

    Returns one row per series that has demand days in the windows: ``unique_id``, ``wape``,
    ``mase``, ``coverage`` (of the 80% interval), ``model`` (the model chosen most often),
    ``n`` (days evaluated), ``abs_err`` and ``sum_y`` (for aggregate WAPE) and ``scale`` (the
    MASE denominator). Definitions are in :mod:`boh_core.forecast.metrics`.
    """
    cv, panel = _cross_validation(
        history, horizon, windows, country, seed, BACKTEST_LEVEL, time_budget
    )
    first_origin = panel.n_days - horizon * int(windows)
    scale = pd.Series(seasonal_scale(panel.y[:, :first_origin]), index=panel.ids)
    table = accuracy_table(cv, scale)
    # The model chosen on most evaluated days stands for the series.
    counts = cv.groupby(["unique_id", "model"]).size().reset_index(name="k")
    counts = counts.sort_values(["unique_id", "k"], ascending=[True, False], kind="stable")
    model = counts.drop_duplicates("unique_id").set_index("unique_id")["model"]
    table["model"] = model.reindex(table["unique_id"]).to_numpy()
    table["scale"] = scale.reindex(table["unique_id"]).to_numpy()
    return table[
        ["unique_id", "wape", "mase", "coverage", "model", "n", "abs_err", "sum_y", "scale"]
    ]
