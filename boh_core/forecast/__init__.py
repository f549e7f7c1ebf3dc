"""Daily demand forecasting for many series at once (menu items per location).

``forecast(history, horizon, future_exog=None, level=80, *, country=None, seed=0)`` answers
``unique_id``, ``ds``, ``yhat``, ``yhat_lo``, ``yhat_hi`` for every series and horizon day;
``backtest(history, horizon, windows=8, *, country=None, seed=0)`` answers per-series WAPE,
MASE and interval coverage from rolling origins. See :mod:`.core` for how models are chosen
and :mod:`.panel` for how input is checked and cleaned.
"""

from .api import Forecaster, backtest, cross_validation, forecast

__all__ = ["Forecaster", "backtest", "cross_validation", "forecast"]
