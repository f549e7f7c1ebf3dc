"""Actual vs theoretical (AvT) usage of one ingredient at one store over one period.

Definitions (the same as the README's):

- actual usage = opening count + received + transfers in - transfers out
  - production consumed + production made - closing count;
- theoretical usage = what the sales consumed through their recipes when they were ingested;
- variance = actual - theoretical, split into recorded loss waste and unexplained
  (unexplained = variance - loss waste);
- values are quantities times the ingredient's unit cost.

Everything here is plain arithmetic over plain data: the addon reads the flows of all the
ingredients of all the stores of a request in one query and calls :func:`avt_lines` once.
"""

from __future__ import annotations

from dataclasses import dataclass

from boh_core.errors import BohError, msg


@dataclass(frozen=True)
class IngredientFlows:
    """What one ingredient did at one store between its opening and closing counts.

    Quantities are in the ingredient's own unit; ``received`` is net of vendor returns.
    ``has_opening``/``has_closing`` say whether an approved count exists for that end;
    without an opening count the opening quantity is zero and the line says so.
    """

    opening: float = 0.0
    received: float = 0.0
    transfers_in: float = 0.0
    transfers_out: float = 0.0
    production_consumed: float = 0.0
    production_made: float = 0.0
    closing: float = 0.0
    theoretical: float = 0.0
    loss_waste: float = 0.0
    unit_cost: float = 0.0
    has_opening: bool = True
    has_closing: bool = True


@dataclass(frozen=True)
class AvtLine:
    """The AvT figures of one ingredient: quantities and their values at cost."""

    actual: float
    theoretical: float
    variance: float
    loss_waste: float
    unexplained: float
    actual_value: float
    theoretical_value: float
    variance_value: float
    loss_waste_value: float
    unexplained_value: float
    opening_value: float
    closing_value: float
    complete: bool


def actual_usage(flows: IngredientFlows) -> float:
    """Actual usage by the stock identity (see the module docstring)."""
    return (
        flows.opening
        + flows.received
        + flows.transfers_in
        - flows.transfers_out
        - flows.production_consumed
        + flows.production_made
        - flows.closing
    )


def avt_line(flows: IngredientFlows) -> AvtLine:
    """The AvT figures of one ingredient's flows."""
    if flows.unit_cost < 0:
        raise BohError(
            "unit_cost",
            flows.unit_cost,
            msg("numbers.unit_cost.negative", unit_cost=flows.unit_cost),
        )
    actual = actual_usage(flows)
    variance = actual - flows.theoretical
    unexplained = variance - flows.loss_waste
    cost = flows.unit_cost
    return AvtLine(
        actual=actual,
        theoretical=flows.theoretical,
        variance=variance,
        loss_waste=flows.loss_waste,
        unexplained=unexplained,
        actual_value=actual * cost,
        theoretical_value=flows.theoretical * cost,
        variance_value=variance * cost,
        loss_waste_value=flows.loss_waste * cost,
        unexplained_value=unexplained * cost,
        opening_value=flows.opening * cost,
        closing_value=flows.closing * cost,
        complete=flows.has_opening and flows.has_closing,
    )


def avt_lines(rows: list[IngredientFlows]) -> list[AvtLine]:
    """The AvT figures of a batch of ingredients, in the order given."""
    return [avt_line(flows) for flows in rows]


def order_by_unexplained(lines: list[AvtLine]) -> list[int]:
    """Indexes of ``lines``, the largest unexplained value (in absolute terms) first."""
    return sorted(range(len(lines)), key=lambda i: -abs(lines[i].unexplained_value))
