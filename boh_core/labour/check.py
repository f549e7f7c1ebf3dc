"""Measure a schedule and list every hard rule it breaks, independently of how it was made."""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, replace

import numpy as np

from boh_core.labour.problem import Employee, Problem, Shift
from boh_core.labour.templates import shift_cost


@dataclass(frozen=True)
class Metrics:
    """Coverage % of needed person-slots, over-staffed hours, cost and budget, broken rules."""

    coverage_pct: float
    covered_slots: int
    needed_slots: int
    overstaffed_hours: float
    cost: float
    budget: float | None
    violations: int


def coverage(problem: Problem, shifts: Iterable[Shift]) -> np.ndarray:
    """People working per role (rows) and slot."""
    cover = np.zeros_like(problem.need)
    for shift in shifts:
        row = problem.role_index.get(shift.role)
        if row is None:
            continue
        cover[row, shift.start : shift.end] += 1
        cover[row, shift.break_start : shift.break_end] -= 1
    return cover


def weekly_overtime_slots(problem: Problem, employee: Employee, shifts: list[Shift]) -> int:
    """Slots beyond the weekly limit that are not already paid as daily overtime or at a
    holiday or rest-day rate (work at other stores counts towards the week)."""
    rules = problem.rules.overtime
    daily_limit = problem.slots(rules.daily_hours)
    normal = problem.booked_worked_slots(employee)
    daily_ot = 0
    by_day = defaultdict(int)
    for shift in shifts:
        day = int(problem.timeline.slot_day[shift.start])
        if problem.day_multiplier(employee, day) == 1.0:
            by_day[day] += shift.worked_slots
    for worked in by_day.values():
        normal += worked
        daily_ot += max(0, worked - daily_limit)
    return max(0, normal - daily_ot - problem.slots(rules.weekly_hours))


def shared_day_overtime_slots(problem: Problem, employee: Employee, shifts: list[Shift]) -> int:
    """Slots beyond the daily limit on normal days with more than one shift (split shifts)
    that no shift's own cost pays as daily overtime: each shift prices only its own hours
    beyond the limit, the law counts the day's."""
    daily_limit = problem.slots(problem.rules.overtime.daily_hours)
    by_day = defaultdict(list)
    for shift in shifts:
        day = int(problem.timeline.slot_day[shift.start])
        if problem.day_multiplier(employee, day) == 1.0:
            by_day[day].append(shift.worked_slots)
    return sum(
        max(0, sum(worked) - daily_limit) - sum(max(0, w - daily_limit) for w in worked)
        for worked in by_day.values()
    )


def schedule_cost(problem: Problem, shifts: Iterable[Shift]) -> float:
    """Pay for the shifts, the one cost of a schedule (the solver minimises it, the Odoo
    week shows it): each shift's own cost (:func:`priced`: paid hours at the day's rate,
    holiday, rest day or normal, and daily overtime) plus the overtime premiums of days
    with several shifts and of hours beyond the weekly limit."""
    shifts = list(shifts)
    by_employee = defaultdict(list)
    for shift in shifts:
        by_employee[shift.employee].append(shift)
    total = sum(shift.cost for shift in shifts)
    rate = problem.rules.overtime.overtime_rate - 1.0
    for employee in problem.employees:
        mine = by_employee.get(employee.id)
        if mine:
            per_slot = employee.hourly_cost * problem.timeline.slot_minutes / 60.0
            over = weekly_overtime_slots(problem, employee, mine)
            over += shared_day_overtime_slots(problem, employee, mine)
            total += over * per_slot * rate
    return total


def priced(problem: Problem, shifts: Iterable[Shift]) -> list[Shift]:
    """The shifts with their own ``cost`` worked out from the problem (day's rate and daily
    overtime, as the solver prices them), for shifts made outside the solver."""
    employees = {employee.id: employee for employee in problem.employees}
    return [
        replace(shift, cost=shift_cost(problem, employees[shift.employee], shift))
        if shift.employee in employees
        else shift
        for shift in shifts
    ]


def cost_shares(problem: Problem, shifts: Iterable[Shift]) -> list[float]:
    """Each shift's share of :func:`schedule_cost`, in the order given (they add up to it).

    A share is the shift's own ``cost`` plus the overtime premiums of the slots it works
    beyond the daily limit (on a day with an earlier shift) or the weekly limit: the
    employee's normal-day slots are counted in time order (after those worked at other
    stores), so the premiums fall on the last ones. Any rest (the other stores' own
    excess) goes to the employee's last shift.
    """
    shifts = list(shifts)
    shares = [shift.cost for shift in shifts]
    rate = problem.rules.overtime.overtime_rate - 1.0
    daily_limit = problem.slots(problem.rules.overtime.daily_hours)
    weekly_limit = problem.slots(problem.rules.overtime.weekly_hours)
    by_employee = defaultdict(list)
    for index, shift in enumerate(shifts):
        by_employee[shift.employee].append(index)
    for employee in problem.employees:
        mine = sorted(by_employee.get(employee.id, []), key=lambda i: shifts[i].start)
        if not mine:
            continue
        per_slot = employee.hourly_cost * problem.timeline.slot_minutes / 60.0
        total = weekly_overtime_slots(problem, employee, [shifts[i] for i in mine])
        counted = problem.booked_worked_slots(employee)
        day_used: dict = defaultdict(int)
        given = 0
        for index in mine:
            shift = shifts[index]
            day = int(problem.timeline.slot_day[shift.start])
            if problem.day_multiplier(employee, day) != 1.0:
                continue
            used, worked = day_used[day], shift.worked_slots
            within = min(worked, max(0, daily_limit - used))
            day_over = max(0, used + worked - daily_limit) - max(0, used - daily_limit)
            day_over -= max(0, worked - daily_limit)  # already in the shift's own cost
            day_used[day] += worked
            over = min(within, max(0, counted + within - weekly_limit), total - given)
            counted += within
            given += over
            shares[index] += (over + day_over) * per_slot * rate
        shares[mine[-1]] += (total - given) * per_slot * rate
    return shares


