"""Replenishment maths: order windows, safety stock, order quantities, day parts, labour.

Pure functions over plain data. The Odoo side (``boh_forecast``) reads records in batches,
calls these once per batch and writes the results.
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from statistics import NormalDist

from boh_core.errors import BohError, msg
from boh_core.recipes import Recipe
from boh_core.units import Key, UnitConverter

# Interval level of the stored forecasts: half its width over this z is one standard error.
Z_80 = NormalDist().inv_cdf(0.9)
EPSILON = 1e-9

#: Day parts: code -> (first hour, hour after the last). "late" wraps past midnight.
DAY_PARTS: dict[str, tuple[int, int]] = {
    "breakfast": (6, 11),
    "lunch": (11, 15),
    "afternoon": (15, 17),
    "dinner": (17, 22),
    "late": (22, 6),
}


def _hours_of(part: str) -> list[int]:
    start, end = DAY_PARTS[part]
    if start < end:
        return list(range(start, end))
    return list(range(start, 24)) + list(range(0, end))


def _check_number(field: str, value: object, minimum: float = 0.0) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value):
        raise BohError(field, value, msg("replenishment.finite_number", field=field, value=value))
    if value < minimum:
        raise BohError(
            field,
            value,
            msg("replenishment.least", field=field, minimum=f"{minimum:g}", value=value),
        )
    return float(value)


@dataclass(frozen=True)
class OrderWindow:
    """When an order placed now goes out, arrives, and until when it must last.

    ``order_date``: the day the vendor takes the order (tomorrow once today's cut-off is
    past); ``delivery``: the first delivery it can come with; ``next_delivery``: the delivery
    the following order can come with. The order covers demand from ``start`` up to the day
    before ``next_delivery``.
    """

    start: date
    order_date: date
    delivery: date
    next_delivery: date

    @property
    def cover_days(self) -> int:
        """Days of demand the order and the stock on hand must cover."""
        return (self.next_delivery - self.start).days


def _next_weekday(day: date, weekdays: frozenset[int]) -> date:
    for offset in range(7):
        candidate = day + timedelta(days=offset)
        if candidate.weekday() in weekdays:
            return candidate
    raise AssertionError("weekdays is never empty here")


def order_window(
    now: datetime,
    lead_days: int,
    weekdays: Iterable[int] = (),
    cutoff_hour: float | None = None,
) -> OrderWindow:
    """The coverage window of an order placed at ``now`` (local time of the store).

    ``weekdays`` are the vendor's delivery days (0 = Monday ... 6 = Sunday; empty means every
    day); ``cutoff_hour`` the local hour after which an order counts as placed the next day
    (``None``: no cut-off); ``lead_days`` the days from order to delivery.
    """
    lead = int(_check_number("lead_days", lead_days))
    days = frozenset(int(day) for day in weekdays) or frozenset(range(7))
    bad = sorted(day for day in days if not 0 <= day <= 6)
    if bad:
        raise BohError("weekdays", bad, msg("replenishment.weekdays.delivery", bad=bad))
    if cutoff_hour is not None:
        cutoff_hour = _check_number("cutoff_hour", cutoff_hour)
        if cutoff_hour > 24:
            raise BohError(
                "cutoff_hour",
                cutoff_hour,
                msg("replenishment.cutoff_hour.cut_off_h", cutoff_hour=cutoff_hour),
            )
    today = now.date()
    past_cutoff = cutoff_hour is not None and now.hour + now.minute / 60.0 >= cutoff_hour
    order_date = today + timedelta(days=1 if past_cutoff else 0)
    delivery = _next_weekday(order_date + timedelta(days=lead), days)
    # the next chance to order is the day after this one; its goods come no sooner than
    # the delivery after this one
    following = max(delivery + timedelta(days=1), order_date + timedelta(days=1 + lead))
    return OrderWindow(today, order_date, delivery, _next_weekday(following, days))


def service_z(service_level: float) -> float:
    """The standard normal quantile of a service level given in percent (95 -> 1.645)."""
    level = _check_number("service_level", service_level)
    if not 50 <= level < 100:
        raise BohError(
            "service_level",
            service_level,
            msg("replenishment.service_level.least_below", service_level=service_level),
        )
    return NormalDist().inv_cdf(level / 100.0)


def sigma_from_interval(lo, hi, level: float = 80.0):
    """Daily forecast standard error implied by a central ``level``% interval.

    Works on numbers and on arrays or pandas series (element-wise; an unknown bound stays
    unknown there).
    """
    z = NormalDist().inv_cdf(0.5 + _check_number("level", level) / 200.0)
    if isinstance(lo, int | float) and isinstance(hi, int | float):
        return max(0.0, (hi - lo) / (2.0 * z))
    import numpy as np

    width = np.asarray(hi, dtype=float) - np.asarray(lo, dtype=float)
    # NaN stays NaN (np.maximum propagates it): no interval, no spread known
    sigma = np.maximum(width, 0.0) / (2.0 * z)
    if hasattr(hi, "index"):
        import pandas as pd

        return pd.Series(sigma, index=hi.index)
    return sigma


def safety_stock(sigma_daily: float, days: float, service_level: float) -> float:
    """``z(service level) * sigma * sqrt(days)``: stock held against forecast error."""
    sigma = _check_number("sigma_daily", sigma_daily)
    days = _check_number("days", days)
    return service_z(service_level) * sigma * math.sqrt(days)


def order_up_to(demand: float, safety: float, on_hand: float, incoming: float) -> float:
    """What is missing to cover ``demand`` plus ``safety``; never negative."""
    return max(0.0, demand + safety - on_hand - incoming)


def round_order(need: float, pack: float = 1.0, moq: float = 0.0) -> float:
    """Order quantity for ``need`` in whole ``pack`` multiples and at least ``moq``.

    All in the purchase unit; nothing is ordered for no need. The MOQ itself is rounded up
    to whole packs.
    """
    need = _check_number("need", need, minimum=-math.inf)
    pack = _check_number("pack", pack)
    moq = _check_number("moq", moq)
    if pack <= 0:
        raise BohError("pack", pack, msg("replenishment.pack.size_above", pack=pack))
    if need <= EPSILON:
        return 0.0
    packs = math.ceil(need / pack - EPSILON)
    packs = max(packs, math.ceil(moq / pack - EPSILON))
    return packs * pack


def hourly_shares(hourly: Mapping[int, float]) -> dict[int, float]:
    """Share of each hour in the day's total (an empty or zero profile is flat 9:00-21:00)."""
    total = sum(max(0.0, float(v)) for v in hourly.values())
    if total <= 0:
        return {hour: 1.0 / 12.0 for hour in range(9, 21)}
    return {int(hour): max(0.0, float(v)) / total for hour, v in hourly.items() if v > 0}


