#!/usr/bin/env python3
"""Actual vs theoretical and the KPI dashboard's data for a group of stores, against a naive
ORM computation of the same figures.

Creates S stores (full: 20, small: 3) with P ingredients (full: 150, small: 30) over D
business days (full: 28, small: 7; medium: 10 stores, 150 ingredients, 14 days, a
quarter of full): an approved count before the first day and at the end of
each week, a receipt and a sales depletion move per ingredient, store and day, a transfer in
and out and a production consumption per ingredient, store and week, and the sale lines of
40 menu items (full: 1,000,000 over the month, small: 20,000). Moves and
facts are written with the suite's bulk writer (the benchmark measures the report, not the
loading). Then times, in the same run:

* ours: ``boh.store.period.action_compute`` of one period per store and week, then
  ``boh.kpi.dashboard.get_dashboard_data`` for the whole range;
* naive: the same AvT figures for one store-week with ``search``/``read`` per ingredient
  (counts, moves with their locations, depletion, waste) and its net sales fact by fact,
  scaled to every store-week.

Prints both, the ratio and the target (ours under 2 s each at full size), checks that the two
agree on the store-week, and rolls everything back. Run under the Python that runs Odoo, with
the database in ``BOH_ODOO_DB`` (the test command does this); needs boh_pos_bridge installed.
"""

from __future__ import annotations

import sys
import time
from datetime import date, datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from benchkit import arguments, run_rolled_back  # noqa: E402

SIZES = {"small": (3, 30, 7), "medium": (10, 150, 14), "full": (20, 150, 28)}
#: sale lines (facts) of the whole range per size: a month of a 20-store group at full size
SALE_LINES = {"small": 20_000, "medium": 250_000, "full": 1_000_000}
MENU_ITEMS = 40
LINES_PER_ORDER = 4
TARGET_SECONDS = 2.0
#: the tables the report reads, analyzed after loading (see ``setup``)
ANALYZED = (
    "stock_move",
    "stock_location",
    "boh_stock_count",
    "boh_stock_count_line",
    "boh_sales_fact",
    "boh_sales_daily",
    "boh_waste_line",
)
MOVE_COLUMNS = (
    ("name", "varchar"),
    ("product_id", "int"),
    ("product_uom", "int"),
    ("product_uom_qty", "numeric"),
    ("product_qty", "numeric"),
    ("quantity", "numeric"),
    ("location_id", "int"),
    ("location_dest_id", "int"),
    ("company_id", "int"),
    ("state", "varchar"),
    ("date", "timestamp"),
    ("procure_method", "varchar"),
    ("boh_warehouse_id", "int"),
    ("boh_business_date", "date"),
    ("boh_depletion_kind", "varchar"),
    ("boh_depletion_qty", "numeric"),
)


