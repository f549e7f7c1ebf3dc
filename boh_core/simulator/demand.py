"""Daily demand of every (store, item, day): calendar, weather, promotions, closures, noise.

The expected quantity is a product of factors, each an array broadcast over
(stores, items, days), then drawn as a gamma-Poisson (negative binomial) count:

* base: ``orders_per_day`` x store size x :data:`UNITS_PER_ORDER` x the item's share of
  popularity;
* week: the store's weekday profile (Friday and Saturday busiest), the item's weekend lift;
* year: a summer and a December high;
* holidays (from the ``holidays`` package, the group's ``country``): each holiday moves sales
  by its own factor; the group's ``closed_holidays`` close every store;
* weather: a daily temperature (season plus an AR(1) swing) and rain; rain keeps guests
  away, heat sells cold drinks and salads, cold sells soup (the items' ``temp_effect``);
* promotions: random weeks per item at a discount, with an uplift;
* closures: besides closed holidays, each store closes a few random days (a burst pipe,
  an inspection);
* menu changes: an item sells nothing before its launch or after its retirement;
* drift: each (store, item) level wanders slowly (a log random walk by week: tastes change,
  a competitor opens);
* noise: a store-day factor shared by all items (a busy day is busy for everything) and a
  gamma factor per (store, item, day).
"""

from __future__ import annotations

from dataclasses import dataclass

import holidays as holidays_lib
import numpy as np
import pandas as pd

from .model import Group

#: Items per order on average (a table of two orders a main, a side and drinks).
UNITS_PER_ORDER = 2.6
#: Weekday profile of a store's sales, Monday first (mean 1).
WEEKDAY = np.array([0.70, 0.72, 0.80, 0.90, 1.27, 1.50, 1.11])
#: Shape of the per-(store, item, day) gamma noise: lower is noisier.
GAMMA_SHAPE = 25.0
#: Standard deviation of the log store-day factor.
STORE_DAY_SIGMA = 0.07
#: Share of item-weeks on promotion, its discount and the sales uplift it brings.
PROMO_WEEK_SHARE = 0.05
PROMO_DISCOUNT = 0.20
PROMO_UPLIFT = (1.25, 1.6)
#: Unplanned closure days per store per 90 days (at least one per store per run).
CLOSURES_PER_90_DAYS = 1.0
#: Weekly standard deviation of the log random walk of each (store, item) level.
DRIFT_SIGMA = 0.03
#: Effect of rain on a store's sales.
RAIN_FACTOR = 0.88


@dataclass
class Demand:
    """The drawn demand and what explains it, for ``S`` stores, ``I`` items and ``D`` days.

    ``qty`` (S, I, D) whole units sold; ``expected`` the mean it was drawn from; ``open``
    (S, D); ``on_menu`` (I, D); ``promo`` (I, D); ``price`` (I, D) paid per unit;
    ``holiday`` the name of each day's holiday (``""`` if none); ``temperature`` and
    ``rain`` (D,) the weather.
    """

    dates: pd.DatetimeIndex
    stores: tuple[str, ...]
    items: tuple[str, ...]
    qty: np.ndarray
    expected: np.ndarray
    open: np.ndarray
    on_menu: np.ndarray
    promo: np.ndarray
    price: np.ndarray
    holiday: np.ndarray
    temperature: np.ndarray
    rain: np.ndarray


def holiday_names(dates: pd.DatetimeIndex, country: str) -> np.ndarray:
    """The public holiday of each day in ``country`` (``""`` on ordinary days)."""
    code, _, subdiv = country.partition("-")
    table = holidays_lib.country_holidays(
        code.upper(), subdiv=subdiv or None, years=sorted(set(dates.year))
    )
    return np.array([table.get(d.date(), "") or "" for d in dates], dtype=object)


