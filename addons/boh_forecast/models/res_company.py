from odoo import fields, models


class ResCompany(models.Model):
    _inherit = "res.company"

    boh_forecast_horizon = fields.Integer(
        string="Forecast Horizon (days)",
        default=21,
        help="Days ahead the nightly forecast covers; at least the longest order window.",
    )
    boh_forecast_history_days = fields.Integer(
        string="Forecast History (days)",
        default=365,
        help="Days of sales history the forecast learns from.",
    )
    boh_forecast_service_level = fields.Float(
        string="Service Level %",
        default=95.0,
        help="Chance of not running out before the next delivery; sets the safety stock.",
    )
