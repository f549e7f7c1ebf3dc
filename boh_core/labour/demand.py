"""Staff needed per role and slot, from the day's forecast and the store's hourly profile."""

from __future__ import annotations

import math
from collections.abc import Hashable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date

import numpy as np

from boh_core.errors import BohError, msg
from boh_core.labour.timeline import Timeline


@dataclass(frozen=True)
class RoleStandard:
    """A role's productivity: ``per_hour`` driver units (sales or covers) one person handles
    in an hour, and ``min_staff`` people whenever the store is open."""

    role: Hashable
    per_hour: float
    min_staff: int = 0

    def __post_init__(self) -> None:
        value = self.per_hour
        if isinstance(value, bool) or not isinstance(value, int | float) or not value > 0:
            raise BohError(
                "per_hour", value, msg("labour.demand.per_hour.productivity_above", role=self.role)
            )
        if not math.isfinite(value):
            raise BohError(
                "per_hour", value, msg("labour.demand.per_hour.productivity_finite", role=self.role)
            )
        if isinstance(self.min_staff, bool) or not isinstance(self.min_staff, int):
            raise BohError(
                "min_staff", self.min_staff, msg("labour.demand.min_staff.minimum_whole_number")
            )
        if self.min_staff < 0:
            raise BohError(
                "min_staff", self.min_staff, msg("labour.demand.min_staff.minimum_cannot_negative")
            )


def open_slots(
    timeline: Timeline,
    opening: Sequence[tuple[int, int, int]] | None,
    profiles: Mapping[Hashable, Mapping[int, float]] | None = None,
    closed_days: Sequence[date] = (),
) -> np.ndarray:
    """Slots in which the store is open.

    ``opening`` holds ``(weekday, start, end)`` local minutes (as ``WorkingHours.shifts``;
    ``end`` may pass midnight). Without opening hours (``None`` or empty) the store counts
    as open in the hours where any hourly profile has sales or covers; without those either,
    it is never open and nothing is needed. ``closed_days`` are local dates it stays shut.
    """
    mask = np.zeros(timeline.n_slots, dtype=bool)
    if opening:
        for d in range(timeline.days):
            day = timeline.day(d)
            for weekday, start, end in opening:
                if weekday == day.weekday():
                    first, last = timeline.local_span(day, start, end)
                    mask[first:last] = True
    else:
        hours = {int(h) for p in (profiles or {}).values() for h, v in p.items() if v > 0}
        if hours:
            mask = np.isin(timeline.slot_minute // 60, sorted(hours))
    for day in closed_days:
        index = (day - timeline.start).days
        if 0 <= index < timeline.days:
            first, last = timeline.day_bounds[index]
            mask[first:last] = False
    return mask


def slot_need(
    timeline: Timeline,
    standards: Sequence[RoleStandard],
    drivers: Mapping[tuple[Hashable, date], float],
    profiles: Mapping[Hashable, Mapping[int, float]],
    open_mask: np.ndarray,
) -> np.ndarray:
    """People needed per role (rows, in the order of ``standards``) and slot.

    ``drivers[(role, day)]`` is the day's forecast of the role's driver (sales or covers);
    it is spread over the day's open slots by ``profiles[role]`` (hour of day -> share,
    flat when empty or zero in the open hours), divided by the role's productivity and
    rounded up, and never below the role's minimum while open. Closed slots need nobody.
    """
    open_mask = np.asarray(open_mask, dtype=bool)
    need = np.zeros((len(standards), timeline.n_slots), dtype=np.int64)
    hour_of_slot = timeline.slot_minute // 60
    per_slot_hours = timeline.slot_minutes / 60.0
    for row, standard in enumerate(standards):
        profile = np.zeros(24)
        for hour, value in (profiles.get(standard.role) or {}).items():
            if 0 <= int(hour) < 24 and value and value > 0 and math.isfinite(value):
                profile[int(hour)] = float(value)
        weights = np.where(open_mask, profile[hour_of_slot], 0.0)
        people = np.zeros(timeline.n_slots)
        for d, (first, last) in enumerate(timeline.day_bounds):
            daily = drivers.get((standard.role, timeline.day(d)), 0.0) or 0.0
            if not math.isfinite(daily) or daily < 0:
                raise BohError(
                    "drivers",
                    daily,
                    msg("labour.demand.drivers.forecast_number", role=standard.role),
                )
            day_open = open_mask[first:last]
            if not daily or not day_open.any():
                continue
            day_weights = weights[first:last]
            if day_weights.sum() <= 0:
                day_weights = day_open.astype(float)
            share = day_weights / day_weights.sum()
            # driver in the slot / (units one person handles in a slot)
            people[first:last] = daily * share / (standard.per_hour * per_slot_hours)
        rounded = np.ceil(people - 1e-9).astype(np.int64)
        need[row] = np.where(open_mask, np.maximum(rounded, standard.min_staff), 0)
    return need
