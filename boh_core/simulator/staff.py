"""Staff hours: who worked how long at which site each day.

Each employee works on the open days of their site (five days a week for a rota of two
days off, staggered by employee), their usual hours, stretched on busy days in stores: hours
follow the store's orders of the day (a 30% busier day means about 15% longer shifts for
cooks and servers). The central kitchen works every day the stores trade.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from .demand import Demand
from .model import Group

#: Roles whose hours follow the store's sales.
BUSY_ROLES = ("cook", "server", "dishwasher")


def simulate_staff(group: Group, demand: Demand, rng: np.random.Generator) -> pd.DataFrame:
    """One row per employee and day worked: ``employee``, ``site``, ``role``, ``day``,
    ``hours``."""
    cols = ["employee", "site", "role", "day", "hours"]
    if not group.employees:
        return pd.DataFrame(columns=cols)
    n_d = len(demand.dates)
    store_pos = {c: k for k, c in enumerate(demand.stores)}
    units = demand.qty.sum(axis=1).astype(float)  # (S, D)
    level = units / np.maximum(
        units[:, demand.open.any(axis=0)].mean(axis=1, keepdims=True) if units.size else 1.0, 1e-9
    )
    any_open = demand.open.any(axis=0)
    dow = demand.dates.day_of_week.to_numpy()
    frames = []
    for k, emp in enumerate(group.employees):
        days_off = {(k * 2) % 7, (k * 2 + 1) % 7}
        works = ~np.isin(dow, list(days_off))
        s = store_pos.get(emp.site)
        if s is None:
            works &= any_open
            scale = np.ones(n_d)
        else:
            works &= demand.open[s]
            scale = (1 + 0.5 * (level[s] - 1)) if emp.role in BUSY_ROLES else np.ones(n_d)
        hours = emp.hours * np.clip(scale, 0.6, 1.5) * rng.uniform(0.95, 1.05, n_d)
        day = np.flatnonzero(works)
        frames.append(
            pd.DataFrame(
                {
                    "employee": emp.code,
                    "site": emp.site,
                    "role": emp.role,
                    "day": day,
                    "hours": np.round(hours[day] * 4) / 4,
                }
            )
        )
    return pd.concat(frames, ignore_index=True)[cols]
