"""The weather adapter on stored provider answers, the CSV upload, normals and failures."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from boh_core.errors import BohError
from boh_core.forecast.weather import (
    OpenMeteo,
    WeatherUnavailable,
    horizon_weather,
    parse_open_meteo,
    parse_weather_csv,
    seasonal_normals,
)

FIXTURES = Path(__file__).parent / "fixtures" / "open_meteo"
START = pd.Timestamp("2026-12-07")


def _serve(name: str):
    """A transport answering every request with a stored answer, recording the URLs asked."""
    asked = []

    def transport(url: str, timeout: float) -> bytes:
        asked.append((url, timeout))
        return (FIXTURES / name).read_bytes()

    transport.asked = asked
    return transport


def _raise(error: Exception):
    def transport(url: str, timeout: float) -> bytes:
        raise error

    return transport


def _history(years: int = 2) -> pd.DataFrame:
    ds = pd.date_range(START - pd.Timedelta(days=365 * years), START - pd.Timedelta(days=1))
    doy = ds.dayofyear.to_numpy()
    return pd.DataFrame(
        {
            "ds": ds,
            "temperature": 10 - 10 * np.cos(2 * np.pi * (doy - 15) / 365),
            "rain": np.where(doy % 3 == 0, 3.0, 0.0),
        }
    )


def test_provider_answer_gives_sixteen_days_and_the_request_is_daily_mean_and_rain():
    transport = _serve("forecast_16_days.json")
    frame = OpenMeteo(49.79, 9.95, timeout=3, transport=transport).daily()
    assert len(frame) == 16
    assert frame["ds"].iloc[0] == START
    assert frame["temperature"].iloc[3] == -1.2 and frame["rain"].iloc[7] == 8.2
    url, timeout = transport.asked[0]
    assert timeout == 3
    assert "temperature_2m_mean%2Cprecipitation_sum" in url and "latitude=49.7900" in url


def test_null_days_of_the_answer_are_left_to_the_normals():
    provider = OpenMeteo(49.79, 9.95, transport=_serve("forecast_last_day_null.json"))
    dates = pd.date_range(START, periods=20)
    result = horizon_weather(dates, _history(), provider)
    assert result.available
    assert result.sources == {"provider": 15, "normals": 5}
    assert result.frame["temperature"].notna().all()


@pytest.mark.parametrize(
    ("transport", "said"),
    [
        (_raise(TimeoutError("timed out")), "did not answer within 10 s"),
        (_raise(OSError("connection refused")), "could not be reached"),
        (_serve("nonsense_temperatures.json"), "temperatures are out of any real range"),
        (_serve("lists_of_different_length.json"), "differ in length"),
        (_serve("error_bad_latitude.json"), "refused the request: Latitude must be"),
        (lambda url, timeout: b"<html>502 Bad Gateway</html>", "not JSON"),
        (lambda url, timeout: b"[1, 2, 3]", "not an object"),
        (lambda url, timeout: b'{"daily": {"time": ["2026-12-07"]}}', "no temperature_2m_mean"),
    ],
)
def test_failing_provider_means_no_weather_from_it_and_says_why(transport, said):
    provider = OpenMeteo(49.79, 9.95, transport=transport)
    with pytest.raises(WeatherUnavailable, match=said):
        provider.daily()
    # Without weather history, nothing else covers the horizon: no weather, and the reason.
    result = horizon_weather(pd.date_range(START, periods=14), None, provider)
    assert not result.available
    assert said.split(":")[0] in result.note and "without weather" in result.note
    # With weather history, the normals stand in and the note still says the forecast failed.
    result = horizon_weather(pd.date_range(START, periods=14), _history(), provider)
    assert result.available and result.sources == {"normals": 14}
    assert "Weather forecast not used" in result.note


def test_beyond_the_provider_days_come_seasonal_normals():
    provider = OpenMeteo(49.79, 9.95, transport=_serve("forecast_16_days.json"))
    dates = pd.date_range(START, periods=28)
    result = horizon_weather(dates, _history(), provider)
    assert result.sources == {"provider": 16, "normals": 12}
    normal = seasonal_normals(_history(), dates[16:])
    tail = result.frame.iloc[16:]
    assert np.allclose(tail["temperature"], normal["temperature"])


def test_seasonal_normals_average_the_same_days_of_earlier_years():
    hist = _history(3)
    dates = pd.DatetimeIndex(["2027-01-15", "2027-07-15"])
    normals = seasonal_normals(hist, dates)
    assert normals["temperature"].iloc[0] < 1.0 < 19.0 < normals["temperature"].iloc[1]
    assert 0.5 < normals["rain"].iloc[0] < 1.5  # rain one day in three, 3 mm
    assert seasonal_normals(hist.iloc[:0], dates)["temperature"].isna().all()


def test_uploaded_csv_covers_days_without_network():
    text = "date,temperature,rain\n2026-12-07,3.5,0\n2026-12-08,-1,2.5\n"
    upload = parse_weather_csv(text)
    result = horizon_weather(pd.date_range(START, periods=2), None, None, upload)
    assert result.available and result.sources == {"upload": 2}
    assert result.frame["rain"].tolist() == [0.0, 2.5]


@pytest.mark.parametrize(
    ("text", "field", "said"),
    [
        ("day,temperature,rain\n", "weather_csv", "missing: date"),
        ("date,temperature,rain\n07/12/2026,1,0\n", "date", "Line 2"),
        ("date,temperature,rain\n2026-12-07,warm,0\n", "temperature", "not a number"),
        ("date,temperature,rain\n2026-12-07,85,0\n", "temperature", "outside -60..60"),
        ("date,temperature,rain\n2026-12-07,5,-2\n", "rain", "outside 0..500"),
        ("date,temperature,rain\n2026-12-07,5,0\n2026-12-07,6,0\n", "date", "twice"),
    ],
)
def test_bad_csv_is_refused_naming_the_line_and_value(text, field, said):
    with pytest.raises(BohError) as err:
        parse_weather_csv(text)
    assert err.value.field == field and said in str(err.value)


@settings(max_examples=60, deadline=None)
@given(st.text(max_size=200))
def test_csv_parser_refuses_or_parses_never_crashes(text):
    try:
        frame = parse_weather_csv(text)
    except BohError:
        return
    assert list(frame.columns) == ["ds", "temperature", "rain"]


@settings(max_examples=60, deadline=None)
@given(
    st.recursive(
        st.none() | st.booleans() | st.floats() | st.text(max_size=10),
        lambda c: st.lists(c, max_size=4) | st.dictionaries(st.text(max_size=12), c, max_size=4),
        max_leaves=12,
    )
)
def test_provider_parser_refuses_any_nonsense_with_weather_unavailable(payload):
    try:
        frame = parse_open_meteo(payload)
    except WeatherUnavailable:
        return
    assert list(frame.columns) == ["ds", "temperature", "rain"]


@pytest.mark.parametrize(("lat", "lon"), [(91, 0), (0, -181), (float("nan"), 0), ("49", 9)])
def test_store_coordinates_out_of_range_are_refused(lat, lon):
    with pytest.raises(BohError):
        OpenMeteo(lat, lon)