def spread_day_parts(daily: float, hourly: Mapping[int, float]) -> dict[str, float]:
    """Split a day's forecast over :data:`DAY_PARTS` by the store's hourly profile."""
    shares = hourly_shares(hourly)
    return {
        part: daily * sum(shares.get(hour, 0.0) for hour in _hours_of(part)) for part in DAY_PARTS
    }


def labour_hours(driver: float, per_labour_hour: float) -> float:
    """Labour hours a role needs for ``driver`` (sales or covers) at its productivity."""
    rate = _check_number("per_labour_hour", per_labour_hour)
    if rate <= 0:
        raise BohError(
            "per_labour_hour",
            rate,
            msg("replenishment.per_labour_hour.productivity_above", rate=rate),
        )
    return max(0.0, driver) / rate


@dataclass(frozen=True)
class PrepSplit:
    """A site's prep plan: ``made`` what it makes itself, ``supplied`` what it gets of the
    items another site (the central kitchen) makes, both in each recipe's output unit."""

    made: dict
    supplied: dict


def prep_requirements(
    recipes: Iterable[Recipe],
    demand: Iterable[tuple[Key, float, Key]],
    prep_products: Iterable[Key],
    converter: UnitConverter,
    max_depth: int = 20,
) -> dict[Key, float]:
    """Quantity of each prep product (in its recipe's output unit) that ``demand`` needs.

    ``demand`` rows are ``(product, qty, unit)`` of sold items; prep items used by other prep
    items are counted through every level, with yield and waste applied.
    """
    return split_prep_requirements(recipes, demand, prep_products, converter, (), max_depth).made


def split_prep_requirements(
    recipes: Iterable[Recipe],
    demand: Iterable[tuple[Key, float, Key]],
    prep_products: Iterable[Key],
    converter: UnitConverter,
    supplied: Iterable[Key] = (),
    max_depth: int = 20,
) -> PrepSplit:
    """:func:`prep_requirements` of a site that gets the ``supplied`` items from elsewhere.

    A supplied item ends the walk: it is not in what the site makes, and neither is what
    only it is made of; its quantity goes to ``supplied``.
    """
    by_product = {recipe.product: recipe for recipe in recipes}
    preps = set(prep_products)
    bought = set(supplied)
    pending: dict[tuple[Key, Key], float] = defaultdict(float)
    for product, qty, unit in demand:
        pending[(product, unit)] += qty
    totals: dict[Key, float] = defaultdict(float)
    received: dict[Key, float] = defaultdict(float)
    for _depth in range(max_depth):
        following: dict[tuple[Key, Key], float] = defaultdict(float)
        for (product, unit), qty in pending.items():
            recipe = by_product.get(product)
            if recipe is None or not qty:
                continue
            usable = recipe.output_qty * recipe.yield_pct / 100.0
            batches = converter.convert(qty, unit, recipe.output_unit, product) / usable
            for line in recipe.lines:
                if line.component not in preps or line.component not in by_product:
                    continue
                sub = by_product[line.component]
                gross = line.qty * batches / (1.0 - line.waste_pct / 100.0)
                amount = converter.convert(gross, line.unit, sub.output_unit, line.component)
                if line.component in bought:
                    received[line.component] += amount
                    continue
                totals[line.component] += amount
                following[(line.component, sub.output_unit)] += amount
        if not following:
            break
        pending = following
    else:
        raise BohError("recipes", max_depth, msg("replenishment.recipes.prep_nest_too"))
    return PrepSplit(made=dict(totals), supplied=dict(received))


