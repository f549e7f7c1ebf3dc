#!/usr/bin/env python3
"""The nightly forecast run measured end to end in Odoo: the real cron, in prefork cron workers.

Loads (committed) a company of S stores (full: 300) as warehouses with the forecast enabled,
P menu items (full: 120) with recipes of three ingredients each (one of them a prep made from
two more), 30 ingredients from 5 vendors with supplier info (delivery days, cut-off, lead time,
minimum), stock on hand of every ingredient in every store, a covers-driven labour standard,
and D days (full: 730) of sales: what the feed would have left after the retention setting of
issue 20 archived the facts older than 90 days (its shortest), loaded with COPY:

* the last 90 days as sales facts (one per store, item and day, grouped in orders by hour)
  into ``boh_sales_fact``, whose triggers write their daily sums (``boh_sales_daily``) and the
  orders (``boh_sales_daily_order``) as the feed's writes do (the hourly profile is read here);
* the older days straight into ``boh_sales_daily`` and the orders table, as the archive leaves
  them (``res.company.boh_sales_archived_before``): full size is 300 x 120 x 730 = 26.3 million
  daily rows.

Then starts ``odoo --workers=1 --max-cron-threads=2`` (Odoo's default limits unless
``--odoo-option`` raises them), triggers the nightly cron (``ir_cron_boh_forecast``) and polls
the run's partitions until none waits, sampling every process of the server (peak resident and
peak virtual memory from ``/proc/<pid>/status``). Prints the wall time, the sum of each stage
over the partitions (reading, forecast, storing, orders, plans: the ``seconds`` each partition's
summary records), the longest partition (real and CPU seconds) against ``limit_time_real_cron``
and ``limit_time_cpu``, and each worker's peaks against ``limit_memory_soft`` and
``limit_memory_hard`` (Odoo applies the hard limit to the address space, ``RLIMIT_AS``, and
the soft one to the virtual size: VmPeak is the figure they are compared with).

Accuracy: a group of stores' accuracy (the backtest, four forecasts beside the night's one) is
measured once a week, on the group's own night (``boh_core.forecast.schedule``). The benchmark
loads the series as the week before tonight left them (each partition last measured on its
own night), so the run is a night as a running chain has it: the partitions whose night it
is measure their accuracy, the others do not, and the report says how many did.
``--first-night`` loads no series: every partition measures, as on a new install's first
night (once).

The ratio: today's path before partitions was one ``_run`` of all the company's stores in one
transaction, in one process. It is timed here, in the same run, on a sample (the first
partition's stores, in this process, rolled back) and compared per store with the partitioned
run: ``(one-shot seconds / sample stores) / (nightly wall seconds / stores)``. Both read the
same daily sums; the ratio is what partitions and two cron workers give on these 2 cores, and
the one-shot time scaled to the chain says how far past a worker's time limit one transaction
of the night would run.

The database is a throwaway: the loaded company stays (its stores' forecast is turned off at the
end so later nights do not run it), and the cron also makes tonight's run of any other company
with forecast-enabled stores, whose partitions share the workers (the wall time includes them).
Use a database made for this; the test command runs the small size on its own test database,
which it drops.

``--dask N`` starts a Dask scheduler and N worker processes on this machine
(``boh_core.cluster.local_cluster``) and sets ``boh_forecast.dask_scheduler`` for the run (not
for the one-shot sample): each partition's forecast and backtest run on the workers, the rest in
the cron workers. It also prints where each partition was forecast, any fallback note, and the
Dask processes' peak memory.
"""

from __future__ import annotations

import io
import json
import re
import sys
import time
from collections import Counter
from contextlib import ExitStack
from datetime import datetime, timedelta
from pathlib import Path

import numpy as np
import pandas as pd

sys.path.insert(0, str(Path(__file__).resolve().parent))

from benchkit import arguments, free_port, lacks, odoo_env, start_server, stop_server  # noqa: E402

from boh_core.forecast.schedule import accuracy_due, last_slot_night  # noqa: E402

