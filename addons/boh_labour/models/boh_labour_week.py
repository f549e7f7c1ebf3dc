from datetime import timedelta

import numpy as np
from markupsafe import Markup

from odoo import api, fields, models
from odoo.addons.boh_inventory.tools.core_messages import translate_core_error
from odoo.exceptions import UserError, ValidationError

from boh_core.errors import BohError
from boh_core.labour import Timeline


class BohLabourWeek(models.Model):
    """A store's schedule for one week: the proposal, its gaps and its figures."""

    _name = "boh.labour.week"
    _inherit = ["mail.thread"]
    _description = "Weekly Staff Schedule"
    _order = "week_start desc, warehouse_id"
    _check_company_auto = True

    name = fields.Char(compute="_compute_name", store=True)
    company_id = fields.Many2one(
        "res.company", required=True, index=True, default=lambda self: self.env.company
    )
    warehouse_id = fields.Many2one(
        "stock.warehouse", string="Store", required=True, index=True, check_company=True
    )
    week_start = fields.Date("Week Of", required=True, index=True, help="The Monday.")
    state = fields.Selection(
        [("draft", "Draft"), ("published", "Published")],
        default="draft",
        required=True,
        tracking=True,
    )
    shift_ids = fields.One2many("boh.labour.shift", "week_id", string="Shifts")
    gap_ids = fields.One2many("boh.labour.gap", "week_id", string="Not Covered")
    currency_id = fields.Many2one(related="company_id.currency_id")
    forecast_sales = fields.Monetary(readonly=True)
    budget = fields.Monetary(
        "Labour Budget", readonly=True, groups="boh_inventory.group_boh_manager"
    )
    cost = fields.Monetary(
        "Labour Cost",
        compute="_compute_cost",
        groups="boh_inventory.group_boh_manager",
        help="What the week's shifts cost, as the scheduler prices its proposal: public "
        "holiday and rest-day rates, daily and weekly overtime premiums, unpaid breaks left "
        "out.",
    )
    coverage_pct = fields.Float("Coverage %", readonly=True, digits=(16, 1))
    overstaffed_hours = fields.Float("Over-staffed (h)", readonly=True, digits=(16, 1))
    solver_status = fields.Char(readonly=True)
    solved_at = fields.Datetime(readonly=True)
    notes = fields.Text(readonly=True)
    need_json = fields.Json(readonly=True)
    shift_count = fields.Integer(compute="_compute_shift_count")

    _sql_constraints = [
        ("store_week_uniq", "unique(warehouse_id, week_start)", "One schedule per store and week.")
    ]

    @api.depends("warehouse_id.name", "week_start")
    def _compute_name(self):
        for week in self:
            week.name = f"{week.warehouse_id.name or ''} {week.week_start or ''}".strip()

    @api.depends("shift_ids.cost", "shift_ids.start", "shift_ids.stop", "shift_ids.employee_id")
    def _compute_cost(self):
        """What the week's shifts cost, as boh_core prices the solver's proposal (public
        holidays, rest days, daily and weekly overtime), computed afresh."""
        for week in self:
            week.cost = week._price()[1]

    def _price(self):
        """``({shift: share}, cost)`` of this week's shifts (see the planner's
        ``_price_week``)."""
        self.ensure_one()
        if not self.warehouse_id or not self.week_start:
            return {}, 0.0
        return self.env["boh.labour.planner"]._price_week(self.warehouse_id, self.week_start)

    def _compute_shift_count(self):
        counts = dict(
            self.env["boh.labour.shift"]._read_group(
                [("week_id", "in", self.ids)], ["week_id"], ["__count"]
            )
        )
        for week in self:
            week.shift_count = counts.get(week, 0)

    @api.constrains("week_start")
    def _check_monday(self):
        for week in self:
            if week.week_start.weekday() != 0:
                raise ValidationError(
                    self.env._(
                        "A schedule week starts on a Monday, not on %(day)s.", day=week.week_start
                    )
                )

    # -- actions ---------------------------------------------------------------------------

    def action_propose(self):
        """Solve these weeks again (draft shifts are replaced; published ones stay)."""
        self.check_access("write")
        for week in self:
            if week.state == "published":
                raise UserError(
                    self.env._(
                        "The schedule %(week)s is published; set it back to draft first.",
                        week=week.name,
                    )
                )
            try:
                self.env["boh.labour.planner"]._propose(week)
            except BohError as error:
                raise UserError(translate_core_error(self.env, error)) from error
        return True

    def action_draft(self):
        self.check_access("write")
        self.write({"state": "draft"})
        return True

    def action_publish(self):
        """Publish the draft shifts and tell each employee concerned."""
        self.check_access("write")
        for week in self:
            fresh = week.shift_ids.filtered(lambda s: s.state == "draft")
            fresh.write({"state": "published"})
            week.state = "published"
            week._notify_employees(fresh)
        return True

    def action_open_grid(self):
        """Open this week's grid (employees x days, coverage against need)."""
        self.check_access("read")
        self.ensure_one()
        return {
            "type": "ir.actions.client",
            "tag": "boh_labour.week_grid",
            "name": self.name,
            "params": {"week_id": self.id},
        }

    @api.model
    def action_propose_next_week(self, warehouse_ids=None):
        """Create (or refresh) next week's draft schedule of the given stores, or of all
        stores with staff; returns their list."""
        self.check_access("write")
        stores = self.env["stock.warehouse"].browse(warehouse_ids) if warehouse_ids else None
        weeks = self._next_weeks(stores)
        weeks.filtered(lambda w: w.state == "draft").action_propose()
        return {
            "type": "ir.actions.act_window",
            "res_model": "boh.labour.week",
            "view_mode": "list,form",
            "domain": [("id", "in", weeks.ids)],
            "name": self.env._("Next Week's Schedules"),
        }

    # -- business ---------------------------------------------------------------------------

    @api.model
    def _next_weeks(self, stores=None):
        """The week records of next Monday (in each store's own time) for ``stores``."""
        if stores is None:
            staff = self.env["hr.employee"].search([("boh_warehouse_ids", "!=", False)])
            stores = staff.boh_warehouse_ids
        stores = stores.filtered(lambda s: s.company_id in self.env.companies)
        if not self.env.su:  # a manager proposes for their own stores (the cron for all)
            stores = stores.browse((stores.sudo() & self.env.user._boh_store_scope()).ids)
        times = stores._boh_store_time()
        wanted = {}
        for store in stores:
            today = times[store.id].today
            wanted[store] = today + timedelta(days=7 - today.weekday())
        existing = self.search(
            [("warehouse_id", "in", stores.ids), ("week_start", "in", list(set(wanted.values())))]
        )
        have = {(w.warehouse_id, w.week_start) for w in existing}
        missing = [
            {"warehouse_id": s.id, "company_id": s.company_id.id, "week_start": monday}
            for s, monday in wanted.items()
            if (s, monday) not in have
        ]
        return existing | self.create(missing)

    def _notify_employees(self, shifts):
        """One message per employee with their newly published shifts: in Discuss for those
        with a user, by email for the others."""
        self.ensure_one()
        by_employee = {}
        for shift in shifts.sorted("start"):
            by_employee.setdefault(shift.employee_id, self.env["boh.labour.shift"])
            by_employee[shift.employee_id] |= shift
        for employee, mine in by_employee.items():
            partner = employee.user_id.partner_id or employee.work_contact_id
            if not partner:
                continue
            lines = Markup("").join(Markup("<li>%s</li>") % s._local_label() for s in mine)
            self.message_notify(
                partner_ids=partner.ids,
                subject=self.env._("Your shifts at %(store)s", store=self.warehouse_id.name),
                body=Markup("<p>%s</p><ul>%s</ul>") % (self.env._("Your published shifts:"), lines),
                email_layout_xmlid="mail.mail_notification_light",
            )

    def _timeline(self):
        self.ensure_one()
        tz = self.warehouse_id._boh_store_time()[self.warehouse_id.id].tz
        return Timeline(self.week_start, tz)

    def grid_data(self):
        """Everything the week grid shows: days, employees, shifts, need and coverage per
        job and slot, cost against budget (costs for managers only).

        Long because it answers the week grid in one call: employees, shifts, coverage per role
        and slot, and cost against budget."""
        self.check_access("read")
        self.ensure_one()
        timeline = self._timeline()
        manager = self.env.user.has_group("boh_inventory.group_boh_manager")
        # names and jobs only, of this store's staff: kitchen users see the schedule too
        staff = (
            self.env["hr.employee"]
            .sudo()
            .search([("boh_warehouse_ids", "in", self.warehouse_id.id)])
        )
        shifts = self.shift_ids.sorted("start")
        shares, cost = self._price() if manager else ({}, None)
        jobs = staff.boh_schedulable_job_ids | shifts.job_id
        need = {int(k): v for k, v in (self.need_json or {}).items()}
        for job_id in need:
            jobs |= self.env["hr.job"].browse(job_id)
        cover = {job.id: np.zeros(timeline.n_slots, dtype=int) for job in jobs}
        rows = []
        for shift in shifts:
            first = max(0, timeline.slot_at(shift.start))
            last = min(timeline.n_slots, timeline.slot_ceil(shift.stop))
            cover[shift.job_id.id][first:last] += 1
            if shift.break_start and shift.break_stop:
                cover[shift.job_id.id][
                    timeline.slot_at(shift.break_start) : timeline.slot_ceil(shift.break_stop)
                ] -= 1
            local_start, local_stop = timeline.local(first), timeline.local(last)
            rows.append(
                {
                    "id": shift.id,
                    "employee_id": shift.employee_id.id,
                    "job_id": shift.job_id.id,
                    "job": shift.job_id.name,
                    "day": int(timeline.slot_day[min(first, timeline.n_slots - 1)]),
                    "start": local_start.strftime("%H:%M"),
                    "stop": local_stop.strftime("%H:%M"),
                    "state": shift.state,
                    "swap": shift.swap_state,
                    "reason": shift.reason or "",
                    "cost": shares.get(shift, 0.0) if manager else None,
                }
            )
        days = []
        for index, (first, last) in enumerate(timeline.day_bounds):
            day = timeline.day(index)
            strips = []
            for job in jobs:
                want = need.get(job.id, [0] * timeline.n_slots)[first:last]
                have = cover[job.id][first:last].tolist()
                strips.append({"job_id": job.id, "job": job.name, "need": want, "cover": have})
            days.append(
                {
                    "index": index,
                    "date": day.isoformat(),
                    "label": day.strftime("%a %d/%m"),
                    "slots": [timeline.local(s).strftime("%H:%M") for s in range(first, last)],
                    "strips": strips,
                }
            )
        needed = sum(sum(v) for v in need.values())
        covered = sum(
            int(np.minimum(cover[j], np.array(v)).sum()) for j, v in need.items() if j in cover
        )
        return {
            "week": {
                "id": self.id,
                "name": self.name,
                "state": self.state,
                "store": self.warehouse_id.name,
                "manager": manager,
                "currency": self.currency_id.symbol,
            },
            "days": days,
            "jobs": [{"id": job.id, "name": job.name} for job in jobs],
            "employees": [
                {"id": e.id, "name": e.name, "jobs": e.boh_schedulable_job_ids.ids} for e in staff
            ],
            "shifts": rows,
            "coverage_pct": round(100.0 * covered / needed, 1) if needed else 100.0,
            "cost": round(cost, 2) if manager else None,
            "budget": round(self.sudo().budget, 2) if manager else None,
            "gaps": [
                {
                    "job": gap.job_id.name,
                    "when": gap._local_label(),
                    "missing": gap.missing,
                    "reason": dict(gap._fields["reason"]._description_selection(self.env)).get(
                        gap.reason
                    ),
                }
                for gap in self.gap_ids
            ],
        }

    def grid_save_shift(self, values):
        """Create or change one shift from the grid (``HH:MM`` local times on a day of the
        week), then give back the grid's data."""
        self.check_access("write")
        self.ensure_one()
        start, stop = self.env["boh.labour.planner"]._local_span(
            self, int(values["day"]), values["start"], values["stop"]
        )
        vals = {
            "employee_id": int(values["employee_id"]),
            "job_id": int(values["job_id"]),
            "start": start,
            "stop": stop,
            "state": "draft",
        }
        if values.get("id"):
            shift = self.shift_ids.filtered(lambda s: s.id == int(values["id"]))
            if not shift:
                raise UserError(
                    self.env._("This shift is not in the week %(week)s.", week=self.name)
                )
            shift.write(vals)
        else:
            self.env["boh.labour.shift"].create(
                dict(
                    vals,
                    week_id=self.id,
                    warehouse_id=self.warehouse_id.id,
                    company_id=self.company_id.id,
                    reason=self.env._("Added by %(user)s.", user=self.env.user.name),
                )
            )
        if self.state == "published":
            self.state = "draft"
        return self.grid_data()

    def grid_delete_shift(self, shift_id):
        """Remove one shift from the grid and give back the grid's data."""
        self.check_access("write")
        self.ensure_one()
        self.shift_ids.filtered(lambda s: s.id == int(shift_id)).unlink()
        return self.grid_data()

    # -- cron ---------------------------------------------------------------------------------

    @api.model
    def _cron_propose_next_week(self):
        """Propose next week's schedule of one store not yet solved today; the cron runner
        commits it and calls again while stores remain (each takes up to its time limit)."""
        weeks = self._next_weeks().filtered(lambda w: w.state == "draft")
        today = fields.Datetime.now() - timedelta(hours=20)
        todo = weeks.filtered(lambda w: not w.solved_at or w.solved_at < today)
        if todo:
            self.env["boh.labour.planner"]._propose(todo[0])
        self.env["ir.cron"]._notify_progress(done=1 if todo else 0, remaining=len(todo) - 1)

    @api.model
    def _cron_publish_due(self):
        """Publish the proposed draft schedules whose week starts within the company's
        days ahead (in each store's own time), telling each employee; weeks already begun
        and companies that publish by hand (0 days) are left alone."""
        weeks = self.search([("state", "=", "draft"), ("solved_at", "!=", False)])
        weeks = weeks.filtered(lambda w: w.company_id.boh_labour_publish_days > 0)
        times = weeks.warehouse_id._boh_store_time()
        due = weeks.filtered(
            lambda w: (
                0
                <= (w.week_start - times[w.warehouse_id.id].today).days
                <= w.company_id.boh_labour_publish_days
            )
        )
        due.action_publish()
        return due

    @api.model
    def _boh_demo_weeks(self, warehouse_ids):
        """Demo: last week solved, published and attended (one late, one absent), and next
        week proposed, for the given stores."""
        stores = self.env["stock.warehouse"].browse(warehouse_ids)
        times = stores._boh_store_time()
        for store in stores:
            today = times[store.id].today
            this_monday = today - timedelta(days=today.weekday())
            past = self.create(
                {
                    "warehouse_id": store.id,
                    "company_id": store.company_id.id,
                    "week_start": this_monday - timedelta(days=7),
                }
            )
            self.env["boh.labour.planner"]._propose(past, time_limit=3, deterministic=True)
            past.action_publish()
            attendance = []
            for index, shift in enumerate(past.shift_ids.sorted("start")):
                if index == 3:
                    continue  # absent
                late = timedelta(minutes=17 if index == 5 else (index * 7) % 5)
                attendance.append(
                    {
                        "employee_id": shift.employee_id.id,
                        "check_in": shift.start + late,
                        "check_out": shift.stop + timedelta(minutes=(index * 11) % 20),
                    }
                )
            self.env["hr.attendance"].create(attendance)
            upcoming = self._next_weeks(store)
            self.env["boh.labour.planner"]._propose(upcoming, time_limit=3, deterministic=True)