def kitchen_prep_requirements(
    recipes: Iterable[Recipe],
    own_demand: Iterable[tuple[Key, float, Key]],
    store_needs: Iterable[Mapping[Key, float]],
    prep_products: Iterable[Key],
    converter: UnitConverter,
) -> dict[Key, float]:
    """The central kitchen's prep plan: the sum of the stores' needs of the items it
    supplies (``store_needs``, one :attr:`PrepSplit.supplied` a store), the prep items those
    are made of, and what its own sales (``own_demand``, usually none) need."""
    recipes = list(recipes)
    by_product = {recipe.product: recipe for recipe in recipes}
    preps = set(prep_products)
    totals: dict[Key, float] = defaultdict(float)
    for needs in store_needs:
        for item, qty in needs.items():
            totals[item] += qty
    inner = [(item, qty, by_product[item].output_unit) for item, qty in totals.items()]
    for part in (
        prep_requirements(recipes, inner, preps, converter),
        prep_requirements(recipes, own_demand, preps, converter),
    ):
        for item, qty in part.items():
            totals[item] += qty
    return dict(totals)


def batches_needed(qty: float, batch_size: float, yield_pct: float = 100.0) -> int:
    """Whole batches to make ``qty`` of usable output from batches of ``batch_size``."""
    usable = _check_number("batch_size", batch_size) * _check_number("yield_pct", yield_pct) / 100
    if usable <= 0:
        raise BohError("batch_size", batch_size, msg("replenishment.batch_size.make_more_nothing"))
    if qty <= EPSILON:
        return 0
    return math.ceil(qty / usable - EPSILON)


# -- perishables: what the replay of real demand taught (boh_core.replay) -------------------


def expiry_overage_share(cover_days, shelf_days):
    """Share of a unit's cost lost when it is left over at the end of an order's cover.

    A leftover of a long-life ingredient is simply used in the next cycle (about the share
    ``cover / shelf`` of its life is spent waiting, floor 2%); one whose shelf life is no
    longer than the cover expires: its whole cost is lost. Works on numbers and arrays.
    """
    import numpy as np

    return np.clip(np.asarray(cover_days, float) / np.asarray(shelf_days, float), 0.02, 1.0)


def newsvendor_service_level(
    stockout_cost_ratio, cover_days, shelf_days, floor: float = 75.0, ceiling: float = 99.5
):
    """The news-vendor service level (percent) of each ingredient.

    Stock one more unit while the chance it is needed is above
    ``underage / (underage + overage)``: ``stockout_cost_ratio`` is what a unit short costs
    (the lost dish's margin, the guest's goodwill) as a multiple of the unit's price, the
    overage is :func:`expiry_overage_share`. Perishables get a lower level than flour; the
    result is kept within ``floor`` .. ``ceiling``. Works on numbers and arrays.
    """
    import numpy as np

    under = np.asarray(stockout_cost_ratio, float)
    if (under <= 0).any() or not np.isfinite(under).all():
        raise BohError(
            "stockout_cost_ratio",
            stockout_cost_ratio,
            msg(
                "replenishment.stockout_cost_ratio.positive_multiple_unit",
                stockout_cost_ratio=stockout_cost_ratio,
            ),
        )
    over = expiry_overage_share(cover_days, shelf_days)
    return np.clip(100.0 * under / (under + over), floor, ceiling)


def shelf_capped_cover(lead_days, gap_days, shelf_days):
    """Days an order should cover: from tomorrow up to the day before the next delivery, but
    no further than the last day its own lot can be used (``lead + min(gap, shelf) - 1``).

    Stock bought for days after it expires is waste, never service. Works on arrays.
    """
    import numpy as np

    lead = np.asarray(lead_days)
    return lead + np.minimum(np.asarray(gap_days), np.asarray(shelf_days)) - 1
