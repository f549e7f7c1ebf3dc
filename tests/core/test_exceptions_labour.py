"""Tests for boh_core.exceptions.labour: hours far above what the forecast needed."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from boh_core.errors import BohError
from boh_core.exceptions import LabourThresholds, detect_labour


def days(n=80, extra=(), seed=2):
    rng = np.random.default_rng(seed)
    needed = 40 + 10 * np.sin(np.arange(n) / 3)
    hours = needed * (1 + np.clip(rng.normal(0, 0.02, n), -0.05, 0.05))
    for day, more in extra:
        hours[day] += more
    return pd.DataFrame(
        {"store": 7, "ds": pd.date_range("2026-02-01", periods=n), "hours": hours, "needed": needed}
    )


def test_hours_far_above_the_need_are_flagged():
    found = detect_labour(days(extra=[(60, 12)]))
    assert [(f.kind, f.key, str(f.start)) for f in found] == [("labour", (7,), "2026-04-02")]
    assert found[0].detail["excess_hours"] > 10
    assert found[0].observed > found[0].high


def test_clean_days_and_days_under_the_need_raise_nothing():
    assert detect_labour(days()) == []
    assert detect_labour(days(extra=[(60, -15)])) == []


def test_same_result_twice_and_one_finding_per_cause():
    frame = days(extra=[(60, 12), (61, 14), (63, 12)])
    once = detect_labour(frame)
    assert once == detect_labour(frame)
    assert len(once) == 1 and once[0].detail["days"] == 3
    later = detect_labour(frame.iloc[10:])
    assert (later[0].key, later[0].start) == (once[0].key, once[0].start)


def test_roles_are_series_of_their_own():
    frame = pd.concat([days().assign(role="cook"), days(extra=[(60, 12)]).assign(role="server")])
    assert [f.key for f in detect_labour(frame)] == [(7, "server")]


def test_short_history_is_skipped():
    found = detect_labour(days(n=10, extra=[(8, 20)]))
    assert found == [] and found.skipped == {(7,): "short_history"}


def test_bad_input_and_settings():
    with pytest.raises(BohError) as caught:
        detect_labour(days().assign(hours="many"))
    assert (caught.value.field, caught.value.value) == ("days.hours", "many")
    with pytest.raises(BohError) as caught:
        detect_labour(days(), settings=LabourThresholds(min_hours=0))
    assert caught.value.field == "min_hours"
