"""The sensor pass of the exceptions issue: drift, door pattern, silence and stuck values of
the temperature sensors, every quarter of an hour, as flags (``boh.flag``)."""

from datetime import timedelta

import numpy as np
import pandas as pd

from odoo import api, fields, models

from boh_core.exceptions import detect_sensors

#: The readings the detectors read back: the reference days before the part to judge.
WINDOW = timedelta(hours=78)
#: Kinds whose score is a robust z: a false alarm's widened band raises their bar.
Z_KINDS = ("sensor_drift", "sensor_door")


class BohSensorReading(models.Model):
    _inherit = "boh.sensor.reading"  # pylint: disable=consider-merging-classes-inherited

    @api.model
    def _cron_raise_sensor_flags(self):
        """Run the sensor detectors on every temperature sensor with a threshold."""
        self._raise_sensor_flags()

    @api.model
    def _raise_sensor_flags(self, now=None, machines=None):
        """Flag the drifting, door-warmed, silent and stuck temperature sensors.

        A sensor is an equipment's temperature series; its limit is its threshold's maximum
        (drift and door are judged only against one). Door openings (the ``door_open``
        metric) mark the temperature reading that follows them. Times stay naive UTC.
        ``machines`` limits the pass to that equipment. Returns the flags raised or updated.
        """
        now = now or fields.Datetime.now()
        temperature = self.env.ref("boh_maintenance.metric_temperature_c")
        thresholds = (
            self.env["boh.sensor.threshold"].sudo().search([("metric_id", "=", temperature.id)])
        )
        if not thresholds:
            return self.env["boh.flag"]
        limits = {t.equipment_id.id: t.max_value for t in thresholds if t.has_max}
        machines = thresholds.equipment_id
        readings = self._sensor_frame(machines, temperature, now)
        if readings.empty:
            return self.env["boh.flag"]
        Flag = self.env["boh.flag"]
        settings = Flag._detector_settings("sensor_drift")
        findings = detect_sensors(now, readings, limits, settings=settings)
        findings = self._without_widened(findings, settings.z)
        return self._raise_sensor_findings(findings, machines, temperature)

    @api.model
    def _sensor_frame(self, machines, temperature, now):
        """Readings as ``detect_sensors`` reads them: ``sensor`` (equipment id), ``at``,
        ``temperature``, ``door_open`` (an opening since the sensor's previous reading)."""
        door = self.env.ref("boh_maintenance.metric_door_open")
        frame = self._series_frame(machines.ids, [temperature.id, door.id], now - WINDOW, now)
        temps = frame[frame["metric_id"] == temperature.id]
        readings = pd.DataFrame(
            {
                "sensor": temps["equipment_id"].to_numpy(),
                "at": pd.to_datetime(temps["at"]).to_numpy(),
                "temperature": temps["value"].astype(float).to_numpy(),
                "door_open": False,
            }
        )
        openings = frame[(frame["metric_id"] == door.id) & (frame["value"] > 0)]
        for sensor, opened in openings.groupby("equipment_id"):
            rows = np.flatnonzero(readings["sensor"].to_numpy() == sensor)
            if not len(rows):
                continue
            times = readings["at"].to_numpy()[rows]
            after = np.searchsorted(times, pd.to_datetime(opened["at"]).to_numpy())
            after = after[after < len(rows)]
            readings.loc[rows[after], "door_open"] = True
        return readings

    @api.model
    def _without_widened(self, findings, z):
        """Leave out the drift and door findings below their series' widened bar (a false
        alarm widens it: ``boh.flag.band``)."""
        Band = self.env["boh.flag.band"]
        kept = []
        for kind in {f.kind for f in findings}:
            of_kind = [f for f in findings if f.kind == kind]
            if kind not in Z_KINDS:
                kept.extend(of_kind)
                continue
            scales = Band._scales(kind, [f.key for f in of_kind])
            kept.extend(f for f in of_kind if abs(f.score) >= z * scales[f.key])
        return kept

    @api.model
    def _raise_sensor_findings(self, findings, machines, temperature):
        """The sensor findings as flags, each opening its sensor's temperature graph."""
        by_id = {machine.id: machine for machine in machines}
        kinds = dict(self.env["boh.flag"]._fields["kind"]._description_selection(self.env))
        stores, evidence, labels = {}, {}, {}
        for finding in findings:
            machine = by_id[finding.key[0]]
            stores[finding.key] = machine.boh_store_id.id
            evidence[finding.key] = {
                "res_model": "boh.sensor.reading",
                "domain": [["equipment_id", "=", machine.id], ["metric_id", "=", temperature.id]],
                "view": "graph",
            }
            labels[finding.kind, finding.key] = (
                self.env._(
                    "%(kind)s: %(equipment)s", kind=kinds[finding.kind], equipment=machine.name
                ),
                machine.boh_store_id.name or machine.location or "",
            )
        # several kinds share a key: one call per kind keeps each dict's keys unique
        flags = self.env["boh.flag"]
        for kind in {f.kind for f in findings}:
            flags |= flags._raise_findings(
                [f for f in findings if f.kind == kind],
                stores=stores,
                evidence=evidence,
                labels={f.key: labels[kind, f.key] for f in findings if f.kind == kind},
            )
        return flags
