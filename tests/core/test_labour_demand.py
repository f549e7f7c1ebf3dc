"""Tests for boh_core.labour.timeline and .demand: slots, opening hours and need per slot."""

from __future__ import annotations

from datetime import date, datetime

import numpy as np
import pytest

from boh_core.errors import BohError
from boh_core.labour import RoleStandard, Timeline, slot_need
from boh_core.labour.demand import open_slots

MONDAY = date(2026, 3, 2)  # New York springs forward on Sunday 8 March 2026
TEN_TO_TEN = [(d, 10 * 60, 22 * 60) for d in range(7)]


def test_a_week_has_672_quarter_hours_and_the_spring_forward_day_92():
    shanghai = Timeline(MONDAY, "Asia/Shanghai")
    new_york = Timeline(MONDAY, "America/New_York")
    assert shanghai.n_slots == 7 * 96
    assert [b - a for a, b in new_york.day_bounds] == [96] * 6 + [92]
    assert new_york.utc(0) == datetime(2026, 3, 2, 5, 0)
    last_day = new_york.day_bounds[6][0]
    assert new_york.local(last_day + 3 * 4) == datetime(2026, 3, 8, 4, 0)  # 2:00-3:00 skipped


def test_opening_hours_on_a_daylight_saving_day_keep_their_wall_clock():
    timeline = Timeline(MONDAY, "America/New_York")
    mask = open_slots(timeline, TEN_TO_TEN)
    for first, last in timeline.day_bounds:
        day = mask[first:last]
        assert day.sum() == 48
        assert timeline.local(first + int(np.argmax(day))).hour == 10


def test_need_follows_the_hourly_profile_and_rounds_up_per_role():
    timeline = Timeline(MONDAY, "Asia/Shanghai", days=1)
    mask = open_slots(timeline, TEN_TO_TEN)
    cooks = RoleStandard("cook", per_hour=100.0, min_staff=1)
    # 1200 of sales: 600 in the 12:00 hour, 600 spread over the other 11 open hours
    profile = {hour: (11.0 if hour == 12 else 1.0) for hour in range(10, 22)}
    need = slot_need(timeline, [cooks], {("cook", MONDAY): 1200.0}, {"cook": profile}, mask)
    by_hour = need[0].reshape(24, 4)[:, 0]
    assert by_hour[12] == 6  # 600 an hour at 100 per labour hour
    assert by_hour[11] == 1  # 600 / 11 = 54.5 an hour: one person, which is also the minimum
    assert by_hour[9] == 0 and by_hour[22] == 0  # closed
    assert need.dtype == np.int64


def test_minimum_staff_holds_while_open_even_without_sales():
    timeline = Timeline(MONDAY, "UTC", days=2)
    mask = open_slots(timeline, TEN_TO_TEN)
    need = slot_need(timeline, [RoleStandard("host", 50.0, min_staff=2)], {}, {}, mask)
    assert set(need[0][mask]) == {2} and set(need[0][~mask]) == {0}


def test_a_store_without_opening_hours_opens_in_its_sales_hours_or_not_at_all():
    timeline = Timeline(MONDAY, "UTC", days=1)
    from_sales = open_slots(timeline, None, {"cook": {11: 5.0, 12: 9.0, 13: 0.0}})
    assert from_sales.sum() == 8 and from_sales[44:52].all()
    assert not open_slots(timeline, [], {}).any()


def test_closed_days_need_nobody():
    timeline = Timeline(MONDAY, "UTC", days=2)
    mask = open_slots(timeline, TEN_TO_TEN, closed_days=[MONDAY])
    assert not mask[:96].any() and mask[96:].sum() == 48


@pytest.mark.parametrize(
    "make",
    [
        lambda: RoleStandard("cook", 0.0),
        lambda: RoleStandard("cook", float("inf")),
        lambda: RoleStandard("cook", 10.0, min_staff=-1),
        lambda: Timeline(MONDAY, "Mars/Olympus"),
        lambda: Timeline(MONDAY, "UTC", slot_minutes=7),
    ],
)
def test_bad_input_names_the_field(make):
    with pytest.raises(BohError) as error:
        make()
    assert error.value.field in {"per_hour", "min_staff", "tz", "slot_minutes"}


def test_a_negative_forecast_is_refused():
    timeline = Timeline(MONDAY, "UTC", days=1)
    mask = open_slots(timeline, TEN_TO_TEN)
    with pytest.raises(BohError, match="cook"):
        slot_need(timeline, [RoleStandard("cook", 10.0)], {("cook", MONDAY): -5.0}, {}, mask)
