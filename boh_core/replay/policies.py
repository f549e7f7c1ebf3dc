"""Three ways of ordering, each answering the wanted units at a cut-off for all series at once.

* :class:`ParPolicy`: by hand, as most restaurants do: order up to a par of ``multiplier`` x
  the last four weeks' average daily use x the days until the next delivery;
* :class:`MinMaxPolicy`: Odoo's reorder rule with min/max set from history: min = average
  daily use x lead time + safety stock, max = min + average daily use x review period, both
  rounded up to the purchase multiple; below min, order up to max;
* :class:`SuitePolicy`: the suite: its forecast (a :class:`.simulate.ForecastBook` made by
  :func:`boh_core.forecast.forecast`) and its replenishment maths. ``plain=True`` is the
  ordering of the Odoo run before the replay (demand until the next delivery + safety stock at
  one service level - on hand - incoming); the default adds what the replay showed wasting or
  missing: stock that will expire before it is used is not counted, the cover stops at the
  shelf life, each ingredient gets its own news-vendor service level (the company's level for
  an item whose leftover is lost, higher for one that keeps). Both take their safety stock
  from the forecast's interval, which the forecast calibrates on its own held-out errors.
"""

from __future__ import annotations

from statistics import NormalDist

import numpy as np

from boh_core import replenishment as rp

from .lots import Lots
from .simulate import Decision, ForecastBook, round_packs


class ParPolicy:
    """Order up to ``multiplier`` x average daily use (last ``window`` days) x cover days."""

    def __init__(self, multiplier: float = 1.2, window: int = 28):
        self.multiplier = float(multiplier)
        self.window = int(window)

    def order(self, d: Decision) -> np.ndarray:
        """Wanted units for ``d.rows``."""
        rows = d.rows
        average = d.history[rows, -self.window :].mean(axis=1)
        par = self.multiplier * average * d.cover[rows]
        return par - d.lots.on_hand[rows] - d.on_order[rows]


class MinMaxPolicy:
    """Odoo's min/max rule, its levels set every ``refresh_days`` from ``history_days``."""

    def __init__(self, safety_z: float = 1.645, history_days: int = 56, refresh_days: int = 28):
        self.safety_z = float(safety_z)
        self.history_days = int(history_days)
        self.refresh_days = int(refresh_days)

    def levels(self, d: Decision) -> tuple[np.ndarray, np.ndarray]:
        """(min, max) per row of ``d.rows``, as the buyer last set them."""
        rows = d.rows
        set_day = d.t - d.t % self.refresh_days
        past = d.history[rows, max(0, set_day + 1 - self.history_days) : set_day + 1]
        average, spread = past.mean(axis=1), past.std(axis=1)
        lead = d.table.lead[rows]
        pack = d.table.pack[rows]
        low = average * lead + self.safety_z * spread * np.sqrt(lead)
        high = low + average * d.table.review_days()[rows]
        return round_packs(low, pack), round_packs(high, pack)

    def order(self, d: Decision) -> np.ndarray:
        """Below min (stock + on order), order up to max."""
        low, high = self.levels(d)
        position = d.lots.on_hand[d.rows] + d.on_order[d.rows]
        return np.where(position < low, high - position, 0.0)


class SuitePolicy:
    """The suite's order: forecast demand over the cover + safety stock - usable stock."""

    def __init__(
        self,
        book: ForecastBook,
        *,
        service_level: float = 95.0,
        stockout_cost_ratio: float | None = None,
        plain: bool = False,
    ):
        self.book = book
        self.service_level = float(service_level)
        # the company's service level is the one of an item whose leftover is lost whole:
        # 95% is a stockout costing 19 times the unit's price
        rp.service_z(self.service_level)  # refuses a level outside 50 .. 100
        if stockout_cost_ratio is None:
            stockout_cost_ratio = self.service_level / (100.0 - self.service_level)
        self.stockout_cost_ratio = float(stockout_cost_ratio)
        self.plain = plain

    def _window(self, d: Decision, days: int) -> tuple[np.ndarray, np.ndarray]:
        """Forecast mean and variance of days ``t + 1 .. t + days`` for ``d.rows``; days past
        the horizon at the average of the known ones (as the Odoo run does)."""
        origin, mean, sd = self.book.latest(d.t)
        first = d.t - origin
        m = mean[d.rows, first : first + days]
        v = sd[d.rows, first : first + days] ** 2
        short = days - m.shape[1]
        if short > 0:
            fill_m = np.repeat(m.mean(axis=1, keepdims=True), short, axis=1)
            fill_v = np.repeat(v.mean(axis=1, keepdims=True), short, axis=1)
            m, v = np.hstack([m, fill_m]), np.hstack([v, fill_v])
        return m, v

    def order(self, d: Decision) -> np.ndarray:
        """Wanted units for ``d.rows``."""
        rows = d.rows
        cover = d.cover[rows]
        if self.plain:
            m, v = self._window(d, int(cover.max()))
            inside = np.arange(1, m.shape[1] + 1)[None, :] <= cover[:, None]
            need = (m * inside).sum(axis=1)
            sigma = np.sqrt((v * inside).sum(axis=1) / cover)
            safety = rp.service_z(self.service_level) * sigma * np.sqrt(cover)
            return need + safety - d.lots.on_hand[rows] - d.on_order[rows]
        table = d.table
        lead, shelf = table.lead[rows], table.shelf[rows]
        end = rp.shelf_capped_cover(lead, d.gap[rows], shelf)
        m, v = self._window(d, int(end.max()))
        level = rp.newsvendor_service_level(self.stockout_cost_ratio, cover, shelf)
        z = _z(level)
        unmet, left = project_shortfall(d.lots.copy(rows), d.pipeline[rows], m, lead, end)
        inside = np.arange(1, m.shape[1] + 1)[None, :] <= end[:, None]
        safety = z * np.sqrt((v * inside).sum(axis=1))
        return unmet + safety - left


def project_shortfall(
    lots: Lots, pipeline: np.ndarray, mean: np.ndarray, lead: np.ndarray, end: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """Run the stock forward on the forecast mean: demand left unserved on days ``lead ..
    end`` (the days the new order can serve), and the stock still usable after day ``end``.

    Stock that expires before it is used counts for nothing: this is what ``on hand +
    incoming`` misses for perishables.
    """
    n, days = mean.shape
    unmet = np.zeros(n)
    left = np.zeros(n)
    for k in range(1, days + 1):
        if k - 1 < pipeline.shape[1]:
            lots.receive(pipeline[:, k - 1])
        want = np.where(k <= end, mean[:, k - 1], 0.0)
        lost = want - lots.serve(want)
        unmet += np.where((k >= lead) & (k <= end), lost, 0.0)
        lots.expire()
        left = np.where(k == end, lots.on_hand, left)
    return unmet, left


_inv_cdf = np.vectorize(NormalDist().inv_cdf, otypes=[float])


def _z(level_pct: np.ndarray) -> np.ndarray:
    return _inv_cdf(np.asarray(level_pct, float) / 100.0)
