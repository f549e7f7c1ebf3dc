#!/usr/bin/env python3
"""Ingesting POS sales over loopback, against Odoo's own POS path, in the same run.

Creates (committed, with codes unique to the run) stores, storable ingredients, menu items
with recipes (yield and waste), modifiers, their POS codes and an integration user in the
database ``BOH_ODOO_DB``; starts its own Odoo server on a free port; pushes the orders
through ``boh_core.client`` (the integrators' client) over XML-RPC and times it end to end,
depletion included (the server runs in deferred depletion mode with one cron thread, and
the clock stops when the cron has posted every queued store-day); re-sends everything
(all duplicates) and times that; checks that every order and line is stored exactly once
and that the ingredients were depleted. Then, in this process and rolled back, it pushes a
sample of the same orders through Odoo's own POS path (``pos.order.sync_from_ui`` in an
open session, the same recipes as ``mrp`` kits so that Odoo's picking depletes the
ingredients) and prints the throughput ratio.

Run under the Python that runs Odoo, with the database in ``BOH_ODOO_DB``, the addons path
in ``BOH_ODOO_ADDONS_PATH`` and extra connection options (a JSON list) in
``BOH_ODOO_DB_OPTIONS`` (the test command sets them). ``--size small`` is what ``make
test`` runs; ``--size full`` is the issue's 10,000 orders of 10 lines over 20 stores.

``--workers 0,1,2`` ingests once per server mode (each with a kitchen of its own) and prints
the throughputs side by side: 0 is the threaded server, N is Odoo's production mode with N
HTTP worker processes and a cron worker (prefork); the ratio line is the first mode's.
"""

from __future__ import annotations

import os
import random
import signal
import string
import sys
import threading
import time
import uuid
from datetime import date, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path[:0] = [str(ROOT), str(Path(__file__).resolve().parent)]

from benchkit import arguments, free_port, lacks, odoo_env, start_server, stop_server  # noqa: E402

SIZES = {
    "small": {
        "orders": 300,
        "lines": 10,
        "stores": 4,
        "items": 40,
        "ingredients": 60,
        "days": 2,
        "modifiers": 8,
        "baseline_orders": 5,
        "quiet": 1,
        "batch": 150,
    },
    "full": {
        "orders": 10_000,
        "lines": 10,
        "stores": 20,
        "items": 300,
        "ingredients": 150,
        "days": 1,
        "modifiers": 40,
        "baseline_orders": 60,
        # the product default is 10 s; a quiet period must only exceed the time between
        # two pushes of a client (a push of 500 orders takes about 2.5 s here), or the
        # cron posts in the middle of the burst and posts again after it
        "quiet": 4,
        "batch": 500,
    },
}
TARGETS = {"ingest_seconds": 60.0, "resend_seconds": 10.0, "ratio": 10.0}
CLIENT_THREADS = 2


# ---------------------------------------------------------------------- the kitchen
def unique_prefix(env, rng) -> str:
    """Two letters no warehouse code of the database starts with after a 'Q'."""
    taken = {
        code[:3]
        for code in env["stock.warehouse"].with_context(active_test=False).search([]).mapped("code")
    }
    for _ in range(1000):
        prefix = "Q" + "".join(rng.choice(string.ascii_uppercase) for _ in range(2))
        if prefix not in taken:
            return prefix
    raise RuntimeError("no free warehouse code prefix left")


