"""Reads what a week's schedule needs in batches, calls boh_core.labour once, writes back."""

from collections import defaultdict
from datetime import datetime, time, timedelta

import numpy as np
import pytz

from odoo import api, fields, models
from odoo.addons.boh_inventory.tools.server_context import server_switches
from odoo.exceptions import UserError

from boh_core.labour import (
    Employee,
    MinorRules,
    OvertimeRules,
    Problem,
    RoleStandard,
    Rules,
    Shift,
    Timeline,
    cost_shares,
    priced,
    schedule_cost,
    slot_need,
    solve,
)
from boh_core.labour.demand import open_slots
from boh_core.labour.templates import day_spans

PROFILE_DAYS = 56


class BohLabourPlanner(models.AbstractModel):
    _name = "boh.labour.planner"
    _description = "Staff Schedule Planner"

    # -- reading ------------------------------------------------------------------------------

    @api.model
    def _rules(self, company):
        """The company's scheduling rules as boh_core ``Rules``."""
        c = company
        return Rules(
            min_shift_hours=c.boh_labour_min_shift_hours,
            max_shift_hours=max(c.boh_labour_max_shift_hours, c.boh_labour_min_shift_hours),
            max_day_hours=c.boh_labour_max_day_hours,
            max_week_hours=c.boh_labour_max_week_hours,
            min_rest_hours=c.boh_labour_min_rest_hours,
            break_after_hours=c.boh_labour_break_after_hours,
            break_minutes=c.boh_labour_break_minutes,
            break_paid=c.boh_labour_break_paid,
            split_shifts=c.boh_labour_split_shifts,
            overtime=OvertimeRules(
                daily_hours=c.boh_labour_ot_daily_hours,
                weekly_hours=c.boh_labour_ot_weekly_hours,
                overtime_rate=c.boh_labour_ot_rate / 100.0,
                rest_day_rate=c.boh_labour_rest_day_rate / 100.0,
                holiday_rate=c.boh_labour_holiday_rate / 100.0,
            ),
            minors=MinorRules(
                max_day_hours=c.boh_labour_minor_day_hours,
                max_week_hours=c.boh_labour_minor_week_hours,
            ),
        )

    @api.model
    def _standards(self, store):
        """``{job: standard}`` of a store: its own standards, else the company-wide ones."""
        standards = self.env["boh.labour.standard"].search(
            [
                ("company_id", "=", store.company_id.id),
                ("job_id", "!=", False),
                "|",
                ("warehouse_id", "=", False),
                ("warehouse_id", "=", store.id),
            ],
            order="warehouse_id desc, id",  # store-specific first
        )
        result = {}
        for standard in standards:
            result.setdefault(standard.job_id, standard)
        return result

    @api.model
    def _demand(self, store, timeline, standards, opening):
        """Open slots, need per job and slot, and forecast sales of the week."""
        start, end = timeline.start, timeline.day(timeline.days)
        hourly = self.env["boh.sales.fact"]._read_group(
            [
                ("warehouse_id", "=", store.id),
                ("date", ">=", start - timedelta(days=PROFILE_DAYS)),
                ("date", "<", start),
            ],
            ["hour"],
            ["revenue:sum", "covers:sum"],
        )
        by_driver = {"sales": {}, "covers": {}}
        for hour, revenue, covers in hourly:
            by_driver["sales"][hour or 0] = revenue or 0.0
            by_driver["covers"][hour or 0] = float(covers or 0)
        forecast = self.env["boh.forecast"]._read_group(
            [("warehouse_id", "=", store.id), ("date", ">=", start), ("date", "<", end)],
            ["date:day", "kind"],
            ["sales:sum", "qty:sum"],
        )
        daily = {"sales": defaultdict(float), "covers": defaultdict(float)}
        for day, kind, sales, qty in forecast:
            if kind == "covers":
                daily["covers"][day] += qty or 0.0
            else:
                daily["sales"][day] += sales or 0.0
        roles = [
            RoleStandard(job.id, standard.per_hour, max(0, standard.min_staff))
            for job, standard in standards.items()
        ]
        profiles = {job.id: by_driver[s.driver] for job, s in standards.items()}
        drivers = {
            (job.id, day): amount
            for job, s in standards.items()
            for day, amount in daily[s.driver].items()
        }
        mask = open_slots(timeline, opening, profiles)
        need = slot_need(timeline, roles, drivers, profiles, mask)
        return mask, need, sum(daily["sales"].values())

    @api.model
    def _holidays(self, store, calendar, timeline):
        """Local dates of the week that are public holidays at ``store``: Odoo's public
        holidays (time off of no one, ``resource.calendar.leaves`` without a resource) of
        the store's company, for every calendar or the store's own."""
        start = timeline.utc(0)
        end = timeline.utc(timeline.n_slots)
        leaves = (
            self.env["resource.calendar.leaves"]
            .sudo()
            .search(
                [
                    ("resource_id", "=", False),
                    ("calendar_id", "in", [calendar.id, False] if calendar else [False]),
                    ("company_id", "in", [store.company_id.id, False]),
                    ("date_from", "<", end),
                    ("date_to", ">", start),
                ]
            )
        )
        zone = pytz.timezone(timeline.tz)
        days = set()
        for leave in leaves:
            first = pytz.utc.localize(leave.date_from).astimezone(zone).date()
            last = pytz.utc.localize(leave.date_to - timedelta(seconds=1)).astimezone(zone).date()
            while first <= last:
                days.add(first)
                first += timedelta(days=1)
        return days

    @api.model
    def _employees(self, store, timeline, jobs):
        """boh_core ``Employee`` of everyone who works at the store, read in batches.

        Long because it reads every employee's jobs, contract, availability, time off and wages
        for the store in one batch and turns them into the solver's plain data."""
        staff = (
            self.env["hr.employee"]
            .sudo()
            .search(
                [("boh_warehouse_ids", "in", store.id), ("company_id", "=", store.company_id.id)]
            )
        )
        if not staff:
            return staff, []
        start, end = timeline.utc(0), timeline.utc(timeline.n_slots)
        lines = (
            self.env["boh.labour.availability"].sudo().search([("employee_id", "in", staff.ids)])
        )
        leaves = (
            self.env["hr.leave"]
            .sudo()
            .search(
                [
                    ("employee_id", "in", staff.ids),
                    ("state", "=", "validate"),
                    ("date_from", "<", end),
                    ("date_to", ">", start),
                ]
            )
        )
        Shift = self.env["boh.labour.shift"].sudo()
        elsewhere = Shift.search(
            [
                ("employee_id", "in", staff.ids),
                ("warehouse_id", "!=", store.id),
                ("start", "<", end + timedelta(days=1)),
                ("stop", ">", start - timedelta(days=1)),
            ]
        )
        history = {}
        for flag in ("is_weekend", "is_closing"):
            rows = Shift._read_group(
                [
                    ("employee_id", "in", staff.ids),
                    ("state", "=", "published"),
                    (flag, "=", True),
                    ("start", ">=", start - timedelta(days=28)),
                    ("start", "<", start),
                ],
                ["employee_id"],
                ["__count"],
            )
            history[flag] = {employee.id: count for employee, count in rows}
        by_employee = defaultdict(lambda: defaultdict(list))
        for line in lines:
            minutes = (round(line.hour_from * 60), round(line.hour_to * 60))
            if line.kind == "recurring":
                by_employee[line.employee_id.id]["recurring"].append((int(line.weekday), *minutes))
            else:
                by_employee[line.employee_id.id]["one_off"].append(
                    (line.date, *minutes, line.available)
                )
        for leave in leaves:
            by_employee[leave.employee_id.id]["time_off"].append((leave.date_from, leave.date_to))
        for shift in elsewhere:
            by_employee[shift.employee_id.id]["booked"].append((shift.start, shift.stop))
        result = []
        for employee in staff:
            mine = by_employee[employee.id]
            result.append(
                Employee(
                    id=employee.id,
                    name=employee.name,
                    jobs=frozenset(employee.boh_schedulable_job_ids.ids) & set(jobs),
                    hourly_cost=employee.hourly_cost or 0.0,
                    min_week_hours=employee.boh_min_week_hours or 0.0,
                    max_week_hours=employee.boh_max_week_hours or None,
                    minor=employee.boh_minor,
                    recurring=tuple(mine["recurring"]),
                    one_off=tuple(mine["one_off"]),
                    time_off=tuple(mine["time_off"]),
                    booked=tuple(mine["booked"]),
                    rest_weekdays=frozenset(
                        {int(employee.boh_rest_weekday)} if employee.boh_rest_weekday else ()
                    ),
                    weekend_history=history["is_weekend"].get(employee.id, 0),
                    closing_history=history["is_closing"].get(employee.id, 0),
                )
            )
        return staff, result

    @api.model
    def _problem(self, week):
        """The boh_core ``Problem`` of a week's schedule, and the forecast sales behind it."""
        store = week.warehouse_id.sudo()
        store_time = store._boh_store_time()[store.id]
        timeline = Timeline(week.week_start, store_time.tz)
        opening = store_time.hours.shifts if store_time.calendar else None
        standards = self._standards(store)
        mask, need, sales = self._demand(store, timeline, standards, opening)
        jobs = [job.id for job in standards]
        _staff, employees = self._employees(store, timeline, jobs)
        company = store.company_id
        problem = Problem(
            timeline=timeline,
            roles=jobs,
            need=need,
            open_mask=mask,
            employees=employees,
            rules=self._rules(company),
            budget=sales * company.boh_labour_budget_pct / 100.0 if sales else None,
            holidays=self._holidays(store, store_time.calendar, timeline),
        )
        return problem, sales

    # -- costing ------------------------------------------------------------------------------

    @api.model
    def _shift_costs(self, shifts):
        """``({shift: share}, {(store, monday): cost})``: the cost of every store week that
        ``shifts`` fall in (by their local start), as the solver prices a proposal, and
        each shift's share of it (see :meth:`_price_week`)."""
        shifts = shifts.sudo()
        times = shifts.warehouse_id._boh_store_time()
        groups = defaultdict(lambda: self.env["boh.labour.shift"].sudo())
        for shift in shifts:
            if shift.start and shift.stop and shift.warehouse_id and shift.employee_id:
                zone = pytz.timezone(times[shift.warehouse_id.id].tz)
                local = pytz.utc.localize(shift.start).astimezone(zone).date()
                groups[(shift.warehouse_id, local - timedelta(days=local.weekday()))] |= shift
        shares, totals = {}, {}
        for (store, monday), mine in groups.items():
            week_shares, totals[(store, monday)] = self._price_week(store, monday, mine)
            shares.update(week_shares)
        return shares, totals

    @api.model
    def _price_week(self, store, monday, extra=None):
        """``({shift: share}, cost)`` of a store's week (the shifts starting in it, and
        ``extra`` ones not saved yet), read in one batch and priced by boh_core: each hour
        at the day's rate (holiday, rest day or normal) with daily overtime, plus weekly
        overtime beyond the company's limit (hours at other stores count towards it), as
        ``check.schedule_cost`` prices the solver's proposal. A shift's share is its own pay
        plus the weekly overtime premium of its hours past the limit, in time order."""
        store = store.sudo()
        store_time = store._boh_store_time()[store.id]
        timeline = Timeline(monday, store_time.tz)
        start, end = timeline.utc(0), timeline.utc(timeline.n_slots)
        Shift_ = self.env["boh.labour.shift"].sudo()
        mine = Shift_.search(
            [("warehouse_id", "=", store.id), ("start", ">=", start), ("start", "<", end)]
        )
        if extra:  # unsaved edits (a form) replace the stored shift they come from
            mine = (mine - extra._origin) | extra.sudo().filtered(
                lambda s: s.start and s.stop and s.employee_id
            )
        staff = mine.employee_id
        booked = defaultdict(list)
        if staff:
            elsewhere = Shift_.search_read(
                [
                    ("employee_id", "in", staff.ids),
                    ("warehouse_id", "!=", store.id),
                    ("start", "<", end),
                    ("stop", ">", start),
                ],
                ["employee_id", "start", "stop"],
                load=None,
            )
            for row in elsewhere:
                booked[row["employee_id"]].append((row["start"], row["stop"]))
        employees = [
            Employee(
                id=employee.id,
                name=employee.name,
                hourly_cost=employee.hourly_cost or 0.0,
                booked=tuple(booked[employee.id]),
                rest_weekdays=frozenset(
                    {int(employee.boh_rest_weekday)} if employee.boh_rest_weekday else ()
                ),
            )
            for employee in staff
        ]
        problem = Problem(
            timeline=timeline,
            roles=(),
            need=np.zeros((0, timeline.n_slots), dtype=np.int64),
            open_mask=np.zeros(timeline.n_slots, dtype=bool),
            employees=employees,
            rules=self._rules(store.company_id),
            holidays=self._holidays(store, store_time.calendar, timeline),
        )
        shifts = priced(problem, [self._core_shift(timeline, shift) for shift in mine])
        shares = cost_shares(problem, shifts)
        return dict(zip(mine, shares, strict=True)), schedule_cost(problem, shifts)

    @api.model
    def _core_shift(self, timeline, shift):
        """A shift as boh_core's ``Shift`` on the week's slots (start rounded down, end and
        break end up)."""
        has_break = shift.break_start and shift.break_stop
        return Shift(
            employee=shift.employee_id.id,
            role=shift.job_id.id,
            start=timeline.slot_at(shift.start),
            end=timeline.slot_ceil(shift.stop),
            break_start=timeline.slot_at(shift.break_start) if has_break else 0,
            break_end=timeline.slot_ceil(shift.break_stop) if has_break else 0,
        )

    # -- solving and writing ------------------------------------------------------------------

    @api.model
    def _propose(self, week, time_limit=None, deterministic=False):
        """Solve ``week`` and replace its draft shifts and gaps with the proposal."""
        problem, sales = self._problem(week)
        limit = time_limit or week.company_id.boh_labour_solve_seconds or 10
        proposal = solve(problem, time_limit=limit, deterministic=deterministic, seed=week.id)
        self._write(week, problem, proposal, sales)
        return proposal

    @api.model
    def _write(self, week, problem, proposal, sales):
        timeline = problem.timeline
        Shift = self.env["boh.labour.shift"].sudo()
        week.sudo().shift_ids.filtered(lambda s: s.state == "draft").unlink()
        week.sudo().gap_ids.unlink()
        names = {e.id: e.name for e in problem.employees}
        closing = {span[1] for span in day_spans(problem) if span}
        jobs = {job.id: job.name for job in self.env["hr.job"].browse(problem.roles)}
        Shift.with_context(**server_switches("boh_labour_no_break")).create(
            [
                {
                    "company_id": week.company_id.id,
                    "warehouse_id": week.warehouse_id.id,
                    "week_id": week.id,
                    "employee_id": shift.employee,
                    "job_id": shift.role,
                    "start": timeline.utc(shift.start),
                    "stop": timeline.utc(shift.end),
                    "break_start": timeline.utc(shift.break_start) if shift.break_slots else False,
                    "break_stop": timeline.utc(shift.break_end) if shift.break_slots else False,
                    "reason": self._reason(shift.reason, jobs, names),
                    "is_closing": shift.end in closing,
                }
                for shift in proposal.shifts
            ]
        )
        self.env["boh.labour.gap"].sudo().create(
            [
                {
                    "week_id": week.id,
                    "job_id": gap.role,
                    "start": timeline.utc(gap.start),
                    "stop": timeline.utc(gap.end),
                    "missing": gap.missing,
                    "person_hours": problem.hours(gap.slot_count),
                    "reason": gap.reason,
                }
                for gap in proposal.uncovered
            ]
        )
        need = {str(job): problem.need[row].tolist() for row, job in enumerate(problem.roles)}
        week.sudo().write(
            {
                "forecast_sales": sales,
                "budget": problem.budget or 0.0,
                "coverage_pct": proposal.coverage_pct,
                "overstaffed_hours": proposal.overstaffed_hours,
                "solver_status": proposal.status,
                "solved_at": fields.Datetime.now(),
                "need_json": need,
                "notes": "\n".join(self._note(n, names) for n in proposal.notes) or False,
            }
        )

    def _reason(self, reason, jobs, names):
        code = reason.get("code")
        if code == "cover":
            return self.env._(
                "Covers the %(job)s need from %(start)s to %(end)s: %(hours)s h where this "
                "person is needed, up to %(peak)s people at once.",
                job=jobs.get(reason["role"], ""),
                start=reason["from"].strftime("%a %H:%M"),
                end=reason["to"].strftime("%H:%M"),
                hours=reason["needed_hours"],
                peak=reason["peak"],
            )
        if code == "minimum":
            return self.env._(
                "Keeps the employee at their contract minimum of %(hours)s h a week.",
                hours=reason["hours"],
            )
        return self.env._("Over the need: no shorter shift was allowed here.")

    def _note(self, note, names):
        code = note["code"]
        if code == "closed":
            return self.env._(
                "The store has no opening hours and no sales by hour: nothing to schedule."
            )
        if code == "no_job":
            return self.env._(
                "%(employee)s holds none of the jobs this store schedules.",
                employee=names.get(note["employee"], ""),
            )
        if code == "below_minimum":
            return self.env._(
                "%(employee)s gets %(hours)s h, below their contract minimum of %(minimum)s h.",
                employee=names.get(note["employee"], ""),
                hours=note["hours"],
                minimum=note["minimum"],
            )
        return self.env._(
            "The schedule costs %(cost)s, over the labour budget of %(budget)s.",
            cost=note["cost"],
            budget=round(note["budget"], 2),
        )

    @api.model
    def _local_span(self, week, day_index, start_text, stop_text):
        """UTC start and stop of local ``HH:MM`` times on a day of ``week`` (a stop at or
        before the start is on the next day)."""
        tz = week.warehouse_id._boh_store_time()[week.warehouse_id.id].tz
        zone = pytz.timezone(tz)
        day = week.week_start + timedelta(days=day_index)

        def at(text, base, name):
            try:
                hours, minutes = (int(part) for part in str(text).split(":"))
                if not (0 <= hours <= 24 and 0 <= minutes < 60):
                    raise ValueError
            except ValueError:
                raise UserError(
                    self.env._(
                        "%(field)s: %(value)r is not a time of day (HH:MM).",
                        field=name,
                        value=text,
                    )
                ) from None
            local = datetime.combine(base, time()) + timedelta(hours=hours, minutes=minutes)
            return zone.localize(local).astimezone(pytz.utc).replace(tzinfo=None)

        start = at(start_text, day, self.env._("Start"))
        stop = at(stop_text, day, self.env._("End"))
        if stop <= start:
            stop = at(stop_text, day + timedelta(days=1), self.env._("End"))
        return start, stop
