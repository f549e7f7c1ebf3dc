"""Tests for boh_core.maintenance.sensors: validation, breach episodes, HACCP daily log."""

from __future__ import annotations

import math
from datetime import date, datetime, timedelta, timezone

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from boh_core.errors import BohError
from boh_core.maintenance.sensors import (
    Threshold,
    breach_episodes,
    daily_temperature_log,
    validate_reading,
)

NOW = datetime(2024, 5, 1, 12, 0, tzinfo=timezone.utc)
METRICS = {"temperature", "humidity", "current"}
GOOD = {
    "equipment": "CLD-0002",
    "metric": "temperature",
    "value": 4.5,
    "at": "2024-05-01T19:55:00+08:00",
}


def check(reading):
    return validate_reading(reading, METRICS, now=NOW)


def fields(errors):
    return sorted(error.field for error in errors)


def test_valid_reading_is_normalised():
    clean, errors = check({**GOOD, "equipment": " cld-0002 ", "value": "4.5", "extra": 1})
    assert errors == []
    assert clean == {
        "equipment": "CLD-0002",
        "metric": "temperature",
        "value": 4.5,
        "at": datetime(2024, 5, 1, 11, 55, tzinfo=timezone.utc),
    }
    assert clean["at"].utcoffset() == timedelta(0)
    assert check({**GOOD, "at": "2024-05-01T11:55:00Z"})[0]["at"] == clean["at"]
    aware = datetime(2024, 5, 1, 13, 55, tzinfo=timezone(timedelta(hours=2)))
    assert check({**GOOD, "at": aware})[0]["at"] == clean["at"]
    assert check({**GOOD, "value": -18})[0]["value"] == -18.0


@pytest.mark.parametrize(
    ("change", "field", "words"),
    [
        ({"equipment": "cold room 2"}, "equipment", "FRY-0042"),
        ({"equipment": 42}, "equipment", "FRY-0042"),
        ({"metric": "Temperature"}, "metric", "current, humidity, temperature"),
        ({"value": float("nan")}, "value", "finite"),
        ({"value": float("inf")}, "value", "finite"),
        ({"value": "1e999"}, "value", "finite"),
        ({"value": True}, "value", "finite"),
        ({"value": "warm"}, "value", "finite"),
        ({"value": [4]}, "value", "finite"),
        ({"at": "2024-05-01T19:55:00"}, "at", "no UTC offset"),
        ({"at": datetime(2024, 5, 1, 11, 55)}, "at", "no UTC offset"),
        ({"at": "2024-05-01"}, "at", "no UTC offset"),
        ({"at": "01/05/2024 19:55 +08:00"}, "at", "ISO 8601"),
        ({"at": "2024-05-01T12:30:00Z"}, "at", "future"),
        ({"at": "2031-01-01T00:00:00+00:00"}, "at", "future"),
        ({"at": "1970-01-01T00:00:00+00:00"}, "at", "2015"),
        ({"at": 1714564500}, "at", "ISO 8601"),
        ({"at": "2" * 10_000}, "at", "ISO 8601"),
        ({"equipment": None}, "equipment", "no equipment"),
    ],
)
def test_each_bad_field_is_named(change, field, words):
    clean, errors = check({**GOOD, **change})
    assert clean is None
    assert fields(errors) == [field]
    assert words in str(errors[0])
    assert len(str(errors[0])) < 200  # a giant value is not echoed whole


def test_all_problems_are_reported_together():
    clean, errors = check({"metric": "smell", "value": "hot", "at": "2024-05-01T10:00"})
    assert clean is None
    assert fields(errors) == ["at", "equipment", "metric", "value"]
    assert check([GOOD])[1][0].field == "reading"
    assert fields(check({})[1]) == ["at", "equipment", "metric", "value"]


def test_small_clock_skew_is_tolerated_and_now_must_be_aware():
    assert check({**GOOD, "at": "2024-05-01T12:09:00+00:00"})[1] == []
    with pytest.raises(BohError) as info:
        validate_reading(GOOD, METRICS, now=datetime(2024, 5, 1, 12))
    assert info.value.field == "now"


JUNK = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(),
    st.floats(),
    st.text(max_size=40),
    st.binary(max_size=10),
    st.lists(st.integers(), max_size=3),
    st.datetimes(),
    st.datetimes(timezones=st.timezones()),
)


@settings(max_examples=300, deadline=None)
@given(
    st.one_of(
        st.dictionaries(
            st.sampled_from(["equipment", "metric", "value", "at", "other"]), JUNK, max_size=5
        ),
        JUNK,
    )
)
def test_validator_never_raises_and_either_accepts_or_explains(data):
    clean, errors = check(data)
    assert (clean is None) != (errors == [])
    for error in errors:
        assert isinstance(error, BohError)
        assert error.field in {"reading", "equipment", "metric", "value", "at"}
        assert str(error).endswith(".")
    if clean is not None:
        assert math.isfinite(clean["value"]) and clean["at"].tzinfo is not None


