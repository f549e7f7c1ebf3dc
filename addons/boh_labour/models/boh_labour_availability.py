from odoo import api, fields, models
from odoo.exceptions import ValidationError

from .hr_employee import WEEKDAYS


class BohLabourAvailability(models.Model):
    """When an employee can (or, one-off, cannot) work. Employees submit their own."""

    _name = "boh.labour.availability"
    _description = "Employee Availability"
    _order = "employee_id, kind, weekday, date, hour_from"
    _check_company_auto = True

    company_id = fields.Many2one(
        "res.company", required=True, index=True, default=lambda self: self.env.company
    )
    employee_id = fields.Many2one(
        "hr.employee", required=True, index=True, ondelete="cascade", check_company=True
    )
    kind = fields.Selection(
        [("recurring", "Every Week"), ("one_off", "One Day")], required=True, default="recurring"
    )
    weekday = fields.Selection(WEEKDAYS)
    date = fields.Date()
    hour_from = fields.Float("From", required=True, default=9.0)
    hour_to = fields.Float("To", required=True, default=17.0)
    available = fields.Boolean(
        default=True, help="One day only: unticked means they cannot work then."
    )
    note = fields.Char()

    @api.constrains("kind", "weekday", "date", "hour_from", "hour_to")
    def _check_span(self):
        for line in self:
            if not 0 <= line.hour_from < line.hour_to <= 24:
                raise ValidationError(
                    self.env._(
                        "Availability from %(start)s to %(end)s is not a span within a day.",
                        start=line.hour_from,
                        end=line.hour_to,
                    )
                )
            if line.kind == "recurring" and not line.weekday:
                raise ValidationError(self.env._("Weekly availability needs a weekday."))
            if line.kind == "one_off" and not line.date:
                raise ValidationError(self.env._("One-day availability needs a date."))

    @api.depends("employee_id", "kind", "weekday", "date", "hour_from", "hour_to")
    def _compute_display_name(self):
        days = dict(self._fields["weekday"]._description_selection(self.env))
        for line in self:
            when = days.get(line.weekday) if line.kind == "recurring" else str(line.date or "")
            line.display_name = (
                f"{line.employee_id.name}: {when} {line.hour_from:05.2f}-{line.hour_to:05.2f}"
            )
