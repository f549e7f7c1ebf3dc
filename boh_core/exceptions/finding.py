"""What a detector found: one unusual thing, at one place, with the evidence a manager reads.

Every detector of :mod:`boh_core.exceptions` returns :class:`Finding` objects; the addons
turn them into ``boh.flag`` records (one open flag per ``kind`` and ``key``: a cause that lasts
updates its flag instead of raising one a day).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

#: The kinds of finding, one per detector family (the flag model's ``kind`` selection).
KINDS = (
    "sales",  # an item's or a store's daily sales far outside the expected band
    "feed_silent",  # no orders from a store during hours it usually trades
    "item_silent",  # a POS stopped sending an item it always sells
    "usage",  # unexplained usage variance of an ingredient (one bad period or a steady leak)
    "waste",  # recorded waste far above the ingredient's own history and the other stores'
    "price",  # a vendor price far from its history or from other vendors of the product
    "count",  # a count far from expected that repeats on the same product
    "sensor_drift",  # a fridge's temperature drifting up before it breaches
    "sensor_door",  # door openings that keep the temperature high
    "sensor_silent",  # a sensor that stopped reporting
    "sensor_stuck",  # a sensor sending the same value for hours
    "labour",  # hours worked far above what the forecast needed
    "repeat_failure",  # an equipment failing too often (N corrective requests in M days)
    "cold_room",  # a cold storage out of range: the stock it holds must be checked
)


@dataclass(frozen=True)
class Finding:
    """One anomaly.

    ``key`` names the series it belongs to, as a tuple of the caller's own identifiers
    (``(store, item)``, ``(sensor,)``, ``(vendor, product)``...): with ``kind`` it is the
    cause's identity, so a detector run twice on overlapping data finds the same cause again.
    ``start``/``end`` bound the evidence (days or instants); ``observed`` is what happened and
    ``low``..``high`` the range that was expected (``expected`` its centre), all in ``unit``;
    ``score`` says how unusual it is (a robust z: distance from expected in the series' own
    noise, so 3 is rare and 6 very rare); ``detail`` holds the method's own evidence (for a
    drift, the hours left before the threshold is breached) as plain JSON-able values.
    """

    kind: str
    key: tuple
    start: date | datetime
    end: date | datetime
    observed: float
    expected: float
    low: float
    high: float
    score: float
    unit: str = ""
    detail: dict[str, Any] = field(default_factory=dict)

    def __post_init__(self):
        if self.kind not in KINDS:
            raise ValueError(f"unknown finding kind {self.kind!r}")
