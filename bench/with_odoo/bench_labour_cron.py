#!/usr/bin/env python3
"""The weekly schedule cron inside Odoo: reading, solving and writing next week for many stores.

Creates stores open 10:00-22:00 (Shanghai) with (full) 60 employees in 6 jobs each, their
productivity standards and next week's covers forecast, then runs the real cron method
(``boh.labour.week._cron_propose_next_week``, one store per call as the cron runner calls it)
until every store's next week is proposed, and times it. In the same run, the baseline: one
of those stores' week read into plain data and solved by ``boh_core.labour.solve`` alone, so
that the ratio cron per store / core solve is what Odoo adds (reading the employees, leave and
forecast, writing shifts, gaps and reasons). ``--size full`` measures ``--stores`` stores
(default 50; fewer are projected to 50 and said so) with the 10-second limit; the target is 50
stores in under 10 minutes. Everything is rolled back.

Run under the Python that runs Odoo, with the database in ``BOH_ODOO_DB`` (the test command
does this); the database needs boh_labour installed.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from datetime import timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path[:0] = [str(ROOT), str(Path(__file__).resolve().parent)]

from benchkit import odoo_env  # noqa: E402

SIZES = {
    "small": {"employees": 15, "jobs": 3, "stores": 3, "limit": 2},
    "full": {"employees": 60, "jobs": 6, "stores": 50, "limit": 10},
}
JOBS = ["Cook", "Prep", "Dishwasher", "Server", "Host", "Cashier"]
COVERS_PER_HOUR = [20.0, 30.0, 40.0, 20.0, 40.0, 60.0]
TARGET_SECONDS = 600.0  # 50 stores


def load_stores(env, params, count):
    """Stores with opening hours, jobs, standards, employees and next week's covers."""
    from odoo import Command

    quiet = {"tracking_disable": True, "mail_create_nolog": True, "mail_create_nosubscribe": True}
    env = env(context=dict(env.context, **quiet))
    company = env.company
    company.write({"boh_labour_solve_seconds": params["limit"], "boh_labour_publish_days": 0})
    env["boh.labour.standard"].search([]).active = False  # only the bench's jobs are scheduled
    calendar = env["resource.calendar"].create(
        {
            "name": "Bench Labour 10-22",
            "tz": "Asia/Shanghai",
            "attendance_ids": [
                Command.create(
                    {"name": f"d{d}", "dayofweek": str(d), "hour_from": 10, "hour_to": 22}
                )
                for d in range(7)
            ],
        }
    )
    stores = env["stock.warehouse"].create(
        [
            {
                "name": f"Bench Labour Store {i}",
                "code": f"BL{i:03d}",
                "boh_calendar_id": calendar.id,
            }
            for i in range(count)
        ]
    )
    n_jobs = params["jobs"]
    jobs = env["hr.job"].create([{"name": f"Bench Labour {name}"} for name in JOBS[:n_jobs]])
    env["boh.labour.standard"].create(
        [
            {
                "warehouse_id": store.id,
                "role": job.name,
                "job_id": job.id,
                "driver": "covers",
                "per_hour": rate,
                "min_staff": 1 if index in (0, 3) else 0,
            }
            for store in stores
            for index, (job, rate) in enumerate(zip(jobs, COVERS_PER_HOUR, strict=False))
        ]
    )
    mondays = {}
    times = stores._boh_store_time()
    for store in stores:
        today = times[store.id].today
        mondays[store.id] = today + timedelta(days=7 - today.weekday())
    covers = 20.0 * params["employees"] * n_jobs / 6
    env["boh.forecast"].create(
        [
            {
                "warehouse_id": store.id,
                "kind": "covers",
                "date": mondays[store.id] + timedelta(days=d),
                "qty": covers * (1.3 if d >= 4 else 1.0),
            }
            for store in stores
            for d in range(7)
        ]
    )
    employees = []
    for s, store in enumerate(stores):
        for i in range(params["employees"]):
            part_time = (i * 7 + s) % 10 < 3
            employees.append(
                {
                    "name": f"Bench Labour {s}-{i}",
                    "job_id": jobs[i % n_jobs].id,
                    "boh_job_ids": [Command.set([jobs[(i * 5 + s) % n_jobs].id])]
                    if i % 3 == 0
                    else [],
                    "hourly_cost": float((22, 25, 28, 32, 38)[(i + s) % 5]),
                    "boh_warehouse_ids": [Command.set([store.id])],
                    "boh_min_week_hours": 0.0 if part_time else 20.0,
                    "boh_max_week_hours": 24.0 if part_time else 44.0,
                    "boh_rest_weekday": str((i + s) % 7),
                }
            )
    env["hr.employee"].create(employees)
    env.flush_all()
    return stores


