"""Bad and odd input to boh_core.forecast: refused with a BohError or cleaned as documented."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from boh_core.errors import BohError
from boh_core.forecast import backtest, forecast
from boh_core.forecast.panel import prepare_history


def _history(days: int = 35, ids=("a", "b"), start: str = "2024-01-01") -> pd.DataFrame:
    ds = pd.date_range(start, periods=days, freq="D")
    return pd.DataFrame(
        {
            "unique_id": np.repeat(ids, days),
            "ds": np.tile(ds, len(ids)),
            "y": np.tile(np.arange(days) % 7 + 1.0, len(ids)),
        }
    )


def _future(history: pd.DataFrame, horizon: int, **cols) -> pd.DataFrame:
    start = pd.Timestamp(history["ds"].max()) + pd.Timedelta(days=1)
    ids = history["unique_id"].unique()
    ds = pd.date_range(start, periods=horizon, freq="D")
    frame = pd.DataFrame({"unique_id": np.repeat(ids, horizon), "ds": np.tile(ds, len(ids))})
    for name, value in cols.items():
        frame[name] = value
    return frame


@pytest.mark.parametrize("horizon", [0, -1, 367, 10_000, 2.5, "7", None, True])
def test_horizon_out_of_range_is_refused(horizon):
    with pytest.raises(BohError) as err:
        forecast(_history(), horizon)
    assert err.value.field == "horizon"
    assert "horizon" in str(err.value) and "366" in str(err.value)


@pytest.mark.parametrize("level", [0, 100, -5, 150, float("nan"), "80", None])
def test_level_outside_0_100_is_refused(level):
    with pytest.raises(BohError) as err:
        forecast(_history(), 7, level=level)
    assert err.value.field == "level"
    assert "between 0 and 100" in str(err.value)


@pytest.mark.parametrize("column", ["unique_id", "ds", "y"])
def test_missing_required_column_is_refused(column):
    with pytest.raises(BohError) as err:
        forecast(_history().drop(columns=column), 7)
    assert err.value.field == "history"
    assert column in str(err.value)


def test_history_must_be_a_dataframe_with_rows():
    with pytest.raises(BohError, match="DataFrame"):
        forecast([{"unique_id": "a", "ds": "2024-01-01", "y": 1}], 7)
    with pytest.raises(BohError, match="no rows"):
        forecast(_history().iloc[:0], 7)


def test_nan_y_is_refused_naming_series_and_date():
    hist = _history()
    hist.loc[(hist["unique_id"] == "b") & (hist["ds"] == "2024-01-10"), "y"] = np.nan
    with pytest.raises(BohError) as err:
        forecast(hist, 7)
    assert err.value.field == "history.y"
    assert "'b'" in str(err.value) and "2024-01-10" in str(err.value)
    assert err.value.value == {"unique_id": "b", "ds": "2024-01-10"}


def test_non_numeric_y_and_bad_dates_are_refused():
    hist = _history()
    hist["y"] = hist["y"].astype(object)
    hist.loc[3, "y"] = "lots"
    with pytest.raises(BohError, match="Column y of history must be numeric"):
        forecast(hist, 7)
    hist = _history()
    hist["ds"] = hist["ds"].astype(str)
    hist.loc[5, "ds"] = "not a date"
    with pytest.raises(BohError) as err:
        forecast(hist, 7)
    assert err.value.field == "history.ds"


def test_missing_days_are_zero_sales():
    hist = _history(days=40)
    dropped = hist[(hist["unique_id"] == "a") & hist["ds"].dt.day.isin([3, 9, 17])]
    panel, _, _ = prepare_history(hist.drop(dropped.index), 7)
    row = list(panel.ids).index("a")
    assert (panel.y[row, [2, 8, 16]] == 0).all()
    assert panel.y[row, 3] == hist["y"].iloc[3]


def test_duplicate_dates_are_summed():
    hist = _history()
    dup = hist.iloc[[4]].assign(y=10.0)
    panel, _, _ = prepare_history(pd.concat([hist, dup]), 7)
    assert panel.y[0, 4] == hist["y"].iloc[4] + 10.0


def test_negative_sales_are_clipped_to_zero():
    hist = _history()
    hist.loc[6, "y"] = -3.0
    panel, _, _ = prepare_history(hist, 7)
    assert panel.y[0, 6] == 0.0
    assert (forecast(hist, 7)[["yhat", "yhat_lo"]] >= 0).all().all()


def test_series_starts_at_its_first_row_not_at_the_panel_start():
    hist = pd.concat(
        [_history(days=30, ids=("old",)), _history(days=5, ids=("new",), start="2024-01-26")]
    )
    panel, _, _ = prepare_history(hist, 7)
    new = list(panel.ids).index("new")
    assert np.isnan(panel.y[new, :25]).all() and not np.isnan(panel.y[new, 25:]).any()


def test_mistyped_far_future_date_is_refused():
    hist = _history()
    hist.loc[len(hist)] = {"unique_id": "a", "ds": pd.Timestamp("2099-01-01"), "y": 1.0}
    with pytest.raises(BohError) as err:
        forecast(hist, 7)
    assert err.value.field == "history.ds" and "2099-01-01" in str(err.value)


def test_exogenous_history_needs_future_exog():
    hist = _history().assign(temperature=20.0)
    with pytest.raises(BohError) as err:
        forecast(hist, 7)
    assert err.value.field == "future_exog" and "temperature" in str(err.value)


def test_future_exog_must_cover_the_horizon():
    hist = _history().assign(temperature=20.0)
    future = _future(hist, 7, temperature=21.0)
    short = future[future["ds"] < future["ds"].max()]
    with pytest.raises(BohError) as err:
        forecast(hist, 7, short)
    assert "does not cover the horizon" in str(err.value)
    assert err.value.value["ds"] == str(future["ds"].max().date())


def test_future_exog_errors_name_the_problem():
    hist = _history().assign(temperature=20.0)
    future = _future(hist, 7, temperature=21.0)
    with pytest.raises(BohError, match="temperature"):
        forecast(hist, 7, future.drop(columns="temperature"))
    with pytest.raises(BohError, match="rain"):
        forecast(hist, 7, future.assign(rain=1.0))
    with pytest.raises(BohError, match="exactly one row"):
        forecast(hist, 7, pd.concat([future, future.iloc[[0]]]))
    holed = future.copy()
    holed.loc[2, "temperature"] = np.nan
    with pytest.raises(BohError, match="empty"):
        forecast(hist, 7, holed)


def test_future_exog_rows_outside_the_horizon_are_ignored():
    hist = _history().assign(temperature=20.0)
    future = _future(hist, 10, temperature=21.0)
    past = _future(hist.assign(ds=hist["ds"] - pd.Timedelta(days=20)), 3, temperature=0.0)
    stranger = future.iloc[:7].assign(unique_id="zz")
    result = forecast(hist, 7, pd.concat([past, future, stranger]))
    assert len(result) == 14 and set(result["unique_id"]) == {"a", "b"}


def test_unknown_country_is_refused():
    with pytest.raises(BohError) as err:
        forecast(_history(), 7, country="XX")
    assert err.value.field == "country" and "'XX'" in str(err.value)


def test_backtest_needs_enough_history_and_sane_windows():
    with pytest.raises(BohError) as err:
        backtest(_history(days=20), 14, windows=2)
    assert err.value.field == "history"
    with pytest.raises(BohError) as err:
        backtest(_history(), 7, windows=0)
    assert err.value.field == "windows"


def test_error_is_plain_data_for_xmlrpc():
    with pytest.raises(BohError) as err:
        forecast(_history(), 0)
    assert err.value.as_dict() == {
        "code": err.value.code,
        "field": "horizon",
        "value": 0,
        "message": str(err.value),
    }
    assert err.value.code.startswith("forecast.")