#: stores, menu items, days of daily sums, stores per partition
SIZES = {
    "small": (2, 8, 120, 1),
    "medium": (60, 120, 730, 20),
    "full": (300, 120, 730, 20),
}
FACT_DAYS = 90
INGREDIENTS = 30
PREPS = 5
VENDORS = 5
ORDER_HOURS = 11
POLL_SECONDS = 0.5
TIMEOUT = {"small": 600, "medium": 3600, "full": 7200}
STAGES = ("reading", "forecast", "storing", "orders", "plans")
WEEK = np.array([0.8, 0.9, 1.0, 1.1, 1.4, 1.6, 0.7])
MB = 1024 * 1024


def extra_options(parser):
    parser.add_argument(
        "--odoo-option",
        action="append",
        default=[],
        help="an option for the server (repeatable), e.g. --odoo-option=--limit-time-cpu=600",
    )
    parser.add_argument(
        "--dask",
        type=int,
        default=0,
        metavar="N",
        help="forecast on a local Dask cluster of N worker processes (needs dask[distributed])",
    )
    parser.add_argument(
        "--reuse",
        type=int,
        metavar="COMPANY_ID",
        help="run the night again on a company this benchmark loaded before (same size): its "
        "runs, suggested orders and series are reset, the sales kept (no reload)",
    )
    parser.add_argument(
        "--first-night",
        action="store_true",
        help="no accuracy measured before tonight: every partition measures it (a new install)",
    )


# -- loading -------------------------------------------------------------------------------------


def make_company(env, stores_n, items_n):
    """Long because it builds the chain in the order its records depend on each other: the
    company, vendors, ingredients, preps, menu items with recipes, stores, stock, labour."""
    stamp = datetime.now().strftime("%Y%m%d%H%M%S")
    company = env["res.company"].create({"name": f"Bench nightly {stamp}"})
    env.user.company_ids = [(4, company.id)]
    env = env(context=dict(env.context, allowed_company_ids=[company.id]))
    kg, unit = env.ref("uom.product_uom_kgm"), env.ref("uom.product_uom_unit")
    days = ("mon", "tue", "wed", "thu", "fri", "sat")
    vendors = env["res.partner"].create(
        [
            {
                "name": f"Bench nightly vendor {v}",
                f"boh_deliver_{days[v % 6]}": True,
                f"boh_deliver_{days[(v + 3) % 6]}": True,
                "boh_order_cutoff": 10.0,
            }
            for v in range(VENDORS)
        ]
    )
    Product = env["product.product"]
    ingredients = Product.create(
        [
            {
                "name": f"Bench nightly ingredient {i}",
                "boh_kind": "ingredient",
                "is_storable": True,
                "purchase_ok": True,
                "uom_id": kg.id,
                "uom_po_id": kg.id,
                "standard_price": 1.0 + i % 7,
                "seller_ids": [
                    (
                        0,
                        0,
                        {
                            "partner_id": vendors[i % VENDORS].id,
                            "price": 2.0 + i % 5,
                            "min_qty": 1.0 + i % 3,
                            "delay": 1 + i % 2,
                        },
                    )
                ],
            }
            for i in range(INGREDIENTS)
        ]
    )
    preps = Product.create(
        [
            {
                "name": f"Bench nightly prep {i}",
                "boh_kind": "prep",
                "uom_id": kg.id,
                "uom_po_id": kg.id,
            }
            for i in range(PREPS)
        ]
    )
    items = Product.create(
        [
            {
                "name": f"Bench nightly dish {i}",
                "boh_kind": "menu",
                "type": "consu",
                "uom_id": unit.id,
                "uom_po_id": unit.id,
                "list_price": 6.0 + i % 9,
            }
            for i in range(items_n)
        ]
    )
    Recipe = env["boh.recipe"]

    def line(product, qty):
        return (0, 0, {"product_id": product.id, "qty": qty, "uom_id": kg.id})

    Recipe.create(
        [
            {
                "product_id": prep.id,
                "output_qty": 2.0,
                "output_uom_id": kg.id,
                "line_ids": [line(ingredients[p], 1.2), line(ingredients[p + PREPS], 0.9)],
            }
            for p, prep in enumerate(preps)
        ]
    )
    Recipe.create(
        [
            {
                "product_id": item.id,
                "output_qty": 1.0,
                "line_ids": [
                    line(ingredients[(i * 7) % INGREDIENTS], 0.15),
                    line(ingredients[(i * 11 + 3) % INGREDIENTS], 0.05),
                    line(preps[i % PREPS], 0.04),
                ],
            }
            for i, item in enumerate(items)
        ]
    )
    stores = (
        env["stock.warehouse"]
        .with_company(company)
        .create(
            [
                {
                    "name": f"Bench nightly store {s}",
                    "code": f"N{s:03d}",
                    "company_id": company.id,
                    "boh_forecast_enabled": True,
                }
                for s in range(stores_n)
            ]
        )
    )
    env["boh.labour.standard"].with_company(company).create(
        {
            "role": "Bench nightly cook",
            "driver": "covers",
            "per_hour": 12.0,
            "company_id": company.id,
        }
    )
    env.flush_all()
    env.cr.execute(
        """
        INSERT INTO stock_quant (product_id, location_id, company_id, quantity,
                                 reserved_quantity, in_date, create_date, write_date,
                                 inventory_quantity_set)
        SELECT p, w.lot_stock_id, %s, 2 + (p + w.id) %% 9, 0, now(), now(), now(), false
          FROM unnest(%s::int[]) AS p, stock_warehouse w WHERE w.id = ANY(%s)
        """,
        [company.id, ingredients.ids, stores.ids],
    )
    return company, stores, items