def measure(problem: Problem, shifts: Iterable[Shift]) -> Metrics:
    """The figures of a schedule: coverage, over-staffing, cost, and broken hard rules."""
    shifts = list(shifts)
    cover = coverage(problem, shifts)
    need = problem.need
    covered = int(np.minimum(cover, need).sum())
    needed = int(need.sum())
    over = int(np.maximum(cover - need, 0).sum())
    return Metrics(
        coverage_pct=100.0 * covered / needed if needed else 100.0,
        covered_slots=covered,
        needed_slots=needed,
        overstaffed_hours=problem.hours(over),
        cost=schedule_cost(problem, shifts),
        budget=problem.budget,
        violations=len(violations(problem, shifts)),
    )


def violations(problem: Problem, shifts: Iterable[Shift]) -> list[str]:
    """Every hard rule the shifts break, one sentence each (empty when all hold).

    Contract minimum hours are not here: they are soft (reported in the proposal's notes).
    """
    employees = {employee.id: employee for employee in problem.employees}
    by_employee: dict = defaultdict(list)
    found = []
    availability: dict = {}
    for shift in shifts:
        employee = employees.get(shift.employee)
        if employee is None:
            found.append(f"{shift.employee}: not an employee of the store")
            continue
        by_employee[employee.id].append(shift)
        if employee.id not in availability:
            availability[employee.id] = problem.availability(employee)
        found += _shift_problems(problem, employee, shift, availability[employee.id])
    for employee_id, mine in by_employee.items():
        found += _employee_problems(problem, employees[employee_id], mine)
    return found


def _night(problem: Problem, slots: np.ndarray) -> np.ndarray:
    """Which of these slots fall in minors' night hours."""
    minors = problem.rules.minors
    minute = problem.timeline.slot_minute[slots]
    if minors.night_start > minors.night_end:
        return (minute >= minors.night_start) | (minute < minors.night_end)
    return (minute >= minors.night_start) & (minute < minors.night_end)


def _shift_problems(
    problem: Problem, employee: Employee, shift: Shift, available: np.ndarray
) -> list[str]:
    """The rules one shift breaks on its own."""
    rules, timeline = problem.rules, problem.timeline
    label = f"{shift.employee} {timeline.local(shift.start)}-{timeline.local(shift.end)}"
    found = []
    if shift.role not in employee.jobs:
        found.append(f"{label}: {shift.role} is not one of their jobs")
    if not 0 <= shift.start < shift.end <= timeline.n_slots:
        return found + [f"{label}: outside the week"]
    length = shift.end - shift.start
    min_len = math.ceil(rules.min_shift_hours * 60 / timeline.slot_minutes - 1e-9)
    if not min_len <= length <= problem.slots(rules.max_shift_hours):
        found.append(f"{label}: lasts {problem.hours(length)} h")
    if shift.break_slots and not shift.start < shift.break_start < shift.break_end < shift.end:
        found.append(f"{label}: break outside the shift")
    break_len = math.ceil(rules.break_minutes / timeline.slot_minutes - 1e-9)
    needs_break = break_len and length - break_len > problem.slots(rules.break_after_hours)
    if needs_break and shift.break_slots < break_len:
        found.append(f"{label}: no break")
    if not available[shift.start : shift.end].all():
        found.append(f"{label}: not available (availability, time off or another store)")
    if employee.minor and _night(problem, np.arange(shift.start, shift.end)).any():
        found.append(f"{label}: a minor working at night")
    return found


def _employee_problems(problem: Problem, employee: Employee, mine: list[Shift]) -> list[str]:
    """The rules an employee's shifts break together: hours a day and a week, shifts a
    day, rest between shifts (also against shifts at other stores)."""
    rules, timeline = problem.rules, problem.timeline
    found = []
    day_worked: dict = defaultdict(int)
    day_count: dict = defaultdict(int)
    for shift in mine:
        day = int(timeline.slot_day[shift.start])
        day_worked[day] += shift.worked_slots
        day_count[day] += 1
    for day, worked in day_worked.items():
        if worked > problem.slots(problem.max_day_hours(employee)):
            found.append(f"{employee.id} day {day}: works {problem.hours(worked)} h")
        if day_count[day] > (2 if rules.split_shifts else 1):
            found.append(f"{employee.id} day {day}: {day_count[day]} shifts")
    week = sum(s.worked_slots for s in mine) + problem.booked_worked_slots(employee)
    if week > problem.slots(problem.max_week_hours(employee)):
        found.append(f"{employee.id}: works {problem.hours(week)} h in the week")
    rest = problem.slots(rules.min_rest_hours)
    gap = problem.slots(rules.split_gap_hours)
    spans = sorted([(s.start, s.end) for s in mine] + problem.booked_spans(employee))
    last = timeline.n_slots - 1
    for (start0, end0), (start1, _) in zip(spans, spans[1:], strict=False):
        same_day = (
            timeline.slot_day[min(max(start0, 0), last)]
            == timeline.slot_day[min(max(start1, 0), last)]
        )
        required = gap if rules.split_shifts and same_day else rest
        if start1 - end0 < required:
            found.append(
                f"{employee.id}: only {problem.hours(start1 - end0)} h between shifts at "
                f"{timeline.local(end0)} and {timeline.local(start1)}"
            )
    return found