def run_cron(env, stores):
    """Call the cron method until every bench store's next week is proposed; other stores'
    weeks are marked solved today first, so that the cron leaves them alone."""
    from odoo import fields

    Week = env["boh.labour.week"]
    weeks = Week._next_weeks()
    (weeks - weeks.filtered(lambda w: w.warehouse_id in stores)).solved_at = fields.Datetime.now()
    ours = Week._next_weeks(stores)
    calls = 0
    started = time.monotonic()
    while ours.filtered(lambda w: not w.solved_at) and calls < len(stores) + 1:
        Week._cron_propose_next_week()
        env.flush_all()
        ours.invalidate_recordset(["solved_at"])
        calls += 1
    return time.monotonic() - started, ours


def baseline(env, week, limit):
    """The same store's week read into plain data and solved by boh_core alone."""
    from boh_core.labour import solve

    planner = env["boh.labour.planner"]
    started = time.monotonic()
    problem, _sales = planner._problem(week)
    read = time.monotonic() - started
    started = time.monotonic()
    proposal = solve(problem, time_limit=limit, seed=week.id)
    return read, time.monotonic() - started, proposal


def bench(env, size, count):
    params = SIZES[size]
    started = time.monotonic()
    stores = load_stores(env, params, count)
    load = time.monotonic() - started
    cron_seconds, weeks = run_cron(env, stores)
    read, core, proposal = baseline(env, weeks[0], params["limit"])
    per_store = cron_seconds / len(stores)
    return {
        "stores": len(stores),
        "solved": len(weeks.filtered("solved_at")),
        "shifts": sum(weeks.mapped("shift_count")),
        "coverage": sum(weeks.mapped("coverage_pct")) / len(weeks),
        "cron": cron_seconds,
        "per_store": per_store,
        "projected": per_store * 50,
        "read": read,
        "core": core,
        "core_coverage": proposal.coverage_pct,
        "ratio": per_store / core if core else float("inf"),
        "load": load,
    }


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size", choices=sorted(SIZES), default="full")
    parser.add_argument("--stores", type=int, help="stores to measure (projected to 50)")
    parser.add_argument("--db", default=os.environ.get("BOH_ODOO_DB"))
    args = parser.parse_args(argv)
    if not args.db:
        parser.error("no database: pass --db or set BOH_ODOO_DB")
    params = SIZES[args.size]
    count = args.stores or params["stores"]
    registry, api, uid = odoo_env(args.db)
    with registry.cursor() as cr:
        env = api.Environment(cr, uid, {})
        if not env["ir.module.module"].search_count(
            [("name", "=", "boh_labour"), ("state", "=", "installed")]
        ):
            print("labour_cron: database lacks boh_labour", file=sys.stderr)
            return 2
        try:
            result = bench(env, args.size, count)
        finally:
            cr.rollback()
    note = "" if count == 50 else f" (measured on {count}, projected to 50)"
    print(
        f"labour_cron[{args.size}]: {result['stores']} stores of {params['employees']} employees "
        f"in {params['jobs']} jobs, limit {params['limit']} s: the cron proposed "
        f"{result['solved']} weeks ({result['shifts']} shifts, mean coverage "
        f"{result['coverage']:.1f}%) in {result['cron']:.1f} s, {result['per_store']:.2f} s a "
        f"store, {result['projected']:.0f} s for 50{note}; baseline core solve of one store "
        f"{result['core']:.2f} s (reading it {result['read']:.2f} s, coverage "
        f"{result['core_coverage']:.1f}%): ratio cron/core {result['ratio']:.2f}x "
        f"(target 50 stores < {TARGET_SECONDS:.0f} s at full size) (setup {result['load']:.0f} s)"
    )
    if result["solved"] != result["stores"]:
        print("labour_cron: some stores were not proposed", file=sys.stderr)
        return 1
    if args.size == "full" and result["projected"] > TARGET_SECONDS:
        print("labour_cron: 50 stores would take more than 10 minutes", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
