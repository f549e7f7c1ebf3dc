"""Units of measure, with the semantics of Odoo's ``uom.uom``, plus per-product bridges.

Every unit belongs to a category (weight, volume, count...) and carries a ``factor``: how many
of this unit make one reference unit of its category (kg has factor 1, g factor 1000, a
"Case 6 kg" factor 1/6). Within a category a quantity converts as ``qty / A.factor * B.factor``.

Between categories there is no general rule: a count of eggs becomes grams only because *this*
product weighs 55 g each, and a litre of oil becomes 0.92 kg only for oil. Such a
``ProductConversion`` is declared once between two units; it then bridges every unit of those
two categories, in both directions, for that product. A conversion whose ``product`` is
``None`` applies to every product that has no bridge of its own between those categories.
"""

from __future__ import annotations

import math
from collections import deque
from collections.abc import Hashable, Iterable
from dataclasses import dataclass

from boh_core.errors import BohError, Message, msg

Key = Hashable

# Two declarations of the same bridge may come from rounded decimal fields; they agree when
# their ratios match to this relative tolerance.
_BRIDGE_RTOL = 1e-9


@dataclass(frozen=True)
class Unit:
    """A unit of measure: ``factor`` units make one reference unit of ``category``."""

    id: Key
    category: Key
    factor: float
    name: str = ""


@dataclass(frozen=True)
class ProductConversion:
    """``from_qty`` of ``from_unit`` equals ``to_qty`` of ``to_unit``, for ``product``.

    ``product`` may be ``None`` for a bridge that holds for every product (for instance
    1 L of water-like liquid = 1 kg in a kitchen that wants it); a product's own bridge wins.
    """

    product: Key
    from_unit: Key
    from_qty: float
    to_unit: Key
    to_qty: float


def _fmt(value: float) -> str:
    """Format a quantity for a message: no trailing zeros, no float noise."""
    if isinstance(value, float) and math.isfinite(value):
        return f"{value:.6g}"
    return str(value)


def _is_number(value: object) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


