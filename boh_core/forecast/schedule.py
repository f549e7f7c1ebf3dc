"""When the nightly run measures a group of stores' forecast accuracy (the backtest).

The accuracy a manager reads (WAPE, MASE, interval coverage per series) comes from
:func:`boh_core.forecast.backtest`: the last four weeks forecast again from four past origins,
four forecasts beside the night's one. Measured every night, it is most of the night's CPU
(at chain scale about four fifths of the forecasting step), and it changes little from one
night to the next: four weekly windows ending yesterday share three of their weeks, and 27 of
their 28 days, with the four measured the night before. So a group of stores (a partition of
the nightly run, or the stores of one manual run) is measured once every ``every`` nights
(7 by default), and the series keep the last measurement, with its date, in between.

Which night: the group's own **slot**, the smallest store id modulo ``every``: consecutive
partitions (groups of consecutive stores) fall on different nights, so a chain's backtests
spread over the week instead of all landing on one night. A group is measured on a night when

* a store of it has never been measured (a new store, the first night of a new install:
  every group at once, once),
* or it is the group's slot night and it was not measured yet today,
* or its least recently measured store is ``2 x every`` days old or more (its slot moved:
  the partitions were regrouped, a night was missed).

``every = 1`` measures every night (the behaviour before this schedule).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import date, timedelta

ACCURACY_EVERY_DAYS = 7


def accuracy_slot(store_ids: Iterable[int], every: int = ACCURACY_EVERY_DAYS) -> int:
    """The night of the cycle (``date.toordinal() % every``) on which these stores are
    measured: their smallest id modulo ``every``."""
    return min(store_ids) % every


def accuracy_due(
    today: date,
    last_measured: Mapping[int, date | None],
    every: int = ACCURACY_EVERY_DAYS,
) -> bool:
    """Whether the stores of ``last_measured`` (store id -> the night their accuracy was last
    measured, ``None`` for never) are measured tonight (see the module doc)."""
    if not last_measured:
        return False
    if every <= 1 or any(day is None for day in last_measured.values()):
        return True
    oldest = min(last_measured.values())
    if (today - oldest).days >= 2 * every:
        return True
    slot_night = today.toordinal() % every == accuracy_slot(last_measured, every)
    return slot_night and oldest < today


def last_slot_night(
    today: date, store_ids: Iterable[int], every: int = ACCURACY_EVERY_DAYS
) -> date:
    """The last night before ``today`` on which these stores were due on their slot: what a
    running system's series show (benchmarks load it as a steady state)."""
    slot = accuracy_slot(store_ids, every)
    back = (today.toordinal() - slot) % every or every
    return today - timedelta(days=back)
