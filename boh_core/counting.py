"""Stock counts: quantities typed in the units on the shelf, mixed on one line.

A counter types what they see: ``3 case + 4``, ``2.5 kg``, ``1 case 6 each``, or just
``7``. Each term is a number and an optional unit name; a bare number is in the product's own
unit. The units a product may be counted in (its purchase unit, its packagings, its
conversions...) are given as a mapping from name to how many product units one of them holds;
the caller builds it (see the Odoo side, ``boh.stock.count.line``). Decimals are read exactly
(``Fraction`` of the typed text), so ``0.1 + 0.2`` cases are exactly 0.3 case.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from fractions import Fraction

from boh_core.errors import BohError, msg

#: Longest text a count entry may be (a line of a count sheet, not a document).
MAX_ENTRY_LENGTH = 200

_NUMBER = re.compile(r"\s*(\d+(?:[.,]\d+)?|[.,]\d+)\s*")
_SEPARATOR = re.compile(r"\s*\+?\s*")
_LETTER_DOT = re.compile(r"(?<=[^\d\s])\.")


@dataclass(frozen=True)
class CountTerm:
    """``qty`` of the unit named ``unit`` (``""``: the product's own unit)."""

    qty: Fraction
    unit: str


def normalise_unit_name(name: str) -> str:
    """The form unit names are matched in: lower case, single spaces, no trailing dot."""
    return " ".join(name.lower().replace(".", " ").split())


def parse_count(
    text: str, unit_names: Iterable[str] = (), product_name: str = ""
) -> list[CountTerm]:
    """Split a typed count into its terms; refuse anything that is not ``number [unit]``.

    After each number the longest of ``unit_names`` the text goes on with is taken (so
    ``Case 12`` is one unit, digits included, and ``cases`` is ``case``); otherwise the unit
    runs to the next ``+`` or number. Raises ``BohError(field="counted_entry")`` naming the
    product and the text.
    """
    what = msg("counting.label.of_product", product=product_name) if product_name else ""
    if not isinstance(text, str):
        raise BohError(
            "counted_entry", text, msg("counting.counted_entry.count_text_such", what=what)
        )
    if len(text) > MAX_ENTRY_LENGTH:
        raise BohError(
            "counted_entry",
            text[:40] + "...",
            msg(
                "counting.counted_entry.count_characters_long",
                what=what,
                n_text=len(text),
                max_entry_length=MAX_ENTRY_LENGTH,
            ),
        )
    names = sorted({normalise_unit_name(n) for n in unit_names} - {""}, key=len, reverse=True)
    stripped = " ".join(_LETTER_DOT.sub(" ", text.lower()).split())
    if not stripped:
        raise BohError(
            "counted_entry", text, msg("counting.counted_entry.count_empty_type", what=what)
        )
    terms: list[CountTerm] = []
    pos = 0
    while pos < len(stripped):
        number = _NUMBER.match(stripped, pos)
        if not number:
            raise BohError(
                "counted_entry",
                text,
                msg(
                    "counting.counted_entry.count_understood_type",
                    what=what,
                    text=text,
                    stripped=stripped[pos:],
                ),
            )
        qty = Fraction(number.group(1).replace(",", "."))
        pos = number.end()
        unit, end = _known_unit(stripped, pos, names)
        if unit is None:
            end = pos
            while end < len(stripped) and stripped[end] != "+" and not stripped[end].isdigit():
                end += 1
            unit = stripped[pos:end].strip()
        terms.append(CountTerm(qty, unit))
        pos = _SEPARATOR.match(stripped, end).end()
    return terms


def _known_unit(text: str, pos: int, names: list[str]) -> tuple[str | None, int]:
    """The longest known unit name (or its plural) at ``pos``, and where it ends."""
    for name in names:
        forms = (name + "s", name, name[:-1]) if name.endswith("s") else (name + "s", name)
        for form in forms:
            end = pos + len(form)
            if text.startswith(form, pos) and (end == len(text) or not text[end].isalnum()):
                return name, end
    return None, pos


def count_total(
    text: str, units: Mapping[str, float | Fraction], product_name: str = ""
) -> Fraction:
    """What ``text`` counts, in product units, exactly.

    ``units`` maps each unit name the product may be counted in to the product units one of
    them holds (``{"case": 12, "kg": 1, "g": 0.001}``); names are matched after
    :func:`normalise_unit_name`, and a name ending in ``s`` also matches without it
    (``cases``). A bare number is in product units.
    """
    table = {normalise_unit_name(name): _exact(factor) for name, factor in units.items()}
    total = Fraction(0)
    for term in parse_count(text, table, product_name):
        if not term.unit:
            total += term.qty
            continue
        factor = table.get(term.unit)
        if factor is None:
            known = ", ".join(sorted(table)) or msg("counting.label.no_units")
            what = f" {product_name}" if product_name else msg("counting.label.this_product")
            raise BohError(
                "counted_entry",
                term.unit,
                msg(
                    "counting.counted_entry.unit_unit_use",
                    unit=term.unit,
                    text=text,
                    what=what,
                    known=known,
                ),
            )
        total += term.qty * factor
    return total


def _exact(factor: float | Fraction) -> Fraction:
    """A unit factor as a fraction: floats such as 0.001 or 1/6 (from Odoo's decimal fields
    and unit factors) become the ratio they stand for, not their binary approximation."""
    if isinstance(factor, Fraction):
        return factor
    return Fraction(factor).limit_denominator(10**9)
