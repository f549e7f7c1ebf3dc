"""Supplier scorecard: on-time delivery, fill rate and price variance of a vendor's lines.

Per purchase line: **on time** when its first receipt is on or before the promised date (the
line's planned date, by day); **fill** = received / ordered, capped at 100% (more than ordered
is not a better fill); **price variance** against the vendor's previous price of the same
product and against the agreed price (the vendor pricelist), (paid - reference) / reference.
A vendor's figures over a period are the averages over its lines (each line counts once,
whatever its size), which is what the report's grouped rows show.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date


@dataclass(frozen=True)
class PurchaseLine:
    """One purchase line as the scorecard needs it."""

    ordered: float
    received: float
    promised: date
    first_receipt: date | None
    price: float
    last_price: float | None = None
    agreed_price: float | None = None


@dataclass(frozen=True)
class Scorecard:
    """A vendor's figures in percent; ``None`` where no line has the reference."""

    lines: int
    on_time_pct: float | None
    fill_pct: float | None
    price_vs_last_pct: float | None
    price_vs_agreed_pct: float | None


def on_time(line: PurchaseLine) -> bool | None:
    """Whether the line was first received by its promised day (``None``: not received)."""
    if line.first_receipt is None:
        return None
    return line.first_receipt <= line.promised


def fill_pct(line: PurchaseLine) -> float | None:
    """Received against ordered, capped at 100%."""
    if line.ordered <= 0:
        return None
    return 100.0 * min(line.received / line.ordered, 1.0)


def variance_pct(price: float, reference: float | None) -> float | None:
    """``price`` against ``reference`` in percent; ``None`` without a positive reference."""
    if not reference or reference <= 0:
        return None
    return 100.0 * (price - reference) / reference


def scorecard(lines: list[PurchaseLine]) -> Scorecard:
    """The averages over a vendor's lines."""

    def mean(values):
        values = [v for v in values if v is not None]
        return sum(values) / len(values) if values else None

    return Scorecard(
        lines=len(lines),
        on_time_pct=mean(
            100.0 if flag else 0.0 for flag in map(on_time, lines) if flag is not None
        ),
        fill_pct=mean(fill_pct(line) for line in lines),
        price_vs_last_pct=mean(variance_pct(line.price, line.last_price) for line in lines),
        price_vs_agreed_pct=mean(variance_pct(line.price, line.agreed_price) for line in lines),
    )
