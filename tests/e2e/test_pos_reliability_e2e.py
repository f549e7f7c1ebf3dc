"""Reliability of the sales feed against live servers: a server killed in the middle of a
push, concurrent clients on the same and different stores, hostile payloads.

The kill test starts its own second server from ``BOH_ODOO_SERVER_CMD`` (the command that
serves the test database) on another free port, so the shared server is never touched.
"""

from __future__ import annotations

import json
import os
import signal
import sys
import tempfile
import threading
import uuid
from datetime import date, timedelta
from pathlib import Path

import pytest

from boh_core.client import BohClient
from boh_core.client.xmlrpc import BohClientError, BohServerError

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "scripts"))

import odoo_process  # noqa: E402  (scripts/odoo_process.py)

BEEF_PER_BURGER = 0.2
CHEESE_PER_TOAST = 0.05


@pytest.fixture(scope="module")
def stores(odoo):
    """Two stores, two dishes with recipes, their codes and an integration user."""
    tag = uuid.uuid4().hex[:6]
    kg, unit = odoo.ref("uom.product_uom_kgm"), odoo.ref("uom.product_uom_unit")
    codes = ["R" + tag[:3].upper() + suffix for suffix in "AB"]
    warehouses = [
        odoo.call("stock.warehouse", "create", {"name": f"E2E Rel {tag} {c}", "code": c})
        for c in codes
    ]
    # costed ingredients: every menu recipe of the database must have a complete cost
    beef = odoo.create_product(
        f"E2E Rel Beef {tag}", "ingredient", kg, is_storable=True, standard_price=15.0
    )
    cheese = odoo.create_product(
        f"E2E Rel Cheese {tag}", "ingredient", kg, is_storable=True, standard_price=9.0
    )
    burger = odoo.create_product(f"E2E Rel Burger {tag}", "menu", unit, list_price=12.0)
    toast = odoo.create_product(f"E2E Rel Toast {tag}", "menu", unit, list_price=6.0)
    for dish, ingredient, qty in (
        (burger, beef, BEEF_PER_BURGER),
        (toast, cheese, CHEESE_PER_TOAST),
    ):
        odoo.call(
            "boh.recipe",
            "create",
            {
                "product_id": dish,
                "output_qty": 1.0,
                "output_uom_id": unit,
                "line_ids": [(0, 0, {"product_id": ingredient, "qty": qty, "uom_id": kg})],
            },
        )
    source = f"e2e-rel-{tag}"
    for code, dish in (("BURGER", burger), ("TOAST", toast)):
        odoo.call(
            "boh.pos.item.map", "create", {"source": source, "code": code, "product_id": dish}
        )
    login, password = odoo.create_integration_user(f"E2E Rel {tag}", source)
    return {
        "codes": codes,
        "warehouses": warehouses,
        "beef": beef,
        "cheese": cheese,
        "source": source,
        "login": login,
        "password": password,
    }


def _order(ref, location, lines=1, day=None):
    day = day or date.today() - timedelta(days=1)
    return {
        "order_ref": ref,
        "location": location,
        "business_date": day.isoformat(),
        "closed_at": f"{day.isoformat()}T12:00:00+00:00",
        "covers": 1,
        "lines": [
            {
                "line_ref": str(k),
                "item_code": "BURGER" if k % 2 == 0 else "TOAST",
                "qty": 1,
                "unit_price": "12.00",
            }
            for k in range(lines)
        ],
    }


def _depleted(odoo, stores, product):
    rows = odoo.call(
        "stock.move",
        "search_read",
        [
            ("boh_warehouse_id", "in", stores["warehouses"]),
            ("product_id", "=", product),
            ("state", "=", "done"),
        ],
        fields=["boh_depletion_qty"],
    )
    return sum(r["boh_depletion_qty"] for r in rows)


def _stored(odoo, source, refs):
    orders = odoo.call(
        "boh.pos.order", "search_count", [("source", "=", source), ("order_ref", "in", refs)]
    )
    lines = odoo.call(
        "boh.pos.order.line",
        "search_count",
        [("order_id.source", "=", source), ("order_id.order_ref", "in", refs)],
    )
    return orders, lines


def _expected_depletion(orders):
    burgers = sum(1 for o in orders for ln in o["lines"] if ln["item_code"] == "BURGER")
    toasts = sum(1 for o in orders for ln in o["lines"] if ln["item_code"] == "TOAST")
    return burgers * BEEF_PER_BURGER, toasts * CHEESE_PER_TOAST