def sales(first_store, stores_n, items_n, first, days):
    """Quantities ``[store, item, day]`` with a weekly pattern, a level per store and item and
    a little deterministic noise, at least 1 (the feed writes no row for an item not sold)."""
    s = np.arange(first_store, first_store + stores_n)[:, None, None]
    i = np.arange(items_n)[None, :, None]
    d = np.arange(days)[None, None, :]
    weekday = (first.weekday() + d) % 7
    level = (3 + (i * 7) % 20) * (0.6 + (s % 10) * 0.08)
    noise = ((s * 31 + i * 17 + d * 13) % 7 - 3) * 0.3
    return np.maximum(1, np.rint(level * WEEK[weekday] + noise)).astype(int)


DAILY_COLUMNS = ("company_id", "warehouse_id", "product_id", "date", "qty", "revenue", "covers",
                 "component_qty", "component_revenue", "component_count", "fact_count",
                 "create_date", "write_date")  # fmt: skip
FACT_COLUMNS = ("company_id", "warehouse_id", "product_id", "date", "hour", "qty", "revenue",
                "covers", "is_component", "source", "order_ref", "create_date",
                "write_date")  # fmt: skip
ORDER_COLUMNS = ("warehouse_id", "date", "source", "order_ref", "fact_count")


def copy_frame(cr, table, frame, replica=False):
    """COPY ``frame`` (its columns named as the table's) into ``table``. ``replica``: with the
    row triggers off (``session_replication_role``: the foreign key checks of rows this
    benchmark made consistent; the facts are never copied so, their triggers keep the sums)."""
    buffer = io.StringIO()
    frame.to_csv(buffer, index=False, header=False)
    buffer.seek(0)
    if replica:
        cr.execute("SET LOCAL session_replication_role = replica")
    columns = ", ".join(frame.columns)
    cr.copy_expert(f"COPY {table} ({columns}) FROM STDIN WITH (FORMAT csv)", buffer)
    if replica:
        cr.execute("SET LOCAL session_replication_role = origin")


def sales_frame(company, part_ids, start, items, first, days):
    """One row per store, item and day of ``part_ids`` (the stores from index ``start``):
    quantity, revenue, covers (on an order's first item) and the order (one per store, day
    and hour: an item is sold in the hour ``11 + index % 11``), built by numpy."""
    qty = sales(start, len(part_ids), len(items), first, days)
    s_idx, i_idx, d_idx = np.indices(qty.shape).reshape(3, -1)
    prices = 6.0 + np.arange(len(items)) % 9
    hours = 11 + i_idx % ORDER_HOURS
    dates = pd.to_datetime(first) + pd.to_timedelta(d_idx, unit="D")
    return pd.DataFrame(
        {
            "company_id": company.id,
            "warehouse_id": np.asarray(part_ids)[s_idx],
            "product_id": np.asarray(items.ids)[i_idx],
            "date": dates.strftime("%Y-%m-%d"),
            "day": d_idx,
            "hour": hours,
            "qty": qty.reshape(-1),
            "revenue": qty.reshape(-1) * prices[i_idx],
            "covers": np.where(i_idx < ORDER_HOURS, 1 + (start + s_idx + d_idx + i_idx) % 4, 0),
            "order_ref": pd.Series(d_idx).astype(str).radd("N")
            + "-"
            + pd.Series(hours).astype(str),
        }
    )


