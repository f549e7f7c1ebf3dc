"""Tests for boh_core.maintenance.reliability: MTTR, MTBF, repeat failures, cost ratio."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from boh_core.errors import BohError
from boh_core.maintenance.reliability import (
    REQUEST_COLUMNS,
    mttr_mtbf,
    repair_cost_ratio,
    repeat_failures,
)

T = pd.Timestamp
NAT = pd.NaT
START, END = T("2024-01-01"), T("2024-01-31")  # 30 days = 720 hours


def requests(rows) -> pd.DataFrame:
    return pd.DataFrame(rows, columns=list(REQUEST_COLUMNS))


FIXTURE = requests(
    [
        # fryer 1 (category 10, store 100): two 4 h and 2 h repairs, one preventive visit
        (1, 10, 100, "corrective", T("2024-01-01 00:00"), T("2024-01-01 04:00")),
        (1, 10, 100, "corrective", T("2024-01-11 00:00"), T("2024-01-11 02:00")),
        (1, 10, 100, "preventive", T("2024-01-05 00:00"), T("2024-01-05 10:00")),
        # fridge 2 (category 10, store 200): still broken since Jan 3, a second overlapping
        # request closed after 12 h
        (2, 10, 200, "corrective", T("2024-01-03 00:00"), NAT),
        (2, 10, 200, "corrective", T("2024-01-03 12:00"), T("2024-01-04 00:00")),
        # oven 3 (category 11, store 100): failed before the period, repaired inside it,
        # and once after the period
        (3, 11, 100, "corrective", T("2023-12-31 18:00"), T("2024-01-01 06:00")),
        (3, 11, 100, "corrective", T("2024-02-02 00:00"), T("2024-02-02 01:00")),
    ]
)


def by_id(frame: pd.DataFrame, key: str) -> dict:
    return frame.set_index(key).to_dict("index")


def test_mttr_mtbf_per_equipment_hand_computed():
    result = by_id(mttr_mtbf(FIXTURE, period_start=START, period_end=END), "equipment_id")
    fryer, fridge, oven = result[1], result[2], result[3]
    assert fryer["failures"] == 2 and fryer["repairs"] == 2
    assert fryer["mttr_hours"] == 3.0  # (4 + 2) / 2; preventive ignored
    assert fryer["downtime_hours"] == 6.0
    assert fryer["mtbf_hours"] == 357.0  # (720 - 6) / 2
    assert fridge["failures"] == 2 and fridge["repairs"] == 1
    assert fridge["mttr_hours"] == 12.0  # the open one is not repaired yet
    assert fridge["downtime_hours"] == 672.0  # Jan 3 -> Jan 31, the overlap counted once
    assert fridge["operating_hours"] == 48.0
    assert fridge["mtbf_hours"] == 24.0
    # The oven failed before the period: 6 h of downtime inside it, but no failure in it.
    assert oven["failures"] == 0 and oven["repairs"] == 0
    assert oven["downtime_hours"] == 6.0
    assert np.isnan(oven["mttr_hours"]) and np.isnan(oven["mtbf_hours"])


def test_groups_are_pooled_not_averaged():
    by_category = by_id(
        mttr_mtbf(FIXTURE, period_start=START, period_end=END, by="category_id"), "category_id"
    )
    ten = by_category[10]
    assert ten["failures"] == 4 and ten["repairs"] == 3
    assert ten["mttr_hours"] == pytest.approx((4 + 2 + 12) / 3)
    assert ten["mtbf_hours"] == pytest.approx((714 + 48) / 4)
    by_store = by_id(
        mttr_mtbf(FIXTURE, period_start=START, period_end=END, by=["store_id"]), "store_id"
    )
    assert by_store[100]["failures"] == 2
    assert by_store[100]["mtbf_hours"] == pytest.approx((714 + 714) / 2)
    both = mttr_mtbf(FIXTURE, period_start=START, period_end=END, by=["store_id", "category_id"])
    assert list(both.columns[:2]) == ["store_id", "category_id"]
    assert len(both) == 3


def test_fleet_without_failures_adds_operating_time():
    fleet = pd.DataFrame({"equipment_id": [4, 1], "category_id": [10, 12], "store_id": [200, 100]})
    result = mttr_mtbf(
        FIXTURE, period_start=START, period_end=END, by="category_id", equipment=fleet
    )
    rows = by_id(result, "category_id")
    # Equipment 4 never failed: its 720 h join category 10; fryer 1 is now category 12.
    assert rows[10]["failures"] == 2
    assert rows[10]["operating_hours"] == pytest.approx(48 + 720)
    assert rows[12]["mtbf_hours"] == 357.0


def test_timezone_aware_input_is_taken_in_utc():
    aware = FIXTURE.copy()
    for column in ("request_dt", "close_dt"):
        aware[column] = aware[column].dt.tz_localize("UTC").dt.tz_convert("Asia/Shanghai")
    result = mttr_mtbf(
        aware,
        period_start=T("2024-01-01 08:00", tz="Asia/Shanghai"),
        period_end=T("2024-01-31", tz="UTC"),
    )
    expected = mttr_mtbf(FIXTURE, period_start=START, period_end=END)
    pd.testing.assert_frame_equal(result, expected)


def _naive_reference(frame: pd.DataFrame, start: pd.Timestamp, end: pd.Timestamp) -> dict:
    """Per-equipment figures computed the slow, obvious way."""
    out = {}
    for equipment, rows in frame.groupby("equipment_id"):
        corrective = rows[rows["kind"] == "corrective"]
        failures = repairs = 0
        repair_hours = 0.0
        intervals = []
        for _, row in corrective.iterrows():
            opened, closed = row["request_dt"], row["close_dt"]
            if start <= opened < end:
                failures += 1
                if closed is not NAT and closed <= end:
                    repairs += 1
                    repair_hours += (closed - opened) / pd.Timedelta(hours=1)
            lo, hi = max(opened, start), min(end if closed is NAT else closed, end)
            if hi > lo:
                intervals.append((lo, hi))
        downtime = 0.0
        reach = None
        for lo, hi in sorted(intervals):
            if reach is not None and lo < reach:
                lo = reach
            if hi > lo:
                downtime += (hi - lo) / pd.Timedelta(hours=1)
            reach = hi if reach is None else max(reach, hi)
        operating = (end - start) / pd.Timedelta(hours=1) - downtime
        out[equipment] = {
            "failures": failures,
            "repairs": repairs,
            "mttr_hours": repair_hours / repairs if repairs else np.nan,
            "mtbf_hours": operating / failures if failures else np.nan,
            "downtime_hours": downtime,
        }
    return out


@settings(max_examples=60, deadline=None)
@given(
    st.lists(
        st.tuples(
            st.integers(1, 4),
            st.sampled_from(["corrective", "corrective", "preventive"]),
            st.integers(-200, 1000),  # hours after Jan 1
            st.one_of(st.none(), st.integers(0, 300)),  # repair length in hours, None = open
        ),
        min_size=1,
        max_size=25,
    )
)
def test_vectorised_figures_match_the_obvious_loop(rows):
    frame = requests(
        [
            (
                equipment,
                equipment % 2,
                7,
                kind,
                START + pd.Timedelta(hours=offset),
                NAT if length is None else START + pd.Timedelta(hours=offset + length),
            )
            for equipment, kind, offset, length in rows
        ]
    )
    result = by_id(mttr_mtbf(frame, period_start=START, period_end=END), "equipment_id")
    expected = _naive_reference(frame, START, END)
    assert set(result) == set(expected)
    for equipment, want in expected.items():
        got = result[equipment]
        for key, value in want.items():
            assert got[key] == pytest.approx(value, nan_ok=True), (equipment, key)


def test_repeat_failures_in_rolling_window():
    frame = requests(
        [
            # equipment 1: 3 failures within 7 days (Jan 1, Jan 5, Jan 8), then one in March
            (1, 10, 100, "corrective", T("2024-01-01"), T("2024-01-01 02:00")),
            (1, 10, 100, "corrective", T("2024-01-05"), T("2024-01-05 02:00")),
            (1, 10, 100, "corrective", T("2024-01-08"), NAT),
            (1, 10, 100, "corrective", T("2024-03-01"), NAT),
            # equipment 2: failures 8 days apart each, plus preventive visits in between
            (2, 10, 200, "corrective", T("2024-01-01"), NAT),
            (2, 10, 200, "preventive", T("2024-01-02"), NAT),
            (2, 10, 200, "preventive", T("2024-01-03"), NAT),
            (2, 10, 200, "corrective", T("2024-01-09"), NAT),
            (2, 10, 200, "corrective", T("2024-01-17"), NAT),
            # equipment 3: 4 failures in one day
            (3, 11, 100, "corrective", T("2024-02-01 08:00"), NAT),
            (3, 11, 100, "corrective", T("2024-02-01 09:00"), NAT),
            (3, 11, 100, "corrective", T("2024-02-01 10:00"), NAT),
            (3, 11, 100, "corrective", T("2024-02-01 11:00"), NAT),
        ]
    )
    result = repeat_failures(frame, n=3, days=7)
    assert result["equipment_id"].tolist() == [3, 1]
    rows = by_id(result, "equipment_id")
    assert rows[3]["failures_in_window"] == 4
    assert rows[3]["window_start"] == T("2024-02-01 08:00")
    assert rows[3]["window_end"] == T("2024-02-01 11:00")
    assert rows[1]["failures_in_window"] == 3
    assert (rows[1]["window_start"], rows[1]["window_end"]) == (T("2024-01-01"), T("2024-01-08"))
    assert rows[1]["category_id"] == 10 and rows[1]["store_id"] == 100
    # The window includes its ends: 16 days holds all three of equipment 2.
    assert 2 in repeat_failures(frame, n=3, days=16)["equipment_id"].tolist()
    assert 2 not in repeat_failures(frame, n=3, days=15.9)["equipment_id"].tolist()
    assert repeat_failures(frame, n=5, days=30).empty
    only_preventive = frame[frame["kind"] == "preventive"]
    assert list(repeat_failures(only_preventive, n=2, days=7).columns) == [
        "equipment_id",
        "category_id",
        "store_id",
        "failures_in_window",
        "window_start",
        "window_end",
    ]


def test_repair_cost_ratio():
    repairs = pd.DataFrame(
        {
            "equipment_id": [1, 1, 2, 5],
            "parts_cost": [100.0, 250.0, 40.0, 10.0],
            "labour_cost": [50, 0, None, 5],
        }
    )
    result = repair_cost_ratio(repairs, {1: 1000.0, 2: 0.0, 3: 500.0})
    assert result["equipment_id"].tolist() == [1, 3, 2, 5]
    rows = by_id(result, "equipment_id")
    assert rows[1]["repair_cost"] == 400.0 and rows[1]["ratio"] == 0.4
    assert rows[3]["repair_cost"] == 0.0 and rows[3]["ratio"] == 0.0
    assert np.isnan(rows[2]["ratio"])  # value 0: ratio undefined, not infinite
    assert np.isnan(rows[5]["equipment_value"]) and np.isnan(rows[5]["ratio"])


@pytest.mark.parametrize(
    ("change", "field"),
    [
        (lambda f: f.drop(columns="kind"), "requests"),
        (lambda f: f.assign(kind="broken"), "kind"),
        (lambda f: f.assign(close_dt=T("2020-01-01")), "close_dt"),
        (lambda f: f.assign(request_dt=NAT), "request_dt"),
        (lambda f: f.assign(request_dt="yesterday-ish"), "request_dt"),
    ],
)
def test_bad_requests_are_refused(change, field):
    with pytest.raises(BohError) as info:
        mttr_mtbf(change(FIXTURE.copy()), period_start=START, period_end=END)
    assert info.value.field == field


def test_bad_arguments_are_refused():
    cases = [
        (lambda: mttr_mtbf(FIXTURE, period_start=END, period_end=START), "period_end"),
        (lambda: mttr_mtbf(FIXTURE, period_start="soon", period_end=END), "period_start"),
        (lambda: mttr_mtbf(FIXTURE, period_start=START, period_end=END, by="kind"), "by"),
        (lambda: mttr_mtbf("x", period_start=START, period_end=END), "requests"),
        (lambda: repeat_failures(FIXTURE, n=1, days=7), "n"),
        (lambda: repeat_failures(FIXTURE, n=3, days=0), "days"),
        (lambda: repair_cost_ratio(pd.DataFrame({"equipment_id": [1]}), {}), "repairs"),
        (
            lambda: repair_cost_ratio(
                pd.DataFrame({"equipment_id": [1], "parts_cost": [-1], "labour_cost": [0]}), {}
            ),
            "parts_cost",
        ),
    ]
    for call, field in cases:
        with pytest.raises(BohError) as info:
            call()
        assert info.value.field == field
