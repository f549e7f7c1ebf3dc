from odoo import api, fields, models
from odoo.exceptions import ValidationError


class BohForecastEvent(models.Model):
    """A local event near a store (a fair, a match, a concert): every item of the store is
    forecast knowing it, and learns from the past ones."""

    _name = "boh.forecast.event"
    _description = "Local Event"
    _order = "date_from desc"
    _check_company_auto = True

    name = fields.Char(required=True, translate=True)
    company_id = fields.Many2one(
        "res.company", required=True, index=True, default=lambda self: self.env.company
    )
    warehouse_id = fields.Many2one(
        "stock.warehouse", string="Store", required=True, index=True, check_company=True
    )
    date_from = fields.Date(string="From", required=True, index=True)
    date_to = fields.Date(string="To", required=True, index=True)

    @api.constrains("date_from", "date_to")
    def _check_dates(self):
        for event in self:
            if event.date_to < event.date_from:
                raise ValidationError(
                    self.env._(
                        "Event %(name)s ends (%(end)s) before it starts (%(start)s).",
                        name=event.name,
                        end=event.date_to,
                        start=event.date_from,
                    )
                )
