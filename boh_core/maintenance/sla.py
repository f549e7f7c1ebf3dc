"""SLA clocks for repair requests: deadlines and elapsed time in working hours.

A working-hours calendar is a weekly schedule of wall-clock shifts in one time zone
(24/7 by default). Durations are *real* elapsed time inside those shifts: a 24/7 day on
which clocks spring forward has 23 hours, and a shift of 10:00-22:00 always has 12. All
arithmetic is done in UTC, because Python subtracts two datetimes sharing one tzinfo by
wall clock, which is wrong across a DST change. Datetimes returned are in UTC.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta, timezone
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from boh_core.errors import BohError, msg

_WEEK_MINUTES = 7 * 24 * 60
_DAY_MINUTES = 24 * 60
_ALL_WEEK = tuple((day, 0, _DAY_MINUTES) for day in range(7))


def _parse_clock(text: str, field_name: str) -> int:
    """Turn "HH:MM" (00:00 to 24:00) into minutes after midnight."""
    try:
        hours, minutes = text.split(":")
        value = int(hours) * 60 + int(minutes)
        valid = len(minutes) == 2 and 0 <= int(minutes) < 60 and 0 <= value <= _DAY_MINUTES
    except (AttributeError, ValueError):
        valid = False
    if not valid:
        raise BohError(field_name, text, msg("maintenance.sla.time_written_hh", text=text))
    return value


@dataclass(frozen=True)
class WorkingHours:
    """A weekly working schedule in a time zone.

    ``shifts`` holds ``(weekday, start_minute, end_minute)`` with Monday = 0 and minutes
    counted from local midnight; ``end_minute`` may pass 1440 for a shift that runs past
    midnight (it still belongs to the weekday it starts on). Shifts may not overlap. Build
    one with :meth:`every_day` or :meth:`weekly`; the default is 24/7.
    """

    tz: str = "UTC"
    shifts: tuple[tuple[int, int, int], ...] = field(default=_ALL_WEEK)

    def __post_init__(self) -> None:
        try:
            ZoneInfo(self.tz)
        except (ZoneInfoNotFoundError, ValueError, TypeError):
            raise BohError(
                "tz", self.tz, msg("maintenance.sla.tz.time_zone_known", tz=self.tz)
            ) from None
        if not self.shifts:
            raise BohError(
                "shifts", self.shifts, msg("maintenance.sla.shifts.working_hours_contain")
            )
        spans = []
        for shift in self.shifts:
            if not (
                isinstance(shift, tuple)
                and len(shift) == 3
                and all(isinstance(part, int) and not isinstance(part, bool) for part in shift)
            ):
                raise BohError(
                    "shifts", shift, msg("maintenance.sla.shifts.shift_weekday_start", shift=shift)
                )
            weekday, start, end = shift
            if not (0 <= weekday <= 6 and 0 <= start < _DAY_MINUTES and start < end):
                raise BohError(
                    "shifts", shift, msg("maintenance.sla.shifts.shift_valid_shift", shift=shift)
                )
            if end - start > _DAY_MINUTES:
                raise BohError(
                    "shifts", shift, msg("maintenance.sla.shifts.shift_lasts_more", shift=shift)
                )
            spans.append((weekday * _DAY_MINUTES + start, weekday * _DAY_MINUTES + end))
        spans.sort()
        # The week wraps around: Sunday night's shift may run into Monday morning.
        following = spans[1:] + [(spans[0][0] + _WEEK_MINUTES, 0)]
        for (_, end), (next_start, _) in zip(spans, following, strict=True):
            if end > next_start:
                raise BohError(
                    "shifts", self.shifts, msg("maintenance.sla.shifts.two_working_hours")
                )

    @classmethod
    def every_day(
        cls, start: str, end: str, tz: str = "UTC", days: Iterable[int] = (0, 1, 2, 3, 4, 5, 6)
    ) -> WorkingHours:
        """Same hours on the given weekdays, e.g. ``every_day("10:00", "22:00", "Asia/Shanghai")``.

        An ``end`` at or before ``start`` means the shift closes after midnight.
        """
        return cls.weekly({day: [(start, end)] for day in days}, tz=tz)

    @classmethod
    def weekly(
        cls, schedule: Mapping[int, Sequence[tuple[str, str]]], tz: str = "UTC"
    ) -> WorkingHours:
        """Build from ``{weekday: [("HH:MM", "HH:MM"), ...]}`` (Monday = 0, missing days closed)."""
        shifts = []
        for weekday, periods in sorted(schedule.items()):
            if isinstance(weekday, bool) or not isinstance(weekday, int) or not 0 <= weekday <= 6:
                raise BohError(
                    "weekday", weekday, msg("maintenance.sla.weekday.monday", weekday=weekday)
                )
            for start_text, end_text in periods:
                start = _parse_clock(start_text, "start")
                end = _parse_clock(end_text, "end")
                if start == _DAY_MINUTES:
                    raise BohError("start", start_text, msg("maintenance.sla.start.shift_cannot"))
                if end <= start:
                    end += _DAY_MINUTES
                shifts.append((weekday, start, end))
        return cls(tz=tz, shifts=tuple(shifts))

    @property
    def always_open(self) -> bool:
        """True when the shifts cover the whole week (a 24/7 calendar)."""
        return sum(end - start for _, start, end in self.shifts) == _WEEK_MINUTES

    def intervals(self, day: date) -> list[tuple[datetime, datetime]]:
        """Working intervals, in UTC, of the shifts starting on local date ``day``."""
        zone = ZoneInfo(self.tz)
        midnight = datetime(day.year, day.month, day.day)
        result = []
        for weekday, start, end in sorted(self.shifts, key=lambda s: s[1]):
            if weekday != day.weekday():
                continue
            # Naive + timedelta is wall-clock arithmetic; the zone then says what instant it is.
            begin = (midnight + timedelta(minutes=start)).replace(tzinfo=zone)
            finish = (midnight + timedelta(minutes=end)).replace(tzinfo=zone)
            begin, finish = begin.astimezone(timezone.utc), finish.astimezone(timezone.utc)
            if finish > begin:  # a shift swallowed by a DST gap is simply empty
                result.append((begin, finish))
        return result


ALWAYS = WorkingHours()


def _utc(value: datetime, field_name: str) -> datetime:
    """Check a datetime is timezone-aware and return it in UTC."""
    if not isinstance(value, datetime):
        raise BohError(
            field_name, value, msg("maintenance.sla.date_time", field_name=field_name, value=value)
        )
    if value.tzinfo is None or value.utcoffset() is None:
        raise BohError(
            field_name,
            value.isoformat(),
            msg("maintenance.sla.has_time_zone", field_name=field_name, value=value.isoformat()),
        )
    return value.astimezone(timezone.utc)


def _local_date(instant: datetime, calendar: WorkingHours) -> date:
    return instant.astimezone(ZoneInfo(calendar.tz)).date()


def business_hours_between(
    start: datetime, end: datetime, calendar: WorkingHours = ALWAYS
) -> float:
    """Working hours elapsed from ``start`` to ``end`` (negative when ``end`` is earlier)."""
    start, end = _utc(start, "start"), _utc(end, "end")
    if end < start:
        return -business_hours_between(end, start, calendar)
    if calendar.always_open:
        return (end - start).total_seconds() / 3600
    seconds = 0.0
    # Start one day early: yesterday's overnight shift may still be running.
    day = _local_date(start, calendar) - timedelta(days=1)
    last = _local_date(end, calendar)
    while day <= last:
        for begin, finish in calendar.intervals(day):
            overlap = (min(finish, end) - max(begin, start)).total_seconds()
            if overlap > 0:
                seconds += overlap
        day += timedelta(days=1)
    return seconds / 3600


def add_business_hours(start: datetime, hours: float, calendar: WorkingHours = ALWAYS) -> datetime:
    """The earliest instant at which ``hours`` working hours have elapsed since ``start``.

    Outside working hours the clock waits for the next shift; a deadline that falls
    exactly at the end of a shift stays there rather than moving to the next opening.
    """
    start = _utc(start, "start")
    if isinstance(hours, bool) or not isinstance(hours, int | float) or not 0 <= hours < 1e5:
        raise BohError("hours", hours, msg("maintenance.sla.hours.sla_target_more", hours=hours))
    if hours == 0 or calendar.always_open:
        return start + timedelta(hours=hours)
    remaining = timedelta(hours=hours)
    day = _local_date(start, calendar) - timedelta(days=1)
    # Every week holds the calendar's hours, less at most one hour lost to DST, so this many
    # days always suffice; the bound only guards against an endless loop.
    weekly = sum(end - begin for _, begin, end in calendar.shifts) / 60
    for _ in range(int(hours / max(weekly - 1, weekly / 2) + 3) * 7):
        for begin, finish in calendar.intervals(day):
            if finish <= start:
                continue
            begin = max(begin, start)
            if finish - begin >= remaining:
                return begin + remaining
            remaining -= finish - begin
        day += timedelta(days=1)
    raise BohError("hours", hours, msg("maintenance.sla.hours.deadline_found_working", hours=hours))


@dataclass(frozen=True)
class SlaTarget:
    """Hours allowed, in working hours, for the first response and for the resolution."""

    response_hours: float
    resolution_hours: float


@dataclass(frozen=True)
class SlaStatus:
    """Where one request stands against its SLA at a given moment.

    Hours are working hours. ``*_elapsed_hours`` run from creation to the event, or to
    ``now`` while it has not happened; ``resolution_remaining_hours`` is negative once the
    deadline has passed (by how many working hours). Datetimes are in UTC.
    """

    response_deadline: datetime
    resolution_deadline: datetime
    response_elapsed_hours: float
    resolution_elapsed_hours: float
    response_remaining_hours: float
    resolution_remaining_hours: float
    response_overdue: bool
    resolution_overdue: bool
    responded: bool
    resolved: bool


def _target_of(priority: str, targets: Mapping[str, SlaTarget | tuple[float, float]]) -> SlaTarget:
    """The SLA target of ``priority``, read from ``targets`` (see :func:`sla_status`)."""
    if priority not in targets:
        raise BohError(
            "priority",
            priority,
            msg(
                "maintenance.sla.priority.has_sla_target",
                priority=priority,
                map=", ".join(map(str, targets)),
            ),
        )
    target = targets[priority]
    if not isinstance(target, SlaTarget):
        try:
            target = SlaTarget(*target)
        except TypeError:
            raise BohError(
                "targets",
                target,
                msg(
                    "maintenance.sla.targets.sla_target_priority", target=target, priority=priority
                ),
            ) from None
    return target


def _events(created: datetime, **events: datetime | None) -> dict[str, datetime | None]:
    """The request's events in UTC; none of them may come before its creation."""
    result = {}
    for name, value in events.items():
        if value is not None:
            value = _utc(value, name)
            if value < created:
                raise BohError(
                    name,
                    value.isoformat(),
                    msg(
                        "maintenance.sla.time_before_request",
                        name=name,
                        value=value.isoformat(),
                        created=created.isoformat(),
                    ),
                )
        result[name] = value
    return result