class UnitConverter:
    """Converts quantities between units, across categories only through product bridges."""

    def __init__(
        self, units: Iterable[Unit], conversions: Iterable[ProductConversion] = ()
    ) -> None:
        """Index ``units`` and ``conversions``; refuse non-positive factors and clashing data."""
        self._units: dict[Key, Unit] = {}
        for unit in units:
            factor = unit.factor
            if not _is_number(factor) or not math.isfinite(factor) or factor <= 0:
                raise BohError(
                    "factor",
                    factor,
                    msg("units.factor.unit_has_number", unit=self._label(unit), factor=factor),
                )
            known = self._units.get(unit.id)
            if known is not None and known != unit:
                raise BohError(
                    "uom",
                    unit.id,
                    msg("units.uom.unit_id_defined", id=unit.id, known=known, unit=unit),
                )
            self._units[unit.id] = unit
        # (product, category_from, category_to) -> reference units of category_to per
        # reference unit of category_from.
        self._bridges: dict[tuple[Key, Key, Key], float] = {}
        # product -> category -> set of categories reachable in one bridge.
        self._adjacency: dict[Key, dict[Key, set[Key]]] = {}
        for conversion in conversions:
            self._add_bridge(conversion)
        self._cache: dict[tuple[Key, Key, Key], float | None] = {}

    # -- public API -----------------------------------------------------------------------

    def unit(self, unit_id: Key) -> Unit:
        """The unit with this id; an unknown id raises ``BohError(field="uom")``."""
        return self._get(unit_id)

    def unit_name(self, unit_id: Key) -> str:
        """Display name of a unit (its id when it has no name or is unknown)."""
        unit = self._units.get(unit_id)
        return self._label(unit) if unit is not None else str(unit_id)

    def factor(
        self,
        from_unit: Key,
        to_unit: Key,
        product: Key | None = None,
        product_name: str = "",
    ) -> float:
        """Multiplier taking a quantity in ``from_unit`` to ``to_unit`` for ``product``.

        Raises ``BohError(field="uom")`` naming the product and both units when either unit is
        unknown or no conversion exists between their categories for this product.
        """
        return self._factor(from_unit, to_unit, product, product_name, None)

    def convert(
        self,
        qty: float,
        from_unit: Key,
        to_unit: Key,
        product: Key | None = None,
        product_name: str = "",
    ) -> float:
        """``qty`` of ``from_unit`` expressed in ``to_unit`` for ``product`` (no rounding)."""
        if not _is_number(qty) or not math.isfinite(qty):
            raise BohError(
                "qty",
                qty,
                msg(
                    "units.qty.quantity_finite_number",
                    qty=qty,
                    product_label=self._product_label(product, product_name),
                ),
            )
        return qty * self._factor(from_unit, to_unit, product, product_name, qty)

    def can_convert(self, from_unit: Key, to_unit: Key, product: Key | None = None) -> bool:
        """Whether ``from_unit`` converts to ``to_unit`` for ``product`` (unknown units: no)."""
        if from_unit not in self._units or to_unit not in self._units:
            return False
        return self._lookup(from_unit, to_unit, product) is not None

    # -- internals ------------------------------------------------------------------------

    @staticmethod
    def _label(unit: Unit) -> str:
        return unit.name or str(unit.id)

    @staticmethod
    def _product_label(
        product: Key | None, product_name: str, capital: bool = False
    ) -> str | Message:
        """The product as a message names it (``capital``: at the start of a sentence)."""
        if product_name:
            return product_name
        if product is None and capital:
            return msg("units.label.unspecified_product_capital")
        if product is None:
            return msg("units.label.unspecified_product")
        if capital:
            return msg("units.label.product_capital", product=product)
        return msg("units.label.product", product=product)

    def _get(self, unit_id: Key, product: Key | None = None, product_name: str = "") -> Unit:
        try:
            return self._units[unit_id]
        except (KeyError, TypeError):
            raise BohError(
                "uom",
                unit_id,
                msg(
                    "units.uom.unit_used_unknown",
                    unit_id=unit_id,
                    product_label=self._product_label(product, product_name),
                ),
            ) from None

    def _add_bridge(self, conversion: ProductConversion) -> None:
        product = conversion.product
        label = self._product_label(product, "")
        source = self._get(conversion.from_unit, product)
        target = self._get(conversion.to_unit, product)
        for field, qty in (("from_qty", conversion.from_qty), ("to_qty", conversion.to_qty)):
            if not _is_number(qty) or not math.isfinite(qty) or qty <= 0:
                raise BohError(
                    field,
                    qty,
                    msg(
                        "units.conversion_has_both",
                        from_qty=_fmt(conversion.from_qty),
                        source=self._label(source),
                        to_qty=_fmt(conversion.to_qty),
                        target=self._label(target),
                        label=label,
                        field=field,
                        qty=qty,
                    ),
                )
        if source.category == target.category:
            raise BohError(
                "uom",
                (conversion.from_unit, conversion.to_unit),
                msg(
                    "units.uom.conversion_links_two",
                    from_qty=_fmt(conversion.from_qty),
                    source=self._label(source),
                    to_qty=_fmt(conversion.to_qty),
                    target=self._label(target),
                    label=label,
                    category=source.category,
                ),
            )
        ratio = (conversion.to_qty / target.factor) / (conversion.from_qty / source.factor)
        key = (product, source.category, target.category)
        known = self._bridges.get(key)
        if known is not None and not math.isclose(known, ratio, rel_tol=_BRIDGE_RTOL):
            raise BohError(
                "uom",
                (conversion.from_unit, conversion.to_unit),
                msg(
                    "units.uom.has_two_different",
                    label=self._product_label(product, "", capital=True),
                    category=source.category,
                    category_2=target.category,
                    from_qty=_fmt(conversion.from_qty),
                    source=self._label(source),
                    to_qty=_fmt(conversion.to_qty),
                    target=self._label(target),
                ),
            )
        self._bridges[key] = ratio
        self._bridges[(product, target.category, source.category)] = 1.0 / ratio
        adjacency = self._adjacency.setdefault(product, {})
        adjacency.setdefault(source.category, set()).add(target.category)
        adjacency.setdefault(target.category, set()).add(source.category)

    def _category_ratio(self, product: Key | None, start: Key, goal: Key) -> float | None:
        """Reference units of ``goal`` per reference unit of ``start`` for ``product``.

        Breadth-first over the product's bridges and the generic ones, so that "1 each = 55 g"
        and "1 L = 1.03 kg" together also give each <-> L; the product's own bridge is
        preferred over a generic one for the same pair of categories.
        """
        own = self._adjacency.get(product, {}) if product is not None else {}
        generic = self._adjacency.get(None, {})
        ratios: dict[Key, float] = {start: 1.0}
        queue = deque([start])
        while queue:
            category = queue.popleft()
            for neighbour in own.get(category, set()) | generic.get(category, set()):
                if neighbour in ratios:
                    continue
                step = self._bridges.get((product, category, neighbour))
                if step is None:
                    step = self._bridges[(None, category, neighbour)]
                ratios[neighbour] = ratios[category] * step
                if neighbour == goal:
                    return ratios[neighbour]
                queue.append(neighbour)
        return None

    def _lookup(self, from_unit: Key, to_unit: Key, product: Key | None) -> float | None:
        key = (from_unit, to_unit, product)
        try:
            return self._cache[key]
        except KeyError:
            pass
        source = self._units[from_unit]
        target = self._units[to_unit]
        if source.category == target.category:
            result: float | None = target.factor / source.factor
        else:
            ratio = self._category_ratio(product, source.category, target.category)
            result = None if ratio is None else ratio * target.factor / source.factor
        self._cache[key] = result
        return result

    def _factor(
        self,
        from_unit: Key,
        to_unit: Key,
        product: Key | None,
        product_name: str,
        qty: float | None,
    ) -> float:
        # Fast path: the cache holds every pair already resolved (hit for all but the first
        # conversion of a pair during a recipe explosion).
        try:
            result = self._cache[(from_unit, to_unit, product)]
        except (KeyError, TypeError):
            source = self._get(from_unit, product, product_name)
            target = self._get(to_unit, product, product_name)
            result = self._lookup(source.id, target.id, product)
        if result is not None:
            return result
        source = self._units[from_unit]
        target = self._units[to_unit]
        what = self._product_label(product, product_name)
        amount = f"{_fmt(qty)} " if qty is not None else ""
        raise BohError(
            "uom",
            qty if qty is not None else (from_unit, to_unit),
            msg(
                "units.uom.cannot_convert_category",
                amount=amount,
                source=self._label(source),
                what=what,
                target=self._label(target),
                category=source.category,
                category_2=target.category,
            ),
        )
