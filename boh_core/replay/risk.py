"""Expected waste and stockout risk of one suggested order quantity, for many lines at once.

The same lots as the replay (:class:`.lots.Lots`) run forward on ``samples`` demand paths
drawn from each line's daily forecast (normal with the forecast's mean and standard error,
cut at 0; a fixed ``seed``, so the same input gives the same answer). Day 0 is today, whose
whole demand is still to come (as the Odoo run counts it).

* on hand is assumed to have half its shelf life left (``on_hand_days_left`` overrides it),
  incoming goods to arrive with the order, fresh;
* ``expected_waste``: units of the order (its share of the lot it arrives in) still unused
  when that lot expires, on average (a lot that outlasts :data:`MAX_DAYS` counts none); later
  deliveries expire later, so first-expired-first-out uses this lot before them and they do
  not change the figure;
* ``stockout_risk``: the share of paths with demand left unserved on a day this order is meant
  to cover (from its delivery to the day before the next one).
"""

from __future__ import annotations

import numpy as np

from boh_core.errors import BohError, msg

from .lots import Lots

MAX_DAYS = 120


def _array(name: str, value, n: int, dtype=float) -> np.ndarray:
    out = np.broadcast_to(np.asarray(value, dtype=dtype), (n,)).copy()
    if not np.isfinite(out.astype(float)).all() or (out < 0).any():
        raise BohError(name, value, msg("replay.risk.finite_negative", name=name, value=value))
    return out


def order_risk(
    qty,
    on_hand,
    incoming,
    mean: np.ndarray,
    sd: np.ndarray,
    delivery_day,
    next_delivery_day,
    shelf_days,
    *,
    on_hand_days_left=None,
    samples: int = 200,
    seed: int = 0,
) -> dict[str, np.ndarray]:
    """Risk of ordering ``qty`` for each of ``n`` lines (see the module docstring).

    ``mean``/``sd``: forecast of days 0 .. H-1 (n x H; days past H at the average of the last
    seven); ``delivery_day``/``next_delivery_day``: days from today of this order's delivery
    and of the following one; ``shelf_days``: shelf life from delivery (at least 1). Answers
    ``expected_waste`` (units), ``waste_pct`` (of ``qty``) and ``stockout_risk`` (0 .. 1).

    Long because it draws the demand paths and replays first-expired-first-out use for all lines
    at once.
    """
    mean = np.atleast_2d(np.asarray(mean, dtype=float))
    sd = np.atleast_2d(np.asarray(sd, dtype=float))
    n = mean.shape[0]
    if sd.shape != mean.shape or not mean.shape[1]:
        raise BohError("sd", sd.shape, msg("replay.risk.sd.have_shape_mean", shape=mean.shape))
    if not (np.isfinite(mean).all() and np.isfinite(sd).all()) or (mean < 0).any():
        raise BohError("mean", None, msg("replay.risk.mean.forecast_finite_negative"))
    qty = _array("qty", qty, n)
    on_hand = _array("on_hand", on_hand, n)
    incoming = _array("incoming", incoming, n)
    delivery = _array("delivery_day", delivery_day, n, np.int64)
    following = _array("next_delivery_day", next_delivery_day, n, np.int64)
    shelf = _array("shelf_days", shelf_days, n, np.int64)
    if (shelf < 1).any():
        raise BohError("shelf_days", shelf_days, msg("replay.risk.shelf_days.least_day"))
    if (following <= delivery).any():
        raise BohError(
            "next_delivery_day", next_delivery_day, msg("replay.risk.next_delivery_day.come_after")
        )
    left = np.maximum(1, np.ceil(shelf / 2)).astype(np.int64)
    if on_hand_days_left is not None:
        left = np.maximum(1, _array("on_hand_days_left", on_hand_days_left, n, np.int64))
    expiry = delivery + shelf - 1  # the last day the order can be used
    # lots that outlast MAX_DAYS are not followed to their end: no waste is counted for them
    ending = expiry[expiry < MAX_DAYS]
    days = int(
        min(MAX_DAYS, max(int(following.max()), int(ending.max()) + 1 if ending.size else 0))
    )
    mean, sd = _extend(mean, days), _extend(np.abs(sd), days)

    rng = np.random.default_rng(seed)
    rep = np.repeat(np.arange(n), samples)
    paths = np.maximum(0.0, rng.normal(mean[rep], sd[rep]))
    lots = Lots(shelf[rep], horizon=days)
    lots.q[np.arange(len(rep)), np.minimum(left[rep], lots.q.shape[1]) - 1] += on_hand[rep]
    short = np.zeros(len(rep), dtype=bool)
    waste = np.zeros(len(rep))
    arriving = qty[rep] + incoming[rep]
    share = np.divide(qty[rep], arriving, out=np.zeros(len(rep)), where=arriving > 0)
    for day in range(days):
        lots.receive(np.where(delivery[rep] == day, arriving, 0.0))
        demand = paths[:, day]
        lost = demand - lots.serve(demand)
        covering = (day >= delivery[rep]) & (day < following[rep])
        short |= covering & (lost > 1e-9)
        wasted = lots.expire()
        waste += np.where(expiry[rep] == day, wasted * share, 0.0)
    expected = waste.reshape(n, samples).mean(axis=1)
    return {
        "expected_waste": expected,
        "waste_pct": np.divide(100.0 * expected, qty, out=np.zeros(n), where=qty > 0),
        "stockout_risk": short.reshape(n, samples).mean(axis=1),
    }


def _extend(matrix: np.ndarray, days: int) -> np.ndarray:
    if matrix.shape[1] >= days:
        return matrix[:, :days]
    tail = matrix[:, -7:].mean(axis=1, keepdims=True)
    return np.hstack([matrix, np.repeat(tail, days - matrix.shape[1], axis=1)])
