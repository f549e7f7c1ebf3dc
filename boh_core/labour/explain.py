"""Why each shift is there and why each gap is left: the words of a proposal, as data.

Reasons and notes are dicts with a ``code`` and plain values, so that the Odoo side can
put them in the user's language.
"""

from __future__ import annotations

import numpy as np

from boh_core.labour.check import coverage, measure
from boh_core.labour.problem import Problem, Proposal, Shift, Uncovered, contiguous_runs
from boh_core.labour.templates import Templates


def _shifts(problem, templates, pay, chosen) -> list[Shift]:
    result = []
    for employee, template, row in chosen:
        result.append(
            Shift(
                employee=problem.employees[employee].id,
                role=problem.roles[row],
                start=int(templates.start[template]),
                end=int(templates.end[template]),
                break_start=int(templates.break_start[template]),
                break_end=int(templates.break_end[template]),
                cost=round(float(pay[employee][template]), 2),
            )
        )
    return sorted(result, key=lambda s: (s.start, str(s.role), str(s.employee)))


def shift_reasons(problem: Problem, shifts: list[Shift]) -> list[Shift]:
    """The shifts with their reason: ``cover`` (the slots of its role it is needed for, the
    peak need then), ``minimum`` (keeps the employee at their contract minimum), or
    ``extra`` (neither: kept because a shorter shift was not allowed)."""
    cover = coverage(problem, shifts)
    minimum = {e.id: problem.slots(e.min_week_hours) for e in problem.employees}
    result = []
    for shift in shifts:
        row = problem.role_index[shift.role]
        worked = np.zeros(problem.timeline.n_slots, dtype=bool)
        worked[shift.start : shift.end] = True
        worked[shift.break_start : shift.break_end] = False
        need = problem.need[row]
        needed = worked & (need > 0) & (cover[row] <= need)
        if needed.any():
            slots = np.flatnonzero(needed)
            reason = {
                "code": "cover",
                "role": shift.role,
                "from": problem.timeline.local(int(slots[0])),
                "to": problem.timeline.local(int(slots[-1]) + 1),
                "needed_hours": problem.hours(int(needed.sum())),
                "peak": int(need[needed].max()),
            }
        elif minimum.get(shift.employee):
            reason = {"code": "minimum", "hours": problem.hours(minimum[shift.employee])}
        else:
            reason = {"code": "extra", "role": shift.role}
        result.append(
            Shift(
                shift.employee,
                shift.role,
                shift.start,
                shift.end,
                shift.break_start,
                shift.break_end,
                shift.cost,
                reason,
            )
        )
    return result


def uncovered(
    problem: Problem, templates: Templates, allowed: list[np.ndarray], shifts: list[Shift]
) -> list[Uncovered]:
    """Runs of slots where a role is short, each with the reason (see :class:`Uncovered`)."""
    short = np.maximum(problem.need - coverage(problem, shifts), 0)
    result = []
    for row, role in enumerate(problem.roles):
        qualified = [i for i, e in enumerate(problem.employees) if role in e.jobs]
        could = np.zeros(problem.timeline.n_slots, dtype=bool)
        for index in qualified:
            if allowed[index].any():
                could |= templates.covers[allowed[index]].any(axis=0)
        for start, end in contiguous_runs(short[row] > 0):
            if not qualified:
                reason = "no_job"
            elif not could[start:end].any():
                reason = "unavailable"
            else:
                reason = "limits"
            result.append(
                Uncovered(
                    role=role,
                    start=start,
                    end=end,
                    missing=int(short[row, start:end].max()),
                    slot_count=int(short[row, start:end].sum()),
                    reason=reason,
                )
            )
    return result


def notes(problem: Problem, shifts: list[Shift], cost: float) -> list[dict]:
    """What the manager should know beyond the gaps: nobody to schedule, people without a
    job, contract minimums not reached, a budget exceeded."""
    result = []
    if not problem.open_mask.any():
        result.append({"code": "closed"})
    worked = {}
    for shift in shifts:
        worked[shift.employee] = worked.get(shift.employee, 0) + shift.worked_slots
    for employee in problem.employees:
        if not employee.jobs:
            result.append({"code": "no_job", "employee": employee.id})
            continue
        total = worked.get(employee.id, 0) + problem.booked_worked_slots(employee)
        if total < problem.slots(employee.min_week_hours):
            result.append(
                {
                    "code": "below_minimum",
                    "employee": employee.id,
                    "hours": problem.hours(total),
                    "minimum": employee.min_week_hours,
                }
            )
    if problem.budget is not None and cost > problem.budget:
        result.append({"code": "over_budget", "cost": round(cost, 2), "budget": problem.budget})
    return result


def proposal_from(
    problem: Problem,
    templates: Templates,
    allowed: list[np.ndarray],
    pay: list[np.ndarray],
    chosen: list[tuple[int, int, int]],
    status: str,
    solve_seconds: float = 0.0,
) -> Proposal:
    """A proposal from chosen ``(employee, template, role)`` index triples."""
    shifts = shift_reasons(problem, _shifts(problem, templates, pay, chosen))
    figures = measure(problem, shifts)
    return Proposal(
        shifts=shifts,
        uncovered=uncovered(problem, templates, allowed, shifts),
        notes=notes(problem, shifts, figures.cost),
        status=status,
        cost=round(figures.cost, 2),
        budget=problem.budget,
        coverage_pct=figures.coverage_pct,
        overstaffed_hours=figures.overstaffed_hours,
        solve_seconds=solve_seconds,
    )
