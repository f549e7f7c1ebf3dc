"""``boh demo-data`` against a live Odoo: simulated sales land as facts, a re-run changes nothing.

The run maps the demo menu's item and modifier codes, under a source of its own, to one menu
item of a store of its own, and pushes as a user of the BOH Integration group.
"""

from __future__ import annotations

import uuid
from datetime import date, timedelta

from boh_core.client.cli import main
from boh_core.simulator import default_group, simulate


def test_demo_data_pushes_through_the_real_feed(odoo, capsys):
    tag = uuid.uuid4().hex[:6]
    code = "D" + tag[:4].upper()
    kg, unit = odoo.ref("uom.product_uom_kgm"), odoo.ref("uom.product_uom_unit")
    warehouse = odoo.call("stock.warehouse", "create", {"name": f"Demo Load {tag}", "code": code})
    beef = odoo.create_product(
        f"Demo Beef {tag}", "ingredient", kg, is_storable=True, standard_price=12.0
    )
    dish = odoo.create_product(f"Demo Dish {tag}", "menu", unit, list_price=12.0)
    odoo.call(
        "boh.recipe",
        "create",
        {
            "product_id": dish,
            "output_qty": 1.0,
            "output_uom_id": unit,
            "line_ids": [(0, 0, {"product_id": beef, "qty": 0.2, "uom_id": kg})],
        },
    )
    source = f"sim-{tag}"
    group = default_group(1)
    odoo.call(
        "boh.pos.item.map",
        "create",
        [{"source": source, "code": item.code, "product_id": dish} for item in group.items],
    )
    modifiers = sorted({m.code for item in group.items for m in item.modifiers})
    odoo.call(
        "boh.pos.modifier.map",
        "create",
        [
            {
                "source": source,
                "code": mod,
                "line_ids": [(0, 0, {"product_id": beef, "qty": 0.01, "uom_id": kg})],
            }
            for mod in modifiers
        ],
    )
    login, password = odoo.create_integration_user(f"Demo Load {tag}", source)
    end = date.today() - timedelta(days=1)
    argv = [
        "demo-data", "--stores", "1", "--days", "4", "--orders-per-day", "12",
        "--seed", "9", "--end", end.isoformat(), "--store-codes", code, "--source", source,
        "--batch-size", "25", "--url", odoo.url, "--db", odoo.db, "--user", login,
        "--api-key", password,
    ]  # fmt: skip
    sim = simulate(group, days=4, end=end, seed=9, orders_per_day=12, sensor_days=0)
    orders = sim.orders()

    assert main(argv) == 0
    out = capsys.readouterr().out
    assert f"created: {len(orders)}" in out and "error: 0" in out

    facts = odoo.call(
        "boh.sales.fact",
        "search_read",
        [("warehouse_id", "=", warehouse), ("source", "=", source)],
        fields=["qty", "date", "order_ref"],
    )
    sold = sum(ln["qty"] for o in orders for ln in o["lines"] if not ln.get("void"))
    assert sum(f["qty"] for f in facts) == sold
    # the refs name the store: ST01 in the local simulation, the run's code on the server
    refs = {o["order_ref"].replace("ST01-", f"{code}-", 1) for o in orders}
    assert {f["order_ref"] for f in facts} == refs
    consumed = odoo.call(
        "stock.quant",
        "search_read",
        [("product_id", "=", beef), ("location_id.usage", "=", "internal")],
        fields=["quantity"],
    )
    assert sum(q["quantity"] for q in consumed) < 0  # sold from an empty store: depleted

    # The same command again: every order is a duplicate and the facts do not change.
    assert main(argv) == 0
    assert f"duplicate: {len(orders)}" in capsys.readouterr().out
    again = odoo.call(
        "boh.sales.fact",
        "search_read",
        [("warehouse_id", "=", warehouse), ("source", "=", source)],
        fields=["qty"],
    )
    assert sum(f["qty"] for f in again) == sold and len(again) == len(facts)
