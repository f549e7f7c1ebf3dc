"""From daily quantities to POS tickets: orders, lines, hours, modifiers, voids and refunds.

Each store-day's units are dealt at random to about ``units / UNITS_PER_ORDER`` tickets
(tickets that get none are never opened), each ticket closes at a time drawn from the store's
lunch-and-dinner profile, and identical items of a ticket make one line. Then:

* modifiers: a line carries each of its item's modifiers with the modifier's ``share``;
* voids: :data:`VOID_SHARE` of tickets also have a voided line (rung up, then cancelled:
  ``"void": true``, neither sold nor made);
* refunds: :data:`REFUND_SHARE` of lines are refunded one unit, on a ticket of their own
  (``<ref>-R``) a little after the sale, same business day, not restocked (the dish was made:
  it is waste).

The result is a :class:`pandas.DataFrame` of lines (one row per line) and
:func:`payload_orders` turns it into orders in exactly the shape of
``boh.pos.feed.push_sales`` (see ``boh_core.sales.payload``).
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any
from zoneinfo import ZoneInfo

import numpy as np
import pandas as pd

from .demand import UNITS_PER_ORDER, Demand
from .model import Group

VOID_SHARE = 0.01
REFUND_SHARE = 0.004
#: The columns of a store's ticket lines, in order (hourly lines add their ``label``).
LINE_COLUMNS = [
    "store",
    "day",
    "ticket",
    "hour",
    "second",
    "item",
    "qty",
    "unit_price",
    "modifier",
    "void",
    "refund",
    "covers",
]
#: Relative weight of each hour of the day (local time) for closing a ticket.
HOUR_WEIGHT = np.array(
    [
        0,
        0,
        0,
        0,
        0,
        0,
        0.2,
        0.4,
        0.5,
        0.5,
        0.8,
        2.0,
        4.0,
        3.5,
        1.5,
        0.8,
        0.8,
        1.5,
        3.5,
        4.0,
        3.0,
        1.8,
        0.8,
        0.3,
    ]
)


def _hours_weights(open_hour: int, close_hour: int) -> np.ndarray:
    w = np.zeros(24)
    w[open_hour:close_hour] = HOUR_WEIGHT[open_hour:close_hour]
    if w.sum() == 0:
        w[open_hour:close_hour] = 1.0
    return w / w.sum()


def ticket_lines(group: Group, demand: Demand, rng: np.random.Generator) -> pd.DataFrame:
    """Every line of every ticket of the run.

    Columns: ``store``, ``day`` (index into the dates), ``ticket`` (number within the
    store-day, from 1), ``hour``, ``second`` (of the hour), ``item``, ``qty`` (negative on a
    refund), ``unit_price``, ``modifier`` (a code or ``""``; a line with two modifiers has
    them ``";"``-joined), ``void``, ``refund``, ``covers`` (of its ticket).

    Long because it splits each store-hour's demand into tickets with modifiers, voids and
    refunds.
    """
    n_s, n_i, n_d = demand.qty.shape
    flat = demand.qty.reshape(-1)
    units = np.repeat(np.arange(flat.size), flat)  # one entry per unit sold
    s_idx, i_idx, d_idx = np.unravel_index(units, demand.qty.shape)
    per_sd = demand.qty.sum(axis=1)  # (S, D)
    tickets = np.maximum(np.ceil(per_sd / UNITS_PER_ORDER * 1.08), 1).astype(int)
    ticket = (rng.random(units.size) * tickets[s_idx, d_idx]).astype(int)

    frame = pd.DataFrame({"s": s_idx, "d": d_idx, "t": ticket, "i": i_idx})
    lines = frame.groupby(["s", "d", "t", "i"], sort=True).size().rename("qty").reset_index()

    # Renumber tickets 1..n per store-day in the order they close.
    heads = lines[["s", "d", "t"]].drop_duplicates().reset_index(drop=True)
    hours = np.empty(len(heads), dtype=int)
    for s, site in enumerate(group.stores):
        mask = heads["s"].to_numpy() == s
        hours[mask] = rng.choice(
            24, size=mask.sum(), p=_hours_weights(site.open_hour, site.close_hour)
        )
    heads["hour"] = hours
    heads["second"] = rng.integers(0, 3600, len(heads))
    heads = heads.sort_values(["s", "d", "hour", "second"], kind="stable")
    heads["ticket"] = heads.groupby(["s", "d"]).cumcount() + 1
    lines = lines.merge(heads, on=["s", "d", "t"])
    units_per_ticket = lines.groupby(["s", "d", "t"])["qty"].transform("sum").to_numpy()
    lines["covers"] = np.maximum(
        1, np.round(units_per_ticket / 1.7 * rng.uniform(0.8, 1.2, len(lines)))
    )
    lines["covers"] = lines.groupby(["s", "d", "t"])["covers"].transform("first").astype(int)

    lines["unit_price"] = demand.price[lines["i"].to_numpy(), lines["d"].to_numpy()]
    lines["modifier"] = _modifiers(group, lines["i"].to_numpy(), rng)
    lines["void"] = False
    lines["refund"] = False

    voids = heads.sample(frac=VOID_SHARE, random_state=_seed(rng))
    void_items = rng.integers(0, n_i, len(voids))
    voided = voids[["s", "d", "t", "hour", "second", "ticket"]].assign(
        i=void_items,
        qty=1,
        unit_price=demand.price[void_items, voids["d"].to_numpy()],
        modifier="",
        void=True,
        refund=False,
    )
    voided = voided.merge(lines[["s", "d", "t", "covers"]].drop_duplicates(), on=["s", "d", "t"])

    refunded = lines.sample(frac=REFUND_SHARE, random_state=_seed(rng)).copy()
    refunded["qty"] = -1
    refunded["refund"] = True
    refunded["second"] = np.minimum(
        refunded["second"] + rng.integers(600, 1800, len(refunded)), 3599
    )
    out = pd.concat([lines, voided, refunded], ignore_index=True)
    out["store"] = np.array(demand.stores)[out["s"].to_numpy()]
    out["item"] = np.array(demand.items)[out["i"].to_numpy()]
    out = out.rename(columns={"d": "day"}).sort_values(
        ["s", "day", "ticket", "refund", "void", "i"], kind="stable", ignore_index=True
    )
    return out[LINE_COLUMNS]


def _seed(rng: np.random.Generator) -> int:
    return int(rng.integers(0, 2**31 - 1))


def _modifiers(group: Group, item_idx: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """The ``";"``-joined modifier codes of each line (``""`` for none)."""
    out = np.full(item_idx.size, "", dtype=object)
    for i, item in enumerate(group.items):
        rows = np.flatnonzero(item_idx == i)
        for mod in item.modifiers:
            hit = rows[rng.random(rows.size) < mod.share]
            out[hit] = np.where(out[hit] == "", mod.code, out[hit] + ";" + mod.code)
    return out


def hourly_lines(lines: pd.DataFrame) -> pd.DataFrame:
    """The tickets of each store-hour merged into one summary ticket (number = the hour).

    Quantities per item, price and modifiers are summed, refunds kept as negative lines,
    voids dropped (they neither sell nor deplete), covers summed: the daily and hourly sales,
    revenue and ingredient use are exactly those of the tickets, in about a tenth of the
    orders and lines. For loading long histories quickly.
    """
    work = lines[~lines["void"]]
    covers = (
        work[~work["refund"]]
        .drop_duplicates(["store", "day", "ticket"])
        .groupby(["store", "day", "hour"])["covers"]
        .sum()
    )
    keys = ["store", "day", "hour", "item", "unit_price", "modifier", "refund"]
    out = work.groupby(keys, as_index=False, sort=True)["qty"].sum()
    out = out[out["qty"] != 0]
    out["ticket"] = out["hour"]
    out["second"] = 1800
    out["void"] = False
    out["covers"] = (
        covers.reindex(pd.MultiIndex.from_frame(out[["store", "day", "hour"]]))
        .fillna(0)
        .astype(int)
        .to_numpy()
    )
    # A refund joins its hour's summary ticket instead of a ticket of its own.
    out["refund"] = False
    out["label"] = "H" + out["hour"].map("{:02d}".format)
    return out[[*LINE_COLUMNS, "label"]].reset_index(drop=True)


def payload_orders(
    lines: pd.DataFrame, dates: pd.DatetimeIndex, group: Group, tag: str = ""
) -> list[dict[str, Any]]:
    """The tickets as ``push_sales`` orders (see ``addons/boh_pos_bridge/readme/USAGE.md``).

    Order refs are ``<store>-<YYYYMMDD>-<ticket><tag>`` (then ``-R`` on a refund ticket; a
    summary ticket of :func:`hourly_lines` is ``H<hh>`` instead of its number), so
    that runs with different tags never share an order; ``closed_at``
    is local time with the store's UTC offset of that day; prices are decimal strings.

    Long because it turns tickets into push_sales orders with every field the payload allows.
    """
    if lines.empty:
        return []
    tz = {s.code: ZoneInfo(s.tz) for s in group.stores}
    day_str = np.array([d.strftime("%Y%m%d") for d in dates])
    iso = np.array([d.strftime("%Y-%m-%d") for d in dates])
    work = lines.copy()
    work["ref"] = (
        work["store"]
        + "-"
        + day_str[work["day"].to_numpy()]
        + "-"
        + (work["label"] if "label" in work else work["ticket"].map("{:04d}".format))
        + tag
        + np.where(work["refund"], "-R", "")
    )
    # Offsets per (store, day): computed once each, not per ticket.
    offsets = {}
    for store, day in work[["store", "day"]].drop_duplicates().itertuples(index=False):
        noon = dates[day].to_pydatetime().replace(hour=12, tzinfo=tz[store])
        off = noon.utcoffset() or timedelta(0)
        minutes = int(off.total_seconds() // 60)
        sign = "+" if minutes >= 0 else "-"
        offsets[(store, day)] = f"{sign}{abs(minutes) // 60:02d}:{abs(minutes) % 60:02d}"
    work["closed_at"] = (
        iso[work["day"].to_numpy()]
        + "T"
        + work["hour"].map("{:02d}".format)
        + ":"
        + (work["second"] // 60).map("{:02d}".format)
        + ":"
        + (work["second"] % 60).map("{:02d}".format)
        + [offsets[k] for k in zip(work["store"], work["day"], strict=True)]
    )
    work["business_date"] = iso[work["day"].to_numpy()]
    orders: dict[str, dict[str, Any]] = {}
    cols = [
        "ref",
        "store",
        "business_date",
        "closed_at",
        "covers",
        "refund",
        "item",
        "qty",
        "unit_price",
        "modifier",
        "void",
    ]
    for ref, store, bdate, closed, covers, refund, item, qty, price, mod, void in zip(
        *(work[c].tolist() for c in cols), strict=True
    ):
        order = orders.get(ref)
        if order is None:
            order = orders[ref] = {
                "order_ref": ref,
                "location": store,
                "business_date": bdate,
                "closed_at": closed,
                "covers": 0 if refund else int(covers),
                "lines": [],
            }
        elif closed > order["closed_at"]:
            order["closed_at"] = closed
        line: dict[str, Any] = {
            "line_ref": str(len(order["lines"]) + 1),
            "item_code": item,
            "qty": int(qty),
            "unit_price": f"{price:.2f}",
        }
        if mod:
            line["modifiers"] = [{"code": c, "qty": 1} for c in mod.split(";")]
        if void:
            line["void"] = True
        order["lines"].append(line)
    return list(orders.values())
