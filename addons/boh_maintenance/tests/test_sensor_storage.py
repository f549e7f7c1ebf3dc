import json
import logging
from datetime import datetime, timedelta

from freezegun import freeze_time

from odoo.tests import tagged
from odoo.tools import SQL

from .common import SensorCase

_logger = logging.getLogger(__name__)

#: Upper bound of the space one reading takes, table and indexes together (bytes).
MAX_BYTES_PER_READING = 120


@tagged("post_install", "-at_install")
class TestSensorStorage(SensorCase):
    """Readings are stored compactly, once; the raw push is kept only when needed."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.Batch = cls.env["boh.sensor.batch"]
        cls.code = cls.cold_room.boh_short_code

    def _reading(self, at, value, metric="temperature_c", code=None):
        return {"equipment": code or self.code, "metric": metric, "value": value, "at": at}

    def _table_bytes(self):
        query = SQL("SELECT pg_total_relation_size('boh_sensor_reading')")
        return self.env.execute_query(query)[0][0]

    def test_reading_table_has_only_what_a_reading_needs(self):
        columns = dict(
            self.env.execute_query(
                SQL(
                    "SELECT column_name, udt_name FROM information_schema.columns "
                    "WHERE table_name = 'boh_sensor_reading'"
                )
            )
        )
        self.assertEqual(
            columns,
            {
                "id": "int4",
                "equipment_id": "int4",
                "metric_id": "int4",
                "value": "float4",
                "at": "timestamp",
            },
            "no access log, no copied company: four 4-byte columns and a timestamp",
        )
        indexes = {
            name
            for (name,) in self.env.execute_query(
                SQL("SELECT indexname FROM pg_indexes WHERE tablename = 'boh_sensor_reading'")
            )
        }
        self.assertEqual(indexes, {"boh_sensor_reading_pkey", "boh_sensor_reading_reading_uniq"})

    @freeze_time("2026-11-25 12:00:00")
    def test_bytes_per_reading(self):
        """20,000 readings pushed through the API take less than MAX_BYTES_PER_READING each."""
        codes = [self.cold_room.boh_short_code, self.fryer.boh_short_code, self.oven.boh_short_code]
        metrics = ["temperature_c", "humidity_pct", "power_w", "door_open"]
        start = datetime(2026, 11, 10)
        before_bytes = self._table_bytes()
        before_batches = self.Batch.search_count([])
        stored = 0
        for push in range(4):
            readings = []
            for i in range(push * 5000, (push + 1) * 5000):
                at = start + timedelta(minutes=i // 12)
                readings.append(
                    {
                        "equipment": codes[i % 3],
                        "metric": metrics[(i // 3) % 4],
                        "value": round(2.0 + (i % 50) * 0.1, 1),
                        "at": at.isoformat() + "Z",
                    }
                )
            answer = self.Reading.push_readings(readings)
            self.assertFalse(answer["batch"], "a clean push leaves no raw copy")
            stored += sum(r["status"] == "stored" for r in answer["readings"])
        self.assertEqual(stored, 20000)
        per_reading = (self._table_bytes() - before_bytes) / stored
        _logger.info("Sensor readings take %.1f bytes each (table and indexes)", per_reading)
        self.assertLess(per_reading, MAX_BYTES_PER_READING)
        self.assertEqual(self.Batch.search_count([]), before_batches, "stored once, not twice")

    @freeze_time("2026-11-25 12:00:00")
    def test_values_read_back_as_sent(self):
        self.Reading.push_readings(
            [
                self._reading("2026-11-25T10:00:00Z", 7.9),
                self._reading("2026-11-25T10:01:00Z", -18.35),
                self._reading("2026-11-25T10:02:00Z", 1234.5, metric="power_w"),
            ]
        )
        readings = self.Reading.search([("equipment_id", "=", self.cold_room.id)], order="at")
        self.assertEqual(readings.mapped("value"), [7.9, -18.35, 1234.5])
        frame = self.Reading._series_frame(
            self.cold_room.ids, [self.temperature.id], datetime(2026, 11, 25)
        )
        self.assertEqual(frame["value"].tolist(), [7.9, -18.35])

    @freeze_time("2026-11-25 12:00:00")
    def test_readings_keep_the_company_of_their_equipment(self):
        self.Reading.push_readings([self._reading("2026-11-25T10:00:00Z", 3.0)])
        company = self.cold_room.company_id
        found = self.Reading.search([("company_id", "=", company.id)])
        # other equipment of the company (the living demo's) may have readings too
        self.assertIn(self.cold_room, found.equipment_id)
        self.assertEqual(found.equipment_id.company_id, company)

    @freeze_time("2026-11-25 12:00:00")
    def test_raw_copy_only_for_pushes_with_errors(self):
        before = self.Batch.search([])
        clean = self.Reading.push_readings([self._reading("2026-11-25T10:00:00Z", 3.0)])
        self.assertFalse(clean["batch"])
        again = self.Reading.push_readings([self._reading("2026-11-25T10:00:00Z", 3.0)])
        self.assertEqual(again["readings"][0]["status"], "duplicate")
        self.assertFalse(again["batch"], "duplicates are stored data too: nothing to keep")
        self.assertEqual(self.Batch.search([]), before)
        bad = [self._reading("2026-11-25T10:05:00Z", 3.1), self._reading("noon", 3.2)]
        answer = self.Reading.push_readings(bad)
        kept = self.Batch.browse(answer["batch"])
        self.assertEqual(json.loads(kept.payload), bad)
        self.assertEqual((kept.state, kept.stored_count, kept.error_count), ("done", 1, 1))

    def test_purge_keeps_failed_batches_and_recent_ones(self):
        """The inbox purge deletes the payloads of batches processed long enough ago; what
        became of them stays, and failed ones keep everything until they are retried."""
        old, recent, failed = self.Batch.create(
            [
                {"payload": "[]", "result": "{}", "state": "done"},
                {"payload": "[]", "result": "{}", "state": "done"},
                {"payload": "[]", "state": "failed"},
            ]
        )
        long_ago = datetime.now() - timedelta(days=200)
        (old | failed).write({"processed_date": long_ago})
        recent.processed_date = datetime.now()
        self.Batch._cron_purge_processed()
        self.assertEqual((old.payload, old.result, old.payload_purged), (False, False, True))
        self.assertEqual((old.state, old.exists()), ("done", old))
        self.assertEqual(recent.payload, "[]")
        self.assertEqual(failed.payload, "[]", "a failed push is kept until it is retried")
        self.env["ir.config_parameter"].set_param("boh_inventory.inbox_keep_days", "0")
        recent.processed_date = long_ago
        self.Batch._cron_purge_processed()
        self.assertEqual(recent.payload, "[]", "0 days keeps processed payloads for ever")


@tagged("post_install", "-at_install")
class TestSensorDuplicates(SensorCase):
    """The database decides what is a duplicate, also between concurrent pushes."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.code = cls.cold_room.boh_short_code

    @freeze_time("2026-11-25 12:00:00")
    def test_row_stored_by_another_push_is_answered_duplicate(self):
        # What a concurrent push leaves behind: a row written behind the ORM's back.
        self.env.cr.execute(
            SQL(
                "INSERT INTO boh_sensor_reading (equipment_id, metric_id, at, value) "
                "VALUES (%s, %s, %s, %s)",
                self.cold_room.id,
                self.temperature.id,
                datetime(2026, 11, 25, 10, 0),
                1.5,
            )
        )
        answer = self.Reading.push_readings(
            [
                {"equipment": self.code, "metric": "temperature_c", "value": 9.0,
                 "at": "2026-11-25T18:00:00+08:00"},
                {"equipment": self.code, "metric": "temperature_c", "value": 2.0,
                 "at": "2026-11-25T10:01:00Z"},
            ]
        )  # fmt: skip
        self.assertEqual([r["status"] for r in answer["readings"]], ["duplicate", "stored"])
        self.assertFalse(answer["batch"])
        values = self.Reading.search([("equipment_id", "=", self.cold_room.id)], order="at")
        self.assertEqual(values.mapped("value"), [1.5, 2.0], "the first value stands")

    @freeze_time("2026-11-25 12:00:00")
    def test_duplicates_within_one_push(self):
        reading = {"equipment": self.code, "metric": "temperature_c", "at": "2026-11-25T10:00:00Z"}
        answer = self.Reading.push_readings(
            [dict(reading, value=3.0), dict(reading, value=4.0, at="2026-11-25T18:00:00+08:00")]
        )
        self.assertEqual([r["status"] for r in answer["readings"]], ["stored", "duplicate"])
        self.assertEqual(self.Reading.search([("equipment_id", "=", self.cold_room.id)]).value, 3.0)


