#!/usr/bin/env python3
"""The forecast's history read on the daily sales sums against the same read on the facts.

Creates S stores (full: 20, small: 3) selling P menu items (full: 120, small: 20) on each of
D days (full: 365, small: 60), L order lines per item and day (5): S x P x D x L sales facts
(full: 4.38 million), written with one INSERT ... SELECT, which the triggers also turn into
S x P x D daily rows. Then times, in the same run:

* ours: the forecast's item and covers reads on ``boh.sales.daily``
  (``boh.forecast.engine._read_daily``), and the whole ``_read_history`` (which also reads the
  56-day hourly profile from the facts, timed apart, and builds the frame);
* baseline: the two ``_read_group`` on ``boh.sales.fact`` the forecast made before the daily
  sums existed; and, to tell the aggregate's gain from the ORM's, the same two reads on the
  facts in plain SQL grouped by the database;
* the cost on the writer: a feed-sized bulk write of facts (``_replace_origin_facts``, 5,000
  facts) with the triggers and with them disabled.

Prints both, the ratio, checks that the two reads give the same series, and rolls everything
back. Run under the Python that runs Odoo, with the database in ``BOH_ODOO_DB`` (the test
command does this); needs boh_forecast installed.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from datetime import date, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from benchkit import odoo_env  # noqa: E402

SIZES = {"small": (3, 20, 60), "medium": (10, 120, 365), "full": (20, 120, 365)}
LINES = 5
WRITE_FACTS = 5000


def setup(env, stores_n, items_n, days):
    """Stores, menu items and their facts (loaded by the database, not timed)."""
    stores = env["stock.warehouse"].create(
        [{"name": f"Bench daily {i}", "code": f"BD{i:02d}"} for i in range(stores_n)]
    )
    items = env["product.product"].create(
        [{"name": f"Bench daily item {i}", "list_price": 5.0 + i % 9} for i in range(items_n)]
    )
    env.flush_all()
    today = date.today()
    # line l of item p at store s on day d: its quantity, price and covers vary with all four
    env.cr.execute(
        """
        INSERT INTO boh_sales_fact (company_id, warehouse_id, product_id, date, hour, qty,
                                    revenue, covers, is_component, source, order_ref)
        SELECT %(company)s, s.id, p.id, %(today)s::date - d, 11 + (l * 3 + d) %% 11,
               1 + (p.id + d + l) %% 4, round(((1 + (p.id + d + l) %% 4) * 7.5)::numeric, 2),
               CASE WHEN l = 0 THEN 1 + (s.id + d) %% 3 ELSE 0 END, false, 'bench',
               'B' || d || '-' || l
          FROM unnest(%(stores)s) AS s(id), unnest(%(items)s) AS p(id),
               generate_series(1, %(days)s) AS d, generate_series(0, %(lines)s - 1) AS l
        """,
        {
            "company": env.company.id,
            "today": today,
            "stores": stores.ids,
            "items": items.ids,
            "days": days,
            "lines": LINES,
        },
    )
    env.invalidate_all()
    for table in ("boh_sales_fact", "boh_sales_daily"):
        env.cr.execute(f"ANALYZE {table}")  # noqa: S608 - constant table names
    return stores, items, today


def baseline_read(env, company, warehouses, today):
    """The item and covers reads ``_read_history`` made on the facts before the daily sums."""
    start = today - timedelta(days=max(28, company.boh_forecast_history_days or 365))
    Fact = env["boh.sales.fact"]
    domain = [
        ("company_id", "=", company.id),
        ("warehouse_id", "in", warehouses.ids),
        ("date", ">=", start),
        ("date", "<", today),
    ]
    items = Fact._read_group(
        domain + [("product_id.boh_forecast_excluded", "=", False)],
        ["warehouse_id", "product_id", "date:day"],
        ["qty:sum", "revenue:sum"],
    )
    covers = Fact._read_group(domain, ["warehouse_id", "date:day"], ["covers:sum"])
    return items, covers


def hourly_read(env, company, warehouses, today):
    """The hourly profile of the last 56 days, read on the facts before and now."""
    return env["boh.sales.fact"]._read_group(
        [
            ("company_id", "=", company.id),
            ("warehouse_id", "in", warehouses.ids),
            ("date", ">=", today - timedelta(days=56)),
            ("date", "<", today),
        ],
        ["warehouse_id", "hour"],
        ["revenue:sum", "covers:sum"],
    )


def daily_read(env, company, warehouses, today):
    """Ours: the item and covers reads of the daily rows, as the forecast makes them."""
    start = today - timedelta(days=max(28, company.boh_forecast_history_days or 365))
    return env["boh.forecast.engine"]._read_daily(company, warehouses, start, today)


def facts_sql_read(env, company, warehouses, today):
    """The same two reads on the facts, grouped by the database, ids only (the aggregate's
    gain alone, without the ORM's record ordering)."""
    start = today - timedelta(days=max(28, company.boh_forecast_history_days or 365))
    params = {"company": company.id, "stores": warehouses.ids, "start": start, "today": today}
    where = (
        "f.company_id = %(company)s AND f.warehouse_id = ANY(%(stores)s) "
        "AND f.date >= %(start)s AND f.date < %(today)s"
    )
    env.cr.execute(
        f"""
        SELECT f.warehouse_id, f.product_id, f.date, sum(f.qty), sum(f.revenue)
          FROM boh_sales_fact f JOIN product_product p ON p.id = f.product_id
          JOIN product_template t ON t.id = p.product_tmpl_id
         WHERE {where} AND NOT coalesce(t.boh_forecast_excluded, false)
         GROUP BY f.warehouse_id, f.product_id, f.date
         ORDER BY f.warehouse_id, f.product_id, f.date
        """,  # noqa: S608 - constant text, values as parameters
        params,
    )
    items = env.cr.fetchall()
    env.cr.execute(
        f"""
        SELECT f.warehouse_id, f.date, sum(f.covers) FROM boh_sales_fact f WHERE {where}
         GROUP BY f.warehouse_id, f.date ORDER BY f.warehouse_id, f.date
        """,  # noqa: S608 - constant text, values as parameters
        params,
    )
    return items, env.cr.fetchall()


def timed(function, *args):
    tick = time.perf_counter()
    result = function(*args)
    return result, time.perf_counter() - tick


def write_cost(env, stores, items, today):
    """Seconds of a feed-sized ``_replace_origin_facts`` with and without the triggers."""
    Fact = env["boh.sales.fact"]
    rows = [
        {
            "company_id": env.company.id,
            "warehouse_id": stores[n % len(stores)].id,
            "product_id": items[n % len(items)].id,
            "date": today - timedelta(days=n % 3),
            "hour": 12,
            "qty": 1.0,
            "revenue": 7.5,
            "covers": 1,
            "source": "bench",
            "origin_model": "bench.write",
            "origin_id": n // 10 + 1,
        }
        for n in range(WRITE_FACTS)
    ]
    origins = list(range(1, WRITE_FACTS // 10 + 2))
    Fact._replace_origin_facts("bench.write", origins, rows)  # warm-up
    _facts, with_triggers = timed(Fact._replace_origin_facts, "bench.write", origins, rows)
    env.cr.execute("ALTER TABLE boh_sales_fact DISABLE TRIGGER USER")
    _facts, without = timed(Fact._replace_origin_facts, "bench.write", origins, rows)
    env.cr.execute("ALTER TABLE boh_sales_fact ENABLE TRIGGER USER")
    return with_triggers, without


def bench(env, size):
    stores_n, items_n, days = SIZES[size]
    stores, items, today = setup(env, stores_n, items_n, days)
    company = env.company
    engine = env["boh.forecast.engine"]
    baseline, baseline_time = timed(baseline_read, env, company, stores, today)
    ours, ours_time = timed(daily_read, env, company, stores, today)
    _frame, history_time = timed(engine._read_history, company, stores, today)
    _history, baseline_again = timed(baseline_read, env, company, stores, today)
    _daily, ours_again = timed(daily_read, env, company, stores, today)
    by_sql, facts_sql_time = timed(facts_sql_read, env, company, stores, today)
    _hours, hourly_time = timed(hourly_read, env, company, stores, today)
    baseline_time, ours_time = min(baseline_time, baseline_again), min(ours_time, ours_again)

    def item_key(rows):
        return sorted((int(w), int(p), day, round(q, 6), round(r, 2)) for w, p, day, q, r in rows)

    def cover_key(rows):
        return sorted((int(w), day, int(c)) for w, day, c in rows)

    old_items = [(w.id, p.id, day, q, r) for w, p, day, q, r in baseline[0]]
    old_covers = [(w.id, day, c) for w, day, c in baseline[1]]
    agree = (
        item_key(ours[0]) == item_key(old_items) == item_key(by_sql[0])
        and cover_key(ours[1]) == cover_key(old_covers) == cover_key(by_sql[1])
        and len(ours[0]) > 0
    )
    env.cr.execute("SELECT count(*) FROM boh_sales_daily")
    daily_rows = env.cr.fetchone()[0]
    with_triggers, without = write_cost(env, stores, items, today)
    return {
        "facts": stores_n * items_n * days * LINES,
        "daily": daily_rows,
        "baseline": baseline_time,
        "ours": ours_time,
        "history": history_time,
        "facts_sql": facts_sql_time,
        "hourly": hourly_time,
        "ratio": baseline_time / ours_time if ours_time else float("inf"),
        "write_with": with_triggers,
        "write_without": without,
        "agree": agree,
    }


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size", choices=sorted(SIZES), default="full")
    parser.add_argument("--db", default=os.environ.get("BOH_ODOO_DB"))
    args = parser.parse_args(argv)
    if not args.db:
        parser.error("no database: pass --db or set BOH_ODOO_DB")
    registry, api, uid = odoo_env(args.db)
    with registry.cursor() as cr:
        env = api.Environment(cr, uid, {})
        try:
            result = bench(env, args.size)
        finally:
            cr.rollback()
    print(
        f"sales_daily[{args.size}]: {result['facts']} facts, {result['daily']} daily rows: "
        f"forecast history read (items + covers): ours on the daily sums {result['ours']:.3f} s, "
        f"baseline on the facts (the ORM _read_group the forecast made before) "
        f"{result['baseline']:.3f} s, ratio {result['ratio']:.1f}x; the facts grouped by the "
        f"database with the same plain SQL {result['facts_sql']:.3f} s; "
        f"the 56-day hourly profile (on the facts in both) {result['hourly']:.3f} s; the whole "
        f"_read_history now {result['history']:.3f} s; a {WRITE_FACTS}-fact bulk write "
        f"{result['write_with']:.3f} s with the triggers, {result['write_without']:.3f} s "
        f"without"
    )
    if not result["agree"]:
        print("sales_daily: the daily sums and the facts give different series", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
