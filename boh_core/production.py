"""Production of stocked prep items: what a batch takes, from which lots, and its lot's dates.

A production order makes ``qty`` usable units of a stocked prep item at one warehouse. What
it takes per usable unit comes from the recipe book (``RecipeBook.ingredients_per_unit``,
which stops at stocked sub-recipes: a pizza dough made with the kitchen's own stocked sauce
takes the sauce, not tomatoes). :func:`plan_consumption` splits what it takes over the
warehouse's lots first-expired-first-out and lists what is short: a production never takes
more than is on hand (it is refused, naming each short ingredient and quantity, so that the
kitchen finds the missing stock or makes a smaller batch; producing with whatever is there
would give a batch whose cost and allergens differ from its recipe's).

:func:`use_by` dates the batch: production time plus the recipe's shelf life in hours.
:func:`yield_variance` compares the actual yield with the planned one.
"""

from __future__ import annotations

import math
from collections.abc import Hashable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from boh_core.errors import BohError, msg
from boh_core.rounding import compare, is_zero, round_half_up
from boh_core.sales.lots import LotStock


@dataclass(frozen=True)
class Shortage:
    """``product`` needs ``needed`` but the warehouse holds only ``available``."""

    product: Hashable
    needed: float
    available: float


@dataclass(frozen=True)
class ConsumptionPlan:
    """What a batch takes: ``needed`` per product and its ``parts`` (lot, location, qty)."""

    needed: dict
    parts: dict
    short: tuple[Shortage, ...]


def plan_consumption(
    per_unit: Mapping[Hashable, float],
    qty: float,
    pools: Mapping[Hashable, Sequence[LotStock]],
    digits: int,
) -> ConsumptionPlan:
    """Split ``per_unit x qty`` of each product over its pool, lots in ``rank`` order.

    ``pools`` maps a product to its stock at the warehouse (copied, not changed). A product
    whose pool holds less than it needs is listed in ``short`` (and takes what there is).
    """
    if not isinstance(qty, int | float) or not math.isfinite(qty) or qty <= 0:
        raise BohError("qty", qty, msg("production.qty.not_positive", qty=qty))
    needed: dict = {}
    parts: dict = {}
    short = []
    for product, amount in per_unit.items():
        want = round_half_up(amount * qty, digits)
        if is_zero(want, digits):
            continue
        needed[product] = want
        remaining = want
        taken = []
        for lot in sorted(pools.get(product, ()), key=lambda lot: lot.rank):
            if is_zero(remaining, digits):
                break
            if compare(lot.qty, 0.0, digits) <= 0:
                continue
            part = round_half_up(min(lot.qty, remaining), digits)
            taken.append((lot.lot, lot.location, part))
            remaining = round_half_up(remaining - part, digits)
        parts[product] = taken
        if not is_zero(remaining, digits):
            short.append(Shortage(product, want, round_half_up(want - remaining, digits)))
    return ConsumptionPlan(needed=needed, parts=parts, short=tuple(short))


def use_by(produced_at: datetime, shelf_life_hours: float, name: str = "") -> datetime:
    """The batch's use-by time: ``produced_at`` plus the shelf life (above 0 hours)."""
    if (
        not isinstance(shelf_life_hours, int | float)
        or not math.isfinite(shelf_life_hours)
        or shelf_life_hours <= 0
    ):
        label = f"'{name}'" if name else "this recipe"
        raise BohError(
            "shelf_life_hours",
            shelf_life_hours,
            msg(
                "production.shelf_life_hours.not_positive",
                label=label,
                shelf_life_hours=shelf_life_hours,
            ),
        )
    return produced_at + timedelta(hours=shelf_life_hours)


def yield_variance(planned: float, actual: float) -> tuple[float, float]:
    """``(actual - planned, as a % of planned)``: negative when the batch gave less."""
    if not isinstance(actual, int | float) or not math.isfinite(actual) or actual <= 0:
        raise BohError(
            "actual_qty",
            actual,
            msg("production.actual_qty.not_positive", actual=actual),
        )
    difference = actual - planned
    return difference, (difference / planned * 100.0 if planned else 0.0)


def batches_to_make(
    requested: Mapping[Hashable, float],
    on_hand: Mapping[Hashable, float],
    planned: Mapping[Hashable, float],
    digits: int,
) -> dict:
    """What a kitchen still has to make of each item: what the stores asked, less what it
    holds (never counted below zero) and what draft productions already plan; only items
    with something left."""
    result = {}
    for item, qty in requested.items():
        left = round_half_up(
            qty - max(0.0, on_hand.get(item, 0.0)) - planned.get(item, 0.0), digits
        )
        if compare(left, 0.0, digits) > 0:
            result[item] = left
    return result


def kitchen_needs(
    requested: Mapping[Hashable, float],
    requested_on_day: Mapping[Hashable, float],
    prep_plan: Mapping[Hashable, float],
) -> dict:
    """What a central kitchen needs of each item: its open requisitions and its prep plan
    for the day, each need counted once.

    ``requested`` is every open requisition (any day), ``requested_on_day`` the part of it
    needed on the plan's day, ``prep_plan`` the stores' forecast demand for that day. The
    requisitions for the day already cover part of that demand, so an item needs
    ``requested - requested_on_day + max(requested_on_day, prep_plan)``: the plan adds only
    what the stores are expected to use beyond what they asked for.
    """
    needs = {item: qty for item, qty in requested.items()}
    for item, qty in prep_plan.items():
        beyond = qty - max(0.0, requested_on_day.get(item, 0.0))
        if beyond > 0:
            needs[item] = needs.get(item, 0.0) + beyond
    return needs
