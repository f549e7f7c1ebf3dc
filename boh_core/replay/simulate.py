"""The replay loop: day by day, every series at once, and what it cost.

A day ``t`` of the replay, for every series:

1. the morning: deliveries due today enter stock as fresh lots (:class:`.lots.Lots`);
2. the day: demand is served first-expired-first-out; what stock cannot serve is lost;
3. the evening: lots at the end of their shelf life are thrown away;
4. the cut-off: on the days whose order would arrive on a delivery day (``t + lead`` is one of
   the vendor's weekdays) the policy says how much it wants; the quantity is rounded up to
   whole packs and arrives on the morning of ``t + lead``.

The policy sees the demand of every day up to and including ``t`` (a restaurant knows what its
dishes would have used, 86'd dishes included) and the stock and orders of its own replay.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from boh_core.errors import BohError, msg

from .lots import EPSILON, Lots
from .params import IngredientTable


@dataclass(frozen=True)
class ForecastBook:
    """Forecasts made on a schedule: at the end of day ``origins[k]`` for days
    ``origins[k] + 1 .. origins[k] + H``; ``mean`` and ``sd`` are (origins, series, H)."""

    origins: np.ndarray
    mean: np.ndarray
    sd: np.ndarray

    def latest(self, t: int) -> tuple[int, np.ndarray, np.ndarray]:
        """The newest forecast known at the end of day ``t``: (origin, mean, sd)."""
        k = int(np.searchsorted(self.origins, t, side="right")) - 1
        if k < 0:
            raise BohError("t", t, msg("replay.simulate.t.forecast_was_made", t=t))
        return int(self.origins[k]), self.mean[k], self.sd[k]


@dataclass
class Decision:
    """What a policy knows at the cut-off of day ``t`` (positions ``rows`` order today)."""

    t: int
    rows: np.ndarray  # series that can order today
    lots: Lots  # stock after today's expiry (all series)
    pipeline: np.ndarray  # (n, max lead): units arriving on the mornings of t+1, t+2, ...
    history: np.ndarray  # demand of days 0 .. t (n, t + 1)
    table: IngredientTable
    gap: np.ndarray  # (n,): days from this order's delivery to the vendor's next one

    @property
    def on_order(self) -> np.ndarray:
        """Units ordered and not yet delivered, per series."""
        return self.pipeline.sum(axis=1)

    @property
    def cover(self) -> np.ndarray:
        """Days this order and the stock must last: tomorrow to the day before the next
        delivery after this order's (per series)."""
        return self.table.lead + self.gap - 1


@dataclass
class ReplayResult:
    """Daily arrays (series x replayed days) of one replay, in units."""

    ids: np.ndarray
    demand: np.ndarray
    served: np.ndarray
    received: np.ndarray
    wasted: np.ndarray
    on_hand: np.ndarray  # end of day, after expiry
    ordered: np.ndarray  # placed at the cut-off of each day
    unit_cost: np.ndarray
    opening: np.ndarray  # on hand before the first replayed day


def round_packs(need: np.ndarray, pack: np.ndarray) -> np.ndarray:
    """Whole packs covering ``need``; nothing for no need (vectorised ``round_order``)."""
    packs = np.ceil(np.maximum(need, 0.0) / pack - EPSILON)
    return np.where(need > EPSILON, np.maximum(packs, 1.0) * pack, 0.0)


