from odoo import api, fields, models
from odoo.exceptions import ValidationError
from odoo.tools import SQL

from .boh_sensor_reading import execute_racing


class BohSensorThreshold(models.Model):
    """Acceptable range of one metric of one equipment, and how long a breach must last."""

    _name = "boh.sensor.threshold"
    _description = "Sensor Threshold"
    _check_company_auto = True

    equipment_id = fields.Many2one(
        "maintenance.equipment", required=True, ondelete="cascade", index=True
    )
    company_id = fields.Many2one(related="equipment_id.company_id", store=True)
    metric_id = fields.Many2one("boh.sensor.metric", required=True, ondelete="restrict")
    min_value = fields.Float("Minimum")
    has_min = fields.Boolean("Check Minimum")
    max_value = fields.Float("Maximum")
    has_max = fields.Boolean("Check Maximum")
    min_duration_minutes = fields.Float(
        "Minimum Duration (min)",
        default=0.0,
        help="A breach opens a repair request only when it lasts at least this long.",
    )
    last_reading_at = fields.Datetime(
        "Last Reading", readonly=True, help="Time of the latest reading of this metric."
    )

    _sql_constraints = [
        (
            "equipment_metric_uniq",
            "unique(equipment_id, metric_id)",
            "One threshold per equipment and metric.",
        ),
        (
            "duration_positive",
            "CHECK(min_duration_minutes >= 0)",
            "The duration cannot be negative.",
        ),
    ]

    @api.constrains("has_min", "has_max", "min_value", "max_value")
    def _check_range(self):
        for threshold in self:
            if not (threshold.has_min or threshold.has_max):
                raise ValidationError(self.env._("A threshold needs a minimum, a maximum or both."))
            if (
                threshold.has_min
                and threshold.has_max
                and threshold.min_value > threshold.max_value
            ):
                raise ValidationError(
                    self.env._("The minimum of a threshold cannot exceed its maximum.")
                )

    def _as_core(self):
        """``{(short code, metric code): (min, max, minutes)}`` for boh_core.sensors."""
        return {
            (t.equipment_id.boh_short_code, t.metric_id.code): (
                t.min_value if t.has_min else None,
                t.max_value if t.has_max else None,
                t.min_duration_minutes,
            )
            for t in self
        }

    def _mark_tracking(self, at):
        """Note ``at`` as the latest reading of these series, and hold them until commit.

        The row update makes a concurrent push on the same series wait, then fail with a
        serialization error that Odoo answers by running that push again: two pushes
        never follow the episodes of one series at the same time.
        """
        if not self:
            return
        execute_racing(
            self.env,
            SQL(
                """
                UPDATE %(table)s AS threshold
                   SET last_reading_at = GREATEST(threshold.last_reading_at, %(at)s)
                  FROM (SELECT id FROM %(table)s WHERE id = ANY(%(ids)s)
                         ORDER BY id FOR NO KEY UPDATE) AS held
                 WHERE threshold.id = held.id
                """,
                table=SQL.identifier(self._table),
                at=at,
                ids=self.ids,
            ),
        )
        self.invalidate_recordset(["last_reading_at"])