@settings(max_examples=200, deadline=None)
@given(
    st.from_regex(r"[A-Z][A-Z0-9]{1,5}", fullmatch=True),
    st.integers(1, 99_999),
    st.sampled_from(sorted(METRICS)),
    st.floats(allow_nan=False, allow_infinity=False, width=32),
    st.datetimes(min_value=datetime(2015, 1, 2), max_value=datetime(2024, 4, 30)),
    st.integers(-12 * 60, 14 * 60),
)
def test_well_formed_readings_are_accepted(prefix, number, metric, value, moment, offset):
    zone = timezone(timedelta(minutes=offset))
    stamp = moment.replace(tzinfo=zone)
    reading = {
        "equipment": f"{prefix.lower()}-{number:04d}",
        "metric": metric,
        "value": repr(value) if number % 2 else value,
        "at": stamp.isoformat(),
    }
    clean, errors = check(reading)
    assert errors == []
    assert clean["equipment"] == f"{prefix}-{number:04d}"
    assert clean["value"] == float(value)
    assert clean["at"] == stamp


T0 = pd.Timestamp("2024-05-01 00:00", tz="UTC")


def series(equipment, values, step=10, start=T0, metric="temperature"):
    return pd.DataFrame(
        {
            "equipment": equipment,
            "metric": metric,
            "at": [start + pd.Timedelta(minutes=step * i) for i in range(len(values))],
            "value": values,
        }
    )


FRIDGE = (0.0, 5.0, 15)  # 0-5 degrees, a breach must last 15 minutes


def test_episode_needs_the_minimum_duration():
    readings = pd.concat(
        [
            # 00:20-00:40 out (20 min, counts), 01:10-01:20 out (10 min, does not)
            series("CLD-0001", [3, 4, 9, 10, 11, 4, 3, 12, 13, 2]),
            # freezer (max -18): -10 at 00:20 and -5 at 00:50, still out: open episode
            series("FRZ-0001", [-30, -25, -10, -5], step=10).assign(
                at=lambda f: [T0 + pd.Timedelta(minutes=m) for m in (0, 10, 20, 50)]
            ),
        ]
    )
    thresholds = {
        ("CLD-0001", "temperature"): FRIDGE,
        ("FRZ-0001", "temperature"): Threshold(None, -18, 30),
    }
    episodes = breach_episodes(readings, thresholds)
    assert len(episodes) == 2
    first, second = episodes.to_dict("records")
    assert first["equipment"] == "CLD-0001"
    assert first["start"] == T0 + pd.Timedelta(minutes=20)
    assert first["last_out"] == T0 + pd.Timedelta(minutes=40)
    assert first["end"] == T0 + pd.Timedelta(minutes=50)
    assert (first["duration_minutes"], first["readings"], first["peak"]) == (20, 3, 11)
    assert (first["direction"], first["state"]) == ("high", "closed")
    assert second["equipment"] == "FRZ-0001"
    assert second["state"] == "open" and pd.isna(second["end"])
    assert second["duration_minutes"] == 30 and second["peak"] == -5
    # With a 0-minute duration every run counts, single readings included.
    loose = {key: (lo, hi, 0) for key, (lo, hi, _) in thresholds.items()}
    assert len(breach_episodes(readings, loose)) == 3


def test_episode_key_is_stable_as_readings_arrive():
    thresholds = {("CLD-0001", "temperature"): FRIDGE}
    assert breach_episodes(series("CLD-0001", [3, 8, 9]), thresholds).empty  # 10 min only
    early = breach_episodes(series("CLD-0001", [3, 8, 9, 9]), thresholds)
    later = breach_episodes(series("CLD-0001", [3, 8, 9, 9, 10, 4]), thresholds)
    assert early.loc[0, "state"] == "open" and later.loc[0, "state"] == "closed"
    key = ["equipment", "metric", "start"]
    assert early[key].to_dict("records") == later[key].to_dict("records")


def test_low_breach_unsorted_input_and_other_series_ignored():
    readings = pd.concat(
        [
            series("CLD-0001", [3, -2, -4, -1, 1]),
            series("CLD-0001", [99, 99], metric="humidity"),  # no threshold: ignored
            series("OVN-0001", [250, 260]),  # no threshold: ignored
        ]
    ).sample(frac=1, random_state=3)
    episodes = breach_episodes(readings, {("CLD-0001", "temperature"): FRIDGE})
    assert len(episodes) == 1
    row = episodes.iloc[0]
    assert (row["peak"], row["direction"], row["readings"]) == (-4, "low", 3)
    assert row["end"] == T0 + pd.Timedelta(minutes=40)


def test_runs_do_not_leak_between_equipment():
    readings = pd.concat([series("CLD-0001", [9, 9, 9]), series("CLD-0002", [9, 9, 9, 3])])
    thresholds = {("CLD-0001", "temperature"): FRIDGE, ("CLD-0002", "temperature"): FRIDGE}
    episodes = breach_episodes(readings, thresholds).set_index("equipment")
    assert episodes.loc["CLD-0001", "state"] == "open"
    assert episodes.loc["CLD-0002", "state"] == "closed"
    assert episodes.loc["CLD-0002", "end"] == T0 + pd.Timedelta(minutes=30)