@tagged("post_install", "-at_install")
class TestSensorEpisodesOutOfOrder(SensorCase):
    """One breach, one episode, one request: whatever order its readings arrive in."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.threshold = cls._cold_room_threshold()
        cls.code = cls.cold_room.boh_short_code

    def _readings(self, minutes, value=9.0):
        return [
            {
                "equipment": self.code,
                "metric": "temperature_c",
                "value": value,
                "at": f"2026-11-25T10:{minute:02d}:00Z",
            }
            for minute in minutes
        ]

    def _episodes(self):
        return self.env["boh.sensor.episode"].search([("equipment_id", "=", self.cold_room.id)])

    def _requests(self):
        return self.env["maintenance.request"].search(
            [("equipment_id", "=", self.cold_room.id), ("boh_source", "=", "sensor")]
        )

    @freeze_time("2026-11-25 12:00:00")
    def test_readings_in_reverse_order_in_two_pushes_open_one_request(self):
        self.Reading.push_readings(self._readings([50, 40, 30]))
        self.assertEqual(len(self._requests()), 1, "20 minutes out of range")
        first = self._episodes()
        self.assertEqual(first.start, datetime(2026, 11, 25, 10, 30))
        # The earlier part of the same breach arrives late, newest first.
        self.Reading.push_readings(self._readings([20, 10, 0]))
        episode = self._episodes()
        self.assertEqual(episode, first, "extended, not duplicated")
        self.assertEqual(len(self._requests()), 1)
        self.assertEqual(episode.start, datetime(2026, 11, 25, 10, 0))
        self.assertEqual(episode.last_out, datetime(2026, 11, 25, 10, 50))
        self.assertEqual(episode.state, "open")
        self.assertEqual(self.threshold.last_reading_at, datetime(2026, 11, 25, 10, 50))
        self.Reading.push_readings(self._readings([55], value=4.0))
        self.assertEqual((episode.state, episode.end), ("closed", datetime(2026, 11, 25, 10, 55)))

    @freeze_time("2026-11-25 12:00:00")
    def test_one_reading_per_push_newest_first(self):
        for minute in (40, 30, 20, 10, 0):
            self.Reading.push_readings(self._readings([minute]))
        self.assertEqual(len(self._episodes()), 1)
        self.assertEqual(len(self._requests()), 1)
        self.assertEqual(self._episodes().start, datetime(2026, 11, 25, 10, 0))

    @freeze_time("2026-11-25 12:00:00")
    def test_late_in_range_reading_does_not_open_a_second_request(self):
        self.Reading.push_readings(self._readings([0, 10, 20, 30, 40, 50]))
        self.Reading.push_readings(self._readings([25], value=3.0))
        self.assertEqual(len(self._episodes()), 1)
        self.assertEqual(len(self._requests()), 1)
        self.assertEqual(self._episodes().state, "open", "still out of range at 10:50")

    @freeze_time("2026-11-26 12:00:00")
    def test_open_episode_followed_across_a_silent_sensor(self):
        self.Reading.push_readings(self._readings([0, 10, 20, 30]))
        # Two days later (beyond the look-back) the sensor speaks again, still too warm.
        late = self._readings([0])
        late[0]["at"] = "2026-11-26T11:00:00Z"
        self.Reading.push_readings(late)
        self.assertEqual(len(self._episodes()), 1)
        self.assertEqual(self._episodes().last_out, datetime(2026, 11, 26, 11, 0))
        self.assertEqual(len(self._requests()), 1)
