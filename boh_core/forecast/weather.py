"""Weather for the forecast: a provider behind a small adapter, a CSV upload, seasonal normals.

Daily weather has two columns, the ones the forecaster's features know: ``temperature`` (mean
air temperature, degrees Celsius) and ``rain`` (precipitation, mm). Sources, in order:

1. A provider's forecast for the first days of the horizon: :class:`OpenMeteo` (free, no key,
   up to :data:`PROVIDER_DAYS` days ahead). Its answer is checked, not trusted: a timeout, an
   HTTP or network error, or an answer that is not what the API documents (missing arrays,
   arrays of different lengths, dates not daily, a temperature outside
   :data:`TEMPERATURE_RANGE` or negative rain) raises :class:`WeatherUnavailable`.
2. A CSV the store uploads where there is no network (``date,temperature,rain``), parsed by
   :func:`parse_weather_csv` with an error naming the line and the value.
3. Beyond what 1 and 2 cover, seasonal normals: the mean of the same days of the year (a
   +-7 day window) over the store's weather history (:func:`seasonal_normals`).

:func:`horizon_weather` puts them together. When neither a provider answer, a CSV nor a
weather history is there, or the provider fails and nothing else covers the horizon, the
result says ``available=False`` with the reason, and the caller forecasts without weather
(dropping the weather columns from history and horizon) and shows that reason.
"""

from __future__ import annotations

import csv
import io
import json
import math
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from boh_core.errors import BohError, msg

WEATHER_COLUMNS = ("temperature", "rain")
PROVIDER_DAYS = 16
TEMPERATURE_RANGE = (-60.0, 60.0)
MAX_RAIN_MM = 500.0
NORMALS_WINDOW_DAYS = 7
OPEN_METEO_URL = "https://api.open-meteo.com/v1/forecast"
MAX_ANSWER_BYTES = 1_000_000


class WeatherUnavailable(Exception):
    """The provider gave no usable weather; ``str()`` says why, for the person reading it."""


@dataclass
class HorizonWeather:
    """Weather for each horizon day, where it came from, and what to tell the user."""

    frame: pd.DataFrame
    available: bool
    sources: dict[str, int] = field(default_factory=dict)
    note: str = ""


def _check_coordinate(name: str, value: object, bound: float) -> float:
    ok = isinstance(value, int | float) and not isinstance(value, bool)
    if not ok or not math.isfinite(float(value)) or abs(float(value)) > bound:
        raise BohError(name, value, msg("forecast.weather.store_s_number", name=name, bound=bound))
    return float(value)


def _urlopen(url: str, timeout: float) -> bytes:
    with urllib.request.urlopen(url, timeout=timeout) as answer:  # noqa: S310 - fixed https URL
        return answer.read(MAX_ANSWER_BYTES + 1)


class OpenMeteo:
    """Open-Meteo's daily forecast for one place (https://open-meteo.com, no key needed).

    ``transport(url, timeout) -> bytes`` does the HTTP GET; the default uses urllib. Tests
    pass one that returns recorded answers, so the adapter's parsing and checks are what is
    tested and the network never is.
    """

    def __init__(
        self,
        latitude: float,
        longitude: float,
        *,
        timeout: float = 10.0,
        transport: Callable[[str, float], bytes] | None = None,
    ):
        self.latitude = _check_coordinate("latitude", latitude, 90.0)
        self.longitude = _check_coordinate("longitude", longitude, 180.0)
        self.timeout = timeout
        self.transport = transport or _urlopen

    def url(self, days: int) -> str:
        """The request for ``days`` days of daily mean temperature and precipitation."""
        query = {
            "latitude": f"{self.latitude:.4f}",
            "longitude": f"{self.longitude:.4f}",
            "daily": "temperature_2m_mean,precipitation_sum",
            "forecast_days": str(max(1, min(int(days), PROVIDER_DAYS))),
            "timezone": "auto",
        }
        return f"{OPEN_METEO_URL}?{urllib.parse.urlencode(query)}"

    def daily(self, days: int = PROVIDER_DAYS) -> pd.DataFrame:
        """``ds``, ``temperature``, ``rain`` for the coming days, or :class:`WeatherUnavailable`."""
        try:
            raw = self.transport(self.url(days), self.timeout)
        except TimeoutError as err:
            raise WeatherUnavailable(
                f"the weather provider did not answer within {self.timeout:g} s"
            ) from err
        except (urllib.error.URLError, OSError) as err:
            raise WeatherUnavailable(f"the weather provider could not be reached ({err})") from err
        if len(raw) > MAX_ANSWER_BYTES:
            raise WeatherUnavailable("the weather provider's answer is too large to be weather")
        try:
            payload = json.loads(raw)
        except (ValueError, UnicodeDecodeError) as err:
            raise WeatherUnavailable("the weather provider's answer is not JSON") from err
        return parse_open_meteo(payload)


