"""Benchmark of boh_core.labour: a week's schedule with CP-SAT against the greedy baseline.

``--size full``: one store of 60 employees in 6 jobs over a week of 15-minute slots, solved
within a 10-second limit, then the weekly cron's load: 50 such stores one after the other
(``--stores`` to measure fewer; the total is then projected to 50 and said so). ``small``:
15 employees over 3 days within 2 seconds, and 3 stores. For each, the greedy baseline
(fill the biggest gap with the cheapest available person) runs on the same instance in the
same process; the solver must cover at least as much at a lower cost, breaking no hard rule.
"""

from __future__ import annotations

import argparse
import sys
import time
from datetime import date, datetime, timedelta

import numpy as np

from boh_core.labour import (
    Employee,
    Problem,
    RoleStandard,
    Rules,
    Timeline,
    greedy_schedule,
    measure,
    slot_need,
    solve,
)
from boh_core.labour.demand import open_slots

SIZES = {
    "small": {"employees": 15, "jobs": 3, "days": 3, "limit": 2.0, "stores": 3},
    "full": {"employees": 60, "jobs": 6, "days": 7, "limit": 10.0, "stores": 50},
}
JOBS = ["cook", "prep", "dish", "server", "host", "cashier"]
PER_HOUR = [260.0, 520.0, 700.0, 300.0, 900.0, 800.0]  # sales per labour hour
MONDAY = date(2026, 3, 9)


def build(n_employees: int, days: int, seed: int, n_jobs: int = 6) -> Problem:
    """A plausible store: open 10:00-22:00, lunch and dinner peaks, busier weekends, staff
    with one or two jobs, some part-timers, minors, restricted availability and leave."""
    rng = np.random.default_rng(seed)
    jobs_here = JOBS[:n_jobs]
    timeline = Timeline(MONDAY, "Asia/Shanghai", days=days)
    mask = open_slots(timeline, [(d, 10 * 60, 22 * 60) for d in range(7)])
    standards = [
        RoleStandard(job, rate, min_staff=1 if job in ("cook", "server") else 0)
        for job, rate in zip(jobs_here, PER_HOUR, strict=False)
    ]
    profile = {h: (3.0 if h in (12, 13, 18, 19) else 1.0) for h in range(10, 22)}
    weights = [1.3 if timeline.day(d).weekday() >= 4 else 1.0 for d in range(days)]
    # sales such that the need is about 80% of the hours the team may work
    target = 0.8 * n_employees * 38.0 * days / 7.0
    daily = 100.0 * n_employees
    for _ in range(4):
        drivers = {
            (job, timeline.day(d)): daily * weights[d] for job in jobs_here for d in range(days)
        }
        need = slot_need(timeline, standards, drivers, {job: profile for job in jobs_here}, mask)
        daily *= target / max(1.0, need.sum() / 4.0)
    employees = []
    for index in range(n_employees):
        jobs = {jobs_here[index % n_jobs]}
        if rng.random() < 0.35:
            jobs.add(jobs_here[int(rng.integers(n_jobs))])
        part_time = rng.random() < 0.3
        recurring = ()
        if rng.random() < 0.3:
            start = int(rng.choice([10, 11, 16])) * 60
            recurring = tuple((d, start, start + 7 * 60) for d in range(7))
        time_off = ()
        if rng.random() < 0.1:
            first = datetime(2026, 3, 9) + timedelta(days=int(rng.integers(days)))
            time_off = ((first, first + timedelta(days=1)),)
        employees.append(
            Employee(
                id=index,
                name=f"E{index:02d}",
                jobs=frozenset(jobs),
                hourly_cost=float(rng.choice([22, 25, 28, 32, 38])),
                min_week_hours=0.0 if part_time else min(20.0, 6.0 * days),
                max_week_hours=24.0 if part_time else 44.0,
                minor=rng.random() < 0.05,
                recurring=recurring,
                time_off=time_off,
                rest_weekdays=frozenset({int(rng.integers(7))}),
                weekend_history=int(rng.integers(0, 4)),
                closing_history=int(rng.integers(0, 4)),
            )
        )
    budget = 0.22 * sum(daily * w for w in weights)  # labour budget: 22% of sales
    return Problem(timeline, jobs_here, need, mask, employees, Rules(), budget=budget)


