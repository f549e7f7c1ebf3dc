"""The baseline: fill the biggest gap with the cheapest available person, until none can be."""

from __future__ import annotations

import numpy as np

from boh_core.labour.problem import Problem, Proposal
from boh_core.labour.templates import Templates, build_templates, costs, eligible


class Assignments:
    """Who works which template so far, with the checks a new shift must pass."""

    def __init__(self, problem: Problem, templates: Templates):
        self.problem = problem
        self.templates = templates
        self.rest = problem.slots(problem.rules.min_rest_hours)
        self.gap = problem.slots(problem.rules.split_gap_hours)
        self.taken: dict[int, list[int]] = {}
        self.week: dict[int, int] = {}
        self.week_max = {
            index: problem.slots(problem.max_week_hours(employee))
            - problem.booked_worked_slots(employee)
            for index, employee in enumerate(problem.employees)
        }
        self.day_max = {
            index: problem.slots(problem.max_day_hours(employee))
            for index, employee in enumerate(problem.employees)
        }

    def compatible(self, employee: int) -> np.ndarray:
        """Templates that ``employee`` could add to what they already work."""
        t = self.templates
        ok = t.worked + self.week.get(employee, 0) <= self.week_max[employee]
        for taken in self.taken.get(employee, ()):
            same_day = t.day == t.day[taken]
            if self.problem.rules.split_shifts:
                parts = sum(1 for other in self.taken[employee] if t.day[other] == t.day[taken])
                day_worked = sum(
                    t.worked[o] for o in self.taken[employee] if t.day[o] == t.day[taken]
                )
                split_ok = (
                    (parts < 2)
                    & (day_worked + t.worked <= self.day_max[employee])
                    & ((t.start >= t.end[taken] + self.gap) | (t.end + self.gap <= t.start[taken]))
                )
            else:
                split_ok = np.zeros(len(t), dtype=bool)
            apart = (t.start >= t.end[taken] + self.rest) | (t.end + self.rest <= t.start[taken])
            ok &= np.where(same_day, split_ok, apart)
        return ok

    def add(self, employee: int, template: int) -> None:
        self.taken.setdefault(employee, []).append(template)
        self.week[employee] = self.week.get(employee, 0) + int(self.templates.worked[template])


def greedy_assign(
    problem: Problem, templates: Templates, allowed: list[np.ndarray], pay: list[np.ndarray]
) -> list[tuple[int, int, int]]:
    """``(employee index, template index, role index)`` chosen by the greedy rule.

    Repeatedly take the role and slot with the biggest gap; among the qualified people who
    can still take a shift covering it, the one cheapest per hour that day; for them, the
    shift covering most of the role's remaining gap (then the cheaper). A gap nobody can
    take is set aside.
    """
    gap = problem.need.copy()
    if not gap.size:
        return []
    blocked = np.zeros_like(gap, dtype=bool)
    covers = templates.covers
    state = Assignments(problem, templates)
    qualified = {
        row: [i for i, e in enumerate(problem.employees) if role in e.jobs]
        for row, role in enumerate(problem.roles)
    }
    per_hour = np.array(
        [
            [e.hourly_cost * problem.day_multiplier(e, d) for d in range(problem.timeline.days)]
            for e in problem.employees
        ]
    ).reshape(len(problem.employees), problem.timeline.days)
    compat = [allowed[e] & state.compatible(e) for e in range(len(problem.employees))]
    chosen = []
    while True:
        open_gap = np.where(blocked, 0, gap)
        row, slot = np.unravel_index(int(np.argmax(open_gap)), gap.shape)
        if open_gap[row, slot] <= 0:
            break
        best = None
        for employee in qualified[row]:
            options = compat[employee] & covers[:, slot]
            if not options.any():
                continue
            day = int(templates.day[np.flatnonzero(options)[0]])
            key = (per_hour[employee, day], employee)
            if best is None or key < best[0]:
                best = (key, employee, options)
        if best is None:
            blocked[row, slot] = True
            continue
        _, employee, options = best
        candidates = np.flatnonzero(options)
        useful = covers[candidates][:, gap[row] > 0].sum(axis=1)
        order = np.lexsort((pay[employee][candidates], -useful))
        template = int(candidates[order[0]])
        chosen.append((employee, template, int(row)))
        state.add(employee, template)
        compat[employee] = allowed[employee] & state.compatible(employee)
        gap[row] -= covers[template]
    return chosen