def sla_status(
    priority: str,
    targets: Mapping[str, SlaTarget | tuple[float, float]],
    created: datetime,
    *,
    now: datetime,
    first_response: datetime | None = None,
    resolved: datetime | None = None,
    calendar: WorkingHours = ALWAYS,
) -> SlaStatus:
    """Compute deadlines, elapsed and remaining working hours and overdue flags.

    ``targets`` maps each priority to an :class:`SlaTarget` or ``(response_hours,
    resolution_hours)``. ``now`` is passed in, not read from the clock, so results are
    reproducible. A response or resolution counts as overdue when it happened after its
    deadline, or has not happened and ``now`` is past the deadline.
    """
    target = _target_of(priority, targets)
    created = _utc(created, "created")
    now = _utc(now, "now")
    events = _events(created, first_response=first_response, resolved=resolved)

    def clock(deadline: datetime, event: datetime | None) -> tuple[float, float, bool]:
        stop = event or now
        elapsed = business_hours_between(created, stop, calendar)
        remaining = business_hours_between(stop, deadline, calendar)
        return elapsed, remaining, stop > deadline

    response_deadline = add_business_hours(created, target.response_hours, calendar)
    resolution_deadline = add_business_hours(created, target.resolution_hours, calendar)
    # A resolution without a recorded response counts as the response.
    responded_at = events["first_response"] or events["resolved"]
    r_elapsed, r_remaining, r_overdue = clock(response_deadline, responded_at)
    s_elapsed, s_remaining, s_overdue = clock(resolution_deadline, events["resolved"])
    return SlaStatus(
        response_deadline=response_deadline,
        resolution_deadline=resolution_deadline,
        response_elapsed_hours=r_elapsed,
        resolution_elapsed_hours=s_elapsed,
        response_remaining_hours=r_remaining,
        resolution_remaining_hours=s_remaining,
        response_overdue=r_overdue,
        resolution_overdue=s_overdue,
        responded=responded_at is not None,
        resolved=events["resolved"] is not None,
    )
