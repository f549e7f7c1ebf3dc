#!/usr/bin/env python3
"""Ingesting POS sales: one batched push against the same orders pushed one by one.

Creates a store, ingredients, menu items with recipes and their POS codes in an Odoo 18
database with boh_pos_bridge, then times, in the same run, the processing of N orders as
one push (mappings and recipes read once, one explosion, batched creates, grouped depletion
moves) and as N pushes of one order each (what a per-order integration does), checks that
both give the same depletion, prints the ratio, and rolls everything back.

Run under the Python that runs Odoo, with the database in ``BOH_ODOO_DB`` (the test command
does this).
"""

from __future__ import annotations

import argparse
import json
import os
import random
import sys
import time
from datetime import date, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path[:0] = [str(ROOT)]

SIZES = {
    "small": {"orders": 150, "lines": 4, "items": 30, "ingredients": 40},
    "full": {"orders": 500, "lines": 8, "items": 200, "ingredients": 300},
}


def odoo_env(db: str):
    """A registry and the superuser id on ``db``."""
    import odoo
    from odoo.tools import config

    options = ["-d", db, "--log-level=warn"]
    if os.environ.get("BOH_ODOO_ADDONS_PATH"):
        options.append(f"--addons-path={os.environ['BOH_ODOO_ADDONS_PATH']}")
    options += json.loads(os.environ.get("BOH_ODOO_DB_OPTIONS", "[]"))
    config.parse_config(options)
    registry = odoo.modules.registry.Registry(db)
    return registry, odoo.api, odoo.SUPERUSER_ID


def load_kitchen(env, params, rng):
    """A store, storable ingredients, menu items with 5-line recipes, mapped codes."""
    kg = env.ref("uom.product_uom_kgm")
    unit = env.ref("uom.product_uom_unit")
    warehouse = env["stock.warehouse"].create({"name": "Bench POS Store", "code": "BNPOS"})
    ingredients = env["product.product"].create(
        [
            {
                "name": f"Bench POS Ingredient {i}",
                "boh_kind": "ingredient",
                "is_storable": True,
                "uom_id": kg.id,
                "uom_po_id": kg.id,
                "standard_price": 1 + i % 7,
            }
            for i in range(params["ingredients"])
        ]
    )
    items = env["product.product"].create(
        [
            {
                "name": f"Bench POS Item {i}",
                "boh_kind": "menu",
                "uom_id": unit.id,
                "uom_po_id": unit.id,
                "list_price": 10,
            }
            for i in range(params["items"])
        ]
    )
    env["boh.recipe"].create(
        [
            {
                "product_id": item.id,
                "output_qty": 1,
                "output_uom_id": unit.id,
                "line_ids": [
                    (0, 0, {"product_id": ing.id, "qty": 0.05, "uom_id": kg.id, "waste_pct": 5})
                    for ing in rng.sample(list(ingredients), 5)
                ],
            }
            for item in items
        ]
    )
    for source in ("bench-batched", "bench-single"):
        env["boh.pos.item.map"].create(
            [
                {"source": source, "code": f"I{i}", "product_id": item.id}
                for i, item in enumerate(items)
            ]
        )
    return warehouse, ingredients


def make_orders(params, rng):
    day = date.today() - timedelta(days=1)
    return [
        {
            "order_ref": f"B{n}",
            "location": "BNPOS",
            "business_date": day.isoformat(),
            "closed_at": f"{day.isoformat()}T{11 + n % 10:02d}:15:00+00:00",
            "covers": 2,
            "lines": [
                {
                    "line_ref": str(k),
                    "item_code": f"I{rng.randrange(params['items'])}",
                    "qty": rng.randint(1, 3),
                    "unit_price": "10.00",
                }
                for k in range(params["lines"])
            ],
        }
        for n in range(params["orders"])
    ]


def depleted(env, warehouse):
    rows = env["stock.move"]._read_group(
        [("boh_warehouse_id", "=", warehouse.id), ("state", "=", "done")],
        ["product_id"],
        ["boh_depletion_qty:sum"],
    )
    return {product.id: qty for product, qty in rows}


def bench(env, size):
    params = SIZES[size]
    rng = random.Random(7)
    warehouse, _ingredients = load_kitchen(env, params, rng)
    orders = make_orders(params, rng)
    feed = env["boh.pos.feed"].sudo()
    no_batch = env["boh.pos.batch"]
    env.flush_all()

    start = time.perf_counter()
    answer = feed._process_payload({"source": "bench-batched", "orders": orders}, no_batch)
    env.flush_all()
    ours = time.perf_counter() - start
    batched = depleted(env, warehouse)
    assert [o["status"] for o in answer["orders"]] == ["created"] * len(orders), answer

    start = time.perf_counter()
    for order in orders:
        feed._process_payload({"source": "bench-single", "orders": [order]}, no_batch)
    env.flush_all()
    theirs = time.perf_counter() - start
    both = depleted(env, warehouse)
    worst = max(
        (abs(both[p] - 2 * batched[p]) / max(abs(batched[p]), 1e-9) for p in batched), default=0.0
    )
    return {"orders": len(orders), "ours": ours, "theirs": theirs, "max_rel_diff": worst}


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
        if not env["ir.module.module"].search_count(
            [("name", "=", "boh_pos_bridge"), ("state", "=", "installed")]
        ):
            print("pos_ingest: database lacks boh_pos_bridge", file=sys.stderr)
            return 2
        try:
            result = bench(env, args.size)
        finally:
            cr.rollback()
    ratio = result["theirs"] / result["ours"] if result["ours"] else float("inf")
    print(
        f"pos_ingest[{args.size}]: {result['orders']} orders: one batched push "
        f"{result['ours']:.3f} s, one push per order {result['theirs']:.3f} s, "
        f"ratio {ratio:.1f}x; max depletion difference {100 * result['max_rel_diff']:.3f}%"
    )
    if result["max_rel_diff"] > 0.01:
        print("pos_ingest: batched and per-order depletion disagree", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