def greedy_schedule(problem: Problem) -> Proposal:
    """The baseline schedule of ``problem``, as a full proposal."""
    from boh_core.labour.explain import proposal_from

    templates = build_templates(problem)
    allowed = [eligible(problem, templates, e) for e in problem.employees]
    pay = [costs(problem, templates, e) for e in problem.employees]
    chosen = greedy_assign(problem, templates, allowed, pay)
    return proposal_from(problem, templates, allowed, pay, chosen, status="greedy")


def trim(
    problem: Problem,
    templates: Templates,
    allowed: list[np.ndarray],
    pay: list[np.ndarray],
    chosen: list[tuple[int, int, int]],
    passes: int = 3,
) -> list[tuple[int, int, int]]:
    """Shorten or drop shifts that cost more than the need they meet.

    Each shift, dearest first, is replaced by the cheapest shift of the same person, role
    and day that leaves no more of the role's need uncovered (or by none), within the same
    rules, without a closing shift it did not have and without taking the person further
    below their contract minimum than the saving is worth. Repeats until nothing changes.

    Long because it trims every over-staffed shift slot by slot while keeping each hard rule.
    """
    chosen = list(chosen)
    covers = templates.covers
    cover = np.zeros_like(problem.need)
    for _, template, row in chosen:
        cover[row] += covers[template]
    minimum = [problem.slots(e.min_week_hours) for e in problem.employees]
    per_slot = [e.hourly_cost * problem.timeline.slot_minutes / 60.0 for e in problem.employees]
    for _ in range(passes):
        changed = False
        live = [i for i, c in enumerate(chosen) if c is not None]
        order = sorted(live, key=lambda i: -pay[chosen[i][0]][chosen[i][1]])
        for index in order:
            employee, template, row = chosen[index]
            state = Assignments(problem, templates)
            for other, entry in enumerate(chosen):
                if entry is not None and entry[0] == employee and other != index:
                    state.add(employee, entry[1])
            without = cover[row] - covers[template]
            short_now = np.maximum(problem.need[row] - cover[row], 0).sum()
            gaps = problem.need[row] - without
            base = np.maximum(gaps, 0).sum()
            options = (
                allowed[employee]
                & state.compatible(employee)
                & (templates.day == templates.day[template])
                & (templates.closing <= templates.closing[template])
            )
            candidates = np.flatnonzero(options)
            short_after = base - covers[candidates][:, gaps >= 1].sum(axis=1)
            worked_other = state.week.get(employee, 0)
            floor = minimum[employee]
            before = pay[employee][template] + per_slot[employee] * max(
                0, floor - worked_other - templates.worked[template]
            )
            best, best_cost = None, before
            if base <= short_now:  # dropping the shift leaves no more need uncovered
                best, best_cost = -1, per_slot[employee] * max(0, floor - worked_other)
            for candidate, short in zip(candidates, short_after, strict=True):
                if short > short_now:
                    continue
                cost = pay[employee][candidate] + per_slot[employee] * max(
                    0, floor - worked_other - templates.worked[candidate]
                )
                if cost < best_cost - 1e-9:
                    best, best_cost = int(candidate), cost
            if best is None:
                continue
            cover[row] = without
            if best == -1:
                chosen[index] = None
            else:
                cover[row] += covers[best]
                chosen[index] = (employee, best, row)
            changed = True
        if not changed:
            break
    return [c for c in chosen if c is not None]