# ---------------------------------------------------------------------- a second server
def _server_cmd(port, logfile):
    raw = os.environ.get("BOH_ODOO_SERVER_CMD")
    if not raw:
        pytest.skip("BOH_ODOO_SERVER_CMD is not set: cannot start a server of our own")
    cmd = []
    for arg in json.loads(raw):
        if arg.startswith("--http-port") or arg.startswith("--logfile"):
            continue
        cmd.append(arg)
    return cmd + [f"--http-port={port}", f"--logfile={logfile}"]


def _start(cmd, port):
    process = odoo_process.start(cmd)
    if not odoo_process.wait_for_http(f"http://127.0.0.1:{port}/web/login", 180, process):
        odoo_process.stop(process, signal.SIGKILL)
        pytest.fail(f"the second server did not answer (exit code {process.poll()})")
    return process


def test_server_killed_mid_push_then_resend_completes(odoo, stores):
    """SIGKILL the server while a big push is in flight; after a restart, re-sending
    everything stores every order and line exactly once and depletes exactly once."""
    port = odoo_process.free_port()
    logfile = Path(tempfile.gettempdir()) / f"boh_e2e_kill_{port}.log"
    cmd = _server_cmd(port, logfile)
    location = stores["codes"][0]
    orders = [_order(f"K{n}", location, lines=20) for n in range(400)]
    refs = [o["order_ref"] for o in orders]
    url = f"http://127.0.0.1:{port}"
    server = _start(cmd, port)
    try:
        killed = threading.Event()
        outcome = {}

        def kill_after_first_batch(_result):
            if not killed.is_set():
                killed.set()
                # the next batch is on its way: kill the server while it processes it
                threading.Timer(0.8, odoo_process.stop, args=(server, signal.SIGKILL)).start()

        def push():
            client = BohClient(
                url, odoo.db, stores["login"], stores["password"], max_retries=1, backoff=0.1
            )
            try:
                outcome["summary"] = client.push_orders(
                    stores["source"], orders, 50, on_batch=kill_after_first_batch
                )
            except BohClientError as error:
                outcome["error"] = error

        thread = threading.Thread(target=push)
        thread.start()
        thread.join(600)
        assert not thread.is_alive()
        assert killed.is_set()
        assert "error" in outcome, "the push should have been cut by the kill"
        partial = outcome["error"].summary
        assert 0 < partial.created < len(orders)
        server.wait(30)
        # what is stored is whole orders only
        stored_orders, stored_lines = _stored(odoo, stores["source"], refs)
        assert stored_lines == 20 * stored_orders
        assert stored_orders < len(orders)

        server = _start(cmd, port)
        client = BohClient(url, odoo.db, stores["login"], stores["password"], backoff=0.2)
        again = client.push_orders(stores["source"], orders, 50)
        assert again.error == 0
        assert again.created + again.duplicate == len(orders)
        assert again.duplicate >= partial.created
        assert _stored(odoo, stores["source"], refs) == (len(orders), 20 * len(orders))
        beef, cheese = _expected_depletion(orders)
        assert _depleted(odoo, stores, stores["beef"]) == pytest.approx(beef)
        assert _depleted(odoo, stores, stores["cheese"]) == pytest.approx(cheese)
        # once more: all duplicates, nothing changes
        third = client.push_orders(stores["source"], orders, 100)
        assert third.duplicate == len(orders)
        assert _depleted(odoo, stores, stores["beef"]) == pytest.approx(beef)
    finally:
        odoo_process.stop(server, signal.SIGTERM)