def load_sales(env, company, stores, items, today, days, chunk=10):
    """Both halves of the history, store chunk by store chunk: the facts of the last
    :data:`FACT_DAYS` days (their triggers keep the daily sums and orders, as the feed's
    writes do), and the archived days' daily sums and orders, as the retention archive leaves
    them. Returns the company's daily rows."""
    first = today - timedelta(days=days)
    live_from = max(0, days - FACT_DAYS)
    now = datetime.now().strftime("%Y-%m-%d %H:%M:%S")
    for start in range(0, len(stores), chunk):
        part = stores[start : start + chunk].ids
        frame = sales_frame(company, part, start, items, first, days)
        frame["create_date"] = frame["write_date"] = now
        old, live = frame[frame.day < live_from], frame[frame.day >= live_from]
        daily = old.assign(component_qty=0, component_revenue=0, component_count=0, fact_count=1)
        copy_frame(env.cr, "boh_sales_daily", daily[list(DAILY_COLUMNS)], replica=True)
        orders = old.groupby(["warehouse_id", "date", "order_ref"], as_index=False).size()
        orders = orders.assign(source="bench").rename(columns={"size": "fact_count"})
        copy_frame(env.cr, "boh_sales_daily_order", orders[list(ORDER_COLUMNS)], replica=True)
        facts = live.assign(is_component="f", source="bench")
        copy_frame(env.cr, "boh_sales_fact", facts[list(FACT_COLUMNS)])
        env.cr.commit()
    company.write(
        {
            "boh_sales_archived_before": today - timedelta(days=FACT_DAYS),
            "boh_sales_fact_keep_days": FACT_DAYS,
        }
    )
    env.cr.execute("SELECT count(*) FROM boh_sales_daily WHERE company_id = %s", [company.id])
    return env.cr.fetchone()[0]


SERIES_COLUMNS = (("company_id", "int"), ("warehouse_id", "int"), ("product_id", "int"),
                  ("kind", "varchar"), ("state", "varchar"), ("model", "varchar"),
                  ("wape", "float8"), ("wape_known", "bool"), ("mase", "float8"),
                  ("coverage", "float8"), ("backtest_days", "int"), ("sigma", "numeric"),
                  ("accuracy_date", "date"))  # fmt: skip


def load_series(env, company, stores, items, today, partition):
    """The series as the nights of the week before left them: every item and the covers of
    each store, its group of ``partition`` stores (by id, as the run groups them) last
    measured on the group's own night (``last_slot_night``). Returns the groups due tonight."""
    from odoo.addons.boh_inventory.tools.bulk import bulk_insert  # the addons path is set

    rows, due = [], []
    for start in range(0, len(stores), partition):
        group = stores[start : start + partition].ids
        night = last_slot_night(today, group)
        if accuracy_due(today, dict.fromkeys(group, night)):
            due.append(group)
        for wh in group:
            rows += [
                (company.id, wh, product, "item" if product else "covers", "ok", "global_gbm",
                 20.0, True, 0.8, 80.0, 28, 1.0, night)
                for product in [*items.ids, False]
            ]  # fmt: skip
    bulk_insert(env, "boh_forecast_series", SERIES_COLUMNS, rows)
    env.cr.commit()
    return due


def reset(env, company_id, stores_n, items_n):
    """A company loaded by an earlier run of this benchmark, as the load leaves it: its
    forecast runs, suggested draft orders and series deleted, its stores enabled again. The
    sales stay (they end on the day of that load)."""
    company = env["res.company"].browse(company_id)
    stores = env["stock.warehouse"].search([("company_id", "=", company_id)], order="id")
    env.cr.execute(
        "SELECT DISTINCT product_id FROM boh_sales_fact WHERE company_id = %s", [company_id]
    )
    items = env["product.product"].browse(sorted(row[0] for row in env.cr.fetchall()))
    if not company.name.startswith("Bench nightly") or (len(stores), len(items)) != (
        stores_n,
        items_n,
    ):
        raise SystemExit(f"company {company_id} is not a {stores_n}-store load of this benchmark")
    env.cr.execute("DELETE FROM boh_forecast_run WHERE company_id = %s", [company_id])
    env.cr.execute("DELETE FROM boh_forecast_series WHERE company_id = %s", [company_id])
    orders = env["purchase.order"].search(
        [("company_id", "=", company_id), ("boh_suggested", "=", True), ("state", "=", "draft")]
    )
    orders.button_cancel()
    orders.unlink()
    stores.write({"boh_forecast_enabled": True})
    env.cr.commit()
    return company, stores, items


