"""Who may push what: stores, the reserved Odoo POS source, other integrators' orders,
retries, context switches sent from outside, and answers without internals."""

import json
from unittest.mock import patch

from odoo.exceptions import UserError, ValidationError
from odoo.tests import new_test_user, tagged

from .common import SOURCE, BohPosCase


@tagged("post_install", "-at_install")
class TestFeedTrust(BohPosCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.manager = new_test_user(
            cls.env, login="trust_store_manager", groups="boh_inventory.group_boh_manager"
        )
        cls.manager.boh_warehouse_ids = cls.store
        cls.other_integrator = new_test_user(
            cls.env, login="trust_other_pos", groups="boh_pos_bridge.group_boh_integration"
        )

    def _orders(self, ref):
        return self.env["boh.pos.order"].search([("order_ref", "=", ref)])

    def test_a_store_manager_pushes_only_into_their_stores(self):
        feed = self.env["boh.pos.feed"].with_user(self.manager)
        answer = feed.push_sales(
            {
                "source": SOURCE,
                "orders": [
                    self.order("MINE", [self.line("1", "BURGER")]),
                    self.order("THEIRS", [self.line("1", "BURGER")], location="TSTL"),
                ],
            }
        )
        self.assertEqual(self.statuses(answer), ["created", "error"])
        (error,) = answer["orders"][1]["errors"]
        self.assertEqual(error["field"], "location")
        self.assertIn("'TSTL'", error["message"])
        self.assertFalse(self._orders("THEIRS"))
        self.assertFalse(self.depleted(self.other_store), "nothing depleted in the other store")

    def test_the_odoo_pos_source_is_reserved(self):
        payload = {"source": "odoo-pos", "orders": [self.order("FAKE", [self.line("1", "BURGER")])]}
        with self.assertRaisesRegex(ValidationError, "reserved for Odoo's own point of sale"):
            self.feed.push_sales(payload)
        # a context switch sent with the call changes nothing: RPC carries plain data only
        forged = self.feed.with_context(boh_odoo_pos_feed=True, boh_pos_skip_feed=True)
        with self.assertRaisesRegex(ValidationError, "reserved for Odoo's own point of sale"):
            forged.push_sales(payload)
        self.assertFalse(self._orders("FAKE"))

    def test_one_integrator_cannot_amend_anothers_orders(self):
        self.push(self.order("OWN", [self.line("1", "BURGER")]))
        other = self.env["boh.pos.feed"].with_user(self.other_integrator)
        changed = self.order("OWN", [self.line("1", "BURGER", qty=5)])
        answer = other.push_sales({"source": SOURCE, "orders": [changed]})
        self.assertEqual(self.statuses(answer), ["error"])
        self.assertIn("another integration user", answer["orders"][0]["errors"][0]["message"])
        self.assertEqual(self._orders("OWN").version, 1)
        # the same content is still answered as a duplicate (re-sending is always safe)
        same = other.push_sales(
            {"source": SOURCE, "orders": [self.order("OWN", [self.line("1", "BURGER")])]}
        )
        self.assertEqual(self.statuses(same), ["duplicate"])
        # the owner amends it
        self.assertEqual(self.statuses(self.push(changed)), ["amended"])

    def _failed_batch(self, orders):
        return self.env["boh.pos.batch"].create(
            {
                "source": SOURCE,
                "state": "failed",
                "user_id": self.integrator.id,
                "payload": json.dumps({"source": SOURCE, "orders": orders}),
            }
        )

    def test_retry_never_puts_back_older_content(self):
        old = self._failed_batch([self.order("R1", [self.line("1", "BURGER", qty=1)])])
        self.push(self.order("R1", [self.line("1", "BURGER", qty=3)]))  # a later push
        old.action_retry()
        answer = json.loads(old.result)
        self.assertEqual(self.statuses(answer), ["error"])
        self.assertIn("later push", answer["orders"][0]["errors"][0]["message"])
        self.assertEqual(self._orders("R1").line_ids.qty, 3.0, "the newer content stays")

    def test_only_a_failed_push_is_retried(self):
        batch = self._failed_batch([self.order("R2", [self.line("1", "BURGER")])])
        batch.action_retry()
        self.assertEqual(batch.state, "done")
        with self.assertRaisesRegex(UserError, "only a failed push can be retried"):
            batch.action_retry()

    def test_a_server_problem_is_answered_without_its_internals(self):
        feed_class = type(self.env["boh.pos.feed"])
        real = feed_class._write_batch

        def failing(feed, entries):
            if any(entry.order.order_ref == "BAD" for entry in entries):
                raise RuntimeError('relation "boh_pos_order" violates secret_constraint_xyz')
            return real(feed, entries)

        with patch.object(feed_class, "_write_batch", failing):
            answer = self.push(
                self.order("GOOD", [self.line("1", "BURGER")]),
                self.order("BAD", [self.line("1", "BURGER")]),
            )
        self.assertEqual(self.statuses(answer), ["created", "error"])
        text = json.dumps(answer)
        self.assertNotIn("secret_constraint_xyz", text)
        self.assertNotIn("relation", text)
        self.assertIn("server problem", answer["orders"][1]["errors"][0]["message"])
