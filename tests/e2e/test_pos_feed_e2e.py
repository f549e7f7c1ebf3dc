"""The sales feed over XML-RPC, as an integrator's POS sees it, against a live Odoo.

Uses ``boh_core.client`` (the integrators' client) as a user of the BOH Integration group.
Every run creates its own store, ingredients, recipe and codes with unique names.
"""

from __future__ import annotations

import random
import threading
from datetime import date, timedelta

import pytest

from boh_core.client import BohClient
from boh_core.client.xmlrpc import BohServerError


@pytest.fixture(scope="module")
def kitchen(odoo):
    """A store, a burger recipe, mapped codes and an integration user, all unique."""
    import uuid

    tag = uuid.uuid4().hex[:6]
    kg, unit = odoo.ref("uom.product_uom_kgm"), odoo.ref("uom.product_uom_unit")
    code = "E" + tag[:4].upper()
    warehouse = odoo.call("stock.warehouse", "create", {"name": f"E2E Store {tag}", "code": code})
    beef = odoo.create_product(
        f"E2E Beef {tag}", "ingredient", kg, is_storable=True, standard_price=15.0
    )
    burger = odoo.create_product(f"E2E Burger {tag}", "menu", unit, list_price=12.0)
    odoo.call(
        "boh.recipe",
        "create",
        {
            "product_id": burger,
            "output_qty": 1.0,
            "output_uom_id": unit,
            "line_ids": [(0, 0, {"product_id": beef, "qty": 0.2, "uom_id": kg})],
        },
    )
    source = f"e2e-{tag}"
    odoo.call(
        "boh.pos.item.map",
        "create",
        {"source": source, "code": "BURGER", "product_id": burger},
    )
    login, password = odoo.create_integration_user(f"E2E POS {tag}", source)
    return {
        "location": code,
        "warehouse": warehouse,
        "beef": beef,
        "burger": burger,
        "source": source,
        "client": lambda: BohClient(odoo.url, odoo.db, login, password, backoff=0.2, seed=1),
    }


def _order(ref, location, qty=1, day=None):
    day = day or date.today() - timedelta(days=1)
    return {
        "order_ref": ref,
        "location": location,
        "business_date": day.isoformat(),
        "closed_at": f"{day.isoformat()}T12:00:00+00:00",
        "covers": 1,
        "lines": [{"line_ref": "1", "item_code": "BURGER", "qty": qty, "unit_price": "12.00"}],
    }


def _beef_depleted(odoo, kitchen):
    rows = odoo.call(
        "stock.move",
        "search_read",
        [("boh_warehouse_id", "=", kitchen["warehouse"]), ("product_id", "=", kitchen["beef"])],
        fields=["boh_depletion_qty", "state"],
    )
    return sum(r["boh_depletion_qty"] for r in rows if r["state"] == "done")


def _orders(odoo, kitchen):
    return odoo.call("boh.pos.order", "search_count", [("source", "=", kitchen["source"])])


def test_push_then_resend_creates_nothing_new(odoo, kitchen):
    client = kitchen["client"]()
    orders = [_order(f"P{n}", kitchen["location"]) for n in range(5)]
    summary = client.push_orders(kitchen["source"], orders)
    assert (summary.created, summary.error) == (5, 0)
    assert _beef_depleted(odoo, kitchen) == pytest.approx(1.0)
    before = (_orders(odoo, kitchen), odoo.call("boh.sales.fact", "search_count", []))
    again = client.push_orders(kitchen["source"], orders)
    assert (again.duplicate, again.created) == (5, 0)
    assert (_orders(odoo, kitchen), odoo.call("boh.sales.fact", "search_count", [])) == before
    assert _beef_depleted(odoo, kitchen) == pytest.approx(1.0)
    # an amendment corrects the depletion
    answer = client.push_sales(
        {"source": kitchen["source"], "orders": [_order("P0", kitchen["location"], qty=3)]}
    )
    assert answer["orders"][0]["status"] == "amended"
    assert _beef_depleted(odoo, kitchen) == pytest.approx(1.4)
    portions = client.get_availability(kitchen["location"])
    assert {"item_code": "BURGER", "portions": 0} in portions


def test_hostile_payloads_get_clean_answers(odoo, kitchen):
    client = kitchen["client"]()
    for payload in ({"source": None, "orders": []}, {"source": "x", "orders": "all"}):
        with pytest.raises(BohServerError) as caught:
            client.push_sales(payload)
        assert "Traceback" not in str(caught.value)
    answer = client.push_sales(
        {
            "source": kitchen["source"],
            "orders": [
                {
                    **_order("H1", kitchen["location"]),
                    "lines": [{"line_ref": "1", "qty": float("nan")}],
                },
                _order("H2", "NOWHERE"),
                {"order_ref": "H3"},
                _order("H4", kitchen["location"], qty=1e12),
            ],
        }
    )
    assert [o["status"] for o in answer["orders"]] == ["error"] * 4
    for order in answer["orders"]:
        assert order["errors"] and all(e["message"] for e in order["errors"])
    with pytest.raises(BohServerError):
        client.get_availability("NOWHERE")


def test_four_concurrent_clients_lose_and_duplicate_nothing(odoo, kitchen):
    refs = [f"C{n}" for n in range(40)]
    summaries, failures = [], []

    def run(seed):
        orders = [_order(ref, kitchen["location"]) for ref in refs]
        random.Random(seed).shuffle(orders)
        try:
            summaries.append(kitchen["client"]().push_orders(kitchen["source"], orders, 10))
        except Exception as error:  # noqa: BLE001 - reported below
            failures.append(error)

    before = _beef_depleted(odoo, kitchen)
    threads = [threading.Thread(target=run, args=(seed,)) for seed in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=600)
    assert not failures, failures
    assert sum(s.created for s in summaries) == 40
    assert sum(s.duplicate for s in summaries) == 120
    stored = odoo.call(
        "boh.pos.order",
        "search_count",
        [("source", "=", kitchen["source"]), ("order_ref", "in", refs)],
    )
    assert stored == 40
    assert _beef_depleted(odoo, kitchen) - before == pytest.approx(40 * 0.2)