def parse_open_meteo(payload: object) -> pd.DataFrame:
    """Daily weather from an Open-Meteo answer, or :class:`WeatherUnavailable` if it is not one."""
    if not isinstance(payload, dict):
        raise WeatherUnavailable("the weather provider's answer is not an object")
    if payload.get("error"):
        reason = str(payload.get("reason", "no reason given"))[:200]
        raise WeatherUnavailable(f"the weather provider refused the request: {reason}")
    daily = payload.get("daily")
    if not isinstance(daily, dict):
        raise WeatherUnavailable("the weather provider's answer has no daily weather")
    arrays = {key: daily.get(key) for key in ("time", "temperature_2m_mean", "precipitation_sum")}
    for key, values in arrays.items():
        if not isinstance(values, list) or not values:
            raise WeatherUnavailable(f"the weather provider's answer has no {key} list")
    lengths = {len(v) for v in arrays.values()}
    if len(lengths) != 1:
        raise WeatherUnavailable("the weather provider's daily lists differ in length")
    try:
        ds = pd.to_datetime(pd.Series(arrays["time"]), format="%Y-%m-%d")
        temperature = pd.to_numeric(pd.Series(arrays["temperature_2m_mean"]), errors="raise")
        rain = pd.to_numeric(pd.Series(arrays["precipitation_sum"]), errors="raise")
    except (ValueError, TypeError) as err:
        raise WeatherUnavailable(f"the weather provider's answer is not weather ({err})") from err
    if ds.size > 1 and not (ds.diff().dropna() == pd.Timedelta(days=1)).all():
        raise WeatherUnavailable("the weather provider's dates are not consecutive days")
    lo, hi = TEMPERATURE_RANGE
    temp = temperature.to_numpy(float)
    wet = rain.to_numpy(float)
    known = ~np.isnan(temp) & ~np.isnan(wet)
    if ((temp[known] < lo) | (temp[known] > hi)).any():
        raise WeatherUnavailable("the weather provider's temperatures are out of any real range")
    if ((wet[known] < 0) | (wet[known] > MAX_RAIN_MM)).any():
        raise WeatherUnavailable("the weather provider's precipitation is out of any real range")
    frame = pd.DataFrame({"ds": ds, "temperature": temp, "rain": wet})
    # A day the model could not forecast comes back as null: leave it to the normals.
    return frame[known].reset_index(drop=True)


def parse_weather_csv(text: str) -> pd.DataFrame:
    """``date,temperature,rain`` rows (ISO dates, Celsius, mm) as a weather frame.

    Refused with a :class:`BohError` naming the line and the value: a missing column, a date
    that is not ``YYYY-MM-DD``, a number that is not one or out of range, a date twice.
    """
    try:
        reader = csv.DictReader(io.StringIO(text, newline=""))
        records = list(reader)
    except csv.Error as err:
        raise BohError(
            "weather_csv", str(err), msg("forecast.weather.weather_csv.file", err=err)
        ) from err
    missing = [c for c in ("date", *WEATHER_COLUMNS) if c not in (reader.fieldnames or [])]
    if missing:
        raise BohError(
            "weather_csv",
            ",".join(reader.fieldnames or []),
            msg("forecast.weather.weather_csv.file_needs_columns", missing=", ".join(missing)),
        )
    rows = []
    lo, hi = TEMPERATURE_RANGE
    for line, row in enumerate(records, start=2):
        try:
            day = pd.Timestamp.fromisoformat(str(row["date"]).strip())
            if pd.isna(day):
                raise ValueError(row["date"])
        except (ValueError, TypeError) as err:
            raise BohError(
                "date",
                row["date"],
                msg("forecast.weather.date.line_yyyy_mm", line=line, date=row["date"]),
            ) from err
        values = {}
        for column, (a, b) in (("temperature", (lo, hi)), ("rain", (0.0, MAX_RAIN_MM))):
            try:
                value = float(str(row[column]).strip())
            except ValueError as err:
                raise BohError(
                    column,
                    row[column],
                    msg("forecast.weather.line_number", line=line, column=column, row=row[column]),
                ) from err
            if not math.isfinite(value) or not a <= value <= b:
                raise BohError(
                    column,
                    value,
                    msg(
                        "forecast.weather.line_outside",
                        line=line,
                        column=column,
                        value=value,
                        a=f"{a:g}",
                        b=f"{b:g}",
                    ),
                )
            values[column] = value
        rows.append({"ds": day.normalize(), **values})
    frame = pd.DataFrame(rows, columns=["ds", *WEATHER_COLUMNS])
    twice = frame["ds"].duplicated()
    if twice.any():
        day = frame.loc[twice, "ds"].iloc[0].date()
        raise BohError("date", str(day), msg("forecast.weather.date.weather_file_gives", day=day))
    return frame.sort_values("ds", ignore_index=True)


