"""Suggested orders for a whole run: every location x ingredient in one call.

The forecast run (``boh_forecast``) reads stock, vendors and forecasts in batches, hands them
here once, and writes the suggestions back as draft purchase lines. The single-row maths
(order windows, safety stock, pack rounding) is :mod:`boh_core.replenishment`.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta

import numpy as np
import pandas as pd

from boh_core import replenishment as rp
from boh_core.errors import BohError
from boh_core.units import Key

#: A product without an expiration time is taken as keeping this long.
NO_EXPIRY_DAYS = 3650
DEMAND_COLUMNS = ["warehouse_id", "ingredient", "date", "qty", "var"]


def forecast_sigma(forecasts: pd.DataFrame, level: float) -> pd.Series:
    """Daily standard error of each forecast row from its ``level``% interval."""
    return rp.sigma_from_interval(forecasts.yhat_lo, forecasts.yhat_hi, level)


def ingredient_demand(items: pd.DataFrame, factors: pd.DataFrame) -> pd.DataFrame:
    """Daily ingredient demand and its variance per location.

    ``items``: forecast rows of sold items (``warehouse_id``, ``product_id``, ``date``,
    ``yhat``, ``sigma``); ``factors``: ingredient quantity per unit sold (``product_id``,
    ``ingredient``, ``factor``). Item errors are taken as independent: variances add up.
    """
    if items.empty or factors.empty:
        return pd.DataFrame(columns=DEMAND_COLUMNS)
    merged = items.assign(product_id=items.product_id.astype(int)).merge(factors, on="product_id")
    # an override or a closed day may leave the spread unknown (None): no spread then
    merged["qty"] = merged.yhat.astype(float).fillna(0.0) * merged.factor
    merged["var"] = (merged.sigma.astype(float).fillna(0.0) * merged.factor) ** 2
    return merged.groupby(["warehouse_id", "ingredient", "date"], as_index=False)[
        ["qty", "var"]
    ].sum()


@dataclass(frozen=True)
class OrderInput:
    """One location x ingredient to order for, with its vendor's terms and its stock.

    Quantities are in the ingredient's own unit; ``uom_factor`` and ``po_uom_factor`` are
    the unit factors (as Odoo's ``uom.uom.factor``) of the own and the purchase unit, both
    1.0 when they are the same unit. ``shelf_days`` 0 means no expiry.
    """

    warehouse: Key
    product: Key
    lead_days: int
    weekdays: tuple[int, ...] = ()
    cutoff_hour: float | None = None
    shelf_days: int = 0
    on_hand: float = 0.0
    incoming: float = 0.0
    moq: float = 0.0
    uom_factor: float = 1.0
    po_uom_factor: float = 1.0


@dataclass(frozen=True)
class OrderSuggestion:
    """What to order for one :class:`OrderInput`, with the figures that explain it.

    ``qty`` is in the purchase unit, ``qty_own_unit`` the same in the ingredient's unit;
    ``demand`` covers ``window.start`` .. ``last_day``.
    """

    warehouse: Key
    product: Key
    window: rp.OrderWindow
    last_day: date
    demand: float
    safety: float
    on_hand: float
    incoming: float
    need: float
    qty: float
    qty_own_unit: float
    shelf_days: int


def _window_totals(demand: pd.DataFrame, spans: pd.DataFrame) -> pd.DataFrame:
    """Sum and mean of the demand, mean variance and day count inside each row's span."""
    flat = demand.reset_index() if "warehouse_id" not in demand.columns else demand
    joined = spans.merge(
        flat.rename(columns={"ingredient": "product"}), on=["warehouse_id", "product"]
    )
    joined = joined[(joined.date >= joined.start) & (joined.date <= joined.last_day)]
    return joined.groupby("row").agg(
        qty_sum=("qty", "sum"),
        qty_mean=("qty", "mean"),
        var_mean=("var", "mean"),
        days=("qty", "size"),
    )


def _convert(qty: float, from_factor: float, to_factor: float) -> float:
    """Odoo's ``uom.uom._compute_quantity(round=False)`` on the factors."""
    if not qty or from_factor == to_factor == 1.0:
        return qty
    return qty / from_factor * to_factor


def suggest_orders(
    now: datetime,
    rows: Sequence[OrderInput],
    demand: pd.DataFrame,
    service_level: float,
) -> tuple[list[OrderSuggestion], dict[int, BohError]]:
    """Order suggestions for every row at once: ``(suggestions, {row index: error})``.

    ``demand`` is :func:`ingredient_demand`'s frame (indexed or not). Each order covers from
    ``now``'s day up to the day before the delivery after next, but no further than the
    delivered lot can be used; days past the forecast horizon count at the average of the
    known ones. Rows with nothing to order are left out; a row the maths refuses (a bad lead
    time, a bad minimum) is reported in the errors and the others go on.
    """
    errors: dict[int, BohError] = {}
    windows: dict[tuple, rp.OrderWindow | BohError] = {}
    spans = []
    for index, row in enumerate(rows):
        terms = (row.lead_days, tuple(row.weekdays), row.cutoff_hour)
        if terms not in windows:
            try:
                windows[terms] = rp.order_window(now, *terms)
            except BohError as error:
                windows[terms] = error
        window = windows[terms]
        if isinstance(window, BohError):
            errors[index] = window
            continue
        lead = (window.delivery - window.start).days
        gap = (window.next_delivery - window.delivery).days
        shelf = row.shelf_days or NO_EXPIRY_DAYS
        cover = int(rp.shelf_capped_cover(lead, gap, shelf)) + 1
        last_day = window.start + timedelta(days=cover - 1)
        spans.append((index, row.warehouse, row.product, window.start, last_day, cover))
    spans = pd.DataFrame(
        spans, columns=["row", "warehouse_id", "product", "start", "last_day", "cover"]
    )
    if spans.empty or demand.empty:
        return [], errors
    totals = _window_totals(demand, spans).join(spans.set_index("row"), how="inner")
    suggestions = []
    for index, total in zip(totals.index, totals.itertuples(index=False), strict=True):
        try:
            suggestion = _suggest_one(rows[index], windows, total, service_level)
        except BohError as error:
            errors[index] = error
            continue
        if suggestion is not None:
            suggestions.append((index, suggestion))
    suggestions.sort(key=lambda pair: pair[0])
    return [suggestion for _index, suggestion in suggestions], errors


def _suggest_one(row, windows, total, service_level):
    """The suggestion of one row from its window totals, or None when nothing is missing."""
    window = windows[(row.lead_days, tuple(row.weekdays), row.cutoff_hour)]
    # a window longer than the horizon: its last days at the average of the known ones
    cover = int(total.cover)
    missing_days = cover - int(total.days)
    need_qty = float(total.qty_sum) + max(0, missing_days) * float(total.qty_mean)
    sigma = math.sqrt(float(total.var_mean))
    safety = rp.safety_stock(sigma, cover, service_level)
    on_hand = max(0.0, row.on_hand)
    missing_qty = rp.order_up_to(need_qty, safety, on_hand, row.incoming)
    need_po = _convert(missing_qty, row.uom_factor, row.po_uom_factor)
    qty = rp.round_order(need_po, 1.0, row.moq or 0.0)
    if not qty:
        return None
    return OrderSuggestion(
        warehouse=row.warehouse,
        product=row.product,
        window=window,
        last_day=total.last_day,
        demand=need_qty,
        safety=safety,
        on_hand=on_hand,
        incoming=row.incoming,
        need=missing_qty,
        qty=qty,
        qty_own_unit=_convert(qty, row.po_uom_factor, row.uom_factor),
        shelf_days=row.shelf_days,
    )


def risk_profiles(
    suggestions: Sequence[OrderSuggestion], demand: pd.DataFrame
) -> tuple[np.ndarray, np.ndarray, list[int], list[int]]:
    """Daily mean and standard deviation of demand from each suggestion's window start.

    Returns ``(mean, sd, delivery offsets, next delivery offsets)`` for
    :func:`boh_core.replay.order_risk`; the horizon reaches the later of the next delivery
    and the end of the delivered lot's shelf life, days past the forecast at the average.
    """
    offsets = [
        (
            (s.window.delivery - s.window.start).days,
            (s.window.next_delivery - s.window.start).days,
        )
        for s in suggestions
    ]
    horizon = max(
        1,
        max(
            (
                max(nxt, delivery + (s.shelf_days or 1))
                for s, (delivery, nxt) in zip(suggestions, offsets, strict=True)
            ),
            default=1,
        ),
    )
    indexed = (
        demand
        if "warehouse_id" not in demand.columns
        else demand.set_index(["warehouse_id", "ingredient", "date"]).sort_index()
    )
    mean = np.zeros((len(suggestions), horizon))
    sd = np.zeros((len(suggestions), horizon))
    for k, suggestion in enumerate(suggestions):
        rows = indexed.loc[(suggestion.warehouse, suggestion.product)]
        days = np.array([(day - suggestion.window.start).days for day in rows.index])
        inside = (days >= 0) & (days < horizon)
        # an unknown spread (no interval for that day) counts as none
        qty = np.nan_to_num(rows.qty.to_numpy(dtype=float))
        var = np.nan_to_num(rows["var"].to_numpy(dtype=float))
        mean[k, days[inside]] = qty[inside]
        sd[k, days[inside]] = np.sqrt(var[inside])
        last = days[inside].max() + 1 if inside.any() else 0
        # days past the forecast horizon at the average of the known ones
        if 0 < last < horizon:
            mean[k, last:] = mean[k, :last].mean()
            sd[k, last:] = sd[k, :last].mean()
    return mean, sd, [o[0] for o in offsets], [o[1] for o in offsets]
