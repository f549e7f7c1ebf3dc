"""Manager inputs (closures, promotions, events, overrides, new items) and the bad input the
issue names: gaps of months, a series that starts yesterday, an open-ended promotion, an
override on a closed day, a weather provider that fails."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from boh_core.errors import BohError
from boh_core.forecast import Forecaster, forecast
from boh_core.forecast.inputs import (
    CREDIBLE_DAYS,
    apply_open_share,
    apply_overrides,
    closure_columns,
    cold_start,
    event_columns,
    forecast_value_added,
    promotion_columns,
    similar_items,
)
from boh_core.forecast.panel import OUTAGE_DAYS, prepare_history

LAST = pd.Timestamp("2026-12-31")


def _weekly(ids, days, start="2025-01-06", level=10.0):
    ds = pd.date_range(start, periods=days, freq="D")
    profile = np.array([1, 1, 1, 1.2, 1.5, 2, 0.8])
    return pd.DataFrame(
        {
            "unique_id": np.repeat(ids, days),
            "ds": np.tile(ds, len(ids)),
            "y": np.tile(level * profile[ds.dayofweek], len(ids)),
        }
    )


def test_whole_and_partial_closures():
    closures = pd.DataFrame(
        {
            "store": ["s1", "s1", "s2"],
            "date_from": ["2026-12-24", "2026-12-31", "2026-12-01"],
            "date_to": ["2026-12-26", "2026-12-31", "2026-12-01"],
            "closed_hours": [0, 4, 12],
        }
    )
    out = closure_columns(closures, 10.0, LAST).set_index(["store", "ds"])
    assert out.loc[("s1", pd.Timestamp("2026-12-25")), "is_closed"] == 1.0
    assert out.loc[("s1", pd.Timestamp("2026-12-31")), "open_share"] == pytest.approx(0.6)
    assert out.loc[("s1", pd.Timestamp("2026-12-31")), "is_closed"] == 0.0
    # More closed hours than the store is open: the whole day.
    assert out.loc[("s2", pd.Timestamp("2026-12-01")), "is_closed"] == 1.0
    assert len(out) == 5


def test_partial_closure_scales_that_day_only():
    fc = pd.DataFrame(
        {
            "unique_id": ["a", "a"],
            "ds": pd.to_datetime(["2026-12-30", "2026-12-31"]),
            "yhat": [10.0, 10.0],
            "yhat_lo": [8.0, 8.0],
            "yhat_hi": [12.0, 12.0],
        }
    )
    share = pd.DataFrame(
        {"unique_id": ["a"], "ds": [pd.Timestamp("2026-12-31")], "open_share": [0.6]}
    )
    out = apply_open_share(fc, share)
    assert out["yhat"].tolist() == [10.0, 6.0]
    assert out["yhat_hi"].tolist() == pytest.approx([12.0, 7.2])


@pytest.mark.parametrize(
    ("row", "field"),
    [
        ({"date_from": "2026-12-05", "date_to": "2026-12-01", "closed_hours": 0}, "date_to"),
        ({"date_from": "someday", "date_to": "2026-12-01", "closed_hours": 0}, "date_from"),
        ({"date_from": "2026-12-01", "date_to": "2026-12-01", "closed_hours": -2}, "closed_hours"),
    ],
)
def test_bad_closures_are_refused(row, field):
    with pytest.raises(BohError) as err:
        closure_columns(pd.DataFrame([{"store": "s1", **row}]), 10.0, LAST)
    assert err.value.field == field


def test_promotion_without_end_runs_through_the_horizon_and_says_so():
    promos = pd.DataFrame(
        {
            "unique_id": ["a", "b"],
            "date_from": ["2026-12-20", "2026-12-01"],
            "date_to": [None, "2026-12-03"],
            "kind": ["discount", "feature"],
        }
    )
    out, notes = promotion_columns(promos, LAST)
    a = out[out["unique_id"] == "a"]
    assert len(a) == 12 and a["ds"].max() == LAST
    assert a["promotion_discount"].eq(1).all() and a["promotion_feature"].eq(0).all()
    assert len(out[out["unique_id"] == "b"]) == 3
    assert len(notes) == 1 and "no end date" in notes[0] and "2026-12-31" in notes[0]


def test_events_mark_store_days():
    events = pd.DataFrame({"store": ["s1"], "date_from": ["2026-12-05"], "date_to": ["2026-12-06"]})
    out = event_columns(events, LAST)
    assert out["ds"].dt.day.tolist() == [5, 6] and out["event"].eq(1).all()


def test_promotion_history_and_horizon_reach_the_model():
    hist = _weekly(["a", "b"], 200)
    promo_days = hist["ds"].dt.day.isin([5, 6, 7]) & (hist["unique_id"] == "a")
    hist.loc[promo_days, "y"] *= 3
    hist["promotion"] = promo_days.astype(float)
    future = _weekly(["a", "b"], 14, start=str(hist["ds"].max() + pd.Timedelta(days=1)))
    future["promotion"] = (future["ds"].dt.day.isin([5, 6, 7]) & (future["unique_id"] == "a")) * 1.0
    fc = forecast(hist, 14, future.drop(columns="y"), time_budget=None)
    a = fc[fc["unique_id"] == "a"].set_index("ds")
    on = future[(future["unique_id"] == "a") & (future["promotion"] == 1)]["ds"]
    off = a.index.difference(on)
    if len(on):
        lift = a.loc[on, "yhat"].mean() / a.loc[off, "yhat"].mean()
        assert lift > 1.5


def _fc():
    ds = pd.date_range("2026-12-01", periods=3)
    return pd.DataFrame(
        {
            "unique_id": ["a"] * 3,
            "ds": ds,
            "yhat": [10.0, 0.0, 10.0],
            "yhat_lo": [8.0, 0.0, 8.0],
            "yhat_hi": [12.0, 0.0, 12.0],
        }
    )


def test_override_is_used_and_the_statistical_forecast_kept():
    overrides = pd.DataFrame({"unique_id": ["a"], "ds": ["2026-12-03"], "quantity": [40.0]})
    out, rejected = apply_overrides(_fc(), overrides)
    row = out.iloc[2]
    assert row["yhat"] == 40 and row["yhat_stat"] == 10 and row["overridden"]
    assert row["yhat_lo"] == 38 and row["yhat_hi"] == 42
    assert out.iloc[0]["yhat"] == 10 and not out.iloc[0]["overridden"]
    assert rejected.empty


def test_override_on_a_closed_day_is_not_applied_and_reported():
    closed = pd.DataFrame({"unique_id": ["a"], "ds": [pd.Timestamp("2026-12-02")]})
    overrides = pd.DataFrame(
        {"unique_id": ["a", "a"], "ds": ["2026-12-02", "2027-03-01"], "quantity": [25.0, 5.0]}
    )
    out, rejected = apply_overrides(_fc(), overrides, closed)
    assert out["yhat"].tolist() == [10.0, 0.0, 10.0]
    assert rejected["reason"].tolist() == ["closed day", "outside the forecast"]


def test_negative_override_is_refused():
    overrides = pd.DataFrame({"unique_id": ["a"], "ds": ["2026-12-03"], "quantity": [-1]})
    with pytest.raises(BohError) as err:
        apply_overrides(_fc(), overrides)
    assert err.value.field == "quantity"


def test_forecast_value_added_says_whether_overrides_helped():
    out, _ = apply_overrides(
        _fc(), pd.DataFrame({"unique_id": ["a"], "ds": ["2026-12-03"], "quantity": [40.0]})
    )
    out["y"] = [9.0, 0.0, 36.0]
    fva = forecast_value_added(out)
    assert fva["days"] == 1
    assert fva["wape_stat"] == pytest.approx(26 / 36) and fva["wape_final"] == pytest.approx(4 / 36)
    assert fva["fva"] > 0
    out["y"] = [9.0, 0.0, 9.0]
    assert forecast_value_added(out)["fva"] < 0


def test_new_item_starts_from_similar_items_of_its_category_and_price_band():
    items = pd.DataFrame(
        {
            "unique_id": ["new", "cake1", "cake2", "cake_lux", "soup"],
            "category": ["cake", "cake", "cake", "cake", "soup"],
            "price": [5.0, 4.5, 5.5, 20.0, 5.0],
        }
    )
    assert sorted(similar_items(items)["new"]) == ["cake1", "cake2"]
    ds = pd.date_range("2027-01-01", periods=2)
    fc = pd.DataFrame(
        {
            "unique_id": np.repeat(items["unique_id"], 2),
            "ds": np.tile(ds, 5),
            "yhat": [0, 0, 10, 10, 20, 20, 100, 100, 50, 50],
            "yhat_lo": 0.0,
            "yhat_hi": [1, 1, 12, 12, 24, 24, 120, 120, 60, 60],
        }
    )
    days = pd.Series({"new": 0, "cake1": 400, "cake2": 400, "cake_lux": 400, "soup": 400})
    out = cold_start(fc, items, days).set_index("unique_id")
    assert out.loc["new", "yhat"].tolist() == [15.0, 15.0]
    assert out.loc["new", "yhat_hi"].tolist() == [18.0, 18.0]
    assert out.loc["new", "cold_start"].tolist() == [1.0, 1.0]
    assert out.loc["cake1", "yhat"].tolist() == [10, 10]
    days["new"] = CREDIBLE_DAYS // 2
    half = cold_start(fc, items, days).set_index("unique_id")
    assert half.loc["new", "yhat"].tolist() == [7.5, 7.5]


def test_series_that_starts_yesterday_is_forecast_not_refused():
    hist = _weekly(["old1", "old2"], 300)
    newborn = pd.DataFrame({"unique_id": ["new"], "ds": [hist["ds"].max()], "y": [12.0]})
    model = Forecaster(14, time_budget=None)
    out = model.fit(pd.concat([hist, newborn])).predict()
    new = out[out["unique_id"] == "new"]
    assert len(new) == 14 and (new["yhat"] >= 0).all() and new["yhat"].sum() > 0


def test_gap_of_months_in_the_data_is_an_outage_not_zero_sales():
    hist = _weekly(["a", "b"], 500)
    gap = (hist["ds"] >= "2025-06-01") & (hist["ds"] < "2025-09-01")
    hist = hist[~gap]
    panel, _, _ = prepare_history(hist, 14)
    days = panel.dates(panel.n_days)
    inside = (days >= "2025-06-01") & (days < "2025-09-01")
    assert np.isnan(panel.y[:, inside]).all()
    assert not np.isnan(panel.y[:, ~inside]).any()
    fc = forecast(hist, 14, time_budget=None)
    assert fc["yhat"].mean() == pytest.approx(hist["y"].mean(), rel=0.2)
    # A shorter hole in one series is still days without sales (POS feeds send sold items).
    short = _weekly(["a", "b"], 100)
    short = short[~((short["unique_id"] == "a") & short["ds"].between("2025-02-01", "2025-02-20"))]
    panel, _, _ = prepare_history(short, 14)
    assert (panel.y[0] == 0).sum() == 20 and OUTAGE_DAYS > 0
