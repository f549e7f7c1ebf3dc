"""The plain data of a week to schedule, and of the proposal that answers it."""

from __future__ import annotations

import math
from collections.abc import Hashable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from functools import cached_property
from typing import Any

import numpy as np

from boh_core.errors import BohError, msg
from boh_core.labour.timeline import Timeline

_DAY = 24 * 60


def _number(name: str, value: Any, minimum: float = 0.0, maximum: float = math.inf) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value):
        raise BohError(name, value, msg("labour.problem.finite_number", name=name, value=value))
    if not minimum <= value <= maximum:
        raise BohError(
            name,
            value,
            msg(
                "labour.problem.lie_between",
                name=name,
                minimum=f"{minimum:g}",
                maximum=f"{maximum:g}",
            ),
        )
    return float(value)


@dataclass(frozen=True)
class OvertimeRules:
    """A company's overtime law: hours beyond ``daily_hours`` a day or ``weekly_hours`` a
    week are paid at ``overtime_rate``; every hour on an employee's rest day at
    ``rest_day_rate`` and on a public holiday at ``holiday_rate``. :meth:`china` is the
    standard working-hours system of the PRC Labour Law (8 h, 44 h, 150/200/300%)."""

    daily_hours: float = 8.0
    weekly_hours: float = 44.0
    overtime_rate: float = 1.5
    rest_day_rate: float = 2.0
    holiday_rate: float = 3.0

    def __post_init__(self) -> None:
        _number("daily_hours", self.daily_hours, 1, 24)
        _number("weekly_hours", self.weekly_hours, 1, 168)
        for name in ("overtime_rate", "rest_day_rate", "holiday_rate"):
            _number(name, getattr(self, name), 1, 10)

    @classmethod
    def china(cls) -> OvertimeRules:
        return cls(8.0, 44.0, 1.5, 2.0, 3.0)


@dataclass(frozen=True)
class MinorRules:
    """Limits for employees under 18: hours a day and a week, and no work at night
    (local ``night_start`` to ``night_end``, minutes after midnight)."""

    max_day_hours: float = 8.0
    max_week_hours: float = 40.0
    night_start: int = 22 * 60
    night_end: int = 6 * 60

    def __post_init__(self) -> None:
        _number("max_day_hours", self.max_day_hours, 0, 24)
        _number("max_week_hours", self.max_week_hours, 0, 168)
        _number("night_start", self.night_start, 0, _DAY)
        _number("night_end", self.night_end, 0, _DAY)


@dataclass(frozen=True)
class Rules:
    """How shifts may be cut, for a store (the defaults suit a Chinese restaurant).

    A shift lasts ``min_shift_hours`` to ``max_shift_hours`` from arrival to departure; one
    longer than ``break_after_hours`` contains a break of ``break_minutes`` in its middle,
    paid or not. A day holds at most ``max_day_hours`` of work; two shifts are
    ``min_rest_hours`` apart, except the two parts of a split shift (when allowed), which
    are at least ``split_gap_hours`` apart on the same day. Shifts start every
    ``start_step_minutes`` and their lengths step by ``length_step_minutes``.
    """

    min_shift_hours: float = 4.0
    max_shift_hours: float = 9.0
    max_day_hours: float = 8.0
    max_week_hours: float = 44.0
    min_rest_hours: float = 11.0
    break_after_hours: float = 6.0
    break_minutes: int = 30
    break_paid: bool = False
    split_shifts: bool = False
    split_gap_hours: float = 2.0
    start_step_minutes: int = 30
    length_step_minutes: int = 60
    overtime: OvertimeRules = field(default_factory=OvertimeRules.china)
    minors: MinorRules = field(default_factory=MinorRules)

    def __post_init__(self) -> None:
        _number("min_shift_hours", self.min_shift_hours, 0.25, 24)
        _number("max_shift_hours", self.max_shift_hours, self.min_shift_hours, 24)
        _number("max_day_hours", self.max_day_hours, 0.25, 24)
        _number("max_week_hours", self.max_week_hours, 0, 168)
        _number("min_rest_hours", self.min_rest_hours, 0, 48)
        _number("break_after_hours", self.break_after_hours, 0, 24)
        _number("break_minutes", self.break_minutes, 0, 240)
        _number("split_gap_hours", self.split_gap_hours, 0, 24)
        _number("start_step_minutes", self.start_step_minutes, 5, 240)
        _number("length_step_minutes", self.length_step_minutes, 5, 240)