def replay(
    demand: np.ndarray,
    table: IngredientTable,
    policy,
    *,
    start: int,
    first_weekday: int,
    opening: np.ndarray | None = None,
) -> ReplayResult:
    """Replay days ``start ..`` of ``demand`` (series x days, rows in ``table`` order).

    ``first_weekday`` is the weekday of day 0 (0 = Monday); days before ``start`` are history
    the policy may read. ``policy.order(decision)`` answers the wanted units for
    ``decision.rows``. ``opening`` is the stock on the morning of ``start`` (fresh lots).

    Long because it is the day loop of the replay: arrivals, use, expiry and orders.
    """
    demand = np.asarray(demand, dtype=float)
    if demand.ndim != 2 or demand.shape[0] != table.n:
        raise BohError(
            "demand",
            demand.shape,
            msg("replay.simulate.demand.series_x_days", n=table.n, shape=demand.shape),
        )
    if not np.isfinite(demand).all() or (demand < 0).any():
        raise BohError("demand", None, msg("replay.simulate.demand.finite_negative"))
    n, total = demand.shape
    if not 0 <= start < total:
        raise BohError("start", start, msg("replay.simulate.start.day_demand", total=total - 1))
    days = total - start
    lead_max = int(table.lead.max())
    lots = Lots(table.shelf)
    opening = np.zeros(n) if opening is None else np.asarray(opening, dtype=float)
    lots.receive(opening)
    arrivals = np.zeros((n, total + lead_max + 1))
    out = {name: np.zeros((n, days)) for name in ("served", "received", "wasted", "on_hand")}
    out["ordered"] = np.zeros((n, days))
    rows_all = np.arange(n)
    for step, t in enumerate(range(start, total)):
        received = arrivals[:, t]
        lots.receive(received)
        served = lots.serve(demand[:, t])
        wasted = lots.expire()
        arrival_day = t + table.lead
        weekday = (first_weekday + arrival_day) % 7
        can_order = table.delivers[rows_all, weekday]
        ordered = np.zeros(n)
        if can_order.any():
            rows = np.flatnonzero(can_order)
            decision = Decision(
                t=t,
                rows=rows,
                lots=lots,
                pipeline=arrivals[:, t + 1 : t + 1 + lead_max],
                history=demand[:, : t + 1],
                table=table,
                gap=table.gap_after(weekday),
            )
            want = np.asarray(policy.order(decision), dtype=float)
            ordered[rows] = round_packs(np.nan_to_num(want), table.pack[rows])
            arrivals[rows, arrival_day[rows]] += ordered[rows]
        out["served"][:, step] = served
        out["received"][:, step] = received
        out["wasted"][:, step] = wasted
        out["on_hand"][:, step] = lots.on_hand
        out["ordered"][:, step] = ordered
    return ReplayResult(
        ids=table.ids,
        demand=demand[:, start:],
        unit_cost=table.cost,
        opening=opening,
        **out,
    )


def summarise(result: ReplayResult, warmup: int = 0) -> dict[str, float]:
    """The measures of a replay from day ``warmup`` of it on, money-weighted across series.

    ``waste_pct``: value thrown away / value received x 100; ``fill_rate``: value of demand
    served from stock / value of demand x 100; ``stockout_days``: series-days with demand
    lost, and ``stockout_share`` their share of all series-days x 100; ``days_of_inventory``:
    average value on hand at the end of the day / average value used a day;
    ``purchase_cost``: value received.
    """
    cut = slice(warmup, None)
    cost = result.unit_cost[:, None]
    received = float((result.received[:, cut] * cost).sum())
    wasted = float((result.wasted[:, cut] * cost).sum())
    demand = float((result.demand[:, cut] * cost).sum())
    served = float((result.served[:, cut] * cost).sum())
    lost = result.demand[:, cut] - result.served[:, cut]
    stockouts = int((lost > 1e-6 * np.maximum(result.demand[:, cut], 1.0)).sum())
    days = max(1, result.demand[:, cut].shape[1])
    on_hand = float((result.on_hand[:, cut] * cost).sum()) / days
    used = served / days
    return {
        "waste_pct": 100.0 * wasted / received if received > 0 else 0.0,
        "fill_rate": 100.0 * served / demand if demand > 0 else 100.0,
        "stockout_days": stockouts,
        "stockout_share": 100.0 * stockouts / max(1, lost.size),
        "days_of_inventory": on_hand / used if used > 0 else float("inf"),
        "purchase_cost": received,
        "waste_cost": wasted,
    }