def load_sale_lines(env, stores, first, days, total):
    """``total`` sale lines (facts) over the stores and days, :data:`LINES_PER_ORDER` to an
    order, of :data:`MENU_ITEMS` menu items in two categories, written by the database in
    one statement (the feed's own writer is benchmarked in ``bench_pos_ingest``)."""
    categories = env["product.category"].create(
        [{"name": "Bench AvT mains"}, {"name": "Bench AvT drinks"}]
    )
    items = env["product.product"].create(
        [
            {
                "name": f"Bench AvT dish {i}",
                "type": "consu",
                "boh_kind": "menu",
                "categ_id": categories[i % 2].id,
                "list_price": 8.0 + i % 9,
            }
            for i in range(MENU_ITEMS)
        ]
    )
    env.flush_all()
    per_day = max(total // (len(stores) * days), 1)
    env.cr.execute(
        """
        INSERT INTO boh_sales_fact (company_id, warehouse_id, product_id, date, hour, qty,
                                    revenue, covers, is_component, source, order_ref)
        SELECT %(company)s, s.wh, (%(items)s::int[])[1 + n %% %(n_items)s],
               %(first)s::date + d, 11 + n %% 11, 1 + n %% 3, (1 + n %% 3) * (8 + n %% 9),
               CASE WHEN n %% %(per_order)s = 0 THEN 1 + n %% 4 ELSE 0 END, FALSE, 'bench',
               s.wh || '-' || d || '-' || n / %(per_order)s
          FROM unnest(%(stores)s::int[]) AS s(wh), generate_series(0, %(days)s - 1) AS d,
               generate_series(0, %(per_day)s - 1) AS n
        """,
        {
            "company": env.company.id,
            "items": items.ids,
            "n_items": len(items),
            "first": first,
            "per_order": LINES_PER_ORDER,
            "stores": stores.ids,
            "days": days,
            "per_day": per_day,
        },
    )
    return env.cr.rowcount


def setup(env, stores_n, products_n, days, sale_lines):
    """Long because it builds the whole group in the order its records depend on each other."""
    from odoo.addons.boh_inventory.tools.bulk import bulk_insert

    company = env.company
    kg = env.ref("uom.product_uom_kgm")
    stores = env["stock.warehouse"].create(
        [{"name": f"Bench AvT {i}", "code": f"BA{i:02d}"} for i in range(stores_n)]
    )
    products = env["product.product"].create(
        [
            {
                "name": f"Bench AvT ingredient {i}",
                "is_storable": True,
                "boh_kind": "ingredient",
                "uom_id": kg.id,
                "uom_po_id": kg.id,
                "standard_price": 1.0 + i % 7,
            }
            for i in range(products_n)
        ]
    )
    supplier = env.ref("stock.stock_location_suppliers")
    consumption = env.ref("boh_pos_bridge.stock_location_boh_consumption")
    production = env["stock.location"].create({"name": "Bench production", "usage": "production"})
    first = date.today() - timedelta(days=days + 1)
    count_days = [first - timedelta(days=1)] + [
        first + timedelta(days=d) for d in range(days) if (d + 1) % 7 == 0
    ]
    counts = env["boh.stock.count"].create(
        [
            {
                "warehouse_id": store.id,
                "count_date": day,
                "line_ids": [
                    (0, 0, {"product_id": p.id, "counted_qty": 50.0, "is_counted": True})
                    for p in products
                ],
            }
            for store in stores
            for day in count_days
        ]
    )
    env.flush_all()
    env.cr.execute("UPDATE boh_stock_count SET state = 'approved' WHERE id = ANY(%s)", [counts.ids])
    rows = []
    for index, store in enumerate(stores):
        stock = store.lot_stock_id.id
        neighbour = stores[(index + 1) % len(stores)].lot_stock_id.id
        for d in range(days):
            day = first + timedelta(days=d)
            at = datetime.combine(day, datetime.min.time()) + timedelta(hours=15)
            for p in products:
                common = (p.id, kg.id)
                rows.append(
                    (
                        "in",
                        *common,
                        10,
                        10,
                        10,
                        supplier.id,
                        stock,
                        company.id,
                        "done",
                        at,
                        "make_to_stock",
                        None,
                        None,
                        None,
                        None,
                    )
                )
                rows.append(
                    (
                        "sale",
                        *common,
                        9,
                        9,
                        9,
                        stock,
                        consumption.id,
                        company.id,
                        "done",
                        at,
                        "make_to_stock",
                        store.id,
                        day,
                        "sale",
                        9,
                    )
                )
                if d % 7 == 3:
                    for src, dst, qty in (
                        (neighbour, stock, 2),
                        (stock, neighbour, 2),
                        (stock, production.id, 1),
                    ):
                        rows.append(
                            (
                                "flow",
                                *common,
                                qty,
                                qty,
                                qty,
                                src,
                                dst,
                                company.id,
                                "done",
                                at,
                                "make_to_stock",
                                None,
                                None,
                                None,
                                None,
                            )
                        )
    bulk_insert(env, "stock_move", MOVE_COLUMNS, rows)
    load_sale_lines(env, stores, first, days, sale_lines)
    env.invalidate_all()
    # a month written in one go has no planner statistics yet; a live database's have
    # (autovacuum analyzes tables as they grow), so the report is timed with them
    for table in ANALYZED:
        env.cr.execute(f"ANALYZE {table}")  # noqa: S608 - constant table names
    weeks = [
        (first + timedelta(days=w * 7), first + timedelta(days=w * 7 + 6)) for w in range(days // 7)
    ]
    return stores, products, weeks


def naive_store_week(env, store, products, start, end):
    """The AvT quantities of one store-week, the way a loop over records would get them."""
    result = {}
    Line, Move = env["boh.stock.count.line"], env["stock.move"]
    for product in products:
        opening = Line.search(
            [
                ("product_id", "=", product.id),
                ("count_id.warehouse_id", "=", store.id),
                ("count_id.state", "=", "approved"),
                ("count_id.count_date", "<", start),
            ],
            order="id desc",
            limit=1,
        )
        closing = Line.search(
            [
                ("product_id", "=", product.id),
                ("count_id.warehouse_id", "=", store.id),
                ("count_id.state", "=", "approved"),
                ("count_id.count_date", ">=", start),
                ("count_id.count_date", "<=", end),
            ],
            order="id desc",
            limit=1,
        )
        flows = 0.0
        theoretical = 0.0
        for move in Move.search(
            [
                ("product_id", "=", product.id),
                ("state", "=", "done"),
                ("date", ">=", datetime.combine(start, datetime.min.time())),
                ("date", "<", datetime.combine(end + timedelta(days=1), datetime.min.time())),
            ]
        ):
            src, dst = move.location_id, move.location_dest_id
            if move.boh_depletion_kind == "sale" and move.boh_warehouse_id == store:
                theoretical += move.boh_depletion_qty
            elif dst.warehouse_id == store and src.warehouse_id != store:
                flows += (
                    move.product_qty
                    if src.usage in ("supplier", "internal", "transit", "production")
                    else 0.0
                )
            elif src.warehouse_id == store and dst.warehouse_id != store:
                flows -= (
                    move.product_qty
                    if dst.usage in ("supplier", "internal", "transit", "production")
                    else 0.0
                )
        actual = opening.counted_qty + flows - closing.counted_qty
        result[product.id] = (actual, theoretical)
    return result


def naive_net_sales(env, store, start, end):
    """The store-week's net sales, read fact by fact."""
    facts = env["boh.sales.fact"].search(
        [("warehouse_id", "=", store.id), ("date", ">=", start), ("date", "<=", end)]
    )
    return sum(fact.revenue for fact in facts)


def bench(env, size):
    stores_n, products_n, days = SIZES[size]
    stores, products, weeks = setup(env, stores_n, products_n, days, SALE_LINES[size])
    env.cr.execute("SELECT count(*) FROM boh_sales_fact WHERE source = 'bench'")
    (sale_lines,) = env.cr.fetchone()
    periods = env["boh.store.period"].create(
        [{"warehouse_id": s.id, "date_from": a, "date_to": b} for s in stores for a, b in weeks]
    )
    env.flush_all()
    tick = time.perf_counter()
    periods.action_compute()
    env.flush_all()
    ours_avt = time.perf_counter() - tick
    tick = time.perf_counter()
    data = env["boh.kpi.dashboard"].get_dashboard_data(weeks[0][0], weeks[-1][1])
    ours_dashboard = time.perf_counter() - tick
    env.invalidate_all()
    tick = time.perf_counter()
    naive = naive_store_week(env, stores[0], products, *weeks[-1])
    naive_sales = naive_net_sales(env, stores[0], *weeks[-1])
    naive_time = (time.perf_counter() - tick) * len(periods)
    period = periods.filtered(lambda p: p.warehouse_id == stores[0] and p.date_to == weeks[-1][1])
    agree = (
        all(
            abs(line.actual_qty - naive[line.product_id.id][0]) < 1e-6
            and abs(line.theoretical_qty - naive[line.product_id.id][1]) < 1e-6
            for line in period.line_ids
        )
        and len(data["stores"]) >= stores_n
        and abs(period.net_sales - naive_sales) < 0.01
    )
    return {
        "stores": stores_n,
        "periods": len(periods),
        "lines": len(periods.line_ids),
        "sale_lines": sale_lines,
        "avt": ours_avt,
        "dashboard": ours_dashboard,
        "naive": naive_time,
        "ratio": naive_time / ours_avt if ours_avt else float("inf"),
        "agree": agree,
    }


def main(argv=None) -> int:
    args = arguments(__doc__, SIZES, argv)
    result = run_rolled_back(args.db, bench, args.size)
    print(
        f"avt[{args.size}]: {result['stores']} stores, {result['periods']} store-weeks, "
        f"{result['sale_lines']} sale lines, {result['lines']} AvT lines: "
        f"ours {result['avt']:.3f} s (AvT) + "
        f"{result['dashboard']:.3f} s (dashboard data), naive ORM {result['naive']:.3f} s "
        f"(one store-week, scaled), ratio {result['ratio']:.1f}x "
        f"(target: ours < {TARGET_SECONDS:.0f} s each at full size)"
    )
    if not result["agree"]:
        print("avt: ours and the naive computation disagree", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
