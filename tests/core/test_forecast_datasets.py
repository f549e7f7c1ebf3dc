"""The dataset loaders on the installed packages' files (a slice) and on small files of our own."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from boh_core.errors import BohError
from boh_core.forecast import cross_validation
from boh_core.forecast.datasets import (
    WUERZBAECK_START,
    load_bakery,
    load_wuerzbaeck,
    package_folder,
)


def _write_wuerzbaeck(folder, days: int, start=WUERZBAECK_START, bread=None):
    ds = pd.date_range(start, periods=days, freq="D")
    data = pd.DataFrame(
        {
            # The shipped weekday labels are one day off; the loader must not rely on them.
            "weekday": (ds - pd.Timedelta(days=1)).strftime("%a").str.upper(),
            "month": ds.strftime("%b").str.upper(),
            "year": ds.year,
            "is_schoolholiday": 0,
            "is_holiday": (ds.dayofyear == 6).astype(int),
            "is_holiday_next2days": 0,
            "rain": 1.5,
            "temperature": np.linspace(0, 10, days),
            "promotion_currentweek": 0,
            "promotion_lastweek": 0,
        }
    )
    bread = np.arange(days, dtype=float) if bread is None else bread
    target = pd.DataFrame({"bread": bread, "rolls": 2 * bread, "pretzels": 3.0})
    data.to_csv(folder / "wuerzbaeck_data.csv", index=False)
    target.to_csv(folder / "wuerzbaeck_target.csv", index=False)


def test_wuerzbaeck_shipped_set_is_three_series_over_the_bakery_days():
    frame = load_wuerzbaeck()
    assert sorted(frame["unique_id"].unique()) == ["bread", "pretzels", "rolls"]
    assert frame["ds"].min() == pd.Timestamp("2016-01-02")
    assert frame["ds"].max() == pd.Timestamp("2019-04-30")
    assert frame.groupby("unique_id").size().eq(1215).all()
    assert (frame["y"] >= 0).all()
    # Epiphany is a public holiday in Bavaria: the flag falls on it once the dates are right.
    epiphany = frame[(frame["unique_id"] == "bread") & (frame["ds"] == "2017-01-06")]
    assert epiphany["is_holiday"].item() == 1.0
    assert {"temperature", "rain", "promotion", "is_schoolholiday"} <= set(frame.columns)


def test_wuerzbaeck_slice_forecasts_through_the_pipeline():
    frame = load_wuerzbaeck()
    frame = frame[frame["ds"] < "2017-03-01"]
    cv = cross_validation(frame, 7, windows=1, country="DE-BY")
    assert set(cv["unique_id"]) == {"bread", "pretzels", "rolls"}
    assert len(cv) == 21
    assert (cv["yhat"] >= 0).all()
    wape = (cv["y"] - cv["yhat"]).abs().sum() / cv["y"].sum()
    assert wape < 0.5


def test_bakery_shipped_panel_has_the_same_columns():
    frame = load_bakery()
    assert frame["unique_id"].nunique() == 105
    assert set(load_wuerzbaeck().columns) == set(frame.columns)


def test_wuerzbaeck_negative_days_are_clipped(tmp_path):
    bread = np.full(40, 5.0)
    bread[3] = -16.0
    _write_wuerzbaeck(tmp_path, 40, bread=bread)
    frame = load_wuerzbaeck(tmp_path)
    got = frame[frame["unique_id"] == "bread"].set_index("ds")["y"]
    assert got.iloc[3] == 0.0 and got.iloc[4] == 5.0
    assert frame[frame["unique_id"] == "rolls"]["y"].iloc[3] == 0.0
    assert got.index[0] == WUERZBAECK_START


def test_wuerzbaeck_file_that_does_not_match_its_calendar_is_refused(tmp_path):
    _write_wuerzbaeck(tmp_path, 60, start=pd.Timestamp("2016-01-01"))
    with pytest.raises(BohError) as err:
        load_wuerzbaeck(tmp_path)
    assert err.value.field == "month"
    assert "JAN 2016" in str(err.value) and "2016-02-01" in str(err.value)


def test_wuerzbaeck_target_of_another_length_is_refused(tmp_path):
    _write_wuerzbaeck(tmp_path, 30)
    target = pd.read_csv(tmp_path / "wuerzbaeck_target.csv").iloc[:20]
    target.to_csv(tmp_path / "wuerzbaeck_target.csv", index=False)
    with pytest.raises(BohError) as err:
        load_wuerzbaeck(tmp_path)
    assert "20 rows" in str(err.value)


def test_missing_package_says_how_to_install_it():
    with pytest.raises(BohError) as err:
        package_folder("ddop2_not_a_package")
    assert "pip install ddop2_not_a_package" in str(err.value)
