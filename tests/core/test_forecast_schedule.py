"""When the nightly run measures a group of stores' accuracy (boh_core.forecast.schedule)."""

from datetime import date, timedelta

from boh_core.forecast.schedule import accuracy_due, accuracy_slot, last_slot_night

MONDAY = date(2026, 12, 7)


def nights(store_ids, first, days, every=7):
    """The nights a group is measured over ``days`` nights from ``first``, the schedule
    driving itself (each measurement becomes the stores' last)."""
    last = dict.fromkeys(store_ids)
    measured = []
    for k in range(days):
        today = first + timedelta(days=k)
        if accuracy_due(today, last, every):
            measured.append(today)
            last = dict.fromkeys(store_ids, today)
    return measured


def test_a_group_never_measured_is_measured_at_once_then_weekly_on_its_slot():
    measured = nights([22, 23, 24], MONDAY, 29)
    assert measured[0] == MONDAY
    weekly = measured[1:]
    assert len(weekly) == 4
    assert all(day.toordinal() % 7 == accuracy_slot([22, 23, 24]) for day in weekly)
    assert all((b - a).days == 7 for a, b in zip(weekly, weekly[1:], strict=False))
    assert (weekly[0] - MONDAY).days <= 7


def test_consecutive_partitions_spread_over_the_week():
    groups = [list(range(start, start + 20)) for start in range(1, 301, 20)]
    # a steady state: each group last measured on its own slot night
    per_night = {}
    for k in range(7):
        today = MONDAY + timedelta(days=k)
        due = [
            g for g in groups if accuracy_due(today, dict.fromkeys(g, last_slot_night(today, g)))
        ]
        per_night[today] = len(due)
    assert sum(per_night.values()) == len(groups)  # each group once a week
    assert max(per_night.values()) <= 3  # 15 groups over 7 nights


def test_a_new_store_in_a_measured_group_makes_it_due_tonight():
    last = {1: MONDAY - timedelta(days=2), 2: MONDAY - timedelta(days=2), 3: None}
    assert accuracy_due(MONDAY, last)


def test_not_measured_twice_the_same_night_and_not_before_its_slot():
    group = [5, 6]
    slot_night = next(
        MONDAY + timedelta(days=k)
        for k in range(7)
        if (MONDAY + timedelta(days=k)).toordinal() % 7 == accuracy_slot(group)
    )
    assert not accuracy_due(slot_night, dict.fromkeys(group, slot_night))
    assert not accuracy_due(
        slot_night - timedelta(days=1), dict.fromkeys(group, slot_night - timedelta(days=3))
    )


def test_a_group_that_missed_its_slot_is_measured_after_two_cycles():
    group = [5, 6]
    today = MONDAY
    while today.toordinal() % 7 == accuracy_slot(group):
        today += timedelta(days=1)
    assert not accuracy_due(today, dict.fromkeys(group, today - timedelta(days=13)))
    assert accuracy_due(today, dict.fromkeys(group, today - timedelta(days=14)))


def test_every_night_when_every_is_one_and_nothing_for_no_store():
    assert nights([3], MONDAY, 5, every=1) == [MONDAY + timedelta(days=k) for k in range(5)]
    assert not accuracy_due(MONDAY, {})


def test_last_slot_night_is_the_slot_night_before_today():
    for k in range(7):
        today = MONDAY + timedelta(days=k)
        night = last_slot_night(today, [40])
        assert night < today and (today - night).days <= 7
        assert night.toordinal() % 7 == accuracy_slot([40])
