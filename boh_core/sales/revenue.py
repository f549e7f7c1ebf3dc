"""What an order sold, per menu item: quantity and revenue net of tax, set meals split.

:func:`item_sales` is the arithmetic behind the daily sales facts. Its rules:

* Void lines, and the components of a void set-meal parent, sold nothing.
* A mapped line adds its quantity and its paid amount (``unit_price x qty``) net of its
  item's taxes to its item; a refund (negative quantity) subtracts both.
* A mapped component of a set meal (a line naming a ``parent_line_ref``) counts its
  quantity as a component sale with no revenue of its own: its parent carries the price.
* A parent that is not mapped (the set itself is not a menu item) splits its price over
  its mapped components in proportion to their quantities, each share net of the
  component's own taxes.

Item map values are a product key, or a ``(product, unit)`` pair, as for
:func:`~boh_core.sales.modifiers.demand_rows`.
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Hashable, Mapping, Sequence
from dataclasses import dataclass

from boh_core.errors import BohError
from boh_core.food_cost import Tax, net_of_tax

from .payload import Order


@dataclass
class ItemSales:
    """Quantity and net revenue of one menu item in one order, sold alone or in a set."""

    product: Hashable
    is_component: bool
    qty: float = 0.0
    revenue: float = 0.0


def net_paid(paid: float, taxes: Sequence[Tax] | None) -> float:
    """A paid amount without its taxes, keeping its sign (refunds are negative).

    A tax set that cannot be divided out (see :func:`~boh_core.food_cost.net_of_tax`)
    leaves the amount as paid rather than refusing the sale.
    """
    if not paid:
        return 0.0
    try:
        return math.copysign(net_of_tax(abs(paid), taxes or ()), paid)
    except BohError:
        return paid


def _product(target):
    return target[0] if isinstance(target, tuple | list) else target


def item_sales(
    order: Order,
    item_map: Mapping[str, object],
    taxes: Mapping[Hashable, Sequence[Tax]],
) -> list[ItemSales]:
    """Sales per ``(product, is_component)`` of ``order``, in the order they first occur."""
    void_refs = {ln.line_ref for ln in order.lines if ln.void}
    children = defaultdict(list)
    for line in order.lines:
        if line.parent_line_ref:
            children[line.parent_line_ref].append(line)
    sums: dict[tuple[Hashable, bool], ItemSales] = {}

    def cell(product, is_component):
        key = (product, is_component)
        if key not in sums:
            sums[key] = ItemSales(product, is_component)
        return sums[key]

    for line in order.lines:
        if line.void or line.parent_line_ref in void_refs:
            continue
        target = item_map.get(line.item_code)
        is_component = bool(line.parent_line_ref)
        paid = float(line.unit_price * line.qty)
        if target:
            product = _product(target)
            revenue = 0.0 if is_component else net_paid(paid, taxes.get(product))
            sales = cell(product, is_component)
            sales.qty += float(line.qty)
            sales.revenue += revenue
        elif children.get(line.line_ref):
            # an unmapped set-meal parent: its price goes to its components
            parts = [c for c in children[line.line_ref] if item_map.get(c.item_code)]
            total = sum(abs(float(c.qty)) for c in parts) or 1.0
            for part in parts:
                product = _product(item_map[part.item_code])
                share = paid * abs(float(part.qty)) / total
                cell(product, True).revenue += net_paid(share, taxes.get(product))
    return list(sums.values())


__all__ = ["ItemSales", "item_sales", "net_paid"]
