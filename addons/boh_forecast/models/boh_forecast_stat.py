from odoo import fields, models


class BohForecast(models.Model):
    _inherit = "boh.forecast"

    qty_stat = fields.Float(
        string="Statistical Forecast",
        digits="Product Unit of Measure",
        aggregator="sum",
        help="The model's forecast; differs from Forecast where a manager overrode it.",
    )
    overridden = fields.Boolean(help="A manager's override replaced the statistical forecast.")
    cold_start = fields.Float(
        string="From Similar Items %",
        help="Share of the forecast taken from similar items (a new item with little history).",
    )
