"""Loaders of the two real demand sets the forecaster is developed and reported on.

Both are read from CSV files shipped inside packages on PyPI, so nothing is downloaded at run
time; both come back in the long format of :func:`boh_core.forecast.forecast` (``unique_id``,
``ds``, ``y`` and exogenous columns with the same names in both sets).

- ``bakery``: the panel in the ``datasetsdynamic`` wheel (105 store x product daily series,
  2016-01-02 .. 2019-04-30), ``pip install datasetsdynamic``.
- ``wuerzbaeck``: the Wuerzburg bakery set in the ``ddop2`` wheel (Apache-2.0; bread, rolls and
  pretzels of one bakery over the same days). ``ddop2``'s dependencies pull in PyTorch and are
  not needed to read its files: ``pip install --no-deps ddop2``. Its files carry no date: the
  rows are consecutive days whose ``month`` and ``year`` columns match 2016-01-02 ..
  2019-04-30 exactly (and its holiday flags then fall on Bavarian public holidays); its
  ``weekday`` column is one day off that calendar and is not used. A few days of negative
  demand (returns booked against sales) are clipped to 0.
"""

from __future__ import annotations

import importlib.util
from pathlib import Path

import numpy as np
import pandas as pd

from boh_core.errors import BohError, msg

# Exogenous columns, by their name in the source files, and the name they get here.
EXOG = {
    "is_holiday": "is_holiday",
    "is_schoolholiday": "is_schoolholiday",
    "is_holiday_next2days": "is_holiday_next2days",
    "promotion_currentweek": "promotion",
    "promotion_lastweek": "promotion_lastweek",
    "temp_avg_celsius": "temperature",
    "temperature": "temperature",
    "rain_mm": "rain",
    "rain": "rain",
}
WEATHER = ("temperature", "rain")
MONTHS = ("JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP", "OCT", "NOV", "DEC")
# The first day whose month and year the wuerzbaeck rows match (see the module docstring).
WUERZBAECK_START = pd.Timestamp("2016-01-02")


def package_folder(package: str, *parts: str) -> Path:
    """Folder ``parts`` inside the installed ``package``, without importing the package."""
    spec = importlib.util.find_spec(package)
    if spec is None or not spec.submodule_search_locations:
        raise BohError(
            "package",
            package,
            msg(
                "forecast.datasets.package.installed_install_pip",
                package=package,
                value="pip install --no-deps ddop2"
                if package == "ddop2"
                else "pip install " + package,
            ),
        )
    return Path(next(iter(spec.submodule_search_locations))).joinpath(*parts)


def _exog(raw: pd.DataFrame) -> dict[str, np.ndarray]:
    return {dst: raw[src].to_numpy(float) for src, dst in EXOG.items() if src in raw}


def load_bakery(folder: str | Path | None = None) -> pd.DataFrame:
    """The bakery panel (``dataBakery_unprocessed.csv`` of ``datasetsdynamic``)."""
    folder = Path(folder) if folder else package_folder("datasetsDynamic", "datasets")
    raw = pd.read_csv(folder / "dataBakery_unprocessed.csv")
    frame = pd.DataFrame(
        {
            "unique_id": raw["shop_no"].astype(str) + "_" + raw["product_no"].astype(str),
            "ds": pd.to_datetime(raw["date_short"]),
            "y": raw["demand"].astype(float),
            **_exog(raw),
        }
    )
    return frame.sort_values(["unique_id", "ds"], ignore_index=True)


def wuerzbaeck_dates(month: pd.Series, year: pd.Series) -> pd.DatetimeIndex:
    """Consecutive days from :data:`WUERZBAECK_START`, checked against the month and year
    columns (a file whose rows do not match is refused rather than silently misdated)."""
    ds = pd.date_range(WUERZBAECK_START, periods=len(month), freq="D")
    labels = np.asarray(MONTHS)[ds.month - 1]
    bad = (labels != month.astype(str).str.upper().to_numpy()) | (
        ds.year != year.astype(int).to_numpy()
    )
    if bad.any():
        row = int(np.argmax(bad))
        raise BohError(
            "month",
            f"{month.iloc[row]} {year.iloc[row]}",
            msg(
                "forecast.datasets.month.row_wuerzbaeck_data",
                row=row,
                iloc=month.iloc[row],
                iloc_2=year.iloc[row],
                date=WUERZBAECK_START.date(),
                date_2=ds[row].date(),
            ),
        )
    return ds


def load_wuerzbaeck(folder: str | Path | None = None) -> pd.DataFrame:
    """The wuerzbaeck set (``wuerzbaeck_data.csv`` and ``wuerzbaeck_target.csv`` of ``ddop2``):
    series ``bread``, ``rolls`` and ``pretzels``, negative days clipped to 0."""
    folder = Path(folder) if folder else package_folder("ddop2", "datasets", "data")
    data = pd.read_csv(folder / "wuerzbaeck_data.csv")
    target = pd.read_csv(folder / "wuerzbaeck_target.csv")
    if len(data) != len(target):
        raise BohError(
            "wuerzbaeck_target.csv",
            len(target),
            msg(
                "forecast.datasets.wuerzbaeck_target_csv.has_rows_features",
                n_target=len(target),
                n_data=len(data),
            ),
        )
    ds = wuerzbaeck_dates(data["month"], data["year"])
    exog = _exog(data)
    parts = [
        pd.DataFrame(
            {
                "unique_id": name,
                "ds": ds,
                "y": np.clip(target[name].to_numpy(float), 0.0, None),
                **exog,
            }
        )
        for name in target.columns
    ]
    return pd.concat(parts, ignore_index=True).sort_values(["unique_id", "ds"], ignore_index=True)


LOADERS = {"bakery": load_bakery, "wuerzbaeck": load_wuerzbaeck}
# The holiday calendar a user of each set would configure: the bakery's is_holiday flags are
# Baden-Wuerttemberg's public holidays, wuerzbaeck's Bavaria's.
COUNTRY = {"bakery": "DE-BW", "wuerzbaeck": "DE-BY"}
