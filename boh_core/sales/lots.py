"""First-expired-first-out: which lots a depletion takes from, and which it puts back into.

A store's stock of a lot-tracked ingredient is a pool of :class:`LotStock` (one lot at one
place in the store). :func:`allocate_fefo` splits each :class:`LotDelta` over that pool:

* Taken (``delta > 0``): from the lots with stock, first-expired-first-out, in the order of
  their ``rank`` (the caller's FEFO key: expiration date, lots without one last, then the
  incoming date, then the quant).
* Put back (``delta < 0``): into the lots that the store-day's earlier moves of the same
  kind took (``taken``, net), latest-expiring first; what is put back may be taken again by
  a later delta of the same call, so put-backs are allocated first.
* What is left (more sold than the shelves hold, more put back than was taken) goes to the
  pool's first lot whatever its quantity (stock goes negative on that lot, visibly, until
  the next count corrects it), or to the delta's ``fallback`` when the store holds none.

Quantities are rounded to ``digits`` decimals as the database keeps them. Lots and
locations are opaque keys (ids): nothing here reads or writes stock.
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Hashable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from boh_core.rounding import compare, is_zero, round_half_up


@dataclass
class LotStock:
    """What one lot holds at one location of a store; ``rank`` orders the pool FEFO."""

    lot: Hashable
    location: Hashable
    qty: float
    rank: Any


@dataclass(frozen=True)
class LotDelta:
    """A quantity to take (``delta > 0``) or put back (``delta < 0``) of a pool's product.

    ``taken`` is what the earlier moves of the same store, day, product and kind took, net,
    per ``(lot, location)``: where a put-back goes. ``fallback`` is the ``(lot, location)``
    that takes the rest when the pool holds no lot at all.
    """

    pool: Hashable
    delta: float
    taken: Mapping[tuple[Hashable, Hashable], float] = field(default_factory=dict)
    fallback: tuple[Hashable, Hashable] | None = None


def allocate_fefo(
    deltas: Sequence[LotDelta],
    pools: Mapping[Hashable, Sequence[LotStock]],
    digits: int,
    expiry_rank: Mapping[Hashable, Any],
) -> list[list[tuple[Hashable, Hashable, float]]]:
    """Split each delta over lots: ``[(lot, location, qty)]`` per delta, in ``deltas`` order.

    ``pools`` maps a pool key to its lots (copied, not changed); ``expiry_rank`` gives each
    lot of a ``taken`` its put-back order (the latest-expiring, highest rank, first).
    """
    stock = {
        key: [LotStock(s.lot, s.location, s.qty, s.rank) for s in ss] for key, ss in pools.items()
    }
    ordered = {key: sorted(ss, key=lambda s: s.rank) for key, ss in stock.items()}
    by_place = {key: {(s.lot, s.location): s for s in ss} for key, ss in stock.items()}
    result: list[list[tuple[Hashable, Hashable, float]]] = [[] for _ in deltas]
    # put back first: what returns to a lot may be taken again by the same posting
    for index in sorted(range(len(deltas)), key=lambda i: deltas[i].delta > 0):
        delta = deltas[index]
        first = ordered.get(delta.pool)
        if delta.delta > 0:
            parts, remaining = _take(first or (), abs(delta.delta), digits)
        else:
            parts, remaining = _put_back(delta, by_place.get(delta.pool, {}), digits, expiry_rank)
        remaining = round_half_up(remaining, digits)
        if not is_zero(remaining, digits):
            if first:
                first[0].qty -= math.copysign(remaining, delta.delta)
                place = (first[0].lot, first[0].location)
            else:
                place = delta.fallback
            parts[place] += remaining
        result[index] = [
            (lot, location, round_half_up(qty, digits)) for (lot, location), qty in parts.items()
        ]
    return result


def _take(first: Sequence[LotStock], remaining: float, digits: int):
    """Take ``remaining`` from the lots in FEFO order, as far as they hold stock."""
    parts: defaultdict[tuple[Hashable, Hashable], float] = defaultdict(float)
    for lot in first:
        if is_zero(remaining, digits):
            break
        if compare(lot.qty, 0.0, digits) <= 0:
            continue
        part = round_half_up(min(lot.qty, remaining), digits)
        lot.qty -= part
        remaining -= part
        parts[(lot.lot, lot.location)] += part
    return parts, remaining


def _put_back(delta: LotDelta, places: Mapping, digits: int, expiry_rank: Mapping):
    """Put ``-delta`` back into the lots the day took, latest-expiring first."""
    parts: defaultdict[tuple[Hashable, Hashable], float] = defaultdict(float)
    remaining = abs(delta.delta)
    for (lot, location), qty in sorted(
        delta.taken.items(), key=lambda item: expiry_rank[item[0][0]], reverse=True
    ):
        if is_zero(remaining, digits):
            break
        if compare(qty, 0.0, digits) <= 0:
            continue
        part = round_half_up(min(qty, remaining), digits)
        remaining -= part
        parts[(lot, location)] += part
        if (lot, location) in places:
            places[(lot, location)].qty += part
    return parts, remaining


__all__ = ["LotDelta", "LotStock", "allocate_fefo"]
