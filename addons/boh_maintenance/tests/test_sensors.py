import json
from datetime import date

from freezegun import freeze_time

from odoo import Command
from odoo.exceptions import AccessError, UserError
from odoo.tests import new_test_user, tagged

from .common import SensorCase


@tagged("post_install", "-at_install")
class TestSensors(SensorCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.threshold = cls._cold_room_threshold()
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
        self.assertFalse(
            self.env["boh.stock.review"].search([("equipment_id", "=", self.cold_room.id)]),
            "no stock location on this cold room: nothing to review",
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
        lines = self.env["boh.sensor.haccp.day"]._refresh(day, day)
        # other cold units (the living demo's) may log that day too
        lines = lines.filtered(lambda line: line.equipment_id == self.cold_room)
        self.assertEqual(len(lines), 1)
        self.assertEqual(lines.equipment_id, self.cold_room)
        self.assertEqual((lines.min_c, lines.max_c, lines.reading_count), (3.0, 6.0, 3))
        self.assertEqual(lines.out_count, 1)
        self.assertAlmostEqual(lines.minutes_out, 10.0)

    def test_technician_cannot_push(self):
        with self.assertRaises(AccessError):
            self.Reading.with_user(self.tech1).push_readings([])

    @freeze_time("2026-11-25 12:00:00")
    def test_raw_push_kept_with_its_outcome(self):
        batch = [
            self._reading("2026-11-25T10:00:00Z", 3.0),
            self._reading("2026-11-25T10:00:00Z", 3.5),
            self._reading("2026-11-25T10:05:00Z", "warm"),
        ]
        answer = self.Reading.push_readings(batch)
        record = self.env["boh.sensor.batch"].browse(answer["batch"])
        self.assertEqual(json.loads(record.payload), batch)
        self.assertEqual(record.state, "done")
        self.assertEqual(
            (record.reading_count, record.stored_count, record.duplicate_count),
            (3, 1, 1),
        )
        self.assertEqual(record.error_count, 1)
        self.assertEqual(json.loads(record.result)["readings"][2]["status"], "error")

    def test_unreadable_push_kept_as_failed_and_retried(self):
        before = self.env["boh.sensor.batch"].search([])
        # Not assertRaises: it would roll back the batch, which the test cursor shares.
        try:
            self.Reading.push_readings({"equipment": self.code})
            refused = None
        except UserError as error:
            refused = error
        self.assertIn("list", str(refused))
        record = self.env["boh.sensor.batch"].search([]) - before
        self.assertEqual(len(record), 1, "stored although it could not be processed")
        self.assertEqual(record.state, "failed")
        self.assertIn("list", record.error)
        self.assertIn(self.code, record.payload)
        # A batch kept from an earlier failure is processed by a retry.
        with freeze_time("2026-11-25 12:00:00"):
            stored = self.env["boh.sensor.batch"].create(
                {
                    "payload": json.dumps([self._reading("2026-11-25T10:00:00Z", 2.0)]),
                    "state": "failed",
                    "error": "database was down",
                }
            )
            stored.action_retry()
            self.assertEqual(stored.state, "done")
            self.assertFalse(stored.error)
            self.assertEqual(stored.stored_count, 1)
            reading = self.Reading.search([("equipment_id", "=", self.cold_room.id)])
            self.assertEqual(reading.value, 2.0)
            # processed: like every inbox item, only a failed batch is retried
            with self.assertRaisesRegex(UserError, "Only a failed item can be retried"):
                stored.action_retry()
        self.assertEqual(len(self.Reading.search([("equipment_id", "=", self.cold_room.id)])), 1)

    @freeze_time("2026-11-25 12:00:00")
    def test_breach_flags_stock_of_cold_room_for_review(self):
        """Long because it follows one breach from the readings to the stock review, its
        cold-room flag and the manager's acknowledgement, which closes the review."""
        Location = self.env["stock.location"]
        walk_in = Location.create(
            {"name": "Walk-in", "location_id": self.store_a.lot_stock_id.id, "usage": "internal"}
        )
        shelf = Location.create({"name": "Shelf 1", "location_id": walk_in.id})
        self.cold_room.boh_stock_location_id = walk_in
        Product = self.env["product.product"]
        salmon = Product.create({"name": "Salmon", "is_storable": True})
        cream = Product.create({"name": "Cream", "is_storable": True})
        flour = Product.create({"name": "Flour", "is_storable": True})
        Quant = self.env["stock.quant"]
        Quant._update_available_quantity(salmon, walk_in, 10)
        Quant._update_available_quantity(cream, shelf, 4)
        Quant._update_available_quantity(flour, self.store_a.lot_stock_id, 25)
        self.Reading.push_readings(
            [self._reading(f"2026-11-25T10:{m:02d}:00Z", 9.0) for m in (0, 10, 20)]
        )
        review = self.env["boh.stock.review"].search([("equipment_id", "=", self.cold_room.id)])
        self.assertEqual(len(review), 1)
        self.assertEqual(review.state, "to_review")
        self.assertEqual(review.location_id, walk_in)
        self.assertEqual(review.store_id, self.store_a)
        self.assertEqual(review.request_id.boh_source, "sensor")
        self.assertEqual(review.episode_id.request_id, review.request_id)
        lines = {line.product_id: line.quantity for line in review.line_ids}
        self.assertEqual(lines, {salmon: 10.0, cream: 4.0}, "flour is not in the cold room")
        # the store manager's to-do is the breach's cold-room flag, whose evidence is the review
        flag = self.env["boh.flag"].search(
            [("kind", "=", "cold_room"), ("warehouse_id", "=", self.store_a.id)]
        )
        self.assertEqual(len(flag), 1)
        self.assertEqual(flag.warehouse_id, self.store_a)
        self.assertEqual((flag.res_model, flag.res_id), ("boh.stock.review", review.id))
        self.assertEqual(flag.observed, 9.0)
        self.assertEqual(flag.activity_ids.user_id, self.manager_a)
        self.assertFalse(review.activity_ids)
        # The same breach going on flags nothing more.
        self.Reading.push_readings([self._reading("2026-11-25T10:30:00Z", 9.5)])
        self.assertEqual(
            len(self.env["boh.stock.review"].search([("equipment_id", "=", self.cold_room.id)])),
            1,
        )
        self.assertEqual(
            self.env["boh.flag"].search(
                [("kind", "=", "cold_room"), ("warehouse_id", "=", self.store_a.id)]
            ),
            flag,
        )
        # Another store's manager does not see it.
        manager_b = new_test_user(
            self.env,
            "boh_store_manager_b",
            groups="base.group_user,boh_inventory.group_boh_manager",
        )
        manager_b.boh_all_stores = False
        manager_b.boh_warehouse_ids = self.store_b
        Review = self.env["boh.stock.review"].with_user(manager_b)
        self.assertFalse(Review.search([("id", "=", review.id)]))
        self.assertFalse(self.env["boh.flag"].with_user(manager_b).search([("id", "=", flag.id)]))
        # The store manager acknowledges the flag with the HACCP corrective action: the
        # review of their store is closed with that decision.
        wizard = (
            self.env["boh.flag.acknowledge"]
            .with_user(self.manager_a)
            .create({"flag_ids": [Command.set(flag.ids)], "cause": "fixed"})
        )
        with self.assertRaises(UserError):
            wizard.action_confirm()
        wizard.haccp_action = "Salmon thrown away, cream kept (4 C at the core)"
        wizard.action_confirm()
        self.assertEqual(flag.state, "acknowledged")
        self.assertFalse(
            self.env["mail.activity"].search(
                [("res_model", "=", "boh.flag"), ("res_id", "=", flag.id)]
            )
        )
        self.assertEqual(review.state, "reviewed")
        self.assertEqual(review.reviewed_by_id, self.manager_a)
        self.assertIn("Salmon thrown away", review.note)
