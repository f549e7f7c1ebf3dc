"""What ordering loses on real bakery demand: waste and stockouts, par vs Odoo min/max vs the suite.

Data (nothing is downloaded; both sets ship inside their PyPI packages):

* ``bakery``: the panel of bench_forecast_accuracy.py (datasetsDynamic: 35 shops x 3 products,
  daily, 2016-01-02 .. 2019-04-30). The products are anonymous numbers; they get the recipes
  of a bread (101), a sweet roll (109) and a cream pastry (110) from :data:`RECIPES`.
* ``wuerzbaeck``: the Wuerzburg bakery set of ``ddop2`` (Apache-2.0; bread, rolls and
  pretzels, 2016-01-02 .. 2019-04-30, one shop), read from its CSV files; ``pip install
  --no-deps ddop2`` (its own dependencies pull in PyTorch, which this does not need).

Each set is replayed twice. The shops' stocked items: baked at the central bakery and delivered
every morning (:data:`STOCKED`: shelf life and transfer price). The ingredients: item demand
goes through :data:`RECIPES` to ingredient demand per shop; each ingredient has the lead time,
delivery days, pack, shelf life and price of :data:`INGREDIENTS` (change them there). The last
``SIZES[size]["replay"]`` days are replayed by :func:`boh_core.replay.replay` (the first
``WARMUP`` days are not measured), once per policy, on the same demand:

* ``par``: par level from the last four weeks' use, the par multiplier tuned (bisection) to the
  suite's fill rate;
* ``min/max``: Odoo's reorder rule set from the last 8 weeks every 4 weeks, its safety factor
  tuned to the same fill rate;
* ``suite (plain)``: the suite's forecast and the order rule of the Odoo run before this
  benchmark (the company's 95% service level, on hand + incoming counted whole);
* ``suite``: the same forecast with the perishable-aware order of :mod:`boh_core.replay`.

The suite's forecast is :func:`boh_core.forecast.forecast`, the entry point the Odoo cron
calls, with what the cron gives it: one year of sales history, the holiday calendar of the
shop's state, 80% interval, and the exogenous columns of :data:`EXOG` (the Odoo run passes a
manager's promotions and the store's weather, ``boh.forecast.inputs``; here the set's own
promotion flags and its actual weather, which stands in for the weather forecast the Odoo run
reads for the days ahead). It is made every ``--refit-days`` (14 at full size, to keep the run
in minutes; the Odoo cron refits nightly) on the items, exploded through the recipes.
``--cache DIR`` keeps every forecast in DIR and reads it back on the next run with the same
input, so that a change of ordering rule replays in a minute (a change of the forecast's code
needs a new DIR).

    python bench/bench_ordering_replay.py --size small   # seconds: 1 shop, 6 weeks
    python bench/bench_ordering_replay.py --size full    # minutes: 35 + 1 shops, 28 weeks
"""

from __future__ import annotations

import argparse
import hashlib
import os
import time
import warnings
from pathlib import Path

os.environ.setdefault("NIXTLA_ID_AS_COL", "1")

import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402

from boh_core.forecast import forecast  # noqa: E402
from boh_core.forecast.calendar import check_country  # noqa: E402
from boh_core.forecast.datasets import load_bakery, load_wuerzbaeck  # noqa: E402
from boh_core.replay import (  # noqa: E402
    ForecastBook,
    MinMaxPolicy,
    ParPolicy,
    SuitePolicy,
    ingredient_table,
    replay,
    summarise,
)
from boh_core.replay.params import warnings_for  # noqa: E402
from boh_core.replenishment import Z_80  # noqa: E402

#: Ingredient parameters: unit, lead days, delivery days, pack, shelf life (days from
#: delivery), price per unit (EUR). Plausible for a German bakery; change them here.
INGREDIENTS = pd.DataFrame(
    [
        ("flour", "kg", 2, "Mon", 25.0, 180, 0.55),
        ("fresh yeast", "kg", 1, "Mon Thu", 1.0, 12, 3.80),
        ("butter", "kg", 2, "Mon Thu", 2.5, 30, 7.50),
        ("milk", "l", 1, "Mon Wed Fri", 1.0, 7, 1.10),
        ("eggs", "pc", 2, "Tue Fri", 30.0, 21, 0.28),
        ("cream", "l", 1, "Mon Wed Fri", 1.0, 5, 4.20),
        ("berries", "kg", 1, "Tue Sat", 0.5, 4, 9.00),
    ],
    columns=["ingredient", "unit", "lead_days", "delivery_days", "pack", "shelf_days", "unit_cost"],
)

