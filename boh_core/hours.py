"""Opening hours and time spans: merging a calendar's lines, the share of time available.

Pure functions over plain numbers. ``boh_inventory`` reads a store's calendar lines and turns
them into :class:`boh_core.maintenance.sla.WorkingHours` through :func:`weekly_shifts`;
``boh_maintenance`` reports availability through :func:`availability_pct`.
"""

from __future__ import annotations

from collections.abc import Iterable

#: Minutes in a day.
DAY_MINUTES = 24 * 60


def merge_spans(spans: Iterable[tuple[float, float]]) -> list[tuple[float, float]]:
    """``(start, end)`` spans, sorted, with those that overlap or touch merged into one."""
    merged: list[tuple[float, float]] = []
    for start, end in sorted(spans):
        if merged and start <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(merged[-1][1], end))
        else:
            merged.append((start, end))
    return merged


def clock_span(hour_from: float, hour_to: float) -> tuple[int, int]:
    """A calendar line's hours as whole minutes of its day, at least one minute long."""
    start = max(0, min(DAY_MINUTES - 1, round(hour_from * 60)))
    end = max(start + 1, min(DAY_MINUTES, round(hour_to * 60)))
    return start, end


def weekly_shifts(
    lines: Iterable[tuple[int, float, float]],
) -> tuple[tuple[int, int, int], ...]:
    """``(weekday, start minute, end minute)`` shifts from ``(weekday, hour from, hour to)``
    calendar lines, overlapping lines of one day merged, by weekday and start.

    Lines that end at or before they start are left out.
    """
    by_day: dict[int, list[tuple[int, int]]] = {}
    for weekday, hour_from, hour_to in lines:
        if hour_to <= hour_from:
            continue
        by_day.setdefault(int(weekday), []).append(clock_span(hour_from, hour_to))
    return tuple(
        (day, start, end)
        for day, spans in sorted(by_day.items())
        for start, end in merge_spans(spans)
    )


def availability_pct(operating_hours: float, downtime_hours: float) -> float:
    """Share of the time in operation, in percent (100 when no time was measured)."""
    total = operating_hours + downtime_hours
    return 100.0 * operating_hours / total if total else 100.0
