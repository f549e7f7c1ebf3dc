from datetime import date

from freezegun import freeze_time

from odoo.exceptions import AccessError
from odoo.tests import TransactionCase, tagged

from .common import make_fixtures


@tagged("post_install", "-at_install")
class TestSensors(TransactionCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        make_fixtures(cls)
        cls.Reading = cls.env["boh.sensor.reading"]
        cls.temperature = cls.env.ref("boh_maintenance.metric_temperature_c")
        cls.env["boh.sensor.threshold"].create(
            {
                "equipment_id": cls.cold_room.id,
                "metric_id": cls.temperature.id,
                "has_min": True,
                "min_value": 0.0,
                "has_max": True,
                "max_value": 5.0,
                "min_duration_minutes": 20,
            }
        )
        cls.code = cls.cold_room.boh_short_code

    def _reading(self, at, value, metric="temperature_c", code=None):
        return {"equipment": code or self.code, "metric": metric, "value": value, "at": at}

    @freeze_time("2026-11-25 12:00:00")
    def test_push_statuses(self):
        batch = [
            self._reading("2026-11-25T19:30:00+08:00", 3.9),
            self._reading("2026-11-25T11:30:00Z", 7.0),  # the same instant: a duplicate
            self._reading("2026-11-25T19:35:00+08:00", "abc", metric="smell"),
            self._reading("2026-11-25T19:40:00+08:00", 4.0, code="ZZ-9999"),
            "not a reading",
        ]
        result = self.Reading.push_readings(batch)["readings"]
        self.assertEqual(
            [r["status"] for r in result], ["stored", "duplicate", "error", "error", "error"]
        )
        self.assertEqual([r["index"] for r in result], [0, 1, 2, 3, 4])
        fields = {error["field"] for error in result[2]["errors"]}
        self.assertEqual(fields, {"metric", "value"})
        stored = self.Reading.search([("equipment_id", "=", self.cold_room.id)])
        self.assertEqual(stored.value, 3.9, "the first value stands")
        again = self.Reading.push_readings(batch[:1])["readings"]
        self.assertEqual(again[0]["status"], "duplicate")

    @freeze_time("2026-11-25 12:00:00")
    def test_breach_episode_opens_one_request(self):
        minutes = [0, 10, 20, 30]
        batch = [self._reading(f"2026-11-25T10:{m:02d}:00Z", 8.0 + m / 10) for m in minutes]
        self.Reading.push_readings(batch[:2])
        requests = self.env["maintenance.request"].search(
            [("equipment_id", "=", self.cold_room.id)]
        )
        self.assertFalse(requests, "10 minutes out of range is below the 20 minute minimum")
        self.Reading.push_readings(batch[2:])
        requests = self.env["maintenance.request"].search(
            [("equipment_id", "=", self.cold_room.id)]
        )
        self.assertEqual(len(requests), 1)
        self.assertEqual(requests.boh_source, "sensor")
        self.assertEqual(requests.user_id, self.tech2, "the refrigeration technician")
        # Still out of range later: the same episode, no second request.
        self.Reading.push_readings([self._reading("2026-11-25T10:40:00Z", 9.0)])
        self.Reading.push_readings([self._reading("2026-11-25T10:50:00Z", 4.0)])
        episode = self.env["boh.sensor.episode"].search([("equipment_id", "=", self.cold_room.id)])
        self.assertEqual(len(episode), 1)
        self.assertEqual(episode.state, "closed")
        self.assertEqual(
            len(self.env["maintenance.request"].search([("equipment_id", "=", self.cold_room.id)])),
            1,
        )

    @freeze_time("2026-11-26 01:00:00")
    def test_haccp_daily_log(self):
        batch = [
            self._reading("2026-11-25T08:00:00Z", 3.0),
            self._reading("2026-11-25T08:10:00Z", 6.0),
            self._reading("2026-11-25T08:20:00Z", 4.0),
        ]
        self.Reading.push_readings(batch)
        day = date(2026, 11, 25)
        lines = self.env["boh.sensor.haccp.day"]._boh_refresh(day, day)
        self.assertEqual(len(lines), 1)
        self.assertEqual(lines.equipment_id, self.cold_room)
        self.assertEqual((lines.min_c, lines.max_c, lines.reading_count), (3.0, 6.0, 3))
        self.assertEqual(lines.out_count, 1)
        self.assertAlmostEqual(lines.minutes_out, 10.0)

    def test_technician_cannot_push(self):
        with self.assertRaises(AccessError):
            self.Reading.with_user(self.tech1).push_readings([])
