#!/usr/bin/env python3
"""MTTR/MTBF of a whole fleet: the suite's batched figures against Odoo's own computed fields.

Creates (full) 5,000 equipment in 40 categories and 120 stores with batched creates and inserts
200,000 maintenance requests over the last year with one SQL statement (80% corrective, repairs
of 0.5 to 72 hours, 3% still open; the columns both sides read: request and close dates, stage,
type, the suite's reported/finished times). It then times, in the same run, the suite's
``maintenance.equipment._boh_reliability`` (one query, one ``boh_core`` call for the fleet) and
Odoo's ``mttr``/``mtbf``/``latest_failure_date``/``estimated_next_failure`` computed record by
record (cache invalidated, then read on all equipment), prints the ratio and rolls back.

Run under the Python that runs Odoo, with the database in ``BOH_ODOO_DB`` (the test command
does this); the database needs boh_maintenance installed.
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path[:0] = [str(ROOT), str(Path(__file__).resolve().parent)]

from benchkit import arguments, run_rolled_back  # noqa: E402

SIZES = {
    "small": {"equipment": 500, "requests": 20_000, "stores": 12},
    "full": {"equipment": 5_000, "requests": 200_000, "stores": 120},
}
CATEGORIES = 40
TARGET_SECONDS = 2.0


def load_fleet(env, params):
    """Stores, categories, equipment (ORM, batched) and requests (one SQL insert)."""
    from odoo.tools import SQL

    quiet = {"tracking_disable": True, "mail_create_nolog": True, "mail_create_nosubscribe": True}
    stores = env["stock.warehouse"].create(
        [
            {"name": f"Bench Reliability Store {i}", "code": f"BR{i:03d}"}
            for i in range(params["stores"])
        ]
    )
    categories = (
        env["maintenance.equipment.category"]
        .with_context(**quiet)
        .create([{"name": f"Bench Reliability Category {i}"} for i in range(CATEGORIES)])
    )
    team = env["maintenance.team"].create({"name": "Bench Reliability Team"})
    n = params["equipment"]
    equipment = (
        env["maintenance.equipment"]
        .with_context(**quiet)
        .create(
            [
                {
                    "name": f"Bench Equipment {i}",
                    "boh_short_code": f"BENCH-{i:05d}",
                    "category_id": categories[i % CATEGORIES].id,
                    "boh_store_id": stores[i % len(stores)].id,
                    "maintenance_team_id": team.id,
                    "effective_date": "2020-01-01",
                }
                for i in range(n)
            ]
        )
    )
    env.flush_all()
    done = env["maintenance.stage"].search([("done", "=", True)], limit=1)
    open_stage = env["maintenance.stage"].search([("done", "=", False)], limit=1)
    env.cr.execute("SELECT setseed(0.7)")
    env.execute_query(
        SQL(
            """
            INSERT INTO maintenance_request (
                name, company_id, maintenance_team_id, kanban_state, archive, priority,
                equipment_id, category_id, boh_store_id, maintenance_type, stage_id,
                request_date, close_date, boh_reported_at, boh_done_at, boh_source,
                boh_dispatch_state, create_uid, write_uid, create_date, write_date)
            SELECT 'Bench failure', %(company)s, %(team)s, 'normal', false, '1',
                   e.id, e.category_id, e.boh_store_id, r.kind,
                   CASE WHEN r.is_open THEN %(open)s ELSE %(done)s END,
                   r.reported::date,
                   CASE WHEN r.is_open THEN NULL ELSE (r.reported + r.repair)::date END,
                   r.reported,
                   CASE WHEN r.is_open THEN NULL ELSE r.reported + r.repair END,
                   'backend', 'manual', 1, 1, now() at time zone 'UTC', now() at time zone 'UTC'
              FROM (
                SELECT (%(ids)s::int[])[1 + floor(random() * %(n)s)::int] AS equipment_id,
                       (now() at time zone 'UTC') - random() * interval '364 days' AS reported,
                       interval '30 minutes' + random() * interval '71 hours 30 minutes'
                           AS repair,
                       CASE WHEN random() < 0.8 THEN 'corrective' ELSE 'preventive' END AS kind,
                       random() < 0.03 AS is_open
                  FROM generate_series(1, %(count)s)
              ) r
              JOIN maintenance_equipment e ON e.id = r.equipment_id
            """,
            company=env.company.id,
            team=team.id,
            open=open_stage.id,
            done=done.id,
            ids=equipment.ids,
            n=len(equipment),
            count=params["requests"],
        )
    )
    # Open requests may end up closed in the future: clip them to now like a real close.
    env.cr.execute(
        """UPDATE maintenance_request SET boh_done_at = now() at time zone 'UTC',
                  close_date = (now() at time zone 'UTC')::date
            WHERE equipment_id = ANY(%s) AND boh_done_at > now() at time zone 'UTC'""",
        [equipment.ids],
    )
    env.cr.execute("ANALYZE maintenance_request")
    env.invalidate_all()
    return equipment


def bench(env, size: str) -> dict:
    params = SIZES[size]
    started = time.perf_counter()
    equipment = load_fleet(env, params)
    loaded = time.perf_counter() - started

    env.invalidate_all()
    fleet = env["maintenance.equipment"].browse(equipment.ids)
    t0 = time.perf_counter()
    figures = fleet._boh_reliability("equipment_id")
    ours = time.perf_counter() - t0

    env.invalidate_all()
    fleet = env["maintenance.equipment"].browse(equipment.ids)
    t0 = time.perf_counter()
    odoo_rows = fleet.read(["mttr", "mtbf", "latest_failure_date", "estimated_next_failure"])
    theirs = time.perf_counter() - t0

    failures = sum(row["failures"] for row in figures.values())
    with_failures = sum(1 for row in odoo_rows if row["latest_failure_date"])
    return {
        "equipment": len(equipment),
        "requests": params["requests"],
        "failures": failures,
        "odoo_equipment_with_failures": with_failures,
        "covered": len(figures),
        "ours": ours,
        "odoo": theirs,
        "ratio": theirs / ours if ours else float("inf"),
        "load": loaded,
    }


def main(argv=None) -> int:
    args = arguments(__doc__, SIZES, argv)
    result = run_rolled_back(
        args.db, bench, args.size, name="maintenance_reliability", requires=("boh_maintenance",)
    )
    if result is None:
        return 2
    print(
        f"maintenance_reliability[{args.size}]: MTTR/MTBF of {result['equipment']} equipment "
        f"over {result['requests']} requests ({result['failures']} failures in the year): "
        f"ours {result['ours']:.3f} s, odoo computed fields {result['odoo']:.3f} s, "
        f"ratio {result['ratio']:.1f}x (target ours < {TARGET_SECONDS:.0f} s at full size) "
        f"(setup {result['load']:.0f} s)"
    )
    if result["covered"] != result["equipment"]:
        print("maintenance_reliability: some equipment got no figures", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