def weather(dates: pd.DatetimeIndex, rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
    """Daily mean temperature (deg C) and rain (bool) of a temperate coastal city."""
    doy = dates.day_of_year.to_numpy(float)
    season = 14.5 + 4.5 * np.sin(2 * np.pi * (doy - 130) / 365.25)
    shocks = rng.normal(0.0, 1.6, len(dates))
    # AR(1) swings: a warm spell lasts a few days.
    phi = 0.7
    weights = phi ** np.arange(len(dates))
    # swing[t] = sum_k phi^(t-k) shocks[k], computed as a convolution (no loop per day).
    swing = np.convolve(shocks, weights)[: len(dates)]
    rain_p = 0.05 + 0.25 * (1 + np.cos(2 * np.pi * (doy - 15) / 365.25)) / 2
    rain = rng.random(len(dates)) < rain_p
    return season + swing, rain


def simulate_demand(
    group: Group,
    dates: pd.DatetimeIndex,
    orders_per_day: float,
    rng: np.random.Generator,
) -> Demand:
    """Draw the daily demand of every store and item over ``dates`` (consecutive days).

    Long because it composes each demand effect (week, year, holidays, weather, promotions,
    closures, launches, drift), vectorised over all series."""
    stores = group.stores
    items = group.items
    n_s, n_i, n_d = len(stores), len(items), len(dates)
    day = np.arange(n_d)

    popularity = np.array([it.popularity for it in items], float)
    size = np.array([s.size for s in stores], float)
    base = (
        orders_per_day * UNITS_PER_ORDER * size[:, None] * (popularity / popularity.sum())[None, :]
    )

    dow = dates.day_of_week.to_numpy()
    store_week = WEEKDAY[None, :] * np.exp(rng.normal(0.0, 0.05, (n_s, 7)))
    store_week /= store_week.mean(axis=1, keepdims=True)
    lift = np.array([it.weekend_lift for it in items], float)
    item_week = np.where(np.isin(np.arange(7), (4, 5, 6))[None, :], lift[:, None], 1.0)
    item_week /= item_week.mean(axis=1, keepdims=True)
    week = store_week[:, None, dow] * item_week[None, :, dow]

    doy = dates.day_of_year.to_numpy(float)
    year = 1.0 + 0.07 * np.cos(2 * np.pi * (doy - 200) / 365.25)
    year *= 1.0 + 0.15 * ((dates.month == 12) & (dates.day >= 10) & (dates.day <= 23))

    names = holiday_names(dates, group.country)
    hol_factor = np.ones(n_d)
    for name in sorted({n for n in names if n}):
        # Each holiday has its own, repeatable effect (seeded by the run).
        hol_factor[names == name] = rng.uniform(0.75, 1.35)
    closed_hol = np.array(
        [any(n.startswith(c) for c in group.closed_holidays) if n else False for n in names]
    )

    temperature, rain = weather(dates, rng)
    temp_effect = np.array([it.temp_effect for it in items], float)
    weather_f = np.exp(temp_effect[:, None] * (temperature[None, :] - 20.0))
    weather_f = weather_f * np.where(rain, RAIN_FACTOR, 1.0)[None, :]

    weeks = (day // 7).max() + 1
    promo_weeks = rng.random((n_i, weeks)) < PROMO_WEEK_SHARE
    promo = promo_weeks[:, day // 7]
    uplift = rng.uniform(*PROMO_UPLIFT, size=n_i)
    promo_f = np.where(promo, uplift[:, None], 1.0)
    price = np.array([it.price for it in items], float)[:, None] * np.where(
        promo, 1.0 - PROMO_DISCOUNT, 1.0
    )

    open_ = np.ones((n_s, n_d), dtype=bool)
    open_[:, closed_hol] = False
    n_closures = max(1, int(round(n_d / 90 * CLOSURES_PER_90_DAYS)))
    for s in range(n_s):
        open_[s, rng.choice(n_d, size=min(n_closures, n_d), replace=False)] = False

    on_menu = np.ones((n_i, n_d), dtype=bool)
    for i, it in enumerate(items):
        if it.launch_day is not None:
            start = it.launch_day if it.launch_day >= 0 else n_d + it.launch_day
            on_menu[i, : max(start, 0)] = False
        if it.retire_day is not None:
            end = it.retire_day if it.retire_day >= 0 else n_d + it.retire_day
            on_menu[i, max(end, 0) :] = False

    steps = rng.normal(0.0, DRIFT_SIGMA, (n_s, n_i, weeks))
    walk = np.cumsum(steps, axis=2)
    drift = np.exp(walk - walk.mean(axis=2, keepdims=True))[:, :, day // 7]

    store_day = np.exp(rng.normal(-(STORE_DAY_SIGMA**2) / 2, STORE_DAY_SIGMA, (n_s, n_d)))
    expected = (
        base[:, :, None]
        * week
        * (year * hol_factor)[None, None, :]
        * weather_f[None, :, :]
        * promo_f[None, :, :]
        * store_day[:, None, :]
        * drift
        * open_[:, None, :]
        * on_menu[None, :, :]
    )
    noise = rng.gamma(GAMMA_SHAPE, 1.0 / GAMMA_SHAPE, expected.shape)
    qty = rng.poisson(expected * noise)
    return Demand(
        dates=dates,
        stores=tuple(s.code for s in stores),
        items=tuple(it.code for it in items),
        qty=qty,
        expected=expected,
        open=open_,
        on_menu=on_menu,
        promo=promo,
        price=price,
        holiday=names,
        temperature=temperature,
        rain=rain,
    )
