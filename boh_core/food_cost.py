"""Food cost percentage and margin of menu items, net of the taxes included in menu prices.

Menu prices are entered tax included (what the guest pays). Food cost % compares the cost of
the plate with the revenue the restaurant keeps, so the price is first made net of tax: fixed
per-unit amounts are removed, then the percent taxes (summed, as Odoo does for several
price-included taxes on one line) are divided out.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from boh_core.errors import BohError, Message, msg
from boh_core.units import Key, _is_number


@dataclass(frozen=True)
class Tax:
    """A tax included in the menu price: ``amount`` percent, or a fixed ``amount`` per unit."""

    amount_type: str
    amount: float


@dataclass(frozen=True)
class FoodCost:
    """Cost against net price of one menu item; ``food_cost_pct`` None when it has no price."""

    cost: float
    price: float
    net_price: float
    food_cost_pct: float | None
    margin: float
    target_pct: float | None
    over_target: bool


@dataclass(frozen=True)
class CostImpact:
    """How one item's food cost moved; ``crossed_target`` is "above", "below" or ""."""

    key: Key
    old: FoodCost
    new: FoodCost
    crossed_target: str

    @property
    def pct_change(self) -> float | None:
        """Points of food cost % gained (negative: lost); None when either side has no %."""
        if self.old.food_cost_pct is None or self.new.food_cost_pct is None:
            return None
        return self.new.food_cost_pct - self.old.food_cost_pct

    @property
    def cost_change(self) -> float:
        """New cost minus old cost."""
        return self.new.cost - self.old.cost


def _finite(field: str, value: object, what: Message, rule: Message | str = "") -> float:
    if not _is_number(value) or not math.isfinite(value):
        raise BohError(
            field, value, msg("food_cost.which_finite_number", what=what, value=value, rule=rule)
        )
    return float(value)


def net_of_tax(price: float, taxes: Sequence[Tax] = ()) -> float:
    """``price`` (tax included) without its taxes: fixed amounts off, then percents divided out.

    Raises ``BohError`` for a price that is not a finite number of 0 or more (field
    ``price``), an unknown tax type (``amount_type``) or a non-finite tax (``amount``).
    """
    price = _finite("price", price, msg("food_cost.label.price"), msg("food_cost.rule.menu_price"))
    if price < 0:
        raise BohError(
            "price",
            price,
            msg("food_cost.price.which_negative_enter", price=_fmt_money(price)),
        )
    fixed = 0.0
    percent = 0.0
    for tax in taxes:
        amount = _finite("amount", tax.amount, msg("food_cost.label.tax_amount", tax=tax))
        if tax.amount_type == "percent":
            percent += amount
        elif tax.amount_type == "fixed":
            fixed += amount
        else:
            raise BohError(
                "amount_type",
                tax.amount_type,
                msg("food_cost.amount_type.tax_supported_use", amount_type=tax.amount_type),
            )
    if percent <= -100:
        raise BohError(
            "amount",
            percent,
            msg("food_cost.amount.included_taxes_add", percent=f"{percent:g}"),
        )
    return (price - fixed) / (1.0 + percent / 100.0)


def _fmt_money(value: float) -> str:
    return f"{value:.2f}"


def food_cost(
    cost: float,
    price: float,
    taxes: Sequence[Tax] = (),
    target_pct: float | None = None,
) -> FoodCost:
    """Food cost % (``100 * cost / net_price``), margin and target check of one menu item.

    Raises ``BohError`` for a non-finite cost (field ``cost``), a bad price or tax (see
    ``net_of_tax``) or a target that is not a finite number of 0 or more (``target_pct``).
    """
    cost = _finite("cost", cost, msg("food_cost.label.cost"), msg("food_cost.rule.recipe_cost"))
    if target_pct is not None:
        target_pct = _finite(
            "target_pct",
            target_pct,
            msg("food_cost.label.target_pct"),
            msg("food_cost.rule.percentage"),
        )
        if target_pct < 0:
            raise BohError(
                "target_pct",
                target_pct,
                msg("food_cost.target_pct.food_cost_which", target_pct=f"{target_pct:g}"),
            )
    net = net_of_tax(price, taxes)
    pct = 100.0 * cost / net if net > 0 else None
    return FoodCost(
        cost=cost,
        price=float(price),
        net_price=net,
        food_cost_pct=pct,
        margin=net - cost,
        target_pct=target_pct,
        over_target=pct is not None and target_pct is not None and pct > target_pct,
    )


def cost_impact(
    old: Mapping[Key, FoodCost],
    new: Mapping[Key, FoodCost],
    min_change_pct: float = 0.0,
) -> list[CostImpact]:
    """Items in both ``old`` and ``new`` whose food cost % moved by more than ``min_change_pct``.

    An item whose % is None on either side is reported when its cost changed at all. The list
    is sorted by the largest absolute move in points first; items without a % come after,
    by the largest absolute cost change; ties keep a stable order by key.
    """
    threshold = _finite("min_change_pct", min_change_pct, msg("food_cost.label.min_change"))
    if threshold < 0:
        raise BohError(
            "min_change_pct",
            min_change_pct,
            msg(
                "food_cost.min_change_pct.minimum_points_which",
                min_change_pct=f"{min_change_pct:g}",
            ),
        )
    impacts: list[tuple[tuple, CostImpact]] = []
    for key, before in old.items():
        after = new.get(key)
        if after is None:
            continue
        if before.food_cost_pct is not None and after.food_cost_pct is not None:
            move = abs(after.food_cost_pct - before.food_cost_pct)
            if move <= threshold:
                continue
            order: tuple = (0, -move)
        else:
            change = abs(after.cost - before.cost)
            if change == 0:
                continue
            order = (1, -change)
        if after.over_target and not before.over_target:
            crossed = "above"
        elif before.over_target and not after.over_target:
            crossed = "below"
        else:
            crossed = ""
        impacts.append((order + (repr(key),), CostImpact(key, before, after, crossed)))
    impacts.sort(key=lambda item: item[0])
    return [impact for _order, impact in impacts]