#: Ingredient use per piece sold (in the ingredient's unit).
RECIPES = {
    "101": {"flour": 0.30, "fresh yeast": 0.006, "butter": 0.002},  # bread
    "109": {"flour": 0.06, "fresh yeast": 0.002, "milk": 0.02, "butter": 0.008, "eggs": 0.2},
    "110": {"flour": 0.04, "butter": 0.015, "eggs": 0.3, "cream": 0.03, "berries": 0.02},
    "bread": {"flour": 0.30, "fresh yeast": 0.006, "butter": 0.002},
    "rolls": {"flour": 0.05, "fresh yeast": 0.001, "milk": 0.015, "butter": 0.003},
    "pretzels": {"flour": 0.08, "fresh yeast": 0.0015, "butter": 0.004},
}
#: The shops' own stocked items: baked at the central bakery and delivered every morning for
#: the next day's orders (lead 1 day, every day, by the piece); shelf life and transfer price.
STOCKED = {
    "101": (2, 1.60),
    "109": (1, 0.50),
    "110": (1, 1.20),
    "bread": (2, 1.60),
    "rolls": (1, 0.25),
    "pretzels": (1, 0.45),
}
LEVEL = 80
SERVICE_LEVEL = 95.0  # the company's service level (Settings > BOH > Forecast), as in Odoo
HISTORY_DAYS = 365
WARMUP = 14
SIZES = {
    # replayed days, days between forecasts, forecast history days, shops of the bakery panel
    "small": {"replay": 42, "refit": 42, "history": 84, "shops": 1},
    "full": {"replay": 196, "refit": 14, "history": HISTORY_DAYS, "shops": None},
}
TARGET_FILL = 98.0
MEASURABLE_WASTE_PCT = 0.1  # below this, a waste ratio says nothing
#: The set's columns the forecast gets, as the Odoo run passes them (boh.forecast.inputs:
#: promotions a manager entered, the store's weather); the holidays come from ``country``.
EXOG = ("promotion", "temperature", "rain")


def load_wuerzbaeck_items() -> pd.DataFrame:
    """The wuerzbaeck set (:func:`boh_core.forecast.datasets.load_wuerzbaeck`), its series
    named ``wb_<item>`` like the panel's ``<shop>_<product>``."""
    frame = load_wuerzbaeck()
    return frame.assign(unique_id="wb_" + frame["unique_id"])


def item_matrix(
    history: pd.DataFrame, column: str = "y"
) -> tuple[np.ndarray, pd.DatetimeIndex, np.ndarray]:
    """Items x days of ``column`` (missing days are 0), the dates and the item ids."""
    wide = history.pivot_table(index="unique_id", columns="ds", values=column, aggfunc="sum")
    dates = pd.date_range(history["ds"].min(), history["ds"].max(), freq="D")
    wide = wide.reindex(columns=dates).fillna(0.0)
    if column == "y":
        wide = wide.clip(lower=0.0)
    return wide.to_numpy(), dates, wide.index.to_numpy()


def recipe_factors(item_ids: np.ndarray) -> tuple[np.ndarray, list[str]]:
    """Matrix (ingredient series x items) of use per piece, and the ingredient series ids."""
    series = []
    pairs = []
    for j, uid in enumerate(item_ids):
        shop, _, product = str(uid).rpartition("_")
        for ingredient, amount in RECIPES[product].items():
            pairs.append((f"{shop}:{ingredient}", j, amount))
            series.append(f"{shop}:{ingredient}")
    ids = sorted(set(series))
    index = {uid: k for k, uid in enumerate(ids)}
    factors = np.zeros((len(ids), len(item_ids)))
    for uid, j, amount in pairs:
        factors[index[uid], j] += amount
    return factors, ids


