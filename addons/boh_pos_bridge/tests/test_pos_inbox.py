"""Sales pushes and the depletion to-do as items of the suite's inbox: state, company,
failed attempts, when they were processed, and the purge of processed payloads."""

import json
from datetime import datetime, timedelta

from odoo.exceptions import ValidationError
from odoo.tests import tagged

from .common import SOURCE, BohPosCase


@tagged("post_install", "-at_install")
class TestSalesInbox(BohPosCase):
    def _pushed_batch(self, *orders):
        """The batch of a push, once its outcome is recorded (after the commit, as the
        feed does: run here by hand, tests never commit)."""
        answer = self.push(*orders)
        self.env.cr.postcommit.run()
        self.env.invalidate_all()
        return self.env["boh.pos.batch"].browse(answer["batch"])

    def test_a_processed_push_records_its_company_and_time(self):
        batch = self._pushed_batch(self.order("I1", [self.line("1", "BURGER")]))
        self.assertEqual((batch.state, batch.company_id), ("done", self.env.company))
        self.assertTrue(batch.processed_date)
        self.assertEqual(json.loads(batch.result)["orders"][0]["status"], "created")
        self.assertEqual(batch.attempt_count, 0)

    def test_a_failed_push_keeps_its_reason_and_counts_its_attempt(self):
        # not assertRaises: it rolls back what the block wrote, the stored push included
        refused = None
        try:
            self.feed.push_sales({"source": SOURCE, "orders": "not a list"})
        except ValidationError as error:
            refused = error
        self.assertIn("orders", str(refused), "a payload without a list of orders is refused")
        batch = self.env["boh.pos.batch"].search([("user_id", "=", self.integrator.id)], limit=1)
        self.assertEqual((batch.state, batch.attempt_count), ("failed", 1))
        self.assertIn("orders", batch.error)
        self.assertFalse(batch.processed_date)

    def test_the_purge_deletes_old_processed_payloads_only(self):
        done = self._pushed_batch(self.order("I2", [self.line("1", "BURGER")]))
        failed = self.env["boh.pos.batch"].create(
            {"source": SOURCE, "state": "failed", "payload": "{}", "error": "x"}
        )
        long_ago = datetime.now() - timedelta(days=120)
        (done | failed).write({"processed_date": long_ago})
        self.env["boh.pos.batch"]._cron_purge_processed()
        self.assertEqual((done.payload, done.result, done.payload_purged), (False, False, True))
        self.assertEqual((done.state, done.order_count), ("done", 1), "what became of it stays")
        self.assertEqual(failed.payload, "{}", "a failed push keeps its payload")

    def test_the_depletion_to_do_belongs_to_its_stores_company(self):
        self.env["ir.config_parameter"].set_param("boh_pos_bridge.depletion_mode", "deferred")
        self.push(self.order("I3", [self.line("1", "BURGER")]))
        todo = self.env["boh.pos.depletion.todo"].search([("warehouse_id", "=", self.store.id)])
        self.assertTrue(todo)
        self.assertEqual(set(todo.mapped("state")), {"received"})
        self.assertEqual(todo.company_id, self.store.company_id)

    def test_a_location_that_is_not_text_is_answered_and_the_push_kept(self):
        order = self.order("I4", [self.line("1", "BURGER")])
        order["location"] = ["TSTH"]
        batch = self._pushed_batch(order)
        self.assertEqual(json.loads(batch.payload)["orders"][0]["location"], ["TSTH"])
        self.assertFalse(batch.warehouse_id)
        answer = json.loads(batch.result)
        self.assertEqual(self.statuses(answer), ["error"])
        self.assertEqual(answer["orders"][0]["errors"][0]["field"], "location")
