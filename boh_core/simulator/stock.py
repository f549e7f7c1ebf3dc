"""Ingredients at each store: use through recipes, purchases, waste, loss and counts.

Stock is recursive (today's order depends on yesterday's stock), so the run steps day by
day, each step vectorised over every (store, ingredient). Per day, in this order:

1. receipts: purchase lines due today arrive (:data:`LATE_SHARE` of lines arrive 1-2 days
   late, :data:`SHORT_SHARE` arrive short, 60-95% of what was ordered);
2. use: the day's dishes sold (voids excluded, refunded dishes included: they were made)
   through the recipes, plus modifiers;
3. recorded waste: the ingredient's ``waste_pct`` of use (trim, spoilage), plus now and then
   a spoiled batch of a perishable; never more than is on the shelf;
4. unrecorded loss: the ingredient's ``loss_pct`` of use (over-portioning, theft), which only
   a count reveals; never more than is on the shelf;
5. ordering: on its order days each ingredient is ordered up to the use expected until the
   next delivery after next, in whole purchase packs;
6. counts: on :data:`COUNT_WEEKDAY` after closing every store counts every ingredient
   exactly; the count replaces the book quantity (the book does not know the loss).

Two quantities are kept: the **shelf** (what is really there) and the **book** (what the
records say: receipts minus use minus recorded waste, reset by each count). Their identities
are the consistency the tests check: ``shelf[t] = shelf[t-1] + received - used - wasted -
lost`` and, at a count, ``book - counted`` = the loss since the previous count.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from .demand import Demand
from .model import Group

LATE_SHARE = 0.08
SHORT_SHARE = 0.06
#: Day of the week (0 = Monday) on which stores count.
COUNT_WEEKDAY = 0
#: Chance per (store, perishable ingredient, day) of throwing away a spoiled batch.
SPOIL_CHANCE = 0.01
#: Days of expected use held on top of the order cycle.
SAFETY_DAYS = 1.5


@dataclass
class Stock:
    """What happened to ingredients: a daily ledger, purchases, waste and counts (DataFrames)."""

    ledger: pd.DataFrame
    purchases: pd.DataFrame
    waste: pd.DataFrame
    counts: pd.DataFrame


def usage(group: Group, demand: Demand, lines: pd.DataFrame) -> np.ndarray:
    """Ingredient use (S, G, D) of the dishes made: sold lines and modifiers, voids excluded."""
    codes = [g.code for g in group.ingredients]
    g_index = {c: k for k, c in enumerate(codes)}
    n_s, n_i, n_d = demand.qty.shape
    recipe = np.zeros((n_i, len(codes)))
    for i, item in enumerate(demand.items):
        for code, qty in group.recipes.get(item, {}).items():
            recipe[i, g_index[code]] = qty
    used = np.einsum("sid,ig->sgd", demand.qty.astype(float), recipe)
    made = lines[~lines["void"] & ~lines["refund"] & (lines["modifier"] != "")]
    if not made.empty and group.modifier_recipes:
        mods = made.assign(modifier=made["modifier"].str.split(";")).explode("modifier")
        s_pos = {c: k for k, c in enumerate(demand.stores)}
        for code, table in group.modifier_recipes.items():
            rows = mods[mods["modifier"] == code]
            if rows.empty:
                continue
            per_sd = np.zeros((n_s, n_d))
            np.add.at(
                per_sd,
                (rows["store"].map(s_pos).to_numpy(), rows["day"].to_numpy()),
                rows["qty"].to_numpy(float),
            )
            for ing, qty in table.items():
                used[:, g_index[ing], :] += per_sd * qty
    # A "no peanuts" modifier can take away more than the recipe put in on a lone line.
    return np.maximum(used, 0.0)


def simulate_stock(
    group: Group, demand: Demand, lines: pd.DataFrame, rng: np.random.Generator
) -> Stock:
    """Run the stores' ingredient stock over the run (see the module docstring).

    Long because it is the stock ledger of the simulation: purchases, use, waste, loss and
    counts per day."""
    ings = group.ingredients
    n_s, n_d = len(demand.stores), len(demand.dates)
    n_g = len(ings)
    if n_g == 0:
        empty = pd.DataFrame()
        return Stock(empty, empty, empty, empty)
    used = usage(group, demand, lines)
    waste_pct = np.array([g.waste_pct for g in ings]) / 100.0
    loss_pct = np.array([g.loss_pct for g in ings]) / 100.0
    pack = np.array([g.pack for g in ings])
    lead = np.array([g.lead_days for g in ings])
    perishable = np.array([g.shelf_days <= 7 for g in ings])
    cycle = np.where(perishable, 2, 7)
    offset = rng.integers(0, 7, n_g)
    # Expected daily use from the demand's means (what a buyer knows, not what will happen).
    avg = used.mean(axis=2) * 1.05 + 1e-9  # (S, G)

    horizon = n_d + 4
    due = np.zeros((n_s, n_g, horizon))
    on_order = np.zeros((n_s, n_g))
    shelf = np.ceil(avg * (cycle + lead + SAFETY_DAYS) / pack) * pack
    book = shelf.copy()
    dow = demand.dates.day_of_week.to_numpy()

    cols = {
        k: np.zeros((n_s, n_g, n_d))
        for k in ("opening", "received", "used", "wasted", "lost", "adjusted", "closing", "book")
    }
    buys, counts = [], []
    for d in range(n_d):
        cols["opening"][:, :, d] = shelf
        got = due[:, :, d]
        shelf = shelf + got
        book = book + got
        on_order -= got
        use = used[:, :, d]
        spoil = (rng.random((n_s, n_g)) < SPOIL_CHANCE) & perishable & (use > 0)
        waste = use * waste_pct * rng.gamma(4.0, 0.25, (n_s, n_g))
        waste += spoil * shelf.clip(0) * rng.uniform(0.1, 0.3, (n_s, n_g))
        after_use = shelf - use
        waste = np.round(np.minimum(waste, after_use.clip(0)), 3)
        lost = np.round(
            np.minimum(
                use * loss_pct * rng.gamma(2.0, 0.5, (n_s, n_g)), (after_use - waste).clip(0)
            ),
            3,
        )
        shelf = after_use - waste - lost
        book = book - use - waste

        # Order days: position below the target -> order whole packs up to it.
        ordering = ((d + offset) % cycle == 0)[None, :]
        target = avg * (cycle + lead + SAFETY_DAYS)
        need = np.where(ordering, np.ceil(np.maximum(target - book - on_order, 0) / pack), 0)
        qty = need * pack
        s_idx, g_idx = np.nonzero(qty)
        if s_idx.size:
            q = qty[s_idx, g_idx]
            late = rng.random(s_idx.size) < LATE_SHARE
            short = rng.random(s_idx.size) < SHORT_SHARE
            delay = lead[g_idx] + late * rng.integers(1, 3, s_idx.size)
            arrive = d + delay
            received = np.where(short, np.round(q * rng.uniform(0.6, 0.95, s_idx.size), 2), q)
            inside = arrive < n_d  # later: still on order when the run ends
            np.add.at(due, (s_idx[inside], g_idx[inside], arrive[inside]), received[inside])
            # On order is what will come: a short delivery's missing part is not awaited.
            np.add.at(on_order, (s_idx, g_idx), received)
            buys.append(
                pd.DataFrame(
                    {
                        "s": s_idx,
                        "g": g_idx,
                        "ordered_day": d,
                        "expected_day": d + lead[g_idx],
                        "received_day": np.where(inside, arrive, -1),
                        "qty_ordered": q,
                        "qty_received": np.where(inside, received, 0.0),
                        "late": late,
                        "short": short,
                    }
                )
            )

        adjust = np.zeros((n_s, n_g))
        if dow[d] == COUNT_WEEKDAY:
            counted = np.round(shelf, 3)
            adjust = counted - book
            counts.append(
                pd.DataFrame(
                    {
                        "s": np.repeat(np.arange(n_s), n_g),
                        "g": np.tile(np.arange(n_g), n_s),
                        "day": d,
                        "book_qty": book.reshape(-1),
                        "counted_qty": counted.reshape(-1),
                    }
                )
            )
            book = counted.copy()
            shelf = counted
        cols["received"][:, :, d] = got
        cols["used"][:, :, d] = use
        cols["wasted"][:, :, d] = waste
        cols["lost"][:, :, d] = lost
        cols["adjusted"][:, :, d] = adjust
        cols["closing"][:, :, d] = shelf
        cols["book"][:, :, d] = book

    store_codes = np.array(demand.stores)
    ing_codes = np.array([g.code for g in ings])
    ledger = pd.DataFrame(
        {
            "store": np.repeat(store_codes, n_g * n_d),
            "ingredient": np.tile(np.repeat(ing_codes, n_d), n_s),
            "day": np.tile(np.arange(n_d), n_s * n_g),
            **{k: v.reshape(-1) for k, v in cols.items()},
        }
    )
    purchases = _purchases(buys, store_codes, ings)
    waste = ledger.loc[ledger["wasted"] > 0, ["store", "ingredient", "day", "wasted"]]
    waste = waste.rename(columns={"wasted": "qty"}).reset_index(drop=True)
    waste["reason"] = np.where(
        np.isin(waste["ingredient"], ing_codes[perishable]), "spoiled", "trim"
    )
    counts_df = (
        pd.concat(counts, ignore_index=True)
        if counts
        else pd.DataFrame(columns=["s", "g", "day", "book_qty", "counted_qty"])
    )
    counts_df.insert(0, "store", store_codes[counts_df.pop("s").to_numpy(int)])
    counts_df.insert(1, "ingredient", ing_codes[counts_df.pop("g").to_numpy(int)])
    return Stock(ledger, purchases, waste, counts_df)


#: The columns of the purchase lines, in order.
PURCHASE_COLUMNS = [
    "po",
    "store",
    "vendor",
    "ingredient",
    "ordered_day",
    "expected_day",
    "received_day",
    "qty_ordered",
    "qty_received",
    "unit_cost",
    "late",
    "short",
]


def _purchases(buys: list[pd.DataFrame], stores: np.ndarray, ings) -> pd.DataFrame:
    if not buys:
        return pd.DataFrame(columns=PURCHASE_COLUMNS)
    frame = pd.concat(buys, ignore_index=True)
    vendor = np.array([g.vendor for g in ings])[frame["g"].to_numpy()]
    frame.insert(0, "store", stores[frame.pop("s").to_numpy()])
    frame.insert(1, "vendor", vendor)
    codes = np.array([g.code for g in ings])
    cost = np.array([g.cost for g in ings])
    g = frame.pop("g").to_numpy()
    frame.insert(2, "ingredient", codes[g])
    frame["unit_cost"] = cost[g]
    keys = frame[["store", "vendor", "ordered_day"]].drop_duplicates().reset_index(drop=True)
    keys["po"] = [f"PO-{s}-{v}-{d:04d}" for s, v, d in keys.itertuples(index=False)]
    frame = frame.merge(keys, on=["store", "vendor", "ordered_day"])
    return frame[PURCHASE_COLUMNS].sort_values(
        ["ordered_day", "po", "ingredient"], ignore_index=True
    )