@dataclass(frozen=True)
class Employee:
    """One person who may be scheduled at the store.

    ``jobs``: the roles they are qualified for (empty: they cannot be scheduled, and the
    proposal says so). Availability is ``recurring`` ``(weekday, start, end)`` local minutes
    (none at all: whenever the store is open), corrected by ``one_off`` ``(date, start, end,
    available)`` entries; ``time_off`` ``(start, end)`` instants (approved leave, may
    overlap) and ``booked`` instants (shifts at another store) are never worked, and rest
    rules also hold against ``booked``. ``rest_weekdays`` are their weekly rest days (work
    on them is paid at the rest-day rate). ``weekend_history`` and ``closing_history`` count
    such shifts in earlier weeks, for fairness. Hours are per week of this timeline; limits
    left at ``None`` take the store's rules.
    """

    id: Hashable
    jobs: frozenset = frozenset()
    hourly_cost: float = 0.0
    name: str = ""
    min_week_hours: float = 0.0
    max_week_hours: float | None = None
    max_day_hours: float | None = None
    minor: bool = False
    recurring: tuple = ()
    one_off: tuple = ()
    time_off: tuple = ()
    booked: tuple = ()
    rest_weekdays: frozenset = frozenset()
    weekend_history: int = 0
    closing_history: int = 0

    def __post_init__(self) -> None:
        object.__setattr__(self, "jobs", frozenset(self.jobs))
        object.__setattr__(self, "rest_weekdays", frozenset(self.rest_weekdays))
        label = f"employee {self.name or self.id}"
        _number(f"hourly_cost of {label}", self.hourly_cost, 0)
        _number(f"min_week_hours of {label}", self.min_week_hours, 0, 168)
        if self.max_week_hours is not None:
            _number(f"max_week_hours of {label}", self.max_week_hours, 0, 168)
        if self.max_day_hours is not None:
            _number(f"max_day_hours of {label}", self.max_day_hours, 0, 24)
        for weekday, start, end in self.recurring:
            if not (0 <= weekday <= 6 and 0 <= start < end <= 2 * _DAY):
                raise BohError(
                    "recurring",
                    (weekday, start, end),
                    msg("labour.problem.recurring.availability_valid", label=label),
                )
        for span in (*self.time_off, *self.booked):
            if len(span) != 2 or not all(isinstance(x, datetime) for x in span):
                raise BohError(
                    "time_off",
                    span,
                    msg("labour.problem.time_off.period_two_instants", label=label),
                )


@dataclass(frozen=True)
class Shift:
    """A shift of ``employee`` in ``role`` over slots ``[start, end)``, with an optional
    break ``[break_start, break_end)``; ``reason`` says why it is there (see
    :func:`boh_core.labour.explain.shift_reasons`)."""

    employee: Hashable
    role: Hashable
    start: int
    end: int
    break_start: int = 0
    break_end: int = 0
    cost: float = 0.0
    reason: dict = field(default_factory=dict, compare=False)

    @property
    def break_slots(self) -> int:
        return self.break_end - self.break_start

    @property
    def worked_slots(self) -> int:
        return self.end - self.start - self.break_slots


@dataclass(frozen=True)
class Uncovered:
    """Need of ``role`` not met over slots ``[start, end)``: up to ``missing`` people short,
    ``slot_count`` person-slots in all; ``reason`` is a code: ``no_job`` (nobody holds the
    role), ``unavailable`` (nobody qualified can work then) or ``limits`` (those who could
    are at their hours, rest or shift limits, or needed elsewhere)."""

    role: Hashable
    start: int
    end: int
    missing: int
    slot_count: int
    reason: str


@dataclass
class Proposal:
    """A schedule for the week: its shifts, what it leaves uncovered and why, its figures."""

    shifts: list[Shift]
    uncovered: list[Uncovered]
    notes: list[dict]
    status: str
    cost: float
    budget: float | None
    coverage_pct: float
    overstaffed_hours: float
    solve_seconds: float = 0.0


