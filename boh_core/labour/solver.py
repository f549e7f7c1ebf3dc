"""The week's schedule as a CP-SAT model: coverage first, then cost, within the hard rules.

Variables are (employee, template, role) choices, only for templates the employee may work
in roles they hold. Hard: one shift a day (two parts of a split shift when allowed, apart by
the split gap), hours a day and a week, rest between days. Soft, in this order of weight:
people short per role and slot; pay beyond the labour budget; pay (with weekly overtime and
the unworked part of contract minimums, which is paid anyway); fairness of weekend and
closing shifts over the weeks. The greedy baseline is given as a hint, so the first
solution is never worse than it.
"""

from __future__ import annotations

import time
from collections import defaultdict

import numpy as np

from boh_core.errors import BohError, msg
from boh_core.labour.explain import proposal_from
from boh_core.labour.greedy import greedy_assign, trim
from boh_core.labour.problem import Problem, Proposal
from boh_core.labour.templates import Templates, build_templates, costs, eligible

try:  # imported here, not at the first solve, so that a solve's time limit is its own
    from ortools.sat.python import cp_model
except ImportError:  # pragma: no cover - a packaging fault, said plainly at the first solve
    cp_model = None

CENTS = 100


def solve(
    problem: Problem,
    time_limit: float = 10.0,
    workers: int = 0,
    seed: int = 0,
    deterministic: bool = False,
) -> Proposal:
    """The best schedule found within ``time_limit`` seconds (model building included).

    ``workers`` 0 lets OR-Tools choose; ``deterministic`` makes the limit OR-Tools'
    deterministic time with one worker and ``seed``, so a test repeats exactly. When the
    solver finds nothing in time, the trimmed greedy schedule it started from is returned
    (status ``heuristic``).
    """
    if cp_model is None:  # pragma: no cover
        raise BohError("ortools", None, msg("labour.solver.ortools.tools_installed_pip"))
    if not time_limit > 0:
        raise BohError("time_limit", time_limit, msg("labour.solver.time_limit.above_seconds"))
    began = time.monotonic()
    templates = build_templates(problem)
    allowed = [eligible(problem, templates, e) for e in problem.employees]
    pay = [costs(problem, templates, e) for e in problem.employees]
    trimmed_at = time.monotonic()
    hint = trim(problem, templates, allowed, pay, greedy_assign(problem, templates, allowed, pay))
    # kept back for trimming and explaining the answer (measured on the first trim)
    reserve = 0.1 * time_limit + 2.5 * (time.monotonic() - trimmed_at)
    if not len(templates) or not any(a.any() for a in allowed):
        return proposal_from(problem, templates, allowed, pay, [], "optimal", 0.0)

    model = cp_model.CpModel()
    builder = _Builder(problem, templates, allowed, pay, model)
    builder.build()
    builder.hint(hint)

    solver = cp_model.CpSolver()
    params = solver.parameters
    # The model is already tight (at-most-ones, no big-M) and starts from a full hint: time
    # is better spent searching around it than presolving and probing it.
    params.cp_model_presolve = False
    params.symmetry_level = 0
    remaining = max(0.2, time_limit - reserve - (time.monotonic() - began))
    if deterministic:  # the same work every run, whatever the wall clock says
        params.num_workers = 1
        params.max_deterministic_time = time_limit
        params.random_seed = seed
    else:
        params.max_time_in_seconds = remaining
        params.random_seed = seed
        if workers:
            params.num_workers = workers
    status = solver.Solve(model)
    seconds = time.monotonic() - began
    if status not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        return proposal_from(problem, templates, allowed, pay, hint, "heuristic", seconds)
    chosen = [key for key, var in builder.x.items() if solver.BooleanValue(var)]
    chosen = trim(problem, templates, allowed, pay, chosen, passes=2)
    label = "optimal" if status == cp_model.OPTIMAL else "feasible"
    return proposal_from(problem, templates, allowed, pay, chosen, label, seconds)


