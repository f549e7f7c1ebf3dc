"""Requisitions and transfers between a central kitchen and its stores (and store to store).

A store orders from the central kitchen for a day (``needed``) until the kitchen's cut-off
the day before, in the store's own time zone (:func:`cutoff_deadline`). The kitchen ships
what it has (a short shipment is recorded as less shipped than asked); the store receives
what arrived, good and damaged apart (:func:`split_receipt`): receiving more than was shipped
is refused, and what was shipped but neither received nor reported damaged stays missing.
"""

from __future__ import annotations

import math
from collections.abc import Hashable, Sequence
from datetime import date, datetime, time, timedelta

from boh_core.errors import BohError, msg
from boh_core.rounding import compare, is_zero, round_half_up


def cutoff_deadline(needed: date, cutoff_hours: float) -> datetime:
    """The last local time a requisition for ``needed`` may be sent: the day before, at the
    cut-off (``cutoff_hours`` after midnight, 14.5 is 14:30)."""
    if not isinstance(cutoff_hours, int | float) or not 0 <= cutoff_hours < 24:
        raise BohError(
            "cutoff",
            cutoff_hours,
            msg("transfers.cutoff.not_time", cutoff_hours=cutoff_hours),
        )
    minutes = round(cutoff_hours * 60)
    return datetime.combine(needed - timedelta(days=1), time(minutes // 60, minutes % 60))


def split_receipt(
    shipped: Sequence[tuple[Hashable, float]],
    received: float,
    damaged: float,
    digits: int,
    name: str = "",
) -> tuple[list[tuple[Hashable, float]], list[tuple[Hashable, float]], float]:
    """Split what a store received over the lots shipped, in their order.

    ``shipped`` is ``[(lot, qty)]`` as the sender's moves took them (first-expired first);
    the good quantity takes the first lots, the damaged the next. Returns ``(good parts,
    damaged parts, missing qty)``. Raises ``BohError`` for a negative or non-finite quantity
    (field ``qty_received``/``qty_damaged``) or for more received than shipped.
    """
    label = f"'{name}'" if name else "this item"
    for field, value in (("qty_received", received), ("qty_damaged", damaged)):
        if not isinstance(value, int | float) or not math.isfinite(value) or value < 0:
            raise BohError(field, value, msg("transfers.qty.negative", value=value, label=label))
    total = round_half_up(sum(qty for _lot, qty in shipped), digits)
    if compare(received + damaged, total, digits) > 0:
        raise BohError(
            "qty_received",
            received,
            msg(
                "transfers.qty_received.more_than_shipped",
                received=_fmt(received + damaged),
                label=label,
                shipped=_fmt(total),
            ),
        )
    pool = [[lot, qty] for lot, qty in shipped]
    good = _take(pool, received, digits)
    bad = _take(pool, damaged, digits)
    missing = round_half_up(total - received - damaged, digits)
    return good, bad, missing


def _take(pool: list[list], qty: float, digits: int) -> list[tuple[Hashable, float]]:
    parts = []
    remaining = qty
    for entry in pool:
        if is_zero(remaining, digits):
            break
        part = round_half_up(min(entry[1], remaining), digits)
        if is_zero(part, digits):
            continue
        entry[1] -= part
        remaining -= part
        parts.append((entry[0], part))
    return parts


def _fmt(value: float) -> str:
    return f"{value:g}"