def load_kitchen(env, params, tag, rng):
    """Stores, ingredients, menu items with recipes, modifiers, codes and a POS user."""
    kg = env.ref("uom.product_uom_kgm")
    unit = env.ref("uom.product_uom_unit")
    prefix = unique_prefix(env, rng)
    stores = env["stock.warehouse"].create(
        [
            {"name": f"Bench POS {tag} {i:02d}", "code": f"{prefix}{i:02d}"}
            for i in range(params["stores"])
        ]
    )
    ingredients = env["product.product"].create(
        [
            {
                "name": f"Bench POS {tag} Ingredient {i}",
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
                "name": f"Bench POS {tag} Item {i}",
                "boh_kind": "menu",
                "uom_id": unit.id,
                "uom_po_id": unit.id,
                "list_price": 10,
                "available_in_pos": True,
                "taxes_id": [(5, 0, 0)],
            }
            for i in range(params["items"])
        ]
    )
    recipes = {}
    for item in items:
        recipes[item.id] = [
            (ing, round(rng.uniform(0.02, 0.2), 3), rng.choice((0, 5, 10)))
            for ing in rng.sample(list(ingredients), rng.randint(3, 6))
        ]
    env["boh.recipe"].create(
        [
            {
                "product_id": item.id,
                "output_qty": 1,
                "output_uom_id": unit.id,
                "yield_pct": 95.0,
                "line_ids": [
                    (0, 0, {"product_id": ing.id, "qty": qty, "uom_id": kg.id, "waste_pct": waste})
                    for ing, qty, waste in recipes[item.id]
                ],
            }
            for item in items
        ]
    )
    source = f"bench-{tag}"
    env["boh.pos.item.map"].create(
        [{"source": source, "code": f"I{i}", "product_id": item.id} for i, item in enumerate(items)]
    )
    env["boh.pos.modifier.map"].create(
        [
            {
                "source": source,
                "code": f"M{i}",
                "line_ids": [
                    (
                        0,
                        0,
                        {
                            "product_id": ingredients[i % len(ingredients)].id,
                            "qty": 0.03 if i % 2 == 0 else -0.01,
                            "uom_id": kg.id,
                        },
                    )
                ],
            }
            for i in range(params["modifiers"])
        ]
    )
    password = uuid.uuid4().hex
    user = env["res.users"].create(
        {
            "name": f"Bench POS {tag}",
            "login": f"bench-pos-{tag}",
            "password": password,
            "groups_id": [(6, 0, [env.ref("boh_pos_bridge.group_boh_integration").id])],
            "boh_pos_sources": source,
            "boh_all_stores": True,
        }
    )
    return {
        "stores": stores,
        "ingredients": ingredients,
        "items": items,
        "recipes": recipes,
        "source": source,
        "login": user.login,
        "password": password,
    }


def make_orders(params, kitchen, rng):
    """Orders of ``params['lines']`` lines each, spread over the stores and two days."""
    codes = kitchen["stores"].mapped("code")
    days = [date.today() - timedelta(days=d + 1) for d in range(params["days"])]
    orders = []
    for n in range(params["orders"]):
        day = days[n % len(days)]
        lines = []
        for k in range(params["lines"]):
            line = {
                "line_ref": str(k),
                "item_code": f"I{rng.randrange(params['items'])}",
                "qty": rng.randint(1, 3),
                "unit_price": "10.00",
            }
            if rng.random() < 0.3:
                line["modifiers"] = [{"code": f"M{rng.randrange(params['modifiers'])}"}]
            lines.append(line)
        orders.append(
            {
                "order_ref": f"BENCH-{n}",
                "location": codes[n % len(codes)],
                "business_date": day.isoformat(),
                "closed_at": f"{day.isoformat()}T{11 + n % 10:02d}:15:00+00:00",
                "covers": 2,
                "lines": lines,
            }
        )
    return orders


# ---------------------------------------------------------------------- the server
def push_all(url, db, kitchen, orders, batch):
    """Push ``orders`` from CLIENT_THREADS clients, each owning a share of the stores."""
    from boh_core.client import BohClient
    from boh_core.client.xmlrpc import Summary

    by_thread = [[] for _ in range(CLIENT_THREADS)]
    codes = sorted({o["location"] for o in orders})
    owner = {code: i % CLIENT_THREADS for i, code in enumerate(codes)}
    for order in orders:
        by_thread[owner[order["location"]]].append(order)
    summaries, failures = [], []

    def run(share, seed):
        client = BohClient(
            url, db, kitchen["login"], kitchen["password"], timeout=900, seed=seed, backoff=0.2
        )
        try:
            summaries.append(client.push_orders(kitchen["source"], share, batch))
        except Exception as error:  # noqa: BLE001 - reported by the caller
            failures.append(error)

    threads = [
        threading.Thread(target=run, args=(share, seed)) for seed, share in enumerate(by_thread)
    ]
    start = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    took = time.perf_counter() - start
    if failures:
        raise RuntimeError(f"push failed: {failures[0]}")
    total = Summary()
    for summary in summaries:
        total.merge(summary)
    return took, total


