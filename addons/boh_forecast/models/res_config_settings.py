from odoo import api, fields, models
from odoo.exceptions import ValidationError


class ResConfigSettings(models.TransientModel):
    _inherit = "res.config.settings"

    boh_forecast_horizon = fields.Integer(related="company_id.boh_forecast_horizon", readonly=False)
    boh_forecast_history_days = fields.Integer(
        related="company_id.boh_forecast_history_days", readonly=False
    )
    boh_forecast_service_level = fields.Float(
        related="company_id.boh_forecast_service_level", readonly=False
    )
    boh_forecast_keep_days = fields.Integer(
        related="company_id.boh_forecast_keep_days", readonly=False
    )
    boh_forecast_dask_scheduler = fields.Char(
        string="Dask Scheduler",
        config_parameter="boh_forecast.dask_scheduler",
        help="Address of a Dask scheduler (tcp://host:8786): the nightly run's forecasting "
        "step of each partition runs on its workers. Empty: on the Odoo server. Unreachable: "
        "on the Odoo server, with a note on the partition.",
    )

    @api.constrains(
        "boh_forecast_horizon", "boh_forecast_service_level", "boh_forecast_history_days"
    )
    def _check_boh_forecast_settings(self):
        for settings in self:
            if not 7 <= settings.boh_forecast_horizon <= 90:
                raise ValidationError(self.env._("The forecast horizon must be 7 to 90 days."))
            if not 50 <= settings.boh_forecast_service_level < 100:
                raise ValidationError(
                    self.env._("The service level must be at least 50% and below 100%.")
                )
            if settings.boh_forecast_history_days < 28:
                raise ValidationError(self.env._("Give the forecast at least 28 days of history."))