def load(env, size, first_night=False, reuse=None):
    stores_n, items_n, days, partition = SIZES[size]
    tick = time.perf_counter()
    today = env["boh.forecast.engine"]._local_now().date()
    if reuse:
        company, stores, items = reset(env, reuse, stores_n, items_n)
        env.cr.execute("SELECT count(*) FROM boh_sales_daily WHERE company_id = %s", [reuse])
        daily = env.cr.fetchone()[0]
    else:
        company, stores, items = make_company(env, stores_n, items_n)
        env.cr.commit()
        daily = load_sales(env, company, stores, items, today, days)
    due = None if first_night else load_series(env, company, stores, items, today, partition)
    Param = env["ir.config_parameter"].sudo()
    previous = Param.get_param("boh_forecast.partition_stores")
    Param.set_param("boh_forecast.partition_stores", str(partition))
    env.cr.commit()
    for table in ("boh_sales_daily", "boh_sales_fact", "boh_sales_daily_order", "stock_quant",
                  "boh_forecast_series"):  # fmt: skip
        env.cr.execute(f"ANALYZE {table}")  # noqa: S608 - constant table names
    env.cr.commit()
    return company, stores, daily, previous, time.perf_counter() - tick, due


# -- the run -------------------------------------------------------------------------------------


def proc_status(pid):
    """``(VmHWM, VmPeak)`` in bytes of a live process, or None."""
    try:
        text = Path(f"/proc/{pid}/status").read_text()
    except OSError:
        return None
    values = dict(re.findall(r"^(VmHWM|VmPeak):\s+(\d+) kB", text, re.M))
    return int(values.get("VmHWM", 0)) * 1024, int(values.get("VmPeak", 0)) * 1024


def worker_kind(pid, server_pid, cron_pids):
    """What the server's process ``pid`` is: the gevent process (started with ``gevent`` as an
    argument), a cron worker (it keeps a connection to the ``postgres`` database for the cron
    notifications, ``cron_pids``), the main process, or an HTTP worker."""
    try:
        argv = Path(f"/proc/{pid}/cmdline").read_bytes().split(b"\0")
    except OSError:
        return None
    if b"gevent" in argv:
        return "gevent"
    if pid in cron_pids:
        return "WorkerCron"
    return "main" if pid == server_pid else "WorkerHTTP"


def cron_worker_pids(cr):
    """Odoo's processes (``application_name`` ``odoo-<pid>``) connected to ``postgres``."""
    cr.execute(
        "SELECT application_name FROM pg_stat_activity "
        "WHERE datname = 'postgres' AND application_name LIKE 'odoo-%%'"
    )
    return {int(name[5:]) for (name,) in cr.fetchall() if name[5:].isdigit()}


def children(pid):
    """The process ids under ``pid`` (its whole tree), from /proc."""
    parents = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                stat = (entry / "stat").read_text()
            except OSError:
                continue
            parents[int(entry.name)] = int(stat.rsplit(")", 1)[1].split()[1])
    tree, frontier = set(), {pid}
    while frontier:
        frontier = {child for child, parent in parents.items() if parent in frontier} - tree
        tree |= frontier
    return tree | {pid}