def seasonal_normals(history: pd.DataFrame, dates: pd.DatetimeIndex) -> pd.DataFrame:
    """Mean ``temperature`` and ``rain`` of the same days of the year (+-7 days) in ``history``
    (``ds`` plus the weather columns); NaN for a date no year of history comes near."""
    hist = history.dropna(subset=list(WEATHER_COLUMNS))
    out = pd.DataFrame({"ds": dates})
    if hist.empty:
        for column in WEATHER_COLUMNS:
            out[column] = np.nan
        return out
    doy = pd.DatetimeIndex(hist["ds"]).day_of_year.to_numpy()
    target = dates.day_of_year.to_numpy()
    # Circular distance in days of the year, for every (target, history) pair: small sizes
    # (a horizon by a few years of days).
    dist = np.abs(target[:, None] - doy[None, :])
    near = np.minimum(dist, 365 - dist) <= NORMALS_WINDOW_DAYS
    count = near.sum(axis=1)
    for column in WEATHER_COLUMNS:
        total = near @ hist[column].to_numpy(float)
        with np.errstate(invalid="ignore", divide="ignore"):
            out[column] = np.where(count > 0, total / np.maximum(count, 1), np.nan)
    return out


def horizon_weather(
    dates: pd.DatetimeIndex,
    history: pd.DataFrame | None = None,
    provider: OpenMeteo | None = None,
    uploaded: pd.DataFrame | None = None,
) -> HorizonWeather:
    """Weather for every day of ``dates``: provider first, then the upload, then normals.

    Never raises for a failing provider: its failure becomes part of the note. When some day
    stays uncovered, ``available`` is False and the note says why; the caller then forecasts
    without weather.
    """
    frame = pd.DataFrame({"ds": dates, "temperature": np.nan, "rain": np.nan})
    source = pd.Series("", index=frame.index, dtype=object)
    notes = []

    def fill(part: pd.DataFrame | None, name: str) -> None:
        if part is None or part.empty:
            return
        lookup = part.set_index("ds")
        hit = frame["ds"].isin(lookup.index) & (source == "")
        for column in WEATHER_COLUMNS:
            frame.loc[hit, column] = lookup.loc[frame.loc[hit, "ds"], column].to_numpy()
        source[hit] = name

    if provider is not None:
        try:
            fill(provider.daily(), "provider")
        except WeatherUnavailable as err:
            notes.append(f"Weather forecast not used: {err}.")
    fill(uploaded, "upload")
    if history is not None:
        normals = seasonal_normals(history, pd.DatetimeIndex(dates))
        fill(normals.dropna(), "normals")
    counts = {k: int(v) for k, v in source[source != ""].value_counts().items()}
    if (source == "").any():
        missing = frame.loc[source == "", "ds"].iloc[0].date()
        notes.append(
            f"No weather for {missing} (no forecast, upload or weather history covers it): "
            "forecast made without weather."
        )
        return HorizonWeather(frame, False, counts, " ".join(notes))
    return HorizonWeather(frame, True, counts, " ".join(notes))
