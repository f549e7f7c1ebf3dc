"""The published parameters of each ingredient: lead time, delivery days, pack, shelf life.

A table (a pandas frame or a list of dicts) with one row per ingredient series:

========================  ======================================================================
``unique_id``             the series (an ingredient at a store)
``lead_days``             whole days from the vendor's cut-off to the delivery, at least 1: an
                          order placed at today's cut-off comes no sooner than tomorrow morning
``delivery_days``         the vendor's delivery weekdays: ``"Mon Thu"``, ``"0,3"`` or a list of
                          0 (Monday) .. 6; empty means every day, as for a vendor in Odoo with no
                          delivery day ticked (:func:`boh_core.replenishment.order_window`)
``pack``                  the purchase multiple in the ingredient's unit (above 0)
``shelf_days``            days a delivered unit can be used, the delivery day included (at
                          least 1); it counts from the delivery, so a shelf life shorter than the
                          lead time is accepted; 0 is refused (nothing could ever be used)
``unit_cost``             purchase price of one unit (0 or more)
========================  ======================================================================

Missing columns and blank (None or NaN) cells take :data:`DEFAULT_PARAMS`. Bad values raise
:class:`BohError` naming the column, the series and the value; nothing is half read.
:func:`warnings_for` lists what is legal but costly (shelf life shorter than the gap between
deliveries, a pack larger than a month's demand, demand with long runs of zeros).
"""

from __future__ import annotations

import math
import numbers
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

import numpy as np
import pandas as pd

from boh_core.errors import BohError, msg

WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
MAX_LEAD_DAYS = 28
MAX_SHELF_DAYS = 3650
#: Column defaults: a reader can pass any of them per row instead.
DEFAULT_PARAMS: dict[str, object] = {
    "lead_days": 2,
    "delivery_days": "Mon Thu",
    "pack": 1.0,
    "shelf_days": 7,
    "unit_cost": 1.0,
}
ZERO_RUN_DAYS = 56


@dataclass(frozen=True)
class IngredientTable:
    """The parameters as arrays over ``n`` series, in the order of ``ids``."""

    ids: np.ndarray
    lead: np.ndarray  # int (n,)
    delivers: np.ndarray  # bool (n, 7), Monday first
    pack: np.ndarray  # float (n,)
    shelf: np.ndarray  # int (n,)
    cost: np.ndarray  # float (n,)

    @property
    def n(self) -> int:
        """Number of series."""
        return len(self.ids)

    def gap_after(self, weekday: np.ndarray) -> np.ndarray:
        """Days from a delivery on ``weekday`` (per series) to the vendor's next delivery."""
        weekday = np.asarray(weekday) % 7
        gaps = np.full(self.n, 7, dtype=np.int64)
        for step in range(7, 0, -1):
            hit = self.delivers[np.arange(self.n), (weekday + step) % 7]
            gaps = np.where(hit, step, gaps)
        return gaps

    def review_days(self) -> np.ndarray:
        """Average days between deliveries (7 / deliveries a week)."""
        return 7.0 / self.delivers.sum(axis=1)

    def subset(self, index: np.ndarray) -> IngredientTable:
        """The rows ``index`` (positions), as a table of their own."""
        return IngredientTable(
            self.ids[index],
            self.lead[index],
            self.delivers[index],
            self.pack[index],
            self.shelf[index],
            self.cost[index],
        )


def _whole(column: str, uid: object, value: object, low: int, high: int) -> int:
    number = value
    if isinstance(number, float) and math.isfinite(number) and number == int(number):
        number = int(number)
    if isinstance(number, bool) or not isinstance(number, numbers.Integral):
        raise BohError(
            column,
            value,
            msg("replay.params.whole_number_days", column=column, uid=uid, value=value),
        )
    if not low <= int(number) <= high:
        why = {
            "lead_days": "an order placed at the cut-off arrives the next day at the soonest",
            "shelf_days": "with a shelf life of 0 days nothing bought could ever be used",
        }[column]
        raise BohError(
            column,
            value,
            msg(
                "replay.params.from",
                column=column,
                uid=uid,
                low=low,
                high=high,
                value=value,
                why=why,
            ),
        )
    return int(number)


def _amount(column: str, uid: object, value: object, positive: bool) -> float:
    ok = (
        not isinstance(value, bool)
        and isinstance(value, numbers.Real)
        and math.isfinite(float(value))
        and (float(value) > 0 if positive else float(value) >= 0)
    )
    if not ok:
        bound = "above 0" if positive else "0 or more"
        raise BohError(
            column,
            value,
            msg("replay.params.number", column=column, uid=uid, bound=bound, value=value),
        )
    return float(value)