def poll(env, company, server, timeout, dask_pids=()):
    """Wait until the company's run of tonight has no waiting partition, sampling the server's
    processes (and the Dask cluster's, ``dask_pids``, the scheduler first); ``{pid: (kind,
    peak rss, peak vms)}``, the run, and whether it finished."""
    peaks, run, finished = {}, None, False
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline and server.poll() is None:
        cron_pids = cron_worker_pids(env.cr)
        dask = {pid: "dask worker" for pid in dask_pids[1:]} | {
            pid: "dask scheduler" for pid in dask_pids[:1]
        }
        for pid in children(server.pid) | set(dask):
            kind = dask.get(pid) or worker_kind(pid, server.pid, cron_pids)
            status = proc_status(pid)
            if status and kind:
                old = peaks.get(pid, (kind, 0, 0))
                peaks[pid] = (kind, max(old[1], status[0]), max(old[2], status[1]))
        env.cr.rollback()  # a new snapshot
        env.cr.execute(
            "SELECT count(*) FILTER (WHERE p.state = 'received'), count(*) "
            "FROM boh_forecast_run r JOIN boh_forecast_run_partition p ON p.run_id = r.id "
            "WHERE r.company_id = %s",
            [company.id],
        )
        waiting, total = env.cr.fetchone()
        if total and not waiting:
            finished = True
            break
        time.sleep(POLL_SECONDS)
    env.cr.rollback()
    env.invalidate_all()
    run = env["boh.forecast.run"].search([("company_id", "=", company.id)], limit=1)
    return peaks, run, finished


def run_nightly(env, db, company, size, options, dask_pids=()):
    port = free_port()
    logfile = Path(f"/tmp/bench_nightly_run_{db}.log")
    logfile.unlink(missing_ok=True)  # the kills counted below are this run's
    server = start_server(db, port, logfile, cron_threads=2, workers=1, options=options)
    try:
        tick = time.perf_counter()
        env.ref("boh_forecast.ir_cron_boh_forecast")._trigger()
        env.cr.commit()
        peaks, run, finished = poll(env, company, server, TIMEOUT[size], dask_pids)
        wall = time.perf_counter() - tick
    finally:
        stop_server(server)
    log = logfile.read_text(errors="replace") if logfile.exists() else ""
    kills = len(re.findall(r"timeout after|CPU time limit|Exception occurred, exiting", log))
    return run, peaks, wall, finished, kills, logfile


def one_shot(env, company, stores):
    """Today's path before partitions on ``stores``: one ``_run`` in one transaction, rolled
    back; its seconds. Run before the nightly run, on the same data as its first partition."""
    env = env(context=dict(env.context, allowed_company_ids=[company.id]))
    engine = env["boh.forecast.engine"].with_company(company)
    tick = time.perf_counter()
    try:
        engine._run(stores.with_env(env))
        env.flush_all()
        return time.perf_counter() - tick
    finally:
        env.cr.rollback()


# -- report -----------------------------------------------------------------------------------


def limits(options):
    from odoo.tools import config

    values = {
        name: config[name]
        for name in (
            "limit_time_real",
            "limit_time_real_cron",
            "limit_time_cpu",
            "limit_memory_soft",
            "limit_memory_hard",
        )
    }
    for option in options:
        match = re.match(r"--(limit-[a-z-]+)=(\d+)", option)
        if match:
            values[match.group(1).replace("-", "_")] = int(match.group(2))
    if values["limit_time_real_cron"] <= 0:
        values["limit_time_real_cron"] = values["limit_time_real"]
    return values


def summarize(run):
    stages = dict.fromkeys(STAGES, 0.0)
    longest, cpu, failed = 0.0, 0.0, []

    for partition in run.partition_ids:
        if partition.state != "done":
            failed.append(f"#{partition.sequence} {partition.state}: {partition.error or ''}")
            continue
        summary = json.loads(partition.result or "{}")
        for stage, seconds in summary.get("seconds", {}).items():
            stages[stage] = stages.get(stage, 0.0) + seconds
        longest = max(longest, partition.duration)
        cpu = max(cpu, summary.get("cpu_seconds", 0.0))
    return stages, longest, cpu, failed