class _Builder:
    """Builds the model; ``x[(employee, template, role)]`` are the choices."""

    def __init__(self, problem: Problem, templates: Templates, allowed, pay, model):
        self.problem = problem
        self.t = templates
        self.allowed = allowed
        self.pay = [np.rint(p * CENTS).astype(np.int64) for p in pay]
        self.model = model
        self.x: dict[tuple[int, int, int], object] = {}
        self.derived: list = []  # (var, [(terms, constant)], low, high), in creation order
        self.pay_terms: list = []  # (cents, var): the pay the objective minimises

    def derive(self, var, parts, low, high):
        """Note how ``var`` follows from others (the largest of ``parts``, each a list of
        ``(coefficient, var)`` and a constant, kept within ``[low, high]``), to hint it."""
        self.derived.append((var, parts, low, high))
        return var

    def values(self, chosen) -> dict[int, int]:
        """The value of every variable (by index) when the chosen ``(employee, template,
        role)`` triples are worked and the derived variables are as small as they may be."""
        chosen = set(chosen)
        value = {var.Index(): int(key in chosen) for key, var in self.x.items()}
        for var, parts, low, high in self.derived:
            best = max(sum(c * value[v.Index()] for c, v in terms) + k for terms, k in parts)
            value[var.Index()] = int(min(high, max(low, best)))
        return value

    def hint(self, chosen) -> None:
        """Hint every variable from the chosen ``(employee, template, role)`` triples, so
        that the solver starts from that (feasible) schedule."""
        value = self.values(chosen)
        for var in [*self.x.values(), *(derived[0] for derived in self.derived)]:
            self.model.AddHint(var, value[var.Index()])

    def pay_cents(self, chosen) -> int:
        """The pay the objective counts (in cents) for the chosen triples: what
        :func:`boh_core.labour.check.schedule_cost` prices, plus the unworked part of
        contract minimums (paid anyway)."""
        value = self.values(chosen)
        return sum(c * value[v.Index()] for c, v in self.pay_terms)

    def build(self) -> None:
        problem, model = self.problem, self.model
        per_template = defaultdict(list)  # (template, role) -> vars
        by_employee_day = defaultdict(list)  # (employee, day) -> [(template, var)]
        for e, employee in enumerate(problem.employees):
            rows = [problem.role_index[r] for r in employee.jobs if r in problem.role_index]
            for template in np.flatnonzero(self.allowed[e]):
                template = int(template)
                for row in rows:
                    var = model.NewBoolVar(f"x{e}_{template}_{row}")
                    self.x[(e, template, row)] = var
                    per_template[(template, row)].append(var)
                    by_employee_day[(e, int(self.t.day[template]))].append((template, var))
        self._days(by_employee_day)
        self._coverage(per_template)
        self._pay_and_fairness(by_employee_day)

    # -- hard rules ---------------------------------------------------------------------------

    def _days(self, by_employee_day) -> None:
        problem, model, t = self.problem, self.model, self.t
        rules = problem.rules
        rest = problem.slots(rules.min_rest_hours)
        gap = problem.slots(rules.split_gap_hours)
        for e, employee in enumerate(problem.employees):
            days = {d: by_employee_day[(e, d)] for d in range(problem.timeline.days)}
            for options in days.values():
                if not options:
                    continue
                if not rules.split_shifts:
                    model.AddAtMostOne(var for _, var in options)
                    continue
                day_max = problem.slots(problem.max_day_hours(employee))
                model.Add(sum(int(t.worked[i]) * var for i, var in options) <= day_max)
                for point in sorted({int(t.start[i]) for i, _ in options}):
                    overlapping = [
                        var for i, var in options if t.start[i] <= point < t.end[i] + gap
                    ]
                    if len(overlapping) > 1:
                        model.AddAtMostOne(overlapping)
            for d in range(problem.timeline.days - 1):
                self._rest(e, days[d], days[d + 1], rest)
            week_max = problem.slots(problem.max_week_hours(employee))
            week_max -= problem.booked_worked_slots(employee)
            chosen = [(i, var) for options in days.values() for i, var in options]
            if chosen and sum(int(t.worked[i]) for i, _ in chosen) > week_max:
                model.Add(sum(int(t.worked[i]) * var for i, var in chosen) <= week_max)

    def _rest(self, e, today, tomorrow, rest) -> None:
        """At least ``rest`` slots from a shift of one day to one of the next.

        Shifts ``a`` (today) and ``b`` (tomorrow) clash when ``end(a) + rest > start(b)``.
        For each start ``s`` of tomorrow, the shifts of today ending after ``s - rest`` and
        those of tomorrow starting by ``s`` pairwise clash: one at-most-one per start covers
        every clashing pair, and no other pair.
        """
        if not today or not tomorrow:
            return
        t, model = self.t, self.model
        for point in sorted({int(t.start[i]) for i, _ in tomorrow}):
            late = [var for i, var in today if t.end[i] + rest > point]
            early = [var for i, var in tomorrow if t.start[i] <= point]
            if not late or not early:
                continue
            if not self.problem.rules.split_shifts:
                model.AddAtMostOne(late + early)
                continue
            # two parts of a split day may both be late (or both early) without a clash
            started = model.NewBoolVar(f"early{e}_{point}")
            self.derive(started, [([(1, var)], 0) for var in early], 0, 1)
            for var in early:
                model.AddImplication(var, started)
            model.Add(sum(late) + 2 * started <= 2)

    # -- objective ----------------------------------------------------------------------------

    def _coverage(self, per_template) -> None:
        problem, model, t = self.problem, self.model, self.t
        count = {}
        for (template, row), variables in per_template.items():
            if len(variables) == 1:
                count[(template, row)] = variables[0]
            else:
                var = model.NewIntVar(0, len(variables), f"n{template}_{row}")
                model.Add(var == sum(variables))
                self.derive(var, [([(1, v) for v in variables], 0)], 0, len(variables))
                count[(template, row)] = var
        by_row = defaultdict(list)
        for template, row in count:
            by_row[row].append(template)
        highest = max((int(p.max()) for p in self.pay if len(p)), default=0)
        self.cover_weight = 2 * highest + 1
        self.short_terms = []
        for row in range(len(problem.roles)):
            need = problem.need[row]
            mine = np.array(sorted(by_row.get(row, [])), dtype=np.int64)
            for slot in np.flatnonzero(need > 0):
                covering = mine[t.covers[mine, slot]] if len(mine) else mine
                short = model.NewIntVar(0, int(need[slot]), f"short{row}_{slot}")
                covered = [(-1, count[(int(i), row)]) for i in covering]
                model.Add(sum(count[(int(i), row)] for i in covering) + short >= int(need[slot]))
                self.derive(short, [(covered, int(need[slot]))], 0, int(need[slot]))
                self.short_terms.append(short)

    def _overtime(self, e, employee, chosen, per_slot, booked) -> list:
        """Pay terms of an employee's overtime beyond each template's own daily overtime
        (in its cost), as :func:`boh_core.labour.check.schedule_cost` prices it: the
        day's hours beyond the daily limit over split shifts, and normal-day hours within
        the daily limit beyond the weekly one (less those at other stores)."""
        problem, model, t = self.problem, self.model, self.t
        rules = problem.rules.overtime
        premium = round(per_slot * (rules.overtime_rate - 1.0))
        daily = problem.slots(rules.daily_hours)
        weekly = problem.slots(rules.weekly_hours) - booked
        by_day = defaultdict(list)
        for i, var in chosen:
            if problem.day_multiplier(employee, int(t.day[i])) == 1:
                by_day[int(t.day[i])].append((min(int(t.worked[i]), daily), var))
        terms, shared = [], []
        if problem.rules.split_shifts:  # two parts of a day may add up beyond the limit
            for day, within in by_day.items():
                top = sum(w for w, _ in within) - daily
                if len(within) > 1 and top > 0:
                    extra = model.NewIntVar(0, top, f"dayot{e}_{day}")
                    model.Add(extra >= sum(w * var for w, var in within) - daily)
                    self.derive(extra, [(within, -daily)], 0, top)
                    terms.append((premium, extra))
                    shared.append((-1, extra))
        within = [term for day_terms in by_day.values() for term in day_terms]
        top = sum(w for w, _ in within) - min(0, weekly)  # hours elsewhere beyond the limit
        if top > max(0, weekly):
            overtime = model.NewIntVar(0, top, f"ot{e}")
            model.Add(overtime >= sum(c * var for c, var in within + shared) - weekly)
            self.derive(overtime, [(within + shared, -weekly)], 0, top)
            terms.append((premium, overtime))
        return terms

    def _pay_and_fairness(self, by_employee_day) -> None:
        problem, model, t = self.problem, self.model, self.t
        pay_terms = []
        fairness = []
        hourly = [e.hourly_cost for e in problem.employees if e.jobs] or [0.0]
        fair_weight = max(1, round(float(np.mean(hourly)) * CENTS))
        weekend_load, closing_load = [], []
        for e, employee in enumerate(problem.employees):
            chosen = [
                (i, var) for d in range(problem.timeline.days) for i, var in by_employee_day[(e, d)]
            ]
            if not chosen:
                continue
            per_slot = round(employee.hourly_cost * problem.timeline.slot_minutes / 60.0 * CENTS)
            pay_terms += [(int(self.pay[e][i]), var) for i, var in chosen]
            worked = [(int(t.worked[i]), var) for i, var in chosen]
            booked = problem.booked_worked_slots(employee)
            minimum = problem.slots(employee.min_week_hours) - booked
            if minimum > 0:  # the unworked part of a contract minimum is paid anyway
                short = model.NewIntVar(0, minimum, f"min{e}")
                model.Add(short >= minimum - sum(c * v for c, v in worked))
                self.derive(short, [([(-c, v) for c, v in worked], minimum)], 0, minimum)
                pay_terms.append((per_slot, short))
            pay_terms += self._overtime(e, employee, chosen, per_slot, booked)
            weekend = [var for i, var in chosen if t.weekend[i]]
            closing = [var for i, var in chosen if t.closing[i]]
            if weekend:
                weekend_load.append(([(1, var) for var in weekend], employee.weekend_history))
            if closing:
                closing_load.append(([(1, var) for var in closing], employee.closing_history))
        for name, loads in (("weekend", weekend_load), ("closing", closing_load)):
            if loads:
                top = model.NewIntVar(0, 10_000, f"most_{name}")
                for terms, history in loads:
                    model.Add(top >= sum(var for _, var in terms) + history)
                self.derive(top, loads, 0, 10_000)
                fairness.append(fair_weight * top)
        self.pay_terms = pay_terms
        total_pay = sum(c * v for c, v in pay_terms)
        objective = self.cover_weight * sum(self.short_terms) + total_pay + sum(fairness)
        if problem.budget is not None:
            over = model.NewIntVar(0, 10**12, "over_budget")
            model.Add(over >= total_pay - round(problem.budget * CENTS))
            self.derive(over, [(pay_terms, -round(problem.budget * CENTS))], 0, 10**12)
            objective += over
        model.Minimize(objective)
