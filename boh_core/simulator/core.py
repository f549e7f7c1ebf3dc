"""Run the whole simulation of a restaurant group: :func:`simulate`."""

from __future__ import annotations

import numbers
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

import numpy as np
import pandas as pd

from boh_core.errors import BohError, msg

from .demand import Demand, simulate_demand
from .equipment import SensorEpisode, simulate_failures, simulate_sensors
from .model import Group
from .orders import hourly_lines, payload_orders, ticket_lines
from .staff import simulate_staff
from .stock import Stock, simulate_stock

MAX_DAYS = 3 * 366
MAX_ORDERS_PER_DAY = 5000


@dataclass
class Simulation:
    """Everything that happened in the run, as plain data.

    ``dates`` the business days; ``demand`` the daily arrays and what explains them;
    ``lines`` every ticket line (:func:`boh_core.simulator.orders.ticket_lines`); ``stock``
    the ingredient ledger, purchases, waste and counts; ``failures`` and ``sensors`` the
    equipment's; ``episode`` the slow cold-unit failure in the sensor readings; ``staff``
    the hours worked. Days in every frame are indexes into ``dates``.
    """

    group: Group
    seed: int
    dates: pd.DatetimeIndex
    demand: Demand
    lines: pd.DataFrame
    stock: Stock
    failures: pd.DataFrame
    sensors: pd.DataFrame
    episode: SensorEpisode | None
    staff: pd.DataFrame

    def daily_sales(self) -> pd.DataFrame:
        """Units per (store, item, business day) on the menu: ``sold`` (voids excluded),
        ``refunded``, ``net`` and ``revenue`` (tax included), long format with ``ds``."""
        d = self.demand
        n_s, n_i, n_d = d.qty.shape
        frame = pd.DataFrame(
            {
                "store": np.repeat(d.stores, n_i * n_d),
                "item": np.tile(np.repeat(d.items, n_d), n_s),
                "day": np.tile(np.arange(n_d), n_s * n_i),
                "sold": d.qty.reshape(-1),
                "on_menu": np.tile(d.on_menu.reshape(-1), n_s),
            }
        )
        refunds = self.lines[self.lines["refund"]].groupby(["store", "item", "day"])["qty"].sum()
        frame = frame.merge(
            refunds.rename("refunded").reset_index(), how="left", on=["store", "item", "day"]
        )
        frame["refunded"] = -frame["refunded"].fillna(0).astype(int)
        frame["net"] = frame["sold"] - frame["refunded"]
        sold = self.lines[~self.lines["void"]]
        revenue = (
            (sold["qty"] * sold["unit_price"])
            .groupby([sold["store"], sold["item"], sold["day"]])
            .sum()
        )
        frame = frame.merge(
            revenue.rename("revenue").reset_index(), how="left", on=["store", "item", "day"]
        )
        frame["revenue"] = frame["revenue"].fillna(0.0).round(2)
        frame["ds"] = self.dates[frame["day"].to_numpy()]
        return frame[frame.pop("on_menu")].reset_index(drop=True)

    def hourly_sales(self) -> pd.DataFrame:
        """Net units per (store, item, business day, local hour of closing)."""
        sold = self.lines[~self.lines["void"]]
        out = sold.groupby(["store", "item", "day", "hour"], as_index=False)["qty"].sum()
        out["ds"] = self.dates[out["day"].to_numpy()]
        return out

    def orders(
        self,
        *,
        stores: list[str] | None = None,
        since: int = 0,
        until: int | None = None,
        hourly: bool = False,
    ) -> list[dict[str, Any]]:
        """The tickets as ``push_sales`` orders, optionally of some stores and from day
        ``since`` on up to day ``until``; ``hourly`` sends one summary ticket per store and
        hour instead (:func:`boh_core.simulator.orders.hourly_lines`; refs end in ``-<hh>``
        with the hour; see :func:`boh_core.simulator.orders.payload_orders`). Refs of a run
        with a seed other than 0 end in ``-s<seed>``: two seeds never share a ticket."""
        lines = self.lines
        if stores is not None:
            lines = lines[lines["store"].isin(stores)]
        if since:
            lines = lines[lines["day"] >= since]
        if until is not None:
            lines = lines[lines["day"] <= until]
        if hourly:
            lines = hourly_lines(lines)
        return payload_orders(lines, self.dates, self.group, f"-s{self.seed}" if self.seed else "")

    def payloads(self, batch_size: int = 500, **kwargs: Any) -> list[dict[str, Any]]:
        """The orders in ``push_sales`` payloads of at most ``batch_size`` orders each."""
        orders = self.orders(**kwargs)
        return [
            {"source": self.group.source, "orders": orders[k : k + batch_size]}
            for k in range(0, len(orders), batch_size)
        ]


def _check_int(name: str, value: Any, low: int, high: int) -> int:
    if isinstance(value, bool) or not isinstance(value, numbers.Integral):
        raise BohError(
            name,
            value,
            msg("simulator.core.whole_number_from", name=name, low=low, high=high, value=value),
        )
    if not low <= int(value) <= high:
        raise BohError(
            name, value, msg("simulator.core.from", name=name, low=low, high=high, value=value)
        )
    return int(value)


def simulate(
    group: Group,
    *,
    days: int = 180,
    end: date | None = None,
    seed: int = 0,
    orders_per_day: float = 100.0,
    sensor_days: int = 14,
    sensor_minutes: int = 15,
) -> Simulation:
    """Simulate ``days`` business days of ``group`` ending on ``end`` (default yesterday).

    ``orders_per_day`` is the tickets of a store of size 1.0 on an average day. The same
    group, dates, seed and settings always give the same result.
    """
    group.check()
    days = _check_int("days", days, 1, MAX_DAYS)
    seed = _check_int("seed", seed, 0, 2**63 - 1)
    sensor_days = _check_int("sensor_days", sensor_days, 0, MAX_DAYS)
    sensor_minutes = _check_int("sensor_minutes", sensor_minutes, 1, 60)
    if (
        isinstance(orders_per_day, bool)
        or not isinstance(orders_per_day, numbers.Real)
        or not 0 < float(orders_per_day) <= MAX_ORDERS_PER_DAY
    ):
        raise BohError(
            "orders_per_day",
            orders_per_day,
            msg(
                "simulator.core.orders_per_day.number_above_most",
                max_orders_per_day=MAX_ORDERS_PER_DAY,
                orders_per_day=orders_per_day,
            ),
        )
    if end is None:
        end = date.today() - timedelta(days=1)
    if not isinstance(end, date):
        raise BohError("end", end, msg("simulator.core.end.date", end=end))
    dates = pd.date_range(end=pd.Timestamp(end), periods=days, freq="D")
    # Independent streams per part: adding sensors never changes the sales of a seed.
    streams = [np.random.default_rng(s) for s in np.random.SeedSequence(seed).spawn(6)]
    demand = simulate_demand(group, dates, float(orders_per_day), streams[0])
    lines = ticket_lines(group, demand, streams[1])
    stock = simulate_stock(group, demand, lines, streams[2])
    failures = simulate_failures(group, dates, streams[3])
    sensors, episode = simulate_sensors(
        group, dates, streams[4], days=sensor_days, minutes=sensor_minutes
    )
    staff = simulate_staff(group, demand, streams[5])
    return Simulation(group, seed, dates, demand, lines, stock, failures, sensors, episode, staff)
