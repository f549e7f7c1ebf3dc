from odoo import api, fields, models
from odoo.exceptions import ValidationError


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
    boh_forecast_keep_days = fields.Integer(
        string="Keep Past Forecasts (days)",
        default=400,
        help="Past forecasts older than this many days are deleted by the nightly run (the "
        "forecast accuracy is measured on the sales history, not on them). The default keeps "
        "a year for a year-on-year comparison; 0 keeps them for ever.",
    )

    @api.constrains("boh_forecast_keep_days")
    def _check_boh_forecast_keep_days(self):
        for company in self:
            if company.boh_forecast_keep_days < 0:
                raise ValidationError(
                    self.env._(
                        "Keep Past Forecasts (days): %(value)s is not allowed; give 0 (keep "
                        "them for ever) or a number of days.",
                        value=company.boh_forecast_keep_days,
                    )
                )
