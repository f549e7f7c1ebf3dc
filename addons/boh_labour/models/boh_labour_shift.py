from datetime import timedelta

import pytz

from odoo import api, fields, models
from odoo.addons.boh_inventory.tools.server_context import switched_on
from odoo.exceptions import UserError, ValidationError


class BohLabourShift(models.Model):
    """One employee's shift at a store, in a job, with its break and why it is there."""

    _name = "boh.labour.shift"
    _inherit = ["mail.thread", "mail.activity.mixin"]
    _description = "Shift"
    _order = "start, warehouse_id, employee_id"
    _check_company_auto = True

    company_id = fields.Many2one(
        "res.company", required=True, index=True, default=lambda self: self.env.company
    )
    warehouse_id = fields.Many2one(
        "stock.warehouse", string="Store", required=True, index=True, check_company=True
    )
    week_id = fields.Many2one("boh.labour.week", index=True, ondelete="cascade", check_company=True)
    employee_id = fields.Many2one(
        "hr.employee", required=True, index=True, check_company=True, tracking=True
    )
    job_id = fields.Many2one("hr.job", required=True, check_company=True)
    start = fields.Datetime(required=True, index=True, tracking=True)
    stop = fields.Datetime(required=True, tracking=True)
    break_start = fields.Datetime()
    break_stop = fields.Datetime()
    worked_hours = fields.Float(
        "Hours", compute="_compute_times", store=True, digits=(16, 2), aggregator="sum"
    )
    is_weekend = fields.Boolean(compute="_compute_times", store=True)
    is_closing = fields.Boolean(
        "Closing Shift", help="Ends when the store closes (for fairness over the weeks)."
    )
    currency_id = fields.Many2one(related="company_id.currency_id")
    cost = fields.Monetary(
        compute="_compute_cost",
        store=True,
        aggregator="sum",
        groups="boh_inventory.group_boh_manager",
        help="Pay for the shift at the day's rate (public holiday, rest day or normal), with "
        "daily overtime premiums and the weekly overtime premium of its hours beyond the "
        "week's limit.",
    )
    state = fields.Selection(
        [("draft", "Draft"), ("published", "Published")],
        default="draft",
        required=True,
        tracking=True,
    )
    reason = fields.Text(help="Why the schedule has this shift.")
    swap_state = fields.Selection(
        [("none", "No Swap"), ("offered", "Offered"), ("taken", "Taken, to Approve")],
        default="none",
        required=True,
        tracking=True,
    )
    swap_employee_id = fields.Many2one(
        "hr.employee", string="Taken By", check_company=True, tracking=True
    )

    # -- computes ---------------------------------------------------------------------------

    @api.depends("start", "stop", "break_start", "break_stop", "warehouse_id")
    def _compute_times(self):
        times = self.warehouse_id._boh_store_time()
        for shift in self:
            if not shift.start or not shift.stop:
                shift.worked_hours, shift.is_weekend = 0.0, False
                continue
            on_break = 0.0
            if shift.break_start and shift.break_stop:
                on_break = (shift.break_stop - shift.break_start).total_seconds() / 3600
            shift.worked_hours = (shift.stop - shift.start).total_seconds() / 3600 - on_break
            tz = times[shift.warehouse_id.id].tz if shift.warehouse_id else "UTC"
            shift.is_weekend = _local(shift.start, tz).weekday() >= 5

    @api.depends(
        "worked_hours",
        "employee_id",
        "start",
        "break_start",
        "break_stop",
        "week_id.shift_ids.worked_hours",
        "week_id.shift_ids.employee_id",
        "week_id.shift_ids.start",
    )
    def _compute_cost(self):
        """The shift's share of its store week's cost, priced by boh_core in one batch per
        week (see ``boh.labour.planner._price_week``)."""
        shares, _totals = self.env["boh.labour.planner"]._shift_costs(self)
        for shift in self:
            shift.cost = shares.get(shift.sudo(), 0.0)

    # -- constraints and CRUD -----------------------------------------------------------------

    @api.constrains("start", "stop", "employee_id", "job_id", "warehouse_id")
    def _check_shift(self):
        for shift in self:
            if shift.stop <= shift.start:
                raise ValidationError(
                    self.env._(
                        "The shift of %(employee)s ends (%(stop)s) before it starts (%(start)s).",
                        employee=shift.employee_id.name,
                        stop=shift.stop,
                        start=shift.start,
                    )
                )
            if shift.stop - shift.start > timedelta(hours=24):
                raise ValidationError(
                    self.env._(
                        "A shift of %(employee)s lasts more than 24 hours.",
                        employee=shift.employee_id.name,
                    )
                )
            if shift.job_id not in shift.employee_id.sudo().boh_schedulable_job_ids:
                raise ValidationError(
                    self.env._(
                        "%(employee)s does not hold the job %(job)s.",
                        employee=shift.employee_id.name,
                        job=shift.job_id.name,
                    )
                )
            if shift.warehouse_id not in shift.employee_id.sudo().boh_warehouse_ids:
                raise ValidationError(
                    self.env._(
                        "%(employee)s does not work at %(store)s.",
                        employee=shift.employee_id.name,
                        store=shift.warehouse_id.name,
                    )
                )

    @api.model_create_multi
    def create(self, vals_list):
        shifts = super().create(vals_list)
        if not switched_on(self.env, "boh_labour_no_break"):
            shifts._place_breaks()
        return shifts

    def write(self, vals):
        result = super().write(vals)
        if {"start", "stop"} & set(vals) and not {"break_start", "break_stop"} & set(vals):
            self._place_breaks()
        return result

    def _place_breaks(self):
        """A break in the middle of each shift long enough to need one (company rules)."""
        for shift in self:
            company = shift.company_id
            length = (shift.stop - shift.start).total_seconds() / 3600
            minutes = company.boh_labour_break_minutes
            needs = minutes and length - minutes / 60 > company.boh_labour_break_after_hours
            if not needs:
                vals = {"break_start": False, "break_stop": False}
            else:
                middle = shift.start + (shift.stop - shift.start - timedelta(minutes=minutes)) / 2
                middle = middle.replace(second=0, microsecond=0)
                middle -= timedelta(minutes=middle.minute % 15)
                vals = {"break_start": middle, "break_stop": middle + timedelta(minutes=minutes)}
            shift.write(vals)  # break fields given: no second placing

    # -- swaps ----------------------------------------------------------------------------------

    def _boh_offer(self, employee):
        """``employee`` offers their own published, future shift for a swap."""
        for shift in self:
            if shift.employee_id != employee or shift.state != "published":
                raise UserError(self.env._("Only your own published shifts can be offered."))
            if shift.start <= fields.Datetime.now():
                raise UserError(self.env._("A shift that has started cannot be offered."))
            if shift.swap_state != "none":
                raise UserError(self.env._("This shift is already offered."))
        self.sudo().write({"swap_state": "offered", "swap_employee_id": False})

    def _boh_take(self, employee):
        """A qualified colleague of the same store takes an offered shift; a manager
        approves it."""
        self.ensure_one()
        if self.swap_state != "offered" or self.employee_id == employee:
            raise UserError(self.env._("This shift is not on offer to you."))
        if self.job_id not in employee.boh_schedulable_job_ids:
            raise UserError(
                self.env._("You do not hold the job %(job)s of this shift.", job=self.job_id.name)
            )
        if self.warehouse_id not in employee.boh_warehouse_ids:
            raise UserError(
                self.env._("You do not work at %(store)s.", store=self.warehouse_id.name)
            )
        self.sudo().write({"swap_state": "taken", "swap_employee_id": employee.id})
        manager = (
            self.env["res.users"]
            .sudo()
            .search(
                [
                    ("boh_warehouse_ids", "in", self.warehouse_id.id),
                    ("groups_id", "in", self.env.ref("boh_inventory.group_boh_manager").id),
                ],
                limit=1,
                order="id",
            )
        )
        if manager:
            self.sudo().activity_schedule(
                "mail.mail_activity_data_todo",
                user_id=manager.id,
                summary=self.env._("Approve a shift swap"),
                note=self.env._(
                    "%(taker)s takes the shift of %(owner)s: %(when)s.",
                    taker=employee.name,
                    owner=self.employee_id.name,
                    when=self._local_label(),
                ),
            )

    def action_approve_swap(self):
        """Give taken shifts to the colleagues who took them."""
        self.check_access("write")
        for shift in self:
            if shift.swap_state != "taken":
                raise UserError(self.env._("Only a taken shift can be approved."))
            taker, owner = shift.swap_employee_id, shift.employee_id
            shift.write({"employee_id": taker.id, "swap_state": "none", "swap_employee_id": False})
            shift.message_post(
                body=self.env._(
                    "Swap approved: %(owner)s to %(taker)s.", owner=owner.name, taker=taker.name
                )
            )
            shift.activity_feedback(["mail.mail_activity_data_todo"])
        return True

    def action_refuse_swap(self):
        self.check_access("write")
        self.write({"swap_state": "none", "swap_employee_id": False})
        self.activity_unlink(["mail.mail_activity_data_todo"])
        return True

    def _local_label(self):
        """``Mon 09/03 10:00-18:00 Cook`` in the store's time."""
        self.ensure_one()
        tz = self.warehouse_id._boh_store_time()[self.warehouse_id.id].tz
        start, stop = _local(self.start, tz), _local(self.stop, tz)
        return f"{start:%a %d/%m %H:%M}-{stop:%H:%M} {self.job_id.name}"


def _local(instant, tz):
    return pytz.utc.localize(instant).astimezone(pytz.timezone(tz)).replace(tzinfo=None)