def report(size, args, loaded, result, sample):
    """Long because it prints every figure the issue asks for, in one place."""
    company, stores, daily, _previous, load_time, due = loaded
    run, peaks, wall, finished, kills, logfile = result
    sample_n, sample_time = sample
    lim = limits(args.odoo_option)
    stages, longest, cpu, failed = summarize(run)
    parts = len(run.partition_ids)
    print(
        f"nightly_run[{size}]: {len(stores)} stores, {daily} daily rows loaded in "
        f"{load_time:.0f} s; run of {parts} partitions with --workers=1 --max-cron-threads=2 "
        f"{' '.join(args.odoo_option)}: {'finished' if finished else 'NOT FINISHED'} in "
        f"{wall:.1f} s wall (target under 600 s at full size)"
    )
    print(
        "  stages summed over partitions: "
        + ", ".join(f"{stage} {seconds:.1f} s" for stage, seconds in stages.items())
    )
    print(
        f"  longest partition {longest:.1f} s real (limit_time_real_cron "
        f"{lim['limit_time_real_cron']} s), {cpu:.1f} s CPU (limit_time_cpu "
        f"{lim['limit_time_cpu']} s), each partition a unit of work of its own; worker kills "
        f"seen in the log: {kills}"
    )
    store_parts = run.partition_ids.filtered(lambda p: p.kind == "stores")
    measured = sum(
        json.loads(p.result or "{}").get("accuracy_measured", False) for p in store_parts
    )
    print(
        f"  accuracy measured tonight by {measured} of {len(store_parts)} store partitions ("
        + (
            "first night: none measured before"
            if due is None
            else f"a week's series loaded: {len(due)} groups' own night"
        )
        + ")"
    )
    where = Counter(json.loads(p.result or "{}").get("forecast_on") for p in run.partition_ids)
    print(
        "  forecast on: "
        + ", ".join(f"{place or 'not recorded'}: {n} partition(s)" for place, n in where.items())
    )
    for note in set(run.partition_ids.mapped("note")) - {False}:
        print(f"  note: {note}")
    for pid, (kind, rss, vms) in sorted(peaks.items(), key=lambda item: (item[1][0], item[0])):
        odoo_limits = (
            f" (limit_memory_soft {lim['limit_memory_soft'] / MB:.0f} MB, limit_memory_hard "
            f"{lim['limit_memory_hard'] / MB:.0f} MB, both on the virtual size)"
        )
        print(
            f"  {kind} {pid}: peak RSS {rss / MB:.0f} MB, peak virtual {vms / MB:.0f} MB"
            + ("" if kind.startswith("dask") else odoo_limits)
        )
    per_store_old = sample_time / sample_n
    per_store_new = wall / len(stores)
    print(
        f"  today's one-shot path (one _run, one transaction) on a sample of {sample_n} stores: "
        f"{sample_time:.1f} s, {per_store_old:.2f} s a store, scaled to the chain "
        f"{per_store_old * len(stores):.0f} s in one transaction; partitioned "
        f"{per_store_new:.2f} s a store: ratio {per_store_old / per_store_new:.1f}x"
    )
    for line in failed:
        print(f"  failed partition {line}", file=sys.stderr)
    if not finished:
        print(f"  the run did not finish; see {logfile}", file=sys.stderr)
    return 0 if finished and not failed else 1


def main(argv=None) -> int:
    args = arguments(__doc__, SIZES, argv, extra=extra_options)
    registry, api, uid = odoo_env(args.db)
    with registry.cursor() as cr:
        env = api.Environment(cr, uid, {})
        if lacks(env, ["boh_forecast"]):
            print("nightly_run: database lacks boh_forecast", file=sys.stderr)
            return 0
        loaded = load(env, args.size, args.first_night, args.reuse)
        company, stores, _daily, previous, _seconds, due = loaded
        Param = env["ir.config_parameter"].sudo()
        scheduler = Param.get_param("boh_forecast.dask_scheduler")
        try:
            # a partition's stores that measure tonight as most partitions do (not, unless
            # every partition does)
            size = SIZES[args.size][3]
            groups = [stores[k : k + size] for k in range(0, len(stores), size)]
            sample = next((g for g in groups if due is None or g.ids not in due), groups[0])
            sample_time = one_shot(env, company, sample)
            with ExitStack() as stack:
                dask_pids = ()
                if args.dask:
                    from boh_core.cluster import local_cluster

                    local = stack.enter_context(local_cluster(workers=args.dask))
                    dask_pids = local.pids
                    Param.set_param("boh_forecast.dask_scheduler", local.address)
                    env.cr.commit()
                result = run_nightly(env, args.db, company, args.size, args.odoo_option, dask_pids)
            return report(args.size, args, loaded, result, (len(sample), sample_time))
        finally:
            env.cr.rollback()
            stores.write({"boh_forecast_enabled": False})
            Param.set_param("boh_forecast.partition_stores", previous or False)
            Param.set_param("boh_forecast.dask_scheduler", scheduler or False)
            env.cr.commit()


if __name__ == "__main__":
    sys.exit(main())
