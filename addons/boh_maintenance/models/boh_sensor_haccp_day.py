from collections import defaultdict
from datetime import datetime, time, timedelta

import pandas as pd
import pytz

from odoo import api, fields, models

from boh_core.maintenance.sensors import daily_temperature_log

from .boh_sensor_reading import core_readings

TEMPERATURE = "temperature_c"


class BohSensorHaccpDay(models.Model):
    """One line of the HACCP temperature log: an equipment's temperatures over one local day."""

    _name = "boh.sensor.haccp.day"
    _description = "HACCP Temperature Log"
    _order = "day desc, equipment_id"

    equipment_id = fields.Many2one(
        "maintenance.equipment", required=True, ondelete="cascade", index=True
    )
    company_id = fields.Many2one(related="equipment_id.company_id", store=True)
    store_id = fields.Many2one(related="equipment_id.boh_store_id", store=True, string="Store")
    day = fields.Date(required=True, index=True)
    min_c = fields.Float("Min (°C)", digits=(16, 1))
    max_c = fields.Float("Max (°C)", digits=(16, 1))
    mean_c = fields.Float("Mean (°C)", digits=(16, 1))
    reading_count = fields.Integer("Readings")
    out_count = fields.Integer("Out of Range")
    minutes_out = fields.Float("Minutes Out of Range", digits=(16, 0))

    _sql_constraints = [
        ("equipment_day_uniq", "unique(equipment_id, day)", "One log line per equipment and day.")
    ]

    @api.model
    def _boh_tz(self, equipment, store_time=None):
        """The time zone of the store of an equipment (``stock.warehouse._boh_store_time``),
        else its company's; ``store_time`` is that helper's answer when already read."""
        if equipment.boh_store_id:
            store_time = store_time or equipment.boh_store_id._boh_store_time()
            return store_time[equipment.boh_store_id.id].tz
        return equipment.company_id.partner_id.tz or "UTC"

    @api.model
    def _refresh(self, day_from, day_to):
        """Rebuild the log lines of the local days ``day_from`` to ``day_to`` (inclusive)."""
        metric = self.env["boh.sensor.metric"].sudo().search([("code", "=", TEMPERATURE)])
        # A day in any time zone lies within a day either side of the UTC day.
        since = datetime.combine(day_from, time.min) - timedelta(days=1)
        until = datetime.combine(day_to, time.min) + timedelta(days=2)
        # Through the (equipment, metric, at) key: the readings of every equipment that
        # may report, not a scan of all readings of the period.
        Equipment = self.env["maintenance.equipment"].sudo().with_context(active_test=False)
        candidates = Equipment.search([("boh_short_code", "!=", False)])
        readings = self.env["boh.sensor.reading"]._series_frame(
            candidates.ids, metric.ids, since, until
        )
        if readings.empty:
            return self.browse()
        machines = Equipment.browse(readings["equipment_id"].unique().tolist())
        thresholds = (
            self.env["boh.sensor.threshold"]
            .sudo()
            .search([("metric_id", "=", metric.id), ("equipment_id", "in", machines.ids)])
        )
        by_tz = defaultdict(list)
        store_time = machines.boh_store_id._boh_store_time()
        for machine in machines:
            by_tz[self._boh_tz(machine, store_time)].append(machine.boh_short_code)
        equipment = {m.boh_short_code: m.id for m in machines}
        frame = core_readings(readings, {m.id: m.boh_short_code for m in machines}, TEMPERATURE)
        vals_list = []
        for tz, codes in by_tz.items():
            pytz.timezone(tz)  # an unknown zone raises here, not deep in pandas
            log = daily_temperature_log(
                frame.loc[frame["equipment"].isin(codes)],
                tz,
                thresholds._as_core(),
                metric=TEMPERATURE,
            )
            for row in log.itertuples(index=False):
                if not day_from <= row.day <= day_to:
                    continue
                vals_list.append(_log_vals(row, equipment[row.equipment]))
        self.sudo().search(
            [
                ("equipment_id", "in", list(equipment.values())),
                ("day", ">=", day_from),
                ("day", "<=", day_to),
            ]
        ).unlink()
        return self.sudo().create(vals_list)

    @api.model
    def _cron_write_haccp_log(self):
        """Write yesterday's and today's HACCP lines (today's is refreshed as the day goes)."""
        today = fields.Date.context_today(self)
        self._refresh(today - timedelta(days=1), today)


def _log_vals(row, equipment_id):
    """Values of one log line from a row of ``daily_temperature_log``."""
    return {
        "equipment_id": equipment_id,
        "day": row.day,
        "min_c": 0.0 if pd.isna(row.min) else row.min,
        "max_c": 0.0 if pd.isna(row.max) else row.max,
        "mean_c": 0.0 if pd.isna(row.mean) else row.mean,
        "reading_count": int(row.count),
        "out_count": 0 if pd.isna(row.out_count) else int(row.out_count),
        "minutes_out": 0.0 if pd.isna(row.minutes_out) else row.minutes_out,
    }
