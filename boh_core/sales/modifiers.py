"""From sold lines to demand rows: what each line takes out of (or puts back into) stock.

:func:`demand_rows` turns a normalized :class:`~boh_core.sales.payload.Order` into rows of
(product, quantity, unit) that the recipe explosion then turns into ingredients. Its rules:

* A void line was never prepared: it produces nothing, and neither do the components of a
  void set-meal parent (a POS that voids the set often leaves its parts untouched).
* A sold line (qty > 0) produces a ``'sale'`` row for its menu item, qty = line qty.
* Each modifier adds, for every ``(product, delta, unit)`` of its mapping, a row of
  qty = |line qty| x modifier qty x delta. ``delta`` is per unit of the line and may be
  negative ("no onion" takes onion out of the recipe), so modifier rows carry the sign of
  their delta. A modifier mapped to an empty list is known and has no stock effect.
* A refund line (qty < 0) without ``restock``: the food was made and thrown away, so the
  item and its modifiers produce ``'waste'`` rows with the line's absolute quantity. The
  sales figures are a separate matter (the facts count the refund as negative sales).
* A refund line with ``restock``: the food comes back to stock (a sealed bottle, a
  packaged dessert), so nothing is depleted; the item and its modifiers produce
  ``'restock'`` rows with the absolute quantity, which the caller posts as a return to
  stock of what the original sale had taken out.
* Set meals: the parent line (a line that another line of the order names as
  ``parent_line_ref``) carries the price and the components deplete. The parent produces
  no row for its own item, mapped or not: a set's recipe (kept for its food cost) is made
  of the very dishes its components deplete, so depleting it too would count them twice;
  an unmapped parent is not reported as unmapped. Modifiers on a parent still apply ("extra
  sauce" on the set). Component quantities are the components' own totals, not multiples
  of the parent's. A set sent without component lines is an ordinary line and depletes
  its recipe.
* Unmapped item and modifier codes are listed, once per line and code, in ``unmapped``;
  the rest of the line still produces its rows, so the caller decides whether an order
  with unmapped codes waits for its mapping or posts what it can.

Item map values are a product key, or a ``(product, unit)`` pair for items sold by weight
or volume; a bare key means the unit :data:`ITEM_UNIT`.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any, Literal

from boh_core.errors import BohError, msg

from .payload import Line, Order

#: Unit of a menu item row when the item map gives a bare product key.
ITEM_UNIT = "unit"

DemandKind = Literal["sale", "waste", "restock", "modifier"]

#: How each kind of row moves stock, as ``(sign, consumption kind)``: sales and modifiers
#: are consumed, a restocked refund puts back what a sale took, waste is its own kind.
STOCK_EFFECT: dict[str, tuple[int, str]] = {
    "sale": (1, "sale"),
    "modifier": (1, "sale"),
    "restock": (-1, "sale"),
    "waste": (1, "waste"),
}


@dataclass(frozen=True)
class DemandRow:
    """One quantity of one product that a line takes out of stock (or puts back).

    ``kind`` is ``'sale'`` (the menu item of a sold line), ``'modifier'`` (an ingredient
    delta of a sold line's modifier), ``'waste'`` (a refunded line that was made) or
    ``'restock'`` (a refunded line whose food returns to stock).
    """

    line_ref: str
    product: Any
    qty: Decimal
    unit: str
    kind: DemandKind


def _as_decimal(value: Any, what: str) -> Decimal:
    """Mapping deltas come from configuration: accept int, float, Decimal or numeric str."""
    if isinstance(value, bool):
        raise BohError(what, value, msg("sales.modifiers.boolean_quantity", what=what, value=value))
    try:
        result = Decimal(repr(value)) if isinstance(value, float) else Decimal(value)
    except (ArithmeticError, TypeError, ValueError):
        raise BohError(
            what, repr(value), msg("sales.modifiers.number", what=what, value=value)
        ) from None
    if not result.is_finite():
        raise BohError(
            what, repr(value), msg("sales.modifiers.finite_number", what=what, value=value)
        )
    return result


def _item_target(target: Any, item_code: str) -> tuple[Any, str]:
    if isinstance(target, tuple | list):
        if len(target) != 2:
            raise BohError(
                "item_map",
                item_code,
                msg("sales.modifiers.item_map.entry_product_key", item_code=item_code),
            )
        return target[0], str(target[1])
    return target, ITEM_UNIT


def _line_kind(line: Line) -> DemandKind:
    if line.qty > 0:
        return "sale"
    return "restock" if line.restock else "waste"


def demand_rows(
    order: Order,
    item_map: Mapping[str, Any],
    modifier_map: Mapping[str, Sequence[tuple[Any, Any, str]]],
) -> tuple[list[DemandRow], list[tuple[str, str, str]]]:
    """Turn an order's lines into demand rows, and list the codes that have no mapping.

    Returns ``(rows, unmapped)``: rows in line order (the item row first, then its
    modifiers' rows), and ``unmapped`` as ``(line_ref, 'item' | 'modifier', code)``.
    Raises :class:`BohError` only for a malformed mapping entry. See the module docstring
    for the rules on void, refund, restock and set-meal lines.
    """
    parents = {ln.parent_line_ref for ln in order.lines if ln.parent_line_ref is not None}
    void_refs = {ln.line_ref for ln in order.lines if ln.void}
    rows: list[DemandRow] = []
    unmapped: list[tuple[str, str, str]] = []
    for line in order.lines:
        if line.void or line.parent_line_ref in void_refs:
            continue
        kind = _line_kind(line)
        qty = abs(line.qty)
        target = item_map.get(line.item_code)
        if line.line_ref in parents:
            pass  # its components deplete
        elif target is not None:
            product, unit = _item_target(target, line.item_code)
            rows.append(DemandRow(line.line_ref, product, qty, unit, kind))
        else:
            unmapped.append((line.line_ref, "item", line.item_code))
        mod_kind: DemandKind = "modifier" if kind == "sale" else kind
        seen_codes: set[str] = set()
        for mod in line.modifiers:
            effects = modifier_map.get(mod.code)
            if effects is None:
                if mod.code not in seen_codes:
                    unmapped.append((line.line_ref, "modifier", mod.code))
                seen_codes.add(mod.code)
                continue
            for effect in effects:
                try:
                    product, delta, unit = effect
                except (TypeError, ValueError):
                    raise BohError(
                        "modifier_map",
                        mod.code,
                        msg("sales.modifiers.modifier_map.entry_list_product", code=mod.code),
                    ) from None
                amount = qty * mod.qty * _as_decimal(delta, "qty delta")
                if amount:
                    rows.append(DemandRow(line.line_ref, product, amount, str(unit), mod_kind))
    return rows, unmapped


__all__ = ["ITEM_UNIT", "STOCK_EFFECT", "DemandKind", "DemandRow", "demand_rows"]
