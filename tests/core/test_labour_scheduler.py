"""Tests for boh_core.labour's scheduler, greedy baseline and rule checker."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, datetime

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from boh_core.labour import (
    Employee,
    MinorRules,
    OvertimeRules,
    Problem,
    Rules,
    Shift,
    Timeline,
    cost_shares,
    greedy_schedule,
    priced,
    schedule_cost,
    solve,
    violations,
)
from boh_core.labour.demand import open_slots
from boh_core.labour.solver import _Builder, cp_model
from boh_core.labour.templates import build_templates, costs, eligible

MONDAY = date(2026, 3, 2)
DET = {"time_limit": 5.0, "deterministic": True, "seed": 7}
NO_BREAK = Rules(break_after_hours=9.0)


def problem(
    employees, need_by_hour, days=1, opening=(10, 18), rules=NO_BREAK, tz="UTC", **kwargs
) -> Problem:
    """One role ("cook"): ``need_by_hour`` maps (day, hour) to people."""
    timeline = Timeline(MONDAY, tz, days=days)
    mask = open_slots(timeline, [(d, opening[0] * 60, opening[1] * 60) for d in range(7)])
    need = np.zeros((1, timeline.n_slots), dtype=np.int64)
    for (day, hour), people in need_by_hour.items():
        first, last = timeline.local_span(timeline.day(day), hour * 60, hour * 60 + 60)
        need[0, first:last] = people
    return Problem(timeline, ["cook"], need * mask, mask, employees, rules, **kwargs)


def cook(name, cost, **kwargs):
    return Employee(name, frozenset({"cook"}), cost, name=name, **kwargs)


def test_a_small_instance_reaches_its_known_optimal_cost():
    # one cook 10-14, two 14-18: cheapest is A (20/h) 10-18 and C (25/h) 14-18 = 260
    need = {(0, h): 1 for h in range(10, 14)} | {(0, h): 2 for h in range(14, 18)}
    case = problem([cook("A", 20), cook("B", 30), cook("C", 25)], need)
    proposal = solve(case, **DET)
    assert proposal.status == "optimal"
    assert proposal.cost == 260.0
    assert proposal.coverage_pct == 100.0 and not proposal.uncovered
    assert {(s.employee, s.start, s.end) for s in proposal.shifts} == {("A", 40, 72), ("C", 56, 72)}
    assert all(s.reason["code"] == "cover" for s in proposal.shifts)


def test_the_same_seed_and_one_worker_repeat_exactly():
    need = {(d, h): 1 + (h in (12, 13)) for d in range(3) for h in range(10, 18)}
    people = [cook(f"E{i}", 20 + i) for i in range(5)]
    first = solve(problem(people, need, days=3), **DET)
    second = solve(problem(people, need, days=3), **DET)
    assert first.shifts == second.shifts and first.cost == second.cost


def test_demand_that_cannot_be_met_gives_the_best_schedule_and_lists_the_gaps():
    case = problem([cook("A", 20)], {(0, h): 3 for h in range(10, 18)})
    proposal = solve(case, **DET)
    assert len(proposal.shifts) == 1 and proposal.shifts[0].worked_slots == 32
    assert proposal.coverage_pct == 100.0 / 3
    assert [(u.missing, u.reason) for u in proposal.uncovered] == [(2, "limits")]
    assert proposal.uncovered[0].slot_count == 2 * 32
    assert violations(case, proposal.shifts) == []


def test_an_employee_without_a_job_is_noted_and_a_role_nobody_holds_is_uncovered():
    jobless = Employee("J", frozenset(), 10.0, name="J")
    case = problem([jobless], {(0, h): 1 for h in range(10, 14)})
    proposal = solve(case, **DET)
    assert proposal.shifts == []
    assert {"code": "no_job", "employee": "J"} in proposal.notes
    assert [u.reason for u in proposal.uncovered] == ["no_job"]


def test_overlapping_time_off_is_never_worked():
    leave = (
        (datetime(2026, 3, 2, 9, 0), datetime(2026, 3, 2, 13, 0)),
        (datetime(2026, 3, 2, 12, 0), datetime(2026, 3, 2, 15, 0)),
    )
    case = problem([cook("A", 20, time_off=leave)], {(0, h): 1 for h in range(10, 18)})
    proposal = solve(case, **DET)
    assert all(s.start >= 60 for s in proposal.shifts)  # not before 15:00
    assert {u.reason for u in proposal.uncovered} == {"unavailable"}
    assert violations(case, proposal.shifts) == []


def test_an_employee_booked_at_another_store_keeps_rest_and_weekly_hours():
    elsewhere = ((datetime(2026, 3, 2, 14, 0), datetime(2026, 3, 2, 23, 0)),)
    both = cook("A", 20, booked=elsewhere, max_week_hours=14.0)
    need = {(d, h): 1 for d in range(2) for h in range(8, 20)}
    case = problem([both], need, days=2, opening=(8, 20))
    proposal = solve(case, **DET)
    assert proposal.shifts, "Tuesday can still be worked"
    for shift in proposal.shifts:
        assert case.timeline.local(shift.start) >= datetime(2026, 3, 3, 10, 0)  # 11 h rest
    assert sum(s.worked_slots for s in proposal.shifts) <= 4 * (14 - 9)
    assert violations(case, proposal.shifts) == []


def test_a_daylight_saving_day_schedules_real_hours():
    need = {(6, h): 1 for h in range(10, 18)}
    case = problem([cook("A", 20)], need, days=7, tz="America/New_York")
    proposal = solve(case, **DET)
    (shift,) = proposal.shifts
    assert case.timeline.local(shift.start) == datetime(2026, 3, 8, 10, 0)
    assert case.timeline.local(shift.end) == datetime(2026, 3, 8, 18, 0)
    assert proposal.cost == 160.0


def test_a_store_with_no_opening_hours_gets_an_empty_schedule_and_a_note():
    timeline = Timeline(MONDAY, "UTC", days=1)
    mask = open_slots(timeline, None)
    need = np.zeros((1, timeline.n_slots), dtype=np.int64)
    case = Problem(timeline, ["cook"], need, mask, [cook("A", 20)])
    proposal = solve(case, **DET)
    assert proposal.shifts == [] and {"code": "closed"} in proposal.notes


def test_minors_stay_within_their_hours_and_off_at_night():
    rules = Rules(
        break_after_hours=9.0,
        max_day_hours=10,
        max_shift_hours=10,
        minors=MinorRules(max_day_hours=6, night_start=20 * 60, night_end=6 * 60),
    )
    need = {(0, h): 1 for h in range(12, 22)}
    case = problem([cook("M", 10, minor=True)], need, opening=(12, 22), rules=rules)
    (shift,) = solve(case, **DET).shifts
    assert shift.worked_slots <= 24 and case.timeline.local(shift.end).hour <= 20


def test_shifts_priced_outside_the_solver_cost_what_the_solver_says():
    """priced() gives a shift made elsewhere (an Odoo form) the solver's own cost, and the
    shares of the weekly overtime add up to schedule_cost, the last hours carrying it."""
    rules = Rules(break_after_hours=9.0, max_week_hours=48.0)
    need = {(d, h): 1 for d in range(6) for h in range(10, 18)}
    case = problem([cook("A", 20)], need, days=6, rules=rules, holidays={date(2026, 3, 7)})
    proposal = solve(case, **DET)
    bare = [
        Shift(s.employee, s.role, s.start, s.end, s.break_start, s.break_end)
        for s in proposal.shifts
    ]
    shifts = priced(case, bare)
    assert [s.cost for s in shifts] == [s.cost for s in proposal.shifts]
    total = schedule_cost(case, shifts)
    assert total == proposal.cost == 40 * 20 + 8 * 20 * 3  # Saturday a holiday: no weekly OT
    ordinary = problem([cook("A", 20)], need, days=6, rules=rules)
    shifts = priced(ordinary, bare)
    shares = cost_shares(ordinary, shifts)
    assert sum(shares) == schedule_cost(ordinary, shifts) == 48 * 20 + 4 * 20 * 0.5
    assert shares[:-1] == [160.0] * 5 and shares[-1] == 160.0 + 40.0  # Saturday's 4 h over 44


def _local_shift(case, employee, day, start, end, pause=None):
    """A shift on local ``day`` from ``start`` to ``end`` (``(h, m)``), with a 30-minute
    break from ``pause``."""
    timeline = case.timeline

    def slot(at):
        return timeline.slot_at(timeline.local_instant(timeline.day(day), at[0] * 60 + at[1]))

    if pause is None:
        return Shift(employee, "cook", slot(start), slot(end))
    return Shift(employee, "cook", slot(start), slot(end), slot(pause), slot(pause) + 2)


def test_a_week_of_overtime_a_holiday_and_unpaid_breaks_costs_the_hand_figure():
    """Long because the week is written out shift by shift, with the figure beside it."""
    rules = Rules(max_shift_hours=11, max_day_hours=11, max_week_hours=60)
    need = {(d, h): 1 for d in range(7) for h in range(8, 19)}
    saturday = date(2026, 3, 7)
    case = problem(
        [cook("A", 20)],
        need,
        days=7,
        opening=(8, 19),
        rules=rules,
        tz="Asia/Shanghai",
        holidays={saturday},
    )
    week = [
        _local_shift(case, "A", 0, (8, 0), (18, 30), (13, 0)),  # 10 h: 2 h over 8 a day
        *(_local_shift(case, "A", d, (9, 0), (17, 30), (13, 0)) for d in range(1, 5)),  # 4 x 8 h
        _local_shift(case, "A", 5, (9, 0), (17, 30), (13, 0)),  # 8 h on a public holiday
        _local_shift(case, "A", 6, (10, 0), (16, 0)),  # 6 h, no break
    ]
    shifts = priced(case, week)
    # Mon 10 h + 2 h at +50%; Tue-Fri 32 h; Sat 8 h at 300%; Sun 6 h; normal-day hours
    # within 8 a day: 8 + 32 + 6 = 46, 2 h beyond 44 at +50%. Breaks unpaid.
    hand = (10 * 20 + 2 * 10) + 32 * 20 + 8 * 60 + 6 * 20 + 2 * 10
    assert hand == 1480
    assert [round(s.cost, 2) for s in shifts] == [220.0, 160.0, 160.0, 160.0, 160.0, 480.0, 120.0]
    assert schedule_cost(case, shifts) == hand
    shares = cost_shares(case, shifts)
    assert sum(shares) == hand and shares[-1] == 120.0 + 20.0  # Sunday's last 2 h past 44
    paid = replace(case, rules=replace(rules, break_paid=True))
    # six 30-minute breaks paid: five at 20 an hour, Saturday's at 300%
    assert schedule_cost(paid, priced(paid, week)) == hand + 5 * 10 + 30
    assert violations(case, shifts) == []


def test_two_shifts_on_a_day_pay_overtime_on_the_days_hours():
    rules = Rules(break_after_hours=9.0, split_shifts=True, max_day_hours=10)
    case = problem([cook("A", 20)], {}, opening=(8, 22), rules=rules)
    # 08:00-13:00 and 15:00-20:00: 10 h in the day, neither shift over 8 on its own
    shifts = priced(case, [Shift("A", "cook", 32, 52), Shift("A", "cook", 60, 80)])
    assert [s.cost for s in shifts] == [100.0, 100.0]
    assert schedule_cost(case, shifts) == 200.0 + 2 * 10
    assert cost_shares(case, shifts) == [100.0, 120.0]


def test_split_shifts_weigh_the_overtime_of_the_days_hours():
    """Two 5-hour parts make a 10-hour day, 2 h of it overtime: the solver counts it, so a
    colleague a little dearer takes one part, and not when they are dear enough."""
    rules = Rules(break_after_hours=9.0, split_shifts=True, max_day_hours=10)
    need = {(0, h): 1 for h in (8, 9, 10, 11, 12, 15, 16, 17, 18, 19)}
    for dearer, employees, cost in ((21, ["A", "B"], 205.0), (25, ["A", "A"], 220.0)):
        case = problem([cook("A", 20), cook("B", dearer)], need, opening=(8, 20), rules=rules)
        proposal = solve(case, **DET)
        assert sorted(s.employee for s in proposal.shifts) == employees
        assert proposal.cost == cost == schedule_cost(case, priced(case, proposal.shifts))


def test_holiday_rest_day_and_daily_overtime_are_paid_at_their_rates():
    rules = Rules(break_after_hours=12, max_day_hours=10, max_shift_hours=10)
    need = {(d, h): 1 for d in range(3) for h in range(8, 18)}
    worker = cook("A", 10, rest_weekdays={1})  # Tuesday is their rest day
    case = problem(
        [worker], need, days=3, opening=(8, 18), rules=rules, holidays={date(2026, 3, 4)}
    )
    # Monday 8 h + 2 h at 150%, Tuesday 10 h at 200%, Wednesday 10 h at 300%
    proposal = solve(case, **DET)
    assert proposal.cost == 110 + 200 + 300
    assert violations(case, proposal.shifts) == []


def test_hours_beyond_44_a_week_are_paid_at_150_percent():
    rules = Rules(break_after_hours=9.0, max_week_hours=48.0)
    need = {(d, h): 1 for d in range(6) for h in range(10, 18)}
    proposal = solve(problem([cook("A", 20)], need, days=6, rules=rules), **DET)
    assert sum(s.worked_slots for s in proposal.shifts) == 48 * 4
    assert proposal.cost == 48 * 20 + 4 * 20 * 0.5  # 4 h over 44 at 150%
    default = problem([cook("A", 20)], need, days=6)  # at most 44 h a week by default
    found = violations(default, proposal.shifts)
    assert found and all("in the week" in v for v in found)


def test_eleven_hours_of_rest_between_a_closing_and_an_opening():
    need = {(0, h): 1 for h in range(18, 22)} | {(1, h): 1 for h in range(6, 10)}
    case = problem([cook("A", 20), cook("B", 40)], need, days=2, opening=(6, 22))
    proposal = solve(case, **DET)
    assert {s.employee for s in proposal.shifts} == {"A", "B"}
    bad = [Shift("A", "cook", 72, 88), Shift("A", "cook", 96 + 24, 96 + 40)]
    assert any("between shifts" in v for v in violations(case, bad))


def test_split_shifts_only_when_allowed():
    need = {(0, h): 1 for h in (10, 11, 12, 13, 18, 19, 20, 21)}
    people = [cook("A", 20), cook("B", 60)]
    split = Rules(break_after_hours=9.0, split_shifts=True, split_gap_hours=2.0)
    with_split = solve(problem(people, need, opening=(10, 22), rules=split), **DET)
    assert [s.employee for s in with_split.shifts] == ["A", "A"]
    without = solve(problem(people, need, opening=(10, 22)), **DET)
    assert sorted(s.employee for s in without.shifts) == ["A", "B"]


def test_weekend_shifts_go_to_whoever_had_fewer():
    need = {(5, h): 1 for h in range(10, 18)}
    people = [cook("A", 20, weekend_history=5), cook("B", 20, weekend_history=1)]
    proposal = solve(problem(people, need, days=7), **DET)
    assert [s.employee for s in proposal.shifts] == ["B"]


def test_closing_shifts_go_to_whoever_closed_less():
    need = {(0, h): 1 for h in range(14, 18)}  # one shift, ending when the store closes
    for history, expected in (((5, 1), "B"), ((1, 5), "A")):
        people = [
            cook("A", 20, closing_history=history[0]),
            cook("B", 20, closing_history=history[1]),
        ]
        proposal = solve(problem(people, need), **DET)
        assert [s.employee for s in proposal.shifts] == [expected]


def test_a_break_is_paid_only_when_the_company_pays_it():
    need = {(0, h): 1 for h in range(10, 18)}
    for paid, cost in ((False, 150.0), (True, 160.0)):
        rules = Rules(break_after_hours=6.0, break_minutes=30, break_paid=paid)
        proposal = solve(problem([cook("A", 20)], need, rules=rules), **DET)
        (shift,) = proposal.shifts
        assert (shift.end - shift.start, shift.break_slots) == (32, 2)  # 8 h, 30 min break
        assert proposal.cost == cost
        assert proposal.uncovered[0].slot_count == 2  # the break is not covered


def test_an_exceeded_budget_is_noted_but_coverage_comes_first():
    need = {(0, h): 1 for h in range(10, 18)}
    proposal = solve(problem([cook("A", 20)], need, budget=100.0), **DET)
    assert proposal.coverage_pct == 100.0
    assert {"code": "over_budget", "cost": 160.0, "budget": 100.0} in proposal.notes


def test_contract_minimum_hours_are_scheduled_when_they_are_paid_anyway():
    need = {(0, h): 1 for h in range(10, 14)}
    people = [cook("A", 20), cook("B", 25, min_week_hours=4)]
    proposal = solve(problem(people, need), **DET)
    assert [s.employee for s in proposal.shifts] == ["B"]


def test_the_checker_finds_broken_rules():
    need = {(0, h): 1 for h in range(10, 18)}
    case = problem(
        [cook("A", 20, minor=True), Employee("W", frozenset({"waiter"}), 10)],
        need,
        opening=(6, 23),
        rules=Rules(),
    )
    broken = [
        Shift("A", "cook", 40, 50),  # 2.5 h: too short
        Shift("W", "cook", 40, 56),  # not their job
        Shift("A", "cook", 56, 92),  # 9 h without a break, into a minor's night
    ]
    found = " | ".join(violations(case, broken))
    for words in ("lasts 2.5 h", "not one of their jobs", "no break", "at night", "between"):
        assert words in found


@st.composite
def instances(draw):
    days = draw(st.integers(1, 3))
    split = draw(st.booleans())
    rules = Rules(
        min_shift_hours=draw(st.sampled_from([3.0, 4.0])),
        max_shift_hours=9.0,
        max_day_hours=8.0,
        max_week_hours=draw(st.sampled_from([12.0, 20.0, 44.0])),
        split_shifts=split,
        break_after_hours=draw(st.sampled_from([5.0, 6.0])),
        break_paid=draw(st.booleans()),
    )
    roles = ["cook", "waiter"]
    timeline = Timeline(MONDAY, draw(st.sampled_from(["UTC", "America/New_York"])), days=days)
    opening = draw(st.sampled_from([(8, 22), (10, 20), (6, 23)]))
    mask = open_slots(timeline, [(d, opening[0] * 60, opening[1] * 60) for d in range(7)])
    hourly = draw(st.lists(st.integers(0, 3), min_size=2 * days * 24, max_size=2 * days * 24))
    need = np.repeat(np.array(hourly).reshape(2, days * 24), 4, axis=1)[:, : timeline.n_slots]
    employees = []
    for index in range(draw(st.integers(1, 5))):
        jobs = draw(st.sets(st.sampled_from(roles), max_size=2))
        off = []
        if draw(st.booleans()):
            start = draw(st.integers(0, days * 24 - 2))
            off.append(
                (
                    datetime(2026, 3, 2, 0) + _hours(start),
                    datetime(2026, 3, 2, 0) + _hours(start + draw(st.integers(1, 10))),
                )
            )
        employees.append(
            Employee(
                index,
                frozenset(jobs),
                float(draw(st.integers(10, 40))),
                min_week_hours=float(draw(st.sampled_from([0, 8]))),
                minor=draw(st.booleans()),
                recurring=tuple(
                    (d, draw(st.integers(6, 12)) * 60, draw(st.integers(14, 23)) * 60)
                    for d in range(7)
                )
                if draw(st.booleans())
                else (),
                time_off=tuple(off),
                rest_weekdays=frozenset(draw(st.sets(st.integers(0, 6), max_size=1))),
            )
        )
    return Problem(timeline, roles, need * mask, mask, employees, rules, budget=500.0)


def _hours(n):
    from datetime import timedelta

    return timedelta(hours=n)


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(instances())
def test_every_hard_rule_holds_on_random_instances(case):
    greedy = greedy_schedule(case)
    proposal = solve(case, time_limit=2.0, deterministic=True, seed=1)
    assert violations(case, greedy.shifts) == []
    assert violations(case, proposal.shifts) == []
    assert proposal.coverage_pct >= greedy.coverage_pct - 1e-9
    short = int(case.need.sum()) * (1 - proposal.coverage_pct / 100)
    assert sum(u.slot_count for u in proposal.uncovered) == round(short)
    assert all(s.reason.get("code") in {"cover", "minimum", "extra"} for s in proposal.shifts)


@st.composite
def costed_instances(draw):
    """Random weeks with overtime limits low enough to bite, a public holiday, and wages
    in even money so that the solver's cents are exact."""
    case = draw(instances())
    overtime = OvertimeRules(
        daily_hours=draw(st.sampled_from([6.0, 8.0])),
        weekly_hours=draw(st.sampled_from([8.0, 16.0, 44.0])),
    )
    days = [case.timeline.day(d) for d in range(case.timeline.days)]
    employees = [replace(e, hourly_cost=2.0 * round(e.hourly_cost / 2)) for e in case.employees]
    return replace(
        case,
        employees=employees,
        rules=replace(case.rules, overtime=overtime, max_day_hours=draw(st.sampled_from([8, 9]))),
        holidays=frozenset(draw(st.sets(st.sampled_from(days), max_size=1))),
    )


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(costed_instances())
def test_the_solver_minimises_the_cost_it_reports(case):
    """The pay in the CP-SAT objective for the proposed schedule, the proposal's cost and
    schedule_cost of the same shifts priced afresh are one figure (the objective adds the
    unworked part of contract minimums, paid anyway)."""
    proposal = solve(case, time_limit=2.0, deterministic=True, seed=1)
    bare = [
        Shift(s.employee, s.role, s.start, s.end, s.break_start, s.break_end)
        for s in proposal.shifts
    ]
    shifts = priced(case, bare)
    cost = schedule_cost(case, shifts)
    assert proposal.cost == round(cost, 2)
    assert sum(cost_shares(case, shifts)) == pytest.approx(cost)
    templates = build_templates(case)
    allowed = [eligible(case, templates, e) for e in case.employees]
    pay = [costs(case, templates, e) for e in case.employees]
    builder = _Builder(case, templates, allowed, pay, cp_model.CpModel())
    builder.build()
    index = {
        (int(a), int(b)): i
        for i, (a, b) in enumerate(zip(templates.start, templates.end, strict=True))
    }
    position = {e.id: n for n, e in enumerate(case.employees)}
    chosen = [
        (position[s.employee], index[(s.start, s.end)], case.role_index[s.role]) for s in shifts
    ]
    assert all(key in builder.x for key in chosen)
    unworked = 0.0
    for employee in case.employees:
        worked = sum(s.worked_slots for s in shifts if s.employee == employee.id)
        if any(allowed[position[employee.id]]):
            short = case.slots(employee.min_week_hours) - worked
            unworked += max(0, short) * employee.hourly_cost / 4
    assert builder.pay_cents(chosen) == round((cost + unworked) * 100)


def test_a_store_with_no_job_to_schedule_gets_an_empty_proposal():
    timeline = Timeline(MONDAY, "UTC", days=1)
    mask = open_slots(timeline, [(0, 600, 1320)])
    case = Problem(
        timeline, [], np.zeros((0, timeline.n_slots), dtype=np.int64), mask, [cook("A", 20)]
    )
    proposal = solve(case, **DET)
    assert proposal.shifts == [] and proposal.coverage_pct == 100.0
