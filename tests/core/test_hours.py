"""Opening hours from calendar lines and availability % (boh_core.hours)."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from boh_core.hours import availability_pct, clock_span, merge_spans, weekly_shifts
from boh_core.maintenance.sla import WorkingHours


def test_overlapping_and_touching_spans_merge_into_one():
    assert merge_spans([(14, 18), (9, 12), (11, 13), (18, 20)]) == [(9, 13), (14, 20)]


def test_separate_spans_stay_apart_in_order():
    assert merge_spans([(17, 22), (9, 12)]) == [(9, 12), (17, 22)]


@given(
    st.lists(st.tuples(st.integers(0, 100), st.integers(1, 50)).map(lambda t: (t[0], t[0] + t[1])))
)
def test_merged_spans_cover_the_same_points_and_never_overlap(spans):
    merged = merge_spans(spans)
    for (_s1, e1), (s2, _e2) in zip(merged, merged[1:], strict=False):
        assert e1 < s2
    covered = {p for s, e in spans for p in range(s, e + 1)}
    assert covered == {p for s, e in merged for p in range(s, e + 1)}


def test_a_calendar_line_is_whole_minutes_within_its_day():
    assert clock_span(8.5, 17.25) == (510, 1035)
    assert clock_span(23.999, 24.0) == (1439, 1440)
    assert clock_span(-1.0, 30.0) == (0, 1440)


def test_weekly_shifts_merge_a_days_lines_and_drop_empty_ones():
    lines = [
        (1, 17.0, 22.0),
        (0, 8.0, 12.0),
        (0, 11.0, 15.0),  # overlaps the morning: one shift 8:00-15:00
        (0, 18.0, 18.0),  # ends where it starts: left out
        (2, 10.0, 9.0),  # ends before it starts: left out
    ]
    assert weekly_shifts(lines) == ((0, 480, 900), (1, 1020, 1320))
    WorkingHours(tz="Asia/Shanghai", shifts=weekly_shifts(lines))


def test_no_usable_line_is_no_shift():
    assert weekly_shifts([]) == ()
    assert weekly_shifts([(3, 9.0, 9.0)]) == ()


def test_availability_is_the_share_of_time_in_operation():
    assert availability_pct(90.0, 10.0) == pytest.approx(90.0)
    assert availability_pct(0.0, 5.0) == 0.0
    assert availability_pct(0.0, 0.0) == 100.0, "nothing measured: nothing was down"
