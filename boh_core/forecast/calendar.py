"""Calendar and public-holiday features of a range of days."""

from __future__ import annotations

import holidays
import numpy as np
import pandas as pd

from boh_core.errors import BohError, msg

# Days to/since a holiday are capped: beyond two weeks a holiday no longer moves demand.
HOLIDAY_REACH = 14
# HistGradientBoosting needs category codes below its bin count (255).
MAX_HOLIDAY_CODES = 250
CATEGORICAL = ("dow", "month", "hol_code")


def _holiday_table(country: str, years: list[int]) -> dict:
    code, _, subdiv = country.partition("-")
    try:
        # names in one language whatever the machine's: a model learns a holiday by its name
        # (``hol_code``), and a day off given for it must read "Day off" (``_canonical``)
        return holidays.country_holidays(
            code.upper(), subdiv=subdiv or None, years=years, language="en_US"
        )
    except NotImplementedError as exc:
        raise BohError(
            "country",
            country,
            msg("forecast.calendar.country.has_holiday_calendar", country=country, exc=exc),
        ) from exc


def _canonical(name: str) -> str:
    # "Spring Festival (observed)" and the substituted days off are the same event for demand.
    name = name.split(";")[0].strip()
    if name.lower().startswith("day off"):
        return "Day off"
    return name.split(" (observed")[0].split(" (estimated")[0].strip()


def check_country(country: object) -> str | None:
    """Return ``country`` if it names a holiday calendar, None for None, else raise."""
    if country is None:
        return None
    if not isinstance(country, str) or not country.strip():
        raise BohError(
            "country", country, msg("forecast.calendar.country.iso_code_such", country=country)
        )
    _holiday_table(country.strip(), [2020])
    return country.strip()


def calendar_features(dates: pd.DatetimeIndex, country: str | None) -> dict[str, np.ndarray]:
    """Features of each day in ``dates`` (consecutive days), as arrays of ``len(dates)``.

    Always: ``dow`` (0 = Monday), ``month``, ``dom``, ``woy`` (ISO week). With a ``country``:
    ``hol`` (1 on a public holiday), ``hol_code`` (0 none, else a code per holiday name, so a
    model can tell the Spring Festival from Labour Day), ``hol_to`` and ``hol_since`` (days to
    the next and since the last holiday, capped at :data:`HOLIDAY_REACH`).
    """
    feats = {
        "dow": dates.day_of_week.to_numpy(np.float64),
        "month": dates.month.to_numpy(np.float64),
        "dom": dates.day.to_numpy(np.float64),
        "woy": dates.isocalendar().week.to_numpy(np.float64),
    }
    if country is None:
        return feats
    # Look a little beyond the range so distances at its edges are right.
    lo, hi = (
        dates[0] - pd.Timedelta(days=HOLIDAY_REACH),
        dates[-1] + pd.Timedelta(days=HOLIDAY_REACH),
    )
    table = _holiday_table(country, list(range(lo.year, hi.year + 1)))
    span = pd.date_range(lo, hi, freq="D")
    listed = pd.Series(list(table.values()), index=pd.DatetimeIndex(list(table.keys())))
    names = listed[~listed.index.duplicated()].reindex(span)
    is_hol = names.notna().to_numpy()
    canon = names[is_hol].map(_canonical)
    codes = np.zeros(len(span))
    uniq = sorted(canon.unique())
    lookup = {name: min(k + 1, MAX_HOLIDAY_CODES) for k, name in enumerate(uniq)}
    codes[is_hol] = canon.map(lookup).to_numpy(np.float64)

    idx = np.arange(len(span))
    last = np.maximum.accumulate(np.where(is_hol, idx, -(10**6)))
    nxt = np.minimum.accumulate(np.where(is_hol, idx, 10**6)[::-1])[::-1]
    inner = slice(HOLIDAY_REACH, HOLIDAY_REACH + len(dates))
    feats["hol"] = is_hol[inner].astype(np.float64)
    feats["hol_code"] = codes[inner]
    feats["hol_to"] = np.minimum(nxt - idx, HOLIDAY_REACH)[inner].astype(np.float64)
    feats["hol_since"] = np.minimum(idx - last, HOLIDAY_REACH)[inner].astype(np.float64)
    return feats