def parse_delivery_days(uid: object, value: object) -> np.ndarray:
    """Delivery weekdays as 7 booleans (Monday first); empty or missing means every day."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        value = ""
    if isinstance(value, str):
        tokens = [t for t in value.replace(",", " ").replace(";", " ").split() if t]
    elif isinstance(value, Iterable):
        tokens = list(value)
    else:
        tokens = [value]
    days = np.zeros(7, dtype=bool)
    for token in tokens:
        text = str(token).strip().lower()
        if text[:3] in WEEKDAYS and not text.isdigit():
            days[WEEKDAYS.index(text[:3])] = True
        elif text.isdigit() and 0 <= int(text) <= 6:
            days[int(text)] = True
        else:
            raise BohError(
                "delivery_days",
                value,
                msg("replay.params.delivery_days.name_weekdays_mon", uid=uid, token=token),
            )
    if not days.any():
        days[:] = True
    return days


def ingredient_table(rows: pd.DataFrame | Iterable[Mapping]) -> IngredientTable:
    """Check the parameter table and turn it into arrays (see the module docstring)."""
    frame = rows if isinstance(rows, pd.DataFrame) else pd.DataFrame(list(rows))
    if "unique_id" not in frame.columns or frame.empty:
        raise BohError("unique_id", None, msg("replay.params.unique_id.parameter_table_needs"))
    duplicated = frame["unique_id"][frame["unique_id"].duplicated()].tolist()
    if duplicated:
        raise BohError(
            "unique_id",
            duplicated[0],
            msg("replay.params.unique_id.appears_more_once", duplicated=duplicated[0]),
        )
    lead, delivers, pack, shelf, cost = [], [], [], [], []
    for record in frame.to_dict("records"):
        uid = record["unique_id"]
        get = {key: record.get(key, default) for key, default in DEFAULT_PARAMS.items()}
        for key, default in DEFAULT_PARAMS.items():
            value = get[key]
            if value is None or (isinstance(value, float) and math.isnan(value)):
                get[key] = default
        lead.append(_whole("lead_days", uid, get["lead_days"], 1, MAX_LEAD_DAYS))
        shelf.append(_whole("shelf_days", uid, get["shelf_days"], 1, MAX_SHELF_DAYS))
        delivers.append(parse_delivery_days(uid, get["delivery_days"]))
        pack.append(_amount("pack", uid, get["pack"], positive=True))
        cost.append(_amount("unit_cost", uid, get["unit_cost"], positive=False))
    return IngredientTable(
        np.asarray(frame["unique_id"].to_numpy()),
        np.asarray(lead, dtype=np.int64),
        np.asarray(delivers, dtype=bool).reshape(-1, 7),
        np.asarray(pack, dtype=float),
        np.asarray(shelf, dtype=np.int64),
        np.asarray(cost, dtype=float),
    )


def warnings_for(table: IngredientTable, demand: np.ndarray) -> list[str]:
    """What is legal but will cost: one sentence per ingredient and problem.

    ``demand`` is the daily demand matrix (series x days) the table will be replayed on.
    """
    notes = []
    demand = np.asarray(demand, dtype=float)
    daily = demand.mean(axis=1) if demand.size else np.zeros(table.n)
    longest_gap = np.max([table.gap_after(np.full(table.n, w)) for w in range(7)], axis=0)
    zero_run = _longest_zero_run(demand)
    for i, uid in enumerate(table.ids):
        if table.shelf[i] < longest_gap[i]:
            notes.append(
                f"{uid}: shelf life {table.shelf[i]} d is shorter than the {longest_gap[i]} d "
                f"between deliveries: some days cannot be served from stock."
            )
        if daily[i] > 0 and table.pack[i] > 30 * daily[i]:
            notes.append(
                f"{uid}: one pack ({table.pack[i]:g}) is more than a month's demand "
                f"({30 * daily[i]:.3g}): most of each pack may expire."
            )
        if zero_run[i] >= ZERO_RUN_DAYS:
            notes.append(f"{uid}: {zero_run[i]} days in a row without demand.")
    return notes


def _longest_zero_run(demand: np.ndarray) -> np.ndarray:
    if demand.size == 0:
        return np.zeros(demand.shape[0], dtype=np.int64)
    run = np.zeros(demand.shape[0], dtype=np.int64)
    best = np.zeros(demand.shape[0], dtype=np.int64)
    for day in range(demand.shape[1]):
        run = np.where(demand[:, day] <= 0, run + 1, 0)
        best = np.maximum(best, run)
    return best