def test_no_breach_gives_empty_frame_with_columns():
    result = breach_episodes(series("CLD-0001", [1, 2, 3]), {("CLD-0001", "temperature"): FRIDGE})
    assert result.empty and "state" in result.columns
    assert breach_episodes(series("CLD-0001", [1]), {}).empty


@pytest.mark.parametrize(
    ("readings", "thresholds", "field"),
    [
        (series("A-1", [1]).drop(columns="value"), {}, "readings"),
        (series("CLD-0001", [np.nan]), {}, "value"),
        (series("CLD-0001", [1]), {("CLD-0001", "temperature"): (5, 0, 0)}, "thresholds"),
        (series("CLD-0001", [1]), {("CLD-0001", "temperature"): (None, None, 0)}, "thresholds"),
        (series("CLD-0001", [1]), {("CLD-0001", "temperature"): (0, 5, -1)}, "thresholds"),
        (series("CLD-0001", [1]), {"CLD-0001": (0, 5, 0)}, "thresholds"),
        (series("CLD-0001", [1]), {("CLD-0001", "temperature"): 5}, "thresholds"),
        (series("CLD-0001", [1]), {("CLD-0001", "temperature"): ("a", 5, 0)}, "thresholds"),
        (series("CLD-0001", [1]), {("CLD-0001", "temperature"): (0, 5, np.nan)}, "thresholds"),
        (series("CLD-0001", [1]).assign(at=pd.NaT), {}, "at"),
        (series("CLD-0001", [1]).assign(at="noon"), {}, "at"),
    ],
)
def test_breach_episodes_refuse_bad_input(readings, thresholds, field):
    with pytest.raises(BohError) as info:
        breach_episodes(readings, thresholds)
    assert info.value.field == field


def test_daily_log_uses_local_days_and_splits_minutes_at_midnight():
    # Readings every 20 min from 23:00 to 01:00 Shanghai time (15:00-17:00 UTC).
    start = pd.Timestamp("2024-05-01 23:00", tz="Asia/Shanghai").tz_convert("UTC")
    readings = series("CLD-0001", [4, 7, 8, 9, 6, 3, 2], step=20, start=start)
    thresholds = {("CLD-0001", "temperature"): FRIDGE}
    log = daily_temperature_log(readings, "Asia/Shanghai", thresholds).to_dict("records")
    assert [row["day"] for row in log] == [date(2024, 5, 1), date(2024, 5, 2)]
    may1, may2 = log
    assert (may1["count"], may1["min"], may1["max"]) == (3, 4.0, 8.0)
    assert may1["mean"] == pytest.approx(19 / 3)
    # Out of range: 23:20 (7), 23:40 (8), 00:00 (9), 00:20 (6), each held 20 min.
    assert may1["out_count"] == 2 and may1["minutes_out"] == 40
    assert may2["out_count"] == 2 and may2["minutes_out"] == 40
    # In UTC all of it is one day.
    utc = daily_temperature_log(readings, "UTC", thresholds)
    assert len(utc) == 1 and utc.loc[0, "minutes_out"] == 80


def test_daily_log_caps_gaps_and_splits_a_hold_across_midnight():
    at = pd.to_datetime(
        ["2024-05-01 23:50", "2024-05-02 00:10", "2024-05-02 05:00", "2024-05-02 06:00"]
    ).tz_localize("Europe/Paris")
    readings = pd.DataFrame(
        {"equipment": "CLD-0001", "metric": "temperature", "at": at, "value": [9, 9, 3, 3]}
    )
    thresholds = {("CLD-0001", "temperature"): FRIDGE}
    log = daily_temperature_log(readings, "Europe/Paris", thresholds, max_gap_minutes=30)
    minutes = dict(zip(log["day"], log["minutes_out"], strict=True))
    # 23:50 holds 20 min: 10 on May 1, 10 on May 2; 00:10 holds 30 min (capped), not 4 h 50.
    assert minutes == {date(2024, 5, 1): 10.0, date(2024, 5, 2): 40.0}


def test_daily_log_without_thresholds_and_other_metrics():
    readings = pd.concat(
        [series("CLD-0001", [1, 2, 3]), series("CLD-0001", [50, 60], metric="humidity")]
    )
    log = daily_temperature_log(readings, "UTC")
    assert len(log) == 1 and log.loc[0, "count"] == 3 and log.loc[0, "mean"] == 2
    assert np.isnan(log.loc[0, "minutes_out"]) and np.isnan(log.loc[0, "out_count"])
    humid = daily_temperature_log(readings, "UTC", metric="humidity")
    assert humid.loc[0, "max"] == 60
    assert daily_temperature_log(readings, "UTC", metric="current").empty


def test_daily_log_refuses_bad_zone_and_gap():
    readings = series("CLD-0001", [1])
    with pytest.raises(BohError) as info:
        daily_temperature_log(readings, "Moon/Base")
    assert info.value.field == "tz"
    with pytest.raises(BohError) as info:
        daily_temperature_log(readings, "UTC", max_gap_minutes=0)
    assert info.value.field == "max_gap_minutes"