def set_depletion_mode(registry, api, uid, mode, quiet):
    """Set the depletion mode and quiet period; returns the previous values."""
    keys = ("boh_pos_bridge.depletion_mode", "boh_pos_bridge.depletion_quiet_seconds")
    with registry.cursor() as cr:
        params = api.Environment(cr, uid, {})["ir.config_parameter"]
        previous = [params.get_param(key) for key in keys]
        for key, value in zip(keys, (mode, quiet), strict=True):
            params.set_param(key, value or False)
    return previous


def wait_for_depletion(registry, store_ids, seconds=1800):
    """Wait until the cron has posted every queued store-day of the run's stores."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        with registry.cursor() as cr:
            cr.execute(
                "SELECT count(*) FROM boh_pos_depletion_todo WHERE warehouse_id = ANY(%s)",
                [store_ids],
            )
            if not cr.fetchone()[0]:
                return
        time.sleep(0.2)
    raise RuntimeError("the depletion queue was not emptied in time")


# ---------------------------------------------------------------------- Odoo's POS path
def odoo_pos_baseline(env, kitchen, orders):
    """Lines per second of ``pos.order.sync_from_ui`` for ``orders`` (kits for recipes).

    Runs in the caller's cursor, which is rolled back afterwards.
    """
    from odoo import Command, fields

    # a cashier opens the session: the administrator, not the superuser, has that right
    env = env(user=env.ref("base.user_admin").id)
    has_mrp = "mrp.bom" in env
    store = kitchen["stores"][0]
    company = env.company
    items = {f"I{i}": item for i, item in enumerate(kitchen["items"])}
    if has_mrp:
        kg = env.ref("uom.product_uom_kgm")
        env["mrp.bom"].create(
            [
                {
                    "product_tmpl_id": item.product_tmpl_id.id,
                    "product_qty": 1.0,
                    "type": "phantom",
                    "bom_line_ids": [
                        Command.create(
                            {
                                "product_id": ing.id,
                                "product_qty": qty / (1 - waste / 100.0) / 0.95,
                                "product_uom_id": kg.id,
                            }
                        )
                        for ing, qty, waste in kitchen["recipes"][item.id]
                    ],
                }
                for item in kitchen["items"]
            ]
        )
    journal = env["account.journal"].search(
        [("type", "=", "cash"), ("company_id", "=", company.id)], limit=1
    )
    cash = env["pos.payment.method"].create(
        {"name": "Bench Cash", "journal_id": journal.id, "company_id": company.id}
    )
    config = env["pos.config"].create(
        {
            "name": "Bench POS Register",
            "warehouse_id": store.id,
            "picking_type_id": store.pos_type_id.id,
            "payment_method_ids": [Command.set(cash.ids)],
        }
    )
    config.open_ui()
    session = config.current_session_id
    session.set_opening_control(0, None)
    ui_orders = []
    for order in orders:
        lines = []
        total = 0.0
        for line in order["lines"]:
            product = items[line["item_code"]]
            qty = line["qty"]
            total += 10.0 * qty
            lines.append(
                Command.create(
                    {
                        "product_id": product.id,
                        "qty": qty,
                        "price_unit": 10.0,
                        "price_subtotal": 10.0 * qty,
                        "price_subtotal_incl": 10.0 * qty,
                        "tax_ids": [Command.set([])],
                        "pack_lot_ids": [],
                    }
                )
            )
        ref = str(uuid.uuid4())
        ui_orders.append(
            {
                "amount_paid": total,
                "amount_return": 0,
                "amount_tax": 0,
                "amount_total": total,
                "date_order": fields.Datetime.to_string(fields.Datetime.now()),
                "name": f"Order {ref}",
                "lines": lines,
                "partner_id": False,
                "session_id": session.id,
                "sequence_number": 2,
                "payment_ids": [
                    Command.create(
                        {
                            "amount": total,
                            "name": fields.Datetime.now(),
                            "payment_method_id": cash.id,
                        }
                    )
                ],
                "uuid": ref,
                "user_id": env.uid,
                "to_invoice": False,
                "last_order_preparation_change": "{}",
            }
        )
    from odoo.addons.boh_inventory.tools.server_context import server_switches

    # Odoo's own path only: no BOH feed, no BOH picking filter
    PosOrder = env["pos.order"].with_context(**server_switches("boh_pos_skip_feed"))
    env.flush_all()
    start = time.perf_counter()
    for ui_order in ui_orders:  # the POS UI syncs each order when it is paid
        PosOrder.sync_from_ui([ui_order])
    env.flush_all()
    took = time.perf_counter() - start
    moved = env["stock.move"].search_count(
        [("picking_id.pos_session_id", "=", session.id), ("state", "=", "done")]
    )
    lines = sum(len(o["lines"]) for o in orders)
    return {"lines": lines, "seconds": took, "kits": has_mrp, "moves": moved}


# ---------------------------------------------------------------------- checks
def check_stored(env, kitchen, orders):
    """Every order and line stored once, and depletion posted for every store."""
    source = kitchen["source"]
    env.invalidate_all()
    stored = env["boh.pos.order"].search_count([("source", "=", source)])
    lines = env["boh.pos.order.line"].search_count([("order_id.source", "=", source)])
    expected_lines = sum(len(o["lines"]) for o in orders)
    moves = env["stock.move"]._read_group(
        [("boh_warehouse_id", "in", kitchen["stores"].ids), ("state", "=", "done")],
        ["boh_warehouse_id"],
        ["boh_depletion_qty:sum"],
    )
    depleted_stores = {wh.id for wh, qty in moves if qty > 0}
    problems = []
    if stored != len(orders):
        problems.append(f"{stored} orders stored for {len(orders)} sent")
    if lines != expected_lines:
        problems.append(f"{lines} lines stored for {expected_lines} sent")
    if depleted_stores != set(kitchen["stores"].ids):
        problems.append("some stores were not depleted")
    return problems


def ingest(db, params, workers, rng):
    """Load a kitchen of its own (committed), push its orders over XML-RPC to a server of
    ``workers`` (:func:`benchkit.start_server`) until every store-day is depleted, then
    re-send them all; answer the kitchen, its orders and the timings."""
    registry, api, uid = odoo_env(db)
    tag = uuid.uuid4().hex[:6]
    with registry.cursor() as cr:
        env = api.Environment(cr, uid, {})
        kitchen_records = load_kitchen(env, params, tag, rng)
        cr.commit()
        kitchen = dict(kitchen_records, stores_ids=kitchen_records["stores"].ids)
        orders = make_orders(params, kitchen_records, rng)
    port = free_port()
    logfile = Path(os.environ.get("TMPDIR", "/tmp")) / f"bench_pos_ingest_{tag}.log"
    previous = set_depletion_mode(registry, api, uid, "deferred", str(params["quiet"]))
    # one cron thread (a cron worker with workers): it posts the depletion the pushes queue
    server = start_server(db, port, logfile, cron_threads=1, workers=workers)
    try:
        url = f"http://127.0.0.1:{port}"
        start = time.perf_counter()
        pushed, first = push_all(url, db, kitchen, orders, params["batch"])
        wait_for_depletion(registry, kitchen["stores_ids"])
        took = time.perf_counter() - start
        resend, second = push_all(url, db, kitchen, orders, params["batch"])
    finally:
        stop_server(server)
        set_depletion_mode(registry, api, uid, *previous)
    return {
        "kitchen": kitchen,
        "records": kitchen_records,
        "orders": orders,
        "ingest": took,
        "pushed": pushed,
        "resend": resend,
        "first": first,
        "second": second,
        "lines": sum(len(o["lines"]) for o in orders),
    }


def mode_name(workers: int) -> str:
    """``threaded``, ``1 worker`` or ``N workers``: a server mode, as the figures name it."""
    if not workers:
        return "threaded"
    return f"{workers} worker" + ("s" if workers > 1 else "")


def main(argv=None) -> int:
    args = arguments(__doc__, SIZES, argv, workers=True)
    params = SIZES[args.size]
    # a plain `kill` still stops our server and restores the parameter (finally blocks)
    signal.signal(signal.SIGTERM, lambda *_args: sys.exit(143))
    registry, api, uid = odoo_env(args.db)
    rng = random.Random(7)
    with registry.cursor() as cr:
        if lacks(api.Environment(cr, uid, {}), ("boh_pos_bridge",)):
            print("pos_ingest: database lacks boh_pos_bridge", file=sys.stderr)
            return 2
    runs = {workers: ingest(args.db, params, workers, rng) for workers in args.workers}
    if len(runs) > 1:
        print(
            f"pos_ingest[{args.size}] side by side (lines/s ingested and depleted; re-send "
            "seconds): "
            + "; ".join(
                f"{mode_name(workers)}: {run['lines'] / run['ingest']:.0f}, {run['resend']:.1f} s"
                for workers, run in runs.items()
            )
        )
    run = runs[args.workers[0]]
    kitchen, kitchen_records, orders = run["kitchen"], run["records"], run["orders"]
    ingest_seconds, pushed, resend = run["ingest"], run["pushed"], run["resend"]
    total_lines = run["lines"]

    with registry.cursor() as cr:
        env = api.Environment(cr, uid, {})
        kitchen_records = dict(
            kitchen_records,
            stores=env["stock.warehouse"].browse(kitchen["stores_ids"]),
            items=env["product.product"].browse(kitchen_records["items"].ids),
        )
        problems = check_stored(env, kitchen_records, orders)
        try:
            sample = orders[: params["baseline_orders"]]
            base = odoo_pos_baseline(env, kitchen_records, sample)
        finally:
            cr.rollback()

    for workers, each in runs.items():
        mode = f" ({workers} workers)" if workers else ""
        if each["first"].created != len(each["orders"]) or each["first"].error:
            problems.append(f"first push{mode}: {each['first'].format()}")
        if each["second"].duplicate != len(each["orders"]):
            problems.append(f"re-send{mode}: {each['second'].format()}")
    ours = total_lines / ingest_seconds
    theirs = base["lines"] / base["seconds"] if base["seconds"] else float("inf")
    ratio = ours / theirs if theirs else float("inf")
    kits = "kits" if base["kits"] else "no mrp: products without kits"
    print(
        f"pos_ingest[{args.size}]: {len(orders)} orders, {total_lines} lines, "
        f"{params['stores']} stores, {params['items']} items, over XML-RPC loopback "
        f"({CLIENT_THREADS} clients, {params['batch']} orders per push, deferred depletion "
        f"posted after {params['quiet']} s without pushes): "
        f"ingested and depleted in {ingest_seconds:.1f} s (pushes answered in {pushed:.1f} s) = "
        f"{ours:.0f} lines/s; "
        f"re-send (all duplicates) {resend:.1f} s; "
        f"Odoo POS sync_from_ui ({len(sample)} orders, {base['lines']} lines, {kits}, "
        f"{base['moves']} stock moves) {base['seconds']:.1f} s = {theirs:.0f} lines/s; "
        f"ratio {ratio:.1f}x"
    )
    if args.size == "full":
        missed = []
        if ingest_seconds > TARGETS["ingest_seconds"]:
            missed.append(f"ingest {ingest_seconds:.1f} s > {TARGETS['ingest_seconds']:.0f} s")
        if resend > TARGETS["resend_seconds"]:
            missed.append(f"re-send {resend:.1f} s > {TARGETS['resend_seconds']:.0f} s")
        if ratio < TARGETS["ratio"]:
            missed.append(f"ratio {ratio:.1f}x < {TARGETS['ratio']:.0f}x")
        print("pos_ingest: targets " + ("missed: " + "; ".join(missed) if missed else "met"))
    if problems:
        print("pos_ingest: " + "; ".join(problems), file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
