"""Tests for boh_core.maintenance.sla: working-hours arithmetic and SLA status."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from boh_core.errors import BohError
from boh_core.maintenance.sla import (
    ALWAYS,
    SlaTarget,
    WorkingHours,
    add_business_hours,
    business_hours_between,
    sla_status,
)

PARIS = ZoneInfo("Europe/Paris")
SHANGHAI = ZoneInfo("Asia/Shanghai")
UTC = timezone.utc
SHANGHAI_HOURS = WorkingHours.every_day("10:00", "22:00", tz="Asia/Shanghai")
OFFICE_PARIS = WorkingHours.every_day("09:00", "17:00", tz="Europe/Paris", days=range(5))
TARGETS = {"3": SlaTarget(1, 4), "2": SlaTarget(2, 8), "1": (4, 24), "0": (8, 48), "bad": (1,)}


def at(tz: ZoneInfo, *parts: int) -> datetime:
    return datetime(*parts, tzinfo=tz)


def test_24_7_is_plain_elapsed_time_and_returns_utc():
    created = at(SHANGHAI, 2024, 5, 1, 23, 30)
    deadline = add_business_hours(created, 4)
    assert deadline == at(SHANGHAI, 2024, 5, 2, 3, 30)
    assert deadline.tzinfo == UTC
    assert business_hours_between(created, deadline) == 4
    assert business_hours_between(deadline, created) == -4
    assert ALWAYS.always_open and not SHANGHAI_HOURS.always_open


def test_across_midnight_in_shanghai_opening_hours():
    # Monday 21:00 with 3 working hours: 1 h tonight, 2 h from Tuesday 10:00.
    created = at(SHANGHAI, 2024, 5, 6, 21, 0)
    assert add_business_hours(created, 3, SHANGHAI_HOURS) == at(SHANGHAI, 2024, 5, 7, 12, 0)
    # Created while closed (03:00): the clock starts at the 10:00 opening.
    night = at(SHANGHAI, 2024, 5, 7, 3, 0)
    assert add_business_hours(night, 2, SHANGHAI_HOURS) == at(SHANGHAI, 2024, 5, 7, 12, 0)
    assert business_hours_between(night, at(SHANGHAI, 2024, 5, 7, 12, 0), SHANGHAI_HOURS) == 2
    # A deadline at closing time stays at 22:00 instead of jumping to the next opening.
    assert add_business_hours(night, 12, SHANGHAI_HOURS) == at(SHANGHAI, 2024, 5, 7, 22, 0)
    # The same instant expressed in UTC gives the same answer.
    assert add_business_hours(created.astimezone(UTC), 3, SHANGHAI_HOURS) == at(
        SHANGHAI, 2024, 5, 7, 12, 0
    )


def test_weekend_is_skipped():
    friday = at(PARIS, 2024, 5, 17, 16, 0)
    assert add_business_hours(friday, 2, OFFICE_PARIS) == at(PARIS, 2024, 5, 20, 10, 0)
    assert business_hours_between(friday, at(PARIS, 2024, 5, 20, 10, 0), OFFICE_PARIS) == 2
    saturday = at(PARIS, 2024, 5, 18, 11, 0)
    assert business_hours_between(saturday, at(PARIS, 2024, 5, 19, 23, 0), OFFICE_PARIS) == 0
    # 20 hours = 2.5 working days: Mon, Tue, half of Wed.
    monday = at(PARIS, 2024, 5, 20, 9, 0)
    assert add_business_hours(monday, 20, OFFICE_PARIS) == at(PARIS, 2024, 5, 22, 13, 0)


def test_dst_spring_forward_in_paris():
    weekend = WorkingHours.weekly(
        {5: [("00:00", "24:00")], 6: [("00:00", "24:00")]}, "Europe/Paris"
    )
    created = at(PARIS, 2024, 3, 30, 12, 0)  # Saturday, clocks jump 02:00 -> 03:00 Sunday
    # 12 h left on Saturday, then Sunday has only 23 real hours.
    assert business_hours_between(created, at(PARIS, 2024, 4, 1, 0, 0), weekend) == 35
    deadline = add_business_hours(created, 24, weekend)
    assert deadline == at(PARIS, 2024, 3, 31, 13, 0)  # 24 real hours, the wall clock says 25
    # Plain 24/7 in the same zone: 24 real hours later too.
    assert add_business_hours(created, 24) == at(PARIS, 2024, 3, 31, 13, 0)
    # A 01:00-04:00 shift on that Sunday lasts 2 real hours.
    early = WorkingHours.weekly({6: [("01:00", "04:00")]}, "Europe/Paris")
    day_start, day_end = at(PARIS, 2024, 3, 31, 0, 0), at(PARIS, 2024, 4, 1, 0, 0)
    assert business_hours_between(day_start, day_end, early) == 2
    assert business_hours_between(day_start - timedelta(days=7), day_start, early) == 3


def test_dst_fall_back_in_paris():
    sunday = WorkingHours.weekly({6: [("00:00", "24:00")]}, "Europe/Paris")
    day_start, day_end = at(PARIS, 2024, 10, 27, 0, 0), at(PARIS, 2024, 10, 28, 0, 0)
    assert business_hours_between(day_start, day_end, sunday) == 25
    assert add_business_hours(day_start, 25, sunday) == day_end
    # Three real hours after midnight is the second 02:00 (CET). PEP 495 makes an
    # ambiguous wall time unequal to any other zone's, so compare the timestamps.
    second_two_am = at(PARIS, 2024, 10, 27, 2, 0).replace(fold=1)
    assert add_business_hours(day_start, 3, sunday) == at(UTC, 2024, 10, 27, 1, 0)
    assert add_business_hours(day_start, 3, sunday).timestamp() == second_two_am.timestamp()


def test_overnight_shift_belongs_to_the_day_it_starts():
    late = WorkingHours.every_day("18:00", "02:00", tz="Asia/Shanghai", days=[4])  # Friday
    friday_night = at(SHANGHAI, 2024, 5, 17, 23, 0)
    assert add_business_hours(friday_night, 2, late) == at(SHANGHAI, 2024, 5, 18, 1, 0)
    assert add_business_hours(friday_night, 4, late) == at(SHANGHAI, 2024, 5, 24, 19, 0)
    saturday = at(SHANGHAI, 2024, 5, 18, 0, 0)
    assert business_hours_between(saturday, at(SHANGHAI, 2024, 5, 18, 5, 0), late) == 2


def test_sla_status_open_request_overdue_and_remaining():
    created = at(SHANGHAI, 2024, 5, 6, 20, 0)
    now = at(SHANGHAI, 2024, 5, 7, 13, 0)  # 2 h Monday night + 3 h Tuesday = 5 working h
    status = sla_status("3", TARGETS, created, now=now, calendar=SHANGHAI_HOURS)
    assert status.response_deadline == at(SHANGHAI, 2024, 5, 6, 21, 0)
    assert status.resolution_deadline == at(SHANGHAI, 2024, 5, 7, 12, 0)
    assert status.resolution_elapsed_hours == 5
    assert status.resolution_remaining_hours == -1
    assert status.response_remaining_hours == -4
    assert status.response_overdue and status.resolution_overdue
    assert not status.responded and not status.resolved


def test_sla_status_met_targets():
    created = at(PARIS, 2024, 5, 17, 16, 0)  # Friday
    status = sla_status(
        "1",
        TARGETS,
        created,
        first_response=at(PARIS, 2024, 5, 17, 16, 30),
        resolved=at(PARIS, 2024, 5, 20, 15, 0),  # Monday
        now=at(PARIS, 2024, 6, 1, 0, 0),
        calendar=OFFICE_PARIS,
    )
    assert status.response_elapsed_hours == 0.5
    assert status.resolution_elapsed_hours == 7
    assert status.resolution_deadline == at(PARIS, 2024, 5, 22, 9, 0) + timedelta(hours=7)
    assert status.resolution_remaining_hours == 17
    assert not status.response_overdue and not status.resolution_overdue
    assert status.responded and status.resolved


def test_resolution_counts_as_response_and_late_response_is_overdue():
    created = at(UTC, 2024, 5, 1, 8, 0)
    status = sla_status(
        "2", TARGETS, created, resolved=at(UTC, 2024, 5, 1, 9, 0), now=at(UTC, 2024, 5, 2)
    )
    assert status.responded and not status.response_overdue
    assert status.response_elapsed_hours == 1
    late = sla_status(
        "2",
        TARGETS,
        created,
        first_response=at(UTC, 2024, 5, 1, 11, 0),
        now=at(UTC, 2024, 5, 1, 12, 0),
    )
    assert late.response_overdue and not late.resolution_overdue
    assert late.resolution_remaining_hours == 4


@pytest.mark.parametrize(
    ("kwargs", "field"),
    [
        ({"priority": "9"}, "priority"),
        ({"created": datetime(2024, 5, 1, 8)}, "created"),
        ({"now": datetime(2024, 5, 1, 8)}, "now"),
        ({"resolved": at(UTC, 2024, 4, 30)}, "resolved"),
        ({"first_response": at(UTC, 2024, 4, 30)}, "first_response"),
        ({"created": "2024-05-01"}, "created"),
        ({"priority": "bad"}, "targets"),
    ],
)
def test_sla_status_refuses_bad_input(kwargs, field):
    args = {"priority": "3", "created": at(UTC, 2024, 5, 1, 8), "now": at(UTC, 2024, 5, 2)}
    args.update(kwargs)
    with pytest.raises(BohError) as info:
        sla_status(args.pop("priority"), TARGETS, args.pop("created"), **args)
    assert info.value.field == field


@pytest.mark.parametrize(
    ("build", "field"),
    [
        (lambda: WorkingHours(tz="Mars/Olympus"), "tz"),
        (lambda: WorkingHours(shifts=()), "shifts"),
        (lambda: WorkingHours(shifts=((7, 0, 60),)), "shifts"),
        (lambda: WorkingHours(shifts=(("0", 0, 60),)), "shifts"),
        (lambda: WorkingHours(shifts=((0, 0),)), "shifts"),
        (lambda: WorkingHours(shifts=((0, 0, 2000),)), "shifts"),
        (lambda: WorkingHours.every_day("25:00", "26:00"), "start"),
        (lambda: WorkingHours.every_day("10:00", "10:7"), "end"),
        (lambda: WorkingHours.every_day("24:00", "10:00"), "start"),
        (lambda: WorkingHours.weekly({0: [("09:00", "17:00"), ("16:00", "18:00")]}), "shifts"),
        (lambda: WorkingHours.weekly({6: [("20:00", "04:00")], 0: [("03:00", "05:00")]}), "shifts"),
        (lambda: WorkingHours.weekly({9: [("09:00", "17:00")]}), "weekday"),
    ],
)
def test_working_hours_refuse_bad_schedules(build, field):
    with pytest.raises(BohError) as info:
        build()
    assert info.value.field == field


def test_add_business_hours_refuses_bad_hours():
    for hours in (-1, float("nan"), "4", True):
        with pytest.raises(BohError) as info:
            add_business_hours(at(UTC, 2024, 5, 1), hours, SHANGHAI_HOURS)
        assert info.value.field == "hours"


def test_sparse_calendar_reaches_far_deadlines():
    one_hour_a_week = WorkingHours.weekly({2: [("10:00", "11:00")]}, "Europe/Paris")
    deadline = add_business_hours(at(PARIS, 2024, 1, 1), 60, one_hour_a_week)
    assert deadline.astimezone(PARIS).hour == 11
    assert business_hours_between(at(PARIS, 2024, 1, 1), deadline, one_hour_a_week) == 60


CALENDARS = [
    SHANGHAI_HOURS,
    OFFICE_PARIS,
    WorkingHours.weekly({5: [("00:00", "24:00")], 6: [("22:00", "03:00")]}, "Europe/Paris"),
    WorkingHours.weekly({0: [("06:00", "11:00"), ("17:00", "23:30")]}, "America/New_York"),
]


@settings(max_examples=150, deadline=None)
@given(
    st.sampled_from(CALENDARS),
    st.datetimes(
        min_value=datetime(2023, 1, 1), max_value=datetime(2026, 1, 1), timezones=st.just(UTC)
    ),
    st.floats(min_value=0, max_value=200, allow_nan=False),
)
def test_adding_then_measuring_gives_back_the_hours(calendar, start, hours):
    deadline = add_business_hours(start, hours, calendar)
    assert deadline >= start
    assert business_hours_between(start, deadline, calendar) == pytest.approx(hours, abs=1e-6)
    # The deadline is the earliest such instant: a minute earlier is not enough.
    if hours >= 1 / 60:
        earlier = business_hours_between(start, deadline - timedelta(minutes=1), calendar)
        assert earlier < hours
