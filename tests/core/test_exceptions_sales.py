"""Tests for boh_core.exceptions.sales: the calibrated band after known causes."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from boh_core.errors import BohError
from boh_core.exceptions import SalesThresholds, detect_sales


def days(n=90, seed=1, spikes=(), causes=None, item="A"):
    """A store's item with a forecast of 50 +- 5 (80% interval +-6.4) and its actuals."""
    rng = np.random.default_rng(seed)
    forecast = np.full(n, 50.0)
    actual = np.round(forecast + np.clip(rng.normal(0, 5, n), -12, 12))
    for day, extra in spikes:
        actual[day] += extra
    frame = pd.DataFrame(
        {
            "store": "S1",
            "item": item,
            "ds": pd.date_range("2026-01-01", periods=n),
            "actual": actual,
            "forecast": forecast,
            "lo80": forecast - 6.4,
            "hi80": forecast + 6.4,
        }
    )
    frame["cause"] = ""
    for day, cause in (causes or {}).items():
        frame.loc[day, "cause"] = cause
    return frame


def test_a_day_far_above_the_band_is_flagged_with_its_evidence():
    found = detect_sales(days(spikes=[(70, 40)]))
    assert [(f.kind, f.key, str(f.start)) for f in found] == [("sales", ("S1", "A"), "2026-03-12")]
    f = found[0]
    assert f.observed > f.high > f.expected > f.low
    assert f.score > 3.29
    assert f.detail["direction"] == "high"


def test_clean_days_raise_nothing():
    assert detect_sales(days(seed=3)) == []


def test_a_promotion_explains_its_spike():
    assert detect_sales(days(spikes=[(70, 40)], causes={70: "promotion"})) == []


def test_the_store_total_has_its_own_key():
    frame = days(spikes=[(70, 40)], item="")
    assert [f.key for f in detect_sales(frame)] == [("S1",)]


def test_same_result_twice():
    frame = days(spikes=[(70, 40), (80, -35)])
    assert detect_sales(frame) == detect_sales(frame)


def test_an_ongoing_cause_is_one_finding_with_the_same_start_in_overlapping_windows():
    frame = days(spikes=[(70, 40), (71, 45), (72, 42)])
    first = detect_sales(frame.iloc[:72])
    later = detect_sales(frame.iloc[5:73])
    assert len(later) == 1 and later[0].detail["days"] == 3
    assert (first[0].kind, first[0].key, first[0].start) == (
        later[0].kind,
        later[0].key,
        later[0].start,
    )


def test_a_false_alarm_scale_widens_the_band():
    frame = days(spikes=[(70, 22)])
    plain = detect_sales(frame)
    assert len(plain) == 1
    wider = detect_sales(frame, scales={("S1", "A"): 3.0})
    assert wider == []
    assert detect_sales(frame, scales={("S1", "B"): 3.0}) == plain


def test_a_new_series_is_skipped_until_its_baseline_is_credible():
    found = detect_sales(days(n=15, spikes=[(10, 60)]))
    assert found == [] and found.skipped == {("S1", "A"): "short_history"}


def test_a_stricter_setting_flags_less():
    frame = days(spikes=[(70, 22)])
    assert detect_sales(frame, settings=SalesThresholds(z=10.0)) == []


@pytest.mark.parametrize(
    ("change", "field", "value"),
    [
        (lambda f: f.drop(columns="forecast"), "days", "forecast"),
        (lambda f: f.assign(actual=["x", *f["actual"].iloc[1:]]), "days.actual", "x"),
        (lambda f: f.assign(ds=["never", *f["ds"].iloc[1:]]), "days.ds", "never"),
        (lambda f: f.assign(lo80=f["hi80"] + 1), "days.lo80", 57.4),
    ],
)
def test_bad_input_names_the_field_and_the_value(change, field, value):
    with pytest.raises(BohError) as caught:
        detect_sales(change(days()))
    assert caught.value.field == field
    assert caught.value.value == value
    assert caught.value.code.startswith("exceptions.")


def test_bad_settings_and_scales_are_refused():
    with pytest.raises(BohError) as caught:
        detect_sales(days(), settings=SalesThresholds(z=-1))
    assert (caught.value.field, caught.value.code) == ("z", "exceptions.settings.positive")
    with pytest.raises(BohError) as caught:
        detect_sales(days(), scales={("S1", "A"): 0})
    assert caught.value.code == "exceptions.scale.positive"
    with pytest.raises(BohError) as caught:
        detect_sales([1, 2])
    assert caught.value.code == "exceptions.frame.not_dataframe"