def report(label: str, problem: Problem, shifts, seconds: float) -> dict:
    figures = measure(problem, shifts)
    print(
        f"  {label:<8} coverage {figures.coverage_pct:6.2f}%  over-staffed "
        f"{figures.overstaffed_hours:7.1f} h  cost {figures.cost:10.2f} against budget "
        f"{figures.budget:10.2f}  hard-rule violations {figures.violations}  ({seconds:.2f} s)"
    )
    return {
        "coverage": figures.coverage_pct,
        "cost": figures.cost,
        "violations": figures.violations,
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size", choices=sorted(SIZES), default="small")
    parser.add_argument("--stores", type=int, help="stores in the cron run (projected to 50)")
    args = parser.parse_args()
    size = SIZES[args.size]
    failures = []

    print(
        f"one store: {size['employees']} employees, {size['jobs']} jobs, "
        f"{size['days']} days of 15 minutes"
    )
    problem = build(size["employees"], size["days"], seed=1, n_jobs=size["jobs"])
    started = time.monotonic()
    greedy = greedy_schedule(problem)
    greedy_row = report("greedy", problem, greedy.shifts, time.monotonic() - started)
    started, cpu = time.monotonic(), time.process_time()
    proposal = solve(problem, time_limit=size["limit"])
    took, cpu = time.monotonic() - started, time.process_time() - cpu
    solver_row = report("cp-sat", problem, proposal.shifts, took)
    print(
        f"  solver status {proposal.status}, limit {size['limit']:.0f} s, took {took:.2f} s "
        f"({cpu:.2f} s of CPU in this process; the machine's load shows in the difference)"
    )
    ratio = solver_row["cost"] / greedy_row["cost"] if greedy_row["cost"] else 1.0
    print(
        f"  cost ratio cp-sat/greedy {ratio:.3f}, coverage "
        f"{solver_row['coverage'] - greedy_row['coverage']:+.2f} points"
    )
    if solver_row["violations"] or greedy_row["violations"]:
        failures.append("hard rules broken")
    if solver_row["coverage"] < greedy_row["coverage"] - 1e-9:
        failures.append("less coverage than greedy")
    if (
        solver_row["cost"] >= greedy_row["cost"]
        and solver_row["coverage"] <= greedy_row["coverage"]
    ):
        failures.append("no cheaper than greedy at the same coverage")
    if args.size == "full" and took > size["limit"] * 1.25:
        failures.append(f"took {took:.1f} s for a {size['limit']:.0f} s limit")

    stores = args.stores or size["stores"]
    print(f"weekly cron: {stores} stores one after the other")
    total = cpu_total = 0.0  # the cron's own work: solving, not the instances or baseline
    gains = []
    for store in range(stores):
        case = build(size["employees"], size["days"], seed=100 + store, n_jobs=size["jobs"])
        base = measure(case, greedy_schedule(case).shifts)
        started, cpu = time.monotonic(), time.process_time()
        best = solve(case, time_limit=size["limit"])
        total += time.monotonic() - started
        cpu_total += time.process_time() - cpu
        figures = measure(case, best.shifts)
        gains.append((figures.coverage_pct - base.coverage_pct, figures.cost / base.cost))
        if figures.violations:
            failures.append(f"store {store}: hard rules broken")
    projected = total / stores * 50
    note = "" if stores == 50 else f" (measured on {stores}, projected to 50)"
    print(
        f"  solving took {total:.1f} s ({cpu_total:.1f} s of CPU) for {stores} stores, "
        f"{projected:.0f} s for 50{note}; "
        f"mean coverage "
        f"{np.mean([g[0] for g in gains]):+.2f} points, mean cost ratio "
        f"{np.mean([g[1] for g in gains]):.3f} against greedy"
    )
    if args.size == "full" and projected > 600:
        failures.append("50 stores take more than 10 minutes")
    for failure in failures:
        print(f"FAIL: {failure}")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