def test_four_clients_on_two_stores_lose_and_duplicate_nothing(odoo, stores):
    """Two clients per store, overlapping orders within a store, all at once."""
    before = (
        _depleted(odoo, stores, stores["beef"]),
        _depleted(odoo, stores, stores["cheese"]),
    )
    plans = []
    for client_no in range(4):
        location = stores["codes"][client_no // 2]
        shared = [_order(f"S{client_no // 2}-{n}", location, lines=3) for n in range(30)]
        own = [_order(f"O{client_no}-{n}", location, lines=3) for n in range(10)]
        plans.append(shared[client_no % 2 :] + own + shared[: client_no % 2])
    summaries, failures = [], []

    def run(plan, seed):
        client = BohClient(
            odoo.url, odoo.db, stores["login"], stores["password"], backoff=0.2, seed=seed
        )
        try:
            summaries.append(client.push_orders(stores["source"], plan, 7))
        except Exception as error:  # noqa: BLE001 - reported below
            failures.append(error)

    threads = [threading.Thread(target=run, args=(plan, n)) for n, plan in enumerate(plans)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(600)
    assert not failures, failures
    distinct = {(o["location"], o["order_ref"]): o for plan in plans for o in plan}
    assert sum(s.created for s in summaries) == len(distinct) == 100
    assert sum(s.duplicate for s in summaries) == 160 - 100
    assert sum(s.error for s in summaries) == 0
    refs = list({ref for _loc, ref in distinct})
    assert _stored(odoo, stores["source"], refs) == (100, 300)
    beef, cheese = _expected_depletion(distinct.values())
    assert _depleted(odoo, stores, stores["beef"]) - before[0] == pytest.approx(beef)
    assert _depleted(odoo, stores, stores["cheese"]) - before[1] == pytest.approx(cheese)


def test_hostile_orders_get_clean_per_order_errors(odoo, stores):
    """Every kind of bad order is refused on its own, with a message, writing nothing;
    the good order of the same push goes through."""
    location = stores["codes"][1]
    good = _order("HOK", location, lines=2)
    today = date.today()
    bad = {
        "HQTYTXT": {
            **_order("HQTYTXT", location),
            "lines": [{"line_ref": "1", "item_code": "BURGER", "qty": "abc", "unit_price": "1"}],
        },
        "HNAN": {
            **_order("HNAN", location),
            "lines": [{"line_ref": "1", "item_code": "BURGER", "qty": "NaN", "unit_price": "1"}],
        },
        "HINF": {
            **_order("HINF", location),
            "lines": [
                {"line_ref": "1", "item_code": "BURGER", "qty": 1, "unit_price": float("inf")}
            ],
        },
        "HBIG": {
            **_order("HBIG", location),
            "lines": [{"line_ref": "1", "item_code": "BURGER", "qty": 1, "unit_price": 1e12}],
        },
        "HHUGE": {
            **_order("HHUGE", location),
            "lines": [{"line_ref": "1", "item_code": "X" * 200_000, "qty": 1, "unit_price": "1"}],
        },
        "HLINES": {**_order("HLINES", location), "lines": "all of them"},
        "HNOKEYS": {"order_ref": "HNOKEYS"},
        "HLOC": _order("HLOC", "NOWHERE"),
        "HOLD": _order("HOLD", location, day=date(1899, 12, 31)),
        "HFUTURE": {
            **_order("HFUTURE", location),
            "business_date": (today + timedelta(days=400)).isoformat(),
        },
        "HBADDATE": {**_order("HBADDATE", location), "business_date": "2026-13-45"},
        "HMANY": _order("HMANY", location, lines=3000),
        "HTYPES": {
            "order_ref": ["x"],
            "location": 5,
            "business_date": 20261125,
            "lines": [7, None],
        },
    }
    payload = {"source": stores["source"], "orders": [good, *bad.values()]}
    client = BohClient(odoo.url, odoo.db, stores["login"], stores["password"], backoff=0.2)
    answer = client.push_sales(payload)
    statuses = [o["status"] for o in answer["orders"]]
    assert statuses == ["created"] + ["error"] * len(bad)
    for result in answer["orders"][1:]:
        assert result["errors"], result
        for error in result["errors"]:
            assert error["message"] and "Traceback" not in error["message"]
            assert len(error["message"]) < 2000
    stored = odoo.call(
        "boh.pos.order",
        "search_read",
        [("source", "=", stores["source"]), ("order_ref", "in", ["HOK", *bad])],
        fields=["order_ref"],
    )
    assert [r["order_ref"] for r in stored] == ["HOK"]
    # payloads that cannot be read at all: a clean refusal naming the problem
    for hostile in (
        [1, 2, 3],
        {"source": stores["source"]},
        {"source": "x" * 100_000, "orders": []},
        {"source": stores["source"], "orders": [good] * 1001},
        {"source": {"nested": True}, "orders": []},
    ):
        with pytest.raises(BohServerError) as caught:
            client.push_sales(hostile)
        assert "Traceback" not in str(caught.value)
        assert len(str(caught.value)) < 5000
