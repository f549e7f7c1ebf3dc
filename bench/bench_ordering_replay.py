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
calls (sales history only, the holiday calendar of the shop's state, 80% interval, one year
of history), made every ``--refit-days`` (14 at full size, to keep the run in minutes; the Odoo
cron refits nightly) on the items, exploded through the recipes.

    python bench/bench_ordering_replay.py --size small   # seconds: 1 shop, 6 weeks
    python bench/bench_ordering_replay.py --size full    # minutes: 35 + 1 shops, 28 weeks
"""

from __future__ import annotations

import argparse
import importlib.util
import os
import sys
import time
import warnings
from pathlib import Path

os.environ.setdefault("NIXTLA_ID_AS_COL", "1")

import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402

from boh_core.forecast import forecast  # noqa: E402
from boh_core.forecast.calendar import check_country  # noqa: E402
from boh_core.forecast.datasets import load_bakery  # noqa: E402
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


def load_wuerzbaeck() -> pd.DataFrame:
    """Daily sales of bread, rolls and pretzels.

    The set has no dates, only weekday, month and year columns, one row per day without gaps.
    Its weekday column is one day off its own calendar (its Epiphany, Good Friday and Christmas
    flags fall on the right dates only when the first row is 2016-01-02, a Saturday labelled
    FRI), so the rows are dated from the first day whose consecutive dates give every row its
    month and year; the weekday column is not used.
    """
    spec = importlib.util.find_spec("ddop2")
    if spec is None or spec.origin is None:
        sys.exit("ddop2 is not installed: pip install --no-deps ddop2")
    folder = Path(spec.origin).parent / "datasets" / "data"
    data = pd.read_csv(folder / "wuerzbaeck_data.csv")
    target = pd.read_csv(folder / "wuerzbaeck_target.csv")
    labels = data["month"].str.upper() + data["year"].astype(str)
    first = pd.Timestamp(f"{int(data['year'].iloc[0])}-01-01")
    for offset in range(31):
        dates = pd.date_range(first + pd.Timedelta(days=offset), periods=len(data), freq="D")
        if (dates.strftime("%b").str.upper() + dates.strftime("%Y") == labels).all():
            break
    else:
        sys.exit("wuerzbaeck: no run of consecutive dates matches its month and year columns")
    frame = target.assign(ds=dates).melt(id_vars="ds", var_name="item", value_name="y")
    frame["unique_id"] = "wb_" + frame["item"]
    return frame[["unique_id", "ds", "y"]].sort_values(["unique_id", "ds"], ignore_index=True)


def item_matrix(history: pd.DataFrame) -> tuple[np.ndarray, pd.DatetimeIndex, np.ndarray]:
    """Items x days (missing days are 0), the dates and the item ids."""
    wide = history.pivot_table(index="unique_id", columns="ds", values="y", aggfunc="sum")
    dates = pd.date_range(wide.columns.min(), wide.columns.max(), freq="D")
    wide = wide.reindex(columns=dates).fillna(0.0).clip(lower=0.0)
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
) -> tuple[ForecastBook, float]:
    """Item forecasts at each origin: the Odoo cron's call, on the same kind of history."""
    means, sds = [], []
    started = time.perf_counter()
    for origin in origins:
        first = max(0, origin + 1 - history_days)
        frame = pd.DataFrame(
            {
                "unique_id": np.repeat(item_ids, origin + 1 - first),
                "ds": np.tile(dates[first : origin + 1], len(item_ids)),
                "y": items[:, first : origin + 1].ravel(),
            }
        )
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            fc = forecast(frame, horizon, level=LEVEL, country=country)
        means.append(fc["yhat"].to_numpy().reshape(len(item_ids), horizon))
        sigma = (fc["yhat_hi"] - fc["yhat_lo"]).clip(lower=0).to_numpy() / (2 * Z_80)
        sds.append(sigma.reshape(len(item_ids), horizon))
    book = ForecastBook(np.asarray(origins), np.stack(means), np.stack(sds))
    return book, time.perf_counter() - started


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


def run_dataset(name: str, history: pd.DataFrame, country: str, size: dict) -> None:
    """Forecast the items once, then replay the stocked items and the ingredients."""
    items, dates, item_ids = item_matrix(history)
    total = items.shape[1]
    start = total - size["replay"]
    origins = np.arange(start - 1, total - 1, size["refit"])
    # two weeks past the refit gap: more than the longest cover of any vendor
    horizon = size["refit"] + 14
    book, seconds = forecast_book(
        items, dates, item_ids, origins, horizon, size["history"], check_country(country)
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
    args = parser.parse_args(argv)
    size = dict(SIZES[args.size])
    if args.refit_days:
        size["refit"] = args.refit_days

    bakery = load_bakery()[["unique_id", "ds", "y"]]
    if size["shops"]:
        shops = sorted(bakery["unique_id"].str.rpartition("_")[0].unique())[: size["shops"]]
        bakery = bakery[bakery["unique_id"].str.rpartition("_")[0].isin(shops)]
    run_dataset("bakery", bakery, "DE-BW", size)
    run_dataset("wuerzbaeck", load_wuerzbaeck(), "DE-BY", size)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
