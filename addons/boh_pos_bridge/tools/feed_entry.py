"""The typed objects the sales feed carries through its pipeline (no ORM logic here).

An order goes through the feed as a :class:`FeedEntry`: classified (``boh.pos.feed``,
``_process_payload``), mapped and exploded (``_compute_effects``), flagged, written and
answered (``_write_entries``). Each step fills in its own attributes; the answer that goes
back to the caller is the plain dict ``answer``, whose shape is the public contract of
``push_sales``.
"""

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from boh_core.sales import Line, Modifier, Order


def _consumption():
    return defaultdict(float)


@dataclass(eq=False, slots=True)
class FeedEntry:
    """One order on its way through the feed, with what each step learned about it.

    Compared by identity: two entries are never the same order of the same push.
    """

    #: the normalized order (``boh_core.sales.Order``)
    order: Order
    #: its store (``stock.warehouse``)
    warehouse: Any
    #: ``{"order_ref", "status", "errors"}``: what the caller gets back for this order
    answer: dict
    fingerprint: str
    #: the stored ``boh.pos.order`` of an earlier push or a reprocessing, else None
    record: Any = None
    #: the ``boh.pos.batch`` it arrived in (none for Odoo's own POS)
    batch: Any = None
    #: run again after a mapping: not a new version, answered ``amended``
    reprocess: bool = False
    #: the source's item map, ``{code: (product id, uom id)}``, once mapped
    item_map: dict = field(default_factory=dict)
    #: ``{(product id, 'sale' | 'waste'): qty}`` it takes out of stock (negative: puts back)
    consumption: defaultdict = field(default_factory=_consumption)
    #: ``boh.sales.fact`` values, one per item sold
    facts: list = field(default_factory=list)
    #: ``[(kind, code)]`` that have no mapping yet: the order waits for them
    unmapped: list = field(default_factory=list)
    note: str = ""
    #: ``[{"line_ref", "field", "message"}]`` when the order is refused
    errors: list | None = None
    #: the approved ``boh.stock.count`` that already covers its store and day (an id)
    late_count_id: int | bool = False

    def refuse(self, message, field_name="", line_ref="", code="error"):
        """Refuse the order with one error (the last refusal wins, as it replaces all);
        ``code`` is the stable code of the answer (a core error's own code)."""
        self.errors = [
            {"line_ref": line_ref, "field": field_name, "code": code, "message": message}
        ]

    @property
    def key(self):
        """``(source, warehouse id, order ref)``: unique among stored orders."""
        return (self.order.source, self.warehouse.id, self.order.order_ref)


@dataclass(frozen=True, slots=True)
class DepletionDelta:
    """What one ingredient's stock still lacks (or has too much of) for a store-day.

    ``delta`` > 0 is still to take out, < 0 to put back, of ``kind`` ``'sale'`` or ``'waste'``.
    """

    warehouse: Any
    day: date
    product: Any
    kind: str
    delta: float


def order_from_content(content):
    """Rebuild a normalized order from its stored content (see ``order_content``)."""
    return Order(
        source=content["source"],
        location=content["location"],
        order_ref=content["order_ref"],
        business_date=date.fromisoformat(content["business_date"]),
        closed_at=datetime.fromisoformat(content["closed_at"]),
        covers=content["covers"],
        lines=tuple(
            Line(
                line_ref=line["line_ref"],
                item_code=line["item_code"],
                qty=Decimal(line["qty"]),
                unit_price=Decimal(line["unit_price"]),
                modifiers=tuple(Modifier(code, Decimal(qty)) for code, qty in line["modifiers"]),
                void=line["void"],
                restock=line["restock"],
                parent_line_ref=line["parent_line_ref"],
            )
            for line in content["lines"]
        ),
    )
