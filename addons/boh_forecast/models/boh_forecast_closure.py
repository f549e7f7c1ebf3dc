from odoo import api, fields, models
from odoo.exceptions import ValidationError


class BohForecastClosure(models.Model):
    """A store closed for whole days or some hours (works, a holiday of its own, a private
    party): the forecast is 0 on whole closed days and shrinks with the hours closed."""

    _name = "boh.forecast.closure"
    _description = "Store Closure"
    _order = "date_from desc, warehouse_id"
    _check_company_auto = True

    name = fields.Char(string="Reason", required=True, translate=True)
    company_id = fields.Many2one(
        "res.company", required=True, index=True, default=lambda self: self.env.company
    )
    warehouse_id = fields.Many2one(
        "stock.warehouse", string="Store", required=True, index=True, check_company=True
    )
    date_from = fields.Date(string="From", required=True, index=True)
    date_to = fields.Date(string="To", required=True, index=True)
    closed_hours = fields.Float(
        help="Hours of each day the store is closed; 0 closes the whole day.", default=0.0
    )
    whole_day = fields.Boolean(compute="_compute_whole_day", store=True)

    @api.depends("closed_hours")
    def _compute_whole_day(self):
        for closure in self:
            closure.whole_day = closure.closed_hours <= 0

    @api.constrains("date_from", "date_to", "closed_hours")
    def _check_dates_and_hours(self):
        for closure in self:
            if closure.date_to < closure.date_from:
                raise ValidationError(
                    self.env._(
                        "Closure %(name)s ends (%(end)s) before it starts (%(start)s).",
                        name=closure.name,
                        end=closure.date_to,
                        start=closure.date_from,
                    )
                )
            if closure.closed_hours < 0 or closure.closed_hours > 24:
                raise ValidationError(
                    self.env._(
                        "Closed hours of %(name)s must be from 0 to 24, not %(hours)s.",
                        name=closure.name,
                        hours=closure.closed_hours,
                    )
                )
