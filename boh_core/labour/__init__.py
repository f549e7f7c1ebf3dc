"""Staff schedules from the forecast: need per slot, a CP-SAT scheduler and a greedy baseline.

Everything works on one week of fixed slots (15 minutes by default) counted in real time from
the store's local Monday midnight, so a daylight-saving day simply has 92 or 100 slots:

* :mod:`.timeline` places local dates and clock times on those slots;
* :mod:`.demand` turns a day's forecast, the hourly sales profile and each role's productivity
  into staff needed per role and slot;
* :mod:`.problem` holds the plain data of a week to schedule (employees, rules, need);
* :mod:`.templates` lists the shifts each employee may work;
* :mod:`.solver` schedules with OR-Tools CP-SAT, :mod:`.greedy` is the baseline;
* :mod:`.check` measures a schedule, prices it (:func:`.check.schedule_cost`, shared out per
  shift by :func:`.check.cost_shares`) and lists every hard rule it breaks.
"""

from boh_core.labour.check import (
    Metrics,
    cost_shares,
    measure,
    priced,
    schedule_cost,
    violations,
)
from boh_core.labour.demand import RoleStandard, slot_need
from boh_core.labour.greedy import greedy_schedule
from boh_core.labour.problem import (
    Employee,
    MinorRules,
    OvertimeRules,
    Problem,
    Proposal,
    Rules,
    Shift,
    Uncovered,
)
from boh_core.labour.solver import solve
from boh_core.labour.timeline import Timeline

__all__ = [
    "Employee",
    "Metrics",
    "MinorRules",
    "OvertimeRules",
    "Problem",
    "Proposal",
    "RoleStandard",
    "Rules",
    "Shift",
    "Timeline",
    "Uncovered",
    "cost_shares",
    "greedy_schedule",
    "measure",
    "priced",
    "schedule_cost",
    "slot_need",
    "solve",
    "violations",
]