def forecast_book(
    items: np.ndarray,
    dates: pd.DatetimeIndex,
    item_ids: np.ndarray,
    origins: np.ndarray,
    horizon: int,
    history_days: int,
    country: str | None,
    exog: dict[str, np.ndarray],
    cache: Path | None = None,
) -> tuple[ForecastBook, float]:
    """Item forecasts at each origin: the Odoo cron's call, on the same kind of history.

    With ``cache``, each origin's forecast is kept in a file named by a hash of its input
    (history, horizon, level, country): a rerun on the same data reads it back. The hash does
    not cover the forecast's code: use a new folder after changing it.

    ``exog`` (column: items x days) are the inputs the Odoo run passes along with the sales
    (promotions, weather): the set's actual values, over the horizon too; days past the end
    of the set repeat its last day."""
    means, sds = [], []
    started = time.perf_counter()
    total = items.shape[1]
    for origin in origins:
        first = max(0, origin + 1 - history_days)
        frame = pd.DataFrame(
            {
                "unique_id": np.repeat(item_ids, origin + 1 - first),
                "ds": np.tile(dates[first : origin + 1], len(item_ids)),
                "y": items[:, first : origin + 1].ravel(),
                **{c: v[:, first : origin + 1].ravel() for c, v in exog.items()},
            }
        )
        ahead = np.minimum(np.arange(origin + 1, origin + 1 + horizon), total - 1)
        future = pd.DataFrame(
            {
                "unique_id": np.repeat(item_ids, horizon),
                "ds": np.tile(pd.date_range(dates[origin], periods=horizon + 1)[1:], len(item_ids)),
                **{c: v[:, ahead].ravel() for c, v in exog.items()},
            }
        )
        mean, sigma = _cached_forecast(frame, future if exog else None, horizon, country, cache)
        means.append(mean.reshape(len(item_ids), horizon))
        sds.append(sigma.reshape(len(item_ids), horizon))
    book = ForecastBook(np.asarray(origins), np.stack(means), np.stack(sds))
    return book, time.perf_counter() - started


def _cached_forecast(
    frame: pd.DataFrame,
    future: pd.DataFrame | None,
    horizon: int,
    country: str | None,
    cache: Path | None,
) -> tuple[np.ndarray, np.ndarray]:
    """``forecast``'s mean and sigma (from the 80% interval), read from ``cache`` if there."""
    path = None
    if cache is not None:
        digest = hashlib.sha256(pd.util.hash_pandas_object(frame, index=False).to_numpy())
        if future is not None:
            digest.update(pd.util.hash_pandas_object(future, index=False).to_numpy())
        digest.update(f"{horizon}|{LEVEL}|{country}|{list(frame.columns)}".encode())
        path = cache / f"forecast-{digest.hexdigest()[:24]}.npz"
        if path.exists():
            with np.load(path) as kept:
                return kept["mean"], kept["sigma"]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        fc = forecast(frame, horizon, future, level=LEVEL, country=country)
    mean = fc["yhat"].to_numpy()
    sigma = (fc["yhat_hi"] - fc["yhat_lo"]).clip(lower=0).to_numpy() / (2 * Z_80)
    if path is not None:
        cache.mkdir(parents=True, exist_ok=True)
        np.savez(path, mean=mean, sigma=sigma)
    return mean, sigma


def explode(book: ForecastBook, factors: np.ndarray) -> ForecastBook:
    """Ingredient forecasts from item forecasts; item errors taken as independent, as the
    Odoo run does (the suite's measured error corrects what that misses)."""
    mean = np.einsum("ij,kjh->kih", factors, book.mean)
    sd = np.sqrt(np.einsum("ij,kjh->kih", factors**2, book.sd**2))
    return ForecastBook(book.origins, mean, sd)


def tune(make, low: float, high: float, run, target: float, steps: int = 22):
    """The smallest parameter in ``low .. high`` whose replay reaches ``target`` fill rate."""
    best = None
    for _ in range(steps):
        mid = (low + high) / 2
        summary = run(make(mid))
        if summary["fill_rate"] >= target:
            high, best = mid, (mid, summary)
        else:
            low = mid
    if best is None:
        best = (high, run(make(high)))
    return best