@dataclass(frozen=True)
class Problem:
    """A week to schedule at one store.

    ``need`` is an integer array (roles x slots) of people needed, in the order of
    ``roles``; ``open_mask`` says which slots the store is open (shifts stay within each
    day's first and last open slot). ``budget`` is the labour budget in money (soft),
    ``holidays`` the public holidays among the local days.
    """

    timeline: Timeline
    roles: tuple
    need: np.ndarray
    open_mask: np.ndarray
    employees: tuple[Employee, ...]
    rules: Rules = field(default_factory=Rules)
    budget: float | None = None
    holidays: frozenset = frozenset()

    def __post_init__(self) -> None:
        object.__setattr__(self, "roles", tuple(self.roles))
        object.__setattr__(self, "employees", tuple(self.employees))
        object.__setattr__(self, "holidays", frozenset(self.holidays))
        need = np.asarray(self.need)
        shape = (len(self.roles), self.timeline.n_slots)
        if need.shape != shape:
            raise BohError("need", need.shape, msg("labour.problem.need.have_shape", shape=shape))
        if need.size and (need.min() < 0 or not np.issubdtype(need.dtype, np.integer)):
            raise BohError("need", "negative", msg("labour.problem.need.hold_whole_numbers"))
        object.__setattr__(self, "need", need.astype(np.int64))
        mask = np.asarray(self.open_mask, dtype=bool)
        if mask.shape != (self.timeline.n_slots,):
            raise BohError("open_mask", mask.shape, msg("labour.problem.open_mask.have_flag_per"))
        object.__setattr__(self, "open_mask", mask)
        ids = [employee.id for employee in self.employees]
        if len(set(ids)) != len(ids):
            raise BohError("employees", ids, msg("labour.problem.employees.each_employee_may"))
        if self.budget is not None:
            _number("budget", self.budget, 0)

    @cached_property
    def role_index(self) -> dict:
        return {role: index for index, role in enumerate(self.roles)}

    def hours(self, slots: float) -> float:
        return slots * self.timeline.slot_minutes / 60.0

    def slots(self, hours: float) -> int:
        """Whole slots in ``hours`` (rounded down, so a limit is never exceeded)."""
        return int(math.floor(hours * 60.0 / self.timeline.slot_minutes + 1e-9))

    def max_week_hours(self, employee: Employee) -> float:
        limit = (
            self.rules.max_week_hours
            if employee.max_week_hours is None
            else employee.max_week_hours
        )
        if employee.minor:
            limit = min(limit, self.rules.minors.max_week_hours)
        return limit

    def max_day_hours(self, employee: Employee) -> float:
        limit = (
            self.rules.max_day_hours if employee.max_day_hours is None else employee.max_day_hours
        )
        if employee.minor:
            limit = min(limit, self.rules.minors.max_day_hours)
        return limit

    def availability(self, employee: Employee) -> np.ndarray:
        """Slots ``employee`` can work: recurring availability (all open days when none) with
        one-off corrections, less time off and shifts booked at other stores."""
        timeline = self.timeline
        if employee.recurring:
            mask = np.zeros(timeline.n_slots, dtype=bool)
            for d in range(timeline.days):
                day = timeline.day(d)
                for weekday, start, end in employee.recurring:
                    if weekday == day.weekday():
                        first, last = timeline.local_span(day, start, end)
                        mask[first:last] = True
        else:
            mask = np.ones(timeline.n_slots, dtype=bool)
        for day, start, end, available in employee.one_off:
            if not 0 <= (day - timeline.start).days < timeline.days:
                continue
            if available:
                first, last = timeline.local_span(day, start, end)
                mask[first:last] = True
            else:  # partial slots count as unavailable
                first = max(0, timeline.slot_at(timeline.local_instant(day, start)))
                last = min(timeline.n_slots, timeline.slot_ceil(timeline.local_instant(day, end)))
                mask[first:last] = False
        for start, end in (*employee.time_off, *employee.booked):
            first = max(0, timeline.slot_at(start))
            last = min(timeline.n_slots, timeline.slot_ceil(end))
            if first < last:
                mask[first:last] = False
        return mask

    def booked_spans(self, employee: Employee) -> list[tuple[int, int]]:
        """Shifts at other stores as slot spans (may lie outside the week)."""
        return [
            (self.timeline.slot_at(start), self.timeline.slot_ceil(end))
            for start, end in employee.booked
        ]

    def booked_worked_slots(self, employee: Employee) -> int:
        """Slots of this week already worked at other stores."""
        total = 0
        for first, last in self.booked_spans(employee):
            total += max(0, min(last, self.timeline.n_slots) - max(first, 0))
        return total

    def day_multiplier(self, employee: Employee, day_index: int) -> float:
        """Pay multiplier of a day for ``employee``: holiday, rest day or normal (1)."""
        day: date = self.timeline.day(day_index)
        if day in self.holidays:
            return self.rules.overtime.holiday_rate
        if day.weekday() in employee.rest_weekdays:
            return self.rules.overtime.rest_day_rate
        return 1.0


def contiguous_runs(flags: Sequence[bool] | np.ndarray) -> list[tuple[int, int]]:
    """``[start, end)`` runs of true flags."""
    flags = np.asarray(flags, dtype=bool)
    if not flags.any():
        return []
    padded = np.concatenate(([False], flags, [False]))
    edges = np.flatnonzero(padded[1:] != padded[:-1])
    return [(int(a), int(b)) for a, b in zip(edges[::2], edges[1::2], strict=True)]
