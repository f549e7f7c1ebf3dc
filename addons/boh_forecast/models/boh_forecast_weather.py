from odoo import api, fields, models
from odoo.exceptions import ValidationError

from boh_core.forecast.weather import MAX_RAIN_MM, TEMPERATURE_RANGE


class BohForecastWeather(models.Model):
    """A store's weather for one day: from the provider's forecast, an upload, or normals.

    Days past keep the last values known for them, which become the weather history the
    forecast learns from.
    """

    _name = "boh.forecast.weather"
    _description = "Store Weather"
    _order = "date desc, warehouse_id"
    _check_company_auto = True
    _rec_name = "date"

    company_id = fields.Many2one(
        "res.company", required=True, index=True, default=lambda self: self.env.company
    )
    warehouse_id = fields.Many2one(
        "stock.warehouse", string="Store", required=True, index=True, check_company=True
    )
    date = fields.Date(required=True, index=True)
    temperature = fields.Float(string="Temperature (°C)", help="Mean air temperature of the day.")
    rain = fields.Float(string="Rain (mm)", help="Precipitation of the day.")
    source = fields.Selection(
        [("provider", "Weather forecast"), ("upload", "Upload"), ("normals", "Seasonal normals")],
        required=True,
        default="upload",
    )

    _sql_constraints = [
        ("weather_unique", "unique(warehouse_id, date)", "A store has one weather per day."),
    ]

    @api.constrains("temperature", "rain")
    def _check_values(self):
        lo, hi = TEMPERATURE_RANGE
        for day in self:
            if not lo <= day.temperature <= hi:
                raise ValidationError(
                    self.env._(
                        "Temperature %(value)s on %(date)s is outside %(lo)s..%(hi)s °C.",
                        value=day.temperature,
                        date=day.date,
                        lo=lo,
                        hi=hi,
                    )
                )
            if not 0 <= day.rain <= MAX_RAIN_MM:
                raise ValidationError(
                    self.env._(
                        "Rain %(value)s mm on %(date)s is outside 0..%(hi)s mm.",
                        value=day.rain,
                        date=day.date,
                        hi=MAX_RAIN_MM,
                    )
                )

    @api.model
    def _put(self, warehouse, frame, source):
        """Write ``frame`` (``ds``, ``temperature``, ``rain``) for ``warehouse``: one read of
        the days already there, one batched create, writes only where values changed."""
        if frame.empty:
            return
        dates = [d.date() for d in frame["ds"]]
        existing = {
            w.date: w
            for w in self.search([("warehouse_id", "=", warehouse.id), ("date", "in", dates)])
        }
        to_create = []
        for day, temperature, rain in zip(dates, frame["temperature"], frame["rain"], strict=True):
            vals = {"temperature": float(temperature), "rain": float(rain), "source": source}
            record = existing.get(day)
            if record is None:
                to_create.append(
                    dict(
                        vals,
                        company_id=warehouse.company_id.id,
                        warehouse_id=warehouse.id,
                        date=day,
                    )
                )
            elif (record.temperature, record.rain, record.source) != (
                vals["temperature"],
                vals["rain"],
                source,
            ):
                record.write(vals)
        self.create(to_create)
