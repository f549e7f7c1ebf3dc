import math
from datetime import datetime, timedelta

from odoo.tests import tagged

from .common import SensorCase

NOW = datetime(2026, 11, 25, 12, 0)


@tagged("post_install", "-at_install")
class TestSensorFlags(SensorCase):
    """The sensor pass: readings to drift and silence flags, one per sensor and kind."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls._cold_room_threshold()
        cls.fryer_threshold = cls.env["boh.sensor.threshold"].create(
            {
                "equipment_id": cls.fryer.id,
                "metric_id": cls.temperature.id,
                "has_max": True,
                "max_value": 5.0,
            }
        )

    def _store(self, machine, values, until):
        """Readings every 5 minutes, the last one at ``until``."""
        rows = {
            (machine.id, self.temperature.id, until - timedelta(minutes=5 * k)): (0, value)
            for k, value in enumerate(reversed(values))
        }
        self.Reading._insert_readings(rows)

    @property
    def machines(self):
        """This test's machines (a demo database has its own, with their own readings)."""
        return self.cold_room | self.fryer

    def _steady(self, hours, level=3.0):
        return [round(level + 0.15 * math.sin(i / 3.0), 2) for i in range(hours * 12)]

    def test_a_drifting_cold_room_and_a_silent_fryer_raise_one_flag_each(self):
        drift = [round(3.0 + 0.45 * i / 12, 2) for i in range(1, 4 * 12 + 1)]  # +1.8 in 4 h
        self._store(self.cold_room, self._steady(72) + drift, NOW)
        self._store(self.fryer, self._steady(24), NOW - timedelta(hours=3))  # then silent
        flags = self.Reading._raise_sensor_flags(now=NOW, machines=self.machines)
        by_kind = {(f.kind, f.res_id or f.evidence_domain): f for f in flags}
        drifting = flags.filtered(lambda f: f.kind == "sensor_drift")
        self.assertEqual(drifting.cause_key, f"sensor_drift:{self.cold_room.id}", by_kind)
        self.assertEqual(drifting.warehouse_id, self.store_a)
        self.assertEqual(drifting.activity_ids.user_id, self.manager_a)
        self.assertEqual(drifting.res_model, "boh.sensor.reading")
        self.assertEqual(drifting.action_open_evidence()["views"][0][1], "graph")
        self.assertIn(self.cold_room.name, drifting.name)
        silent = flags.filtered(lambda f: f.kind == "sensor_silent")
        self.assertEqual(silent.cause_key, f"sensor_silent:{self.fryer.id}")
        # a quarter of an hour later: the same causes, the same flags
        self._store(self.cold_room, [4.9, 5.0, 5.1], NOW + timedelta(minutes=15))
        again = self.Reading._raise_sensor_flags(
            now=NOW + timedelta(minutes=15), machines=self.machines
        )
        self.assertIn(drifting, again)
        self.assertEqual(drifting.seen_count, 2)
        self.assertEqual(
            self.env["boh.flag"].search_count([("cause_key", "=", drifting.cause_key)]), 1
        )

    def test_a_steady_cold_room_raises_nothing(self):
        self._store(self.cold_room, self._steady(80), NOW)
        self._store(self.fryer, self._steady(80, level=2.0), NOW)
        self.assertFalse(self.Reading._raise_sensor_flags(now=NOW, machines=self.machines))
