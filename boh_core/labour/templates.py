"""The shifts that may be worked at a store in a week, and which of them each employee may take.

A template is a shift shape on one local day: start, end, and a break in its middle when it
is long enough. Every employee takes templates, so constraints about the day's hours and
shift lengths hold by construction; availability, minors' nights and rest against shifts at
other stores filter them per employee.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from functools import cached_property

import numpy as np

from boh_core.labour.problem import Employee, Problem, Shift


@dataclass(frozen=True)
class Templates:
    """Arrays of equal length, one entry per template."""

    start: np.ndarray
    end: np.ndarray
    break_start: np.ndarray
    break_end: np.ndarray
    day: np.ndarray
    closing: np.ndarray
    weekend: np.ndarray
    n_slots: int

    def __len__(self) -> int:
        return len(self.start)

    @cached_property
    def worked(self) -> np.ndarray:
        return self.end - self.start - (self.break_end - self.break_start)

    @cached_property
    def covers(self) -> np.ndarray:
        """Boolean matrix templates x slots: the slots each template works (break excluded)."""
        slots = np.arange(self.n_slots)
        inside = (slots >= self.start[:, None]) & (slots < self.end[:, None])
        on_break = (slots >= self.break_start[:, None]) & (slots < self.break_end[:, None])
        return inside & ~on_break


def day_spans(problem: Problem) -> list[tuple[int, int] | None]:
    """``(first open slot, end of last open slot)`` of each local day, or None when closed."""
    spans = []
    for first, last in problem.timeline.day_bounds:
        open_slots = np.flatnonzero(problem.open_mask[first:last])
        spans.append(
            None if not len(open_slots) else (first + open_slots[0], first + open_slots[-1] + 1)
        )
    return spans


def build_templates(problem: Problem) -> Templates:
    """All shift shapes of the week: starts every ``start_step_minutes`` from each day's
    opening, lengths from the shortest to the longest shift by ``length_step_minutes``,
    ending by closing time."""
    rules, timeline = problem.rules, problem.timeline
    slot = timeline.slot_minutes
    step = max(1, round(rules.start_step_minutes / slot))
    length_step = max(1, round(rules.length_step_minutes / slot))
    shortest = max(1, math.ceil(rules.min_shift_hours * 60 / slot - 1e-9))
    longest = problem.slots(rules.max_shift_hours)
    break_after = problem.slots(rules.break_after_hours)
    break_len = math.ceil(rules.break_minutes / slot - 1e-9) if rules.break_minutes else 0
    lengths = list(range(shortest, longest + 1, length_step))
    if lengths and lengths[-1] != longest:
        lengths.append(longest)
    rows = []
    weekdays = [timeline.day(d).weekday() for d in range(timeline.days)]
    for d, span in enumerate(day_spans(problem)):
        if span is None:
            continue
        opening, closing = span
        for start in range(opening, closing - shortest + 1, step):
            for length in lengths:
                end = start + length
                if end > closing:
                    break
                has_break = break_len and length - break_len > break_after
                b_start = start + (length - break_len) // 2 if has_break else 0
                b_end = b_start + break_len if has_break else 0
                rows.append((start, end, b_start, b_end, d, end == closing, weekdays[d] >= 5))
    data = np.array(rows, dtype=np.int64).reshape(-1, 7)
    return Templates(
        start=data[:, 0],
        end=data[:, 1],
        break_start=data[:, 2],
        break_end=data[:, 3],
        day=data[:, 4],
        closing=data[:, 5].astype(bool),
        weekend=data[:, 6].astype(bool),
        n_slots=timeline.n_slots,
    )


def _window_all(mask: np.ndarray, start: np.ndarray, end: np.ndarray) -> np.ndarray:
    """For each ``[start, end)``: are all slots of ``mask`` true there?"""
    counts = np.concatenate(([0], np.cumsum(mask, dtype=np.int64)))
    return counts[end] - counts[start] == end - start


def eligible(problem: Problem, templates: Templates, employee: Employee) -> np.ndarray:
    """Which templates ``employee`` may work, each on its own: available the whole shift,
    within their hours for a day and a week, no night work for minors, and rest kept
    against shifts at other stores."""
    if not employee.jobs & set(problem.roles) or not len(templates):
        return np.zeros(len(templates), dtype=bool)
    ok = _window_all(problem.availability(employee), templates.start, templates.end)
    ok &= templates.worked <= problem.slots(problem.max_day_hours(employee))
    week_left = problem.slots(problem.max_week_hours(employee))
    ok &= templates.worked <= week_left - problem.booked_worked_slots(employee)
    if employee.minor:
        minors = problem.rules.minors
        minute = problem.timeline.slot_minute
        if minors.night_start > minors.night_end:
            night = (minute >= minors.night_start) | (minute < minors.night_end)
        else:
            night = (minute >= minors.night_start) & (minute < minors.night_end)
        ok &= _window_all(~night, templates.start, templates.end)
    rest = problem.slots(problem.rules.min_rest_hours)
    for first, last in problem.booked_spans(employee):
        ok &= (templates.end + rest <= first) | (last + rest <= templates.start)
    return ok


def costs(problem: Problem, templates: Templates, employee: Employee) -> np.ndarray:
    """Pay of each template for ``employee``: paid hours at the day's rate (holiday, rest
    day or normal), plus the overtime premium for hours beyond the daily limit."""
    rules = problem.rules
    per_slot = employee.hourly_cost * problem.timeline.slot_minutes / 60.0
    paid = templates.worked + (
        (templates.break_end - templates.break_start) if rules.break_paid else 0
    )
    multiplier = np.array(
        [problem.day_multiplier(employee, d) for d in range(problem.timeline.days)]
    )[templates.day]
    daily_limit = problem.slots(rules.overtime.daily_hours)
    overtime = np.maximum(0, templates.worked - daily_limit)
    premium = np.where(multiplier == 1.0, overtime * (rules.overtime.overtime_rate - 1.0), 0.0)
    return per_slot * (paid * multiplier + premium)


def shift_cost(problem: Problem, employee: Employee, shift: Shift) -> float:
    """Pay of one given shift of ``employee``, as :func:`costs` prices a template: paid slots
    at the day's rate (holiday, rest day or normal), plus the daily overtime premium."""
    rules = problem.rules
    day = int(problem.timeline.slot_day[min(max(shift.start, 0), problem.timeline.n_slots - 1)])
    paid = shift.worked_slots + (shift.break_slots if rules.break_paid else 0)
    multiplier = problem.day_multiplier(employee, day)
    premium = 0.0
    if multiplier == 1.0:
        overtime = max(0, shift.worked_slots - problem.slots(rules.overtime.daily_hours))
        premium = overtime * (rules.overtime.overtime_rate - 1.0)
    per_slot = employee.hourly_cost * problem.timeline.slot_minutes / 60.0
    return per_slot * (paid * multiplier + premium)
