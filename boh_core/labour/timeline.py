"""One week of fixed slots in real time, starting at a store's local Monday midnight."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta, timezone
from functools import cached_property
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import numpy as np

from boh_core.errors import BohError, msg

_SLOT_SIZES = (5, 10, 15, 20, 30, 60)


@dataclass(frozen=True)
class Timeline:
    """``days`` local days from ``start`` in time zone ``tz``, cut into ``slot_minutes`` slots.

    Slot ``i`` starts ``i * slot_minutes`` real minutes after local midnight of ``start``;
    local days are ranges of slots (:attr:`day_bounds`), 92 or 100 slots long on the days
    clocks change. All instants given to or returned by a timeline are naive UTC datetimes,
    as Odoo stores them, or aware datetimes (any zone).
    """

    start: date
    tz: str = "UTC"
    slot_minutes: int = 15
    days: int = 7
    zone: ZoneInfo = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        if not isinstance(self.start, date) or isinstance(self.start, datetime):
            raise BohError(
                "start", self.start, msg("labour.timeline.start.first_day_date", start=self.start)
            )
        try:
            zone = ZoneInfo(self.tz)
        except (ZoneInfoNotFoundError, ValueError, TypeError):
            raise BohError(
                "tz", self.tz, msg("labour.timeline.tz.time_zone_known", tz=self.tz)
            ) from None
        if self.slot_minutes not in _SLOT_SIZES:
            raise BohError(
                "slot_minutes",
                self.slot_minutes,
                msg(
                    "labour.timeline.slot_minutes.slots_last",
                    slot_sizes=_SLOT_SIZES,
                    slot_minutes=self.slot_minutes,
                ),
            )
        if isinstance(self.days, bool) or not isinstance(self.days, int) or not 1 <= self.days:
            raise BohError(
                "days", self.days, msg("labour.timeline.days.timeline_needs_least", days=self.days)
            )
        object.__setattr__(self, "zone", zone)

    # -- instants ----------------------------------------------------------------------------

    def local_instant(self, day: date, minute: int) -> datetime:
        """The UTC instant (aware) of local ``day`` at ``minute`` after its midnight."""
        wall = datetime(day.year, day.month, day.day) + timedelta(minutes=minute)
        return wall.replace(tzinfo=self.zone).astimezone(timezone.utc)

    @cached_property
    def origin(self) -> datetime:
        """Local midnight of the first day, in UTC (aware)."""
        return self.local_instant(self.start, 0)

    @cached_property
    def day_bounds(self) -> tuple[tuple[int, int], ...]:
        """``(first slot, end slot)`` of each local day."""
        edges = [self.slot_at(self.local_instant(self.day(d), 0)) for d in range(self.days + 1)]
        return tuple((edges[d], edges[d + 1]) for d in range(self.days))

    @property
    def n_slots(self) -> int:
        return self.day_bounds[-1][1]

    @property
    def slots_per_hour(self) -> int:
        return 60 // self.slot_minutes

    def day(self, index: int) -> date:
        return self.start + timedelta(days=index)

    def slot_at(self, instant: datetime) -> int:
        """The slot an instant falls in (floor); may lie outside ``0..n_slots``."""
        if instant.tzinfo is None:
            instant = instant.replace(tzinfo=timezone.utc)
        minutes = (instant - self.origin).total_seconds() / 60.0
        return int(np.floor(minutes / self.slot_minutes + 1e-9))

    def slot_ceil(self, instant: datetime) -> int:
        """The first slot starting at or after an instant."""
        if instant.tzinfo is None:
            instant = instant.replace(tzinfo=timezone.utc)
        minutes = (instant - self.origin).total_seconds() / 60.0
        return int(np.ceil(minutes / self.slot_minutes - 1e-9))

    def utc(self, slot: int) -> datetime:
        """Naive UTC start of ``slot`` (what Odoo stores)."""
        instant = self.origin + timedelta(minutes=slot * self.slot_minutes)
        return instant.astimezone(timezone.utc).replace(tzinfo=None)

    def local(self, slot: int) -> datetime:
        """Naive local wall-clock start of ``slot``."""
        instant = self.origin + timedelta(minutes=slot * self.slot_minutes)
        return instant.astimezone(self.zone).replace(tzinfo=None)

    def local_span(self, day: date, start_minute: int, end_minute: int) -> tuple[int, int]:
        """Slots ``[first, end)`` of local ``day`` from ``start_minute`` to ``end_minute``
        (minutes after local midnight; partial slots are left out)."""
        first = self.slot_ceil(self.local_instant(day, start_minute))
        end = self.slot_at(self.local_instant(day, end_minute))
        return max(0, first), min(self.n_slots, max(first, end))

    # -- per-slot facts ----------------------------------------------------------------------

    @cached_property
    def slot_day(self) -> np.ndarray:
        """Local day index of each slot."""
        result = np.empty(self.n_slots, dtype=np.int64)
        for d, (first, end) in enumerate(self.day_bounds):
            result[first:end] = d
        return result

    @cached_property
    def slot_minute(self) -> np.ndarray:
        """Local wall-clock minute of the day at which each slot starts."""
        offsets = np.arange(self.n_slots) * self.slot_minutes
        result = np.empty(self.n_slots, dtype=np.int64)
        for index, offset in enumerate(offsets):  # one zone lookup per slot, ~700 a week
            wall = (self.origin + timedelta(minutes=int(offset))).astimezone(self.zone)
            result[index] = wall.hour * 60 + wall.minute
        return result

    @cached_property
    def slot_weekday(self) -> np.ndarray:
        """Weekday (Monday 0) of the local day each slot belongs to."""
        weekdays = np.array([self.day(d).weekday() for d in range(self.days)])
        return weekdays[self.slot_day]