def replay_view(
    title: str, demand: np.ndarray, table, book: ForecastBook, dates, start: int
) -> dict:
    """Every policy on one demand matrix; par and min/max tuned to the suite's fill rate."""

    def run(policy):
        result = replay(demand, table, policy, start=start, first_weekday=dates[0].weekday())
        return summarise(result, WARMUP)

    started = time.perf_counter()
    rows = {
        "suite (plain)": run(SuitePolicy(book, service_level=SERVICE_LEVEL, plain=True)),
        "suite": run(SuitePolicy(book, service_level=SERVICE_LEVEL)),
    }
    target = rows["suite"]["fill_rate"]
    par_k, rows["par"] = tune(ParPolicy, 0.3, 6.0, run, target)
    mm_z, rows["min/max"] = tune(MinMaxPolicy, -2.0, 6.0, run, target)
    notes = warnings_for(table, demand[:, start:])
    print(
        f"\n{title}: {table.n} series; replays {time.perf_counter() - started:.1f}s; par "
        f"multiplier {par_k:.2f}, min/max safety z {mm_z:.2f}; {len(notes)} parameter warning(s)"
    )
    print(
        f"{'policy':<15}{'waste %':>9}{'fill %':>8}{'stockout days':>15}{'days inv':>10}"
        f"{'purchases':>12}{'waste':>10}"
    )
    for policy in ("par", "min/max", "suite (plain)", "suite"):
        r = rows[policy]
        print(
            f"{policy:<15}{r['waste_pct']:>9.2f}{r['fill_rate']:>8.2f}"
            f"{r['stockout_days']:>9d} ({r['stockout_share']:4.1f}%)"
            f"{r['days_of_inventory']:>9.1f}{r['purchase_cost']:>12,.0f}{r['waste_cost']:>10,.0f}"
        )
    suite, par = rows["suite"], rows["par"]
    if par["waste_pct"] >= MEASURABLE_WASTE_PCT:
        ratio = suite["waste_pct"] / par["waste_pct"]
        said = f"{ratio:.3f}"
    else:
        ratio, said = float("nan"), f"n/a (par wastes {par['waste_pct']:.2f}%)"
    met = (
        suite["fill_rate"] >= TARGET_FILL
        and ratio < 0.5
        and suite["days_of_inventory"] < par["days_of_inventory"]
    )
    print(
        f"ordering_replay {title}: waste suite/par = {said} (target < 0.5 at fill >= "
        f"{TARGET_FILL:g}%), days of inventory suite {suite['days_of_inventory']:.1f} vs par "
        f"{par['days_of_inventory']:.1f}, purchases suite/par "
        f"{suite['purchase_cost'] / par['purchase_cost']:.2f}: target {'met' if met else 'NOT met'}"
    )
    return rows


def run_dataset(
    name: str, history: pd.DataFrame, country: str, size: dict, cache: Path | None = None
) -> None:
    """Forecast the items once, then replay the stocked items and the ingredients."""
    items, dates, item_ids = item_matrix(history)
    exog = {c: item_matrix(history, c)[0] for c in EXOG if c in history}
    total = items.shape[1]
    start = total - size["replay"]
    origins = np.arange(start - 1, total - 1, size["refit"])
    # two weeks past the refit gap: more than the longest cover of any vendor
    horizon = size["refit"] + 14
    book, seconds = forecast_book(
        items,
        dates,
        item_ids,
        origins,
        horizon,
        size["history"],
        check_country(country),
        exog,
        cache,
    )
    print(
        f"\n== {name}: {len(item_ids)} item series, replay {dates[start + WARMUP].date()} .. "
        f"{dates[-1].date()} ({size['replay'] - WARMUP} days measured after {WARMUP} days of "
        f"warm-up); forecast every {size['refit']} days: {len(origins)} forecasts in "
        f"{seconds:.1f}s"
    )
    products = [str(uid).rpartition("_")[2] for uid in item_ids]
    stocked = ingredient_table(
        [
            {
                "unique_id": uid,
                "lead_days": 1,
                "delivery_days": "",
                "pack": 1.0,
                "shelf_days": STOCKED[product][0],
                "unit_cost": STOCKED[product][1],
            }
            for uid, product in zip(item_ids, products, strict=True)
        ]
    )
    replay_view(f"{name} stocked items", items, stocked, book, dates, start)
    factors, ids = recipe_factors(item_ids)
    params = INGREDIENTS.set_index("ingredient")
    table = ingredient_table(
        [{"unique_id": uid, **params.loc[uid.split(":")[1]].to_dict()} for uid in ids]
    )
    replay_view(f"{name} ingredients", factors @ items, table, explode(book, factors), dates, start)


def main(argv: list[str] | None = None) -> int:
    """Run the replay on both datasets and print their tables."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size", choices=tuple(SIZES), default="small")
    parser.add_argument("--refit-days", type=int, help="days between forecasts")
    parser.add_argument(
        "--cache",
        type=Path,
        metavar="DIR",
        help="keep each forecast in DIR and reuse it on the next run (for trying policies)",
    )
    args = parser.parse_args(argv)
    size = dict(SIZES[args.size])
    if args.refit_days:
        size["refit"] = args.refit_days

    bakery = load_bakery()
    if size["shops"]:
        shops = sorted(bakery["unique_id"].str.rpartition("_")[0].unique())[: size["shops"]]
        bakery = bakery[bakery["unique_id"].str.rpartition("_")[0].isin(shops)]
    run_dataset("bakery", bakery, "DE-BW", size, args.cache)
    run_dataset("wuerzbaeck", load_wuerzbaeck_items(), "DE-BY", size, args.cache)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
