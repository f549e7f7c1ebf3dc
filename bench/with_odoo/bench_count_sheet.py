#!/usr/bin/env python3
"""Loading and saving a stock count the way the web client does, against Odoo's own
inventory mode on ``stock.quant`` for the same lines.

Creates a store holding N storable products (full: 300, small: 60) in a storage area with a
shelf order, loads a count of it, then times in the same run, each side on the same lines:

* ours: the count form's ``web_read`` (header, progress and every line with the columns the
  form shows), then one ``web_save`` of the form with a counted quantity typed on every line
  (mixed shelf units on a third of them: ``2 case + 3``), read back as the client does;
* Odoo: the inventory mode list (``stock.quant``, ``inventory_mode``) read with
  ``web_search_read``, then a ``web_save`` per row setting ``inventory_quantity``, which is how
  its editable list saves.

Prints both, the ratio and the target (ours under 1 s at full size), checks that both end
with the same counted quantities, and rolls everything back. Run under the Python that runs
Odoo, with the database in ``BOH_ODOO_DB`` (the test command does this).
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from benchkit import arguments, run_rolled_back  # noqa: E402

SIZES = {"small": 60, "full": 300}
TARGET_SECONDS = 1.0

LINE_SPEC = {
    "area_id": {"fields": {"display_name": {}}},
    "product_id": {"fields": {"display_name": {}}},
    "tracking": {},
    "location_id": {"fields": {"display_name": {}}},
    "lot_id": {"fields": {"display_name": {}}},
    "expiration_date": {},
    "expected_qty": {},
    "counted_entry": {},
    "counted_qty": {},
    "is_counted": {},
    "moved_qty": {},
    "expected_difference_qty": {},
    "uom_id": {"fields": {"display_name": {}}},
    "currency_id": {"fields": {}},
    "unit_cost": {},
    "difference_value": {},
    "late_sale_qty": {},
    "unexplained_qty": {},
}
COUNT_SPEC = {
    "name": {},
    "state": {},
    "warehouse_id": {"fields": {"display_name": {}}},
    "location_id": {"fields": {"display_name": {}}},
    "company_id": {"fields": {"display_name": {}}},
    "count_date": {},
    "scope": {},
    "categ_ids": {"fields": {"display_name": {}}},
    "is_blind": {},
    "hide_expected": {},
    "progress": {},
    "counted_count": {},
    "line_count": {},
    "approved_uid": {"fields": {"display_name": {}}},
    "approved_date": {},
    "move_count": {},
    "note": {},
    "line_ids": {"fields": LINE_SPEC},
}
QUANT_SPEC = {
    "product_id": {"fields": {"display_name": {}}},
    "location_id": {"fields": {"display_name": {}}},
    "lot_id": {"fields": {"display_name": {}}},
    "quantity": {},
    "available_quantity": {},
    "product_uom_id": {"fields": {"display_name": {}}},
    "inventory_quantity": {},
    "inventory_diff_quantity": {},
    "inventory_date": {},
    "user_id": {"fields": {"display_name": {}}},
    "inventory_quantity_set": {},
    "company_id": {"fields": {"display_name": {}}},
}


def setup(env, size: int):
    """A store, an area in shelf order and ``size`` products on hand; a loaded count."""
    store = env["stock.warehouse"].create({"name": "Bench Count Store", "code": "BCS"})
    walk_in = env["stock.location"].create(
        {"name": "Bench Walk-in", "location_id": store.lot_stock_id.id, "usage": "internal"}
    )
    kg = env.ref("uom.product_uom_kgm")
    products = (
        env["product.product"]
        .with_context(tracking_disable=True)
        .create(
            [
                {
                    "name": f"Bench Count Item {i:03d}",
                    "boh_kind": "ingredient",
                    "is_storable": True,
                    "uom_id": kg.id,
                    "uom_po_id": kg.id,
                    "standard_price": 1.0 + i % 17,
                }
                for i in range(size)
            ]
        )
    )
    env["product.packaging"].create(
        [{"name": "Case", "product_id": p.id, "qty": 6.0} for p in products[::3]]
    )
    env["boh.count.area"].create(
        {
            "name": "Bench Walk-in",
            "warehouse_id": store.id,
            "location_id": walk_in.id,
            "product_line_ids": [
                (0, 0, {"product_id": p.id, "sequence": size - i}) for i, p in enumerate(products)
            ],
        }
    )
    Quant = env["stock.quant"]
    for i, product in enumerate(products):
        Quant._update_available_quantity(product, walk_in, 10.0 + i % 7)
    count = env["boh.stock.count"].create({"warehouse_id": store.id})
    count.action_load_stock()
    env.flush_all()
    entries = {
        product.id: ("2 case + 3" if i % 3 == 0 else f"{9 + i % 5}")
        for i, product in enumerate(products)
    }
    expected = {
        product.id: (15.0 if i % 3 == 0 else 9.0 + i % 5) for i, product in enumerate(products)
    }
    return count, walk_in, products, entries, expected


def time_ours(env, count, entries):
    env.invalidate_all()
    t0 = time.perf_counter()
    data = count.web_read(COUNT_SPEC)[0]
    commands = [
        (1, line["id"], {"counted_entry": entries[line["product_id"]["id"]]})
        for line in data["line_ids"]
    ]
    count.web_save({"line_ids": commands}, COUNT_SPEC)
    env.flush_all()
    return time.perf_counter() - t0, len(data["line_ids"])


def time_odoo(env, walk_in, products, expected):
    Quant = env["stock.quant"].with_context(inventory_mode=True)
    env.invalidate_all()
    t0 = time.perf_counter()
    domain = [("location_id", "=", walk_in.id), ("product_id", "in", products.ids)]
    rows = Quant.web_search_read(domain, QUANT_SPEC, limit=len(products) + 1)["records"]
    for row in rows:
        quant = Quant.browse(row["id"])
        quant.web_save({"inventory_quantity": expected[row["product_id"]["id"]]}, QUANT_SPEC)
    env.flush_all()
    return time.perf_counter() - t0, len(rows)


def bench(env, size: str) -> dict:
    count, walk_in, products, entries, expected = setup(env, SIZES[size])
    ours, lines = time_ours(env, count, entries)
    theirs, rows = time_odoo(env, walk_in, products, expected)
    counted = {line.product_id.id: line.counted_qty for line in count.line_ids}
    quants = env["stock.quant"].search(
        [("location_id", "=", walk_in.id), ("product_id", "in", products.ids)]
    )
    inventoried = {quant.product_id.id: quant.inventory_quantity for quant in quants}
    return {
        "lines": lines,
        "rows": rows,
        "ours": ours,
        "odoo": theirs,
        "ratio": theirs / ours if ours else float("inf"),
        "agree": counted == expected == inventoried,
    }


def main(argv=None) -> int:
    args = arguments(__doc__, SIZES, argv)
    result = run_rolled_back(args.db, bench, args.size)
    print(
        f"count_sheet[{args.size}]: {result['lines']} lines loaded and saved like the web "
        f"client: ours {result['ours']:.3f} s, odoo inventory mode on stock.quant "
        f"({result['rows']} rows) {result['odoo']:.3f} s, ratio {result['ratio']:.1f}x "
        f"(target: ours < {TARGET_SECONDS:.0f} s at full size)"
    )
    if not result["agree"]:
        print("count_sheet: the two sides ended with different counted quantities", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
