from odoo import fields, models


class BohSensorMetric(models.Model):
    """A quantity that sensors report (kept as data so new metrics need no code)."""

    _name = "boh.sensor.metric"
    _description = "Sensor Metric"
    _order = "code"

    code = fields.Char(required=True, help="Name sensors send, e.g. temperature_c.")
    name = fields.Char(required=True, translate=True)
    unit = fields.Char()

    _sql_constraints = [("code_uniq", "unique(code)", "A metric code must be unique.")]
