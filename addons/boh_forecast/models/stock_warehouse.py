from odoo import api, fields, models
from odoo.exceptions import ValidationError


class StockWarehouse(models.Model):
    _inherit = "stock.warehouse"

    boh_forecast_enabled = fields.Boolean(
        string="Forecast and Suggest Orders",
        default=True,
        help="The nightly forecast covers this location and suggests its purchase orders.",
    )

    boh_opening_hours = fields.Float(
        string="Opening Hours a Day",
        default=12.0,
        help="Hours the store is open on a usual day: a closure of some hours takes that share "
        "of the day's forecast away.",
    )
    boh_weather_source = fields.Selection(
        [
            ("none", "No weather"),
            ("open_meteo", "Weather forecast (Open-Meteo)"),
            ("upload", "Uploaded files only"),
        ],
        string="Weather",
        required=True,
        default="none",
        help="Where the forecast gets this store's weather. Beyond the 16 days a weather "
        "forecast covers, and where an upload stops, seasonal normals from the store's "
        "weather history stand in.",
    )
    boh_latitude = fields.Float(string="Latitude", digits=(8, 4))
    boh_longitude = fields.Float(string="Longitude", digits=(8, 4))
    boh_forecast_note = fields.Text(
        string="Last Forecast Notes",
        readonly=True,
        help="What the last forecast run could not use, and why (weather, open-ended "
        "promotions, overrides on closed days).",
    )

    @api.constrains("boh_opening_hours", "boh_latitude", "boh_longitude")
    def _check_boh_forecast_inputs(self):
        for store in self:
            if not 0 < store.boh_opening_hours <= 24:
                raise ValidationError(
                    self.env._(
                        "Opening hours of %(store)s must be above 0 and at most 24, not %(hours)s.",
                        store=store.name,
                        hours=store.boh_opening_hours,
                    )
                )
            if abs(store.boh_latitude) > 90 or abs(store.boh_longitude) > 180:
                raise ValidationError(
                    self.env._(
                        "Coordinates of %(store)s are out of range (latitude within 90, "
                        "longitude within 180).",
                        store=store.name,
                    )
                )

    def action_boh_run_forecast(self):
        """Open the wizard that runs the forecast for this location now."""
        return self._boh_open_wizard(
            "boh.forecast.run.wizard", "boh_forecast.action_boh_forecast_run_wizard"
        )

    def action_boh_upload_weather(self):
        """Open the wizard that loads a weather CSV for this store."""
        return self._boh_open_wizard(
            "boh.forecast.weather.upload", "boh_forecast.action_boh_forecast_weather_upload"
        )

    def _boh_open_wizard(self, model, xmlid):
        """The action ``xmlid`` opening wizard ``model`` on this store (the user must be able
        to create one)."""
        self.env[model].check_access("create")
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(xmlid)
        action["context"] = {"default_warehouse_id": self.id}
        return action
