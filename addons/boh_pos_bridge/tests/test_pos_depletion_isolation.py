from datetime import timedelta

from odoo.exceptions import AccessError, UserError
from odoo.tests import new_test_user, tagged

from .common import BohPosCase

LOGGER = "odoo.addons.boh_pos_bridge.models.boh_pos_feed_depletion"


@tagged("post_install", "-at_install")
class TestDepletionFailureIsolation(BohPosCase):
    """One store-day whose depletion cannot post (a serial-tracked ingredient: Odoo wants a
    serial number on every move line) fails alone, visibly, and posts once fixed."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.day2 = cls.day - timedelta(days=1)
        cls.Todo = cls.env["boh.pos.depletion.todo"].sudo()
        cls.manager = new_test_user(
            cls.env,
            login="test_boh_depletion_mgr",
            groups="boh_inventory.group_boh_manager",
            boh_all_stores=True,
        )
        cls.manager.boh_all_stores = False
        cls.manager.boh_warehouse_ids = cls.store | cls.other_store
        cls.cook = new_test_user(
            cls.env,
            login="test_boh_depletion_cook",
            groups="boh_inventory.group_boh_user",
            boh_all_stores=True,
        )
        cls.cook.boh_all_stores = False
        cls.cook.boh_warehouse_ids = cls.store | cls.other_store

    def taken(self, warehouse, day):
        """Net quantity the sales moves of one store and business day took out of stock."""
        return {
            product: qty
            for product, qty in self.env["stock.move"]._read_group(
                [
                    ("boh_warehouse_id", "=", warehouse.id),
                    ("boh_business_date", "=", day),
                    ("state", "=", "done"),
                ],
                ["product_id"],
                ["boh_depletion_qty:sum"],
            )
        }

    def rows(self, state):
        return self.Todo.search(
            [("warehouse_id", "in", (self.store | self.other_store).ids), ("state", "=", state)]
        )

    def push_four_store_days(self):
        """Pizzas (no serial-tracked ingredient) at both stores on both days, except the hill
        store's first day, which sells burgers (beef)."""
        answer = self.push(
            self.order("G1", [self.line("1", "PIZZA", 2)]),
            self.order("G2", [self.line("1", "PIZZA", 1)], day=self.day2),
            self.order("B1", [self.line("1", "BURGER", 2)], location="TSTL"),
            self.order("G3", [self.line("1", "PIZZA", 1)], location="TSTL", day=self.day2),
        )
        self.assertEqual(self.statuses(answer), ["created"] * 4)

    def assert_good_days_posted(self):
        # 250 g of dough per pizza, 600 g of flour per kg of dough; 100 g of cheese
        self.assertAlmostEqual(self.taken(self.store, self.day)[self.flour], 0.3, places=6)
        self.assertAlmostEqual(self.taken(self.store, self.day2)[self.flour], 0.15, places=6)
        self.assertAlmostEqual(self.taken(self.other_store, self.day2)[self.cheese], 0.1, places=6)

    def test_deferred_bad_store_day_fails_alone_and_posts_after_the_fix(self):
        self.env["ir.config_parameter"].sudo().set_param(
            "boh_pos_bridge.depletion_mode", "deferred"
        )
        self.beef.tracking = "serial"
        self.push_four_store_days()
        feed = self.env["boh.pos.feed"]
        with self.assertLogs(LOGGER, "WARNING") as logs:
            feed._cron_post_depletion(quiet_seconds=0)
        self.assertIn("could not be posted", logs.output[0])
        self.assert_good_days_posted()
        self.assertFalse(self.taken(self.other_store, self.day), "nothing half-posted")
        failed = self.rows("failed")
        self.assertEqual(
            [(todo.warehouse_id, todo.date) for todo in failed], [(self.other_store, self.day)]
        )
        self.assertIn("Test Beef", failed.error)
        self.assertEqual(failed.attempt_count, 1)
        self.assertFalse(self.rows("received"), "every store-day was taken off the queue")

        # the next cron run tries it again, alone: still failing, counted, nothing else moves
        moves_before = self.env["stock.move"].search_count([])
        with self.assertLogs(LOGGER, "WARNING"):
            feed._cron_post_depletion(quiet_seconds=0)
        self.assertEqual(self.rows("failed"), failed)
        self.assertEqual(failed.attempt_count, 2)
        self.assertEqual(self.env["stock.move"].search_count([]), moves_before)

        # a new push for the failed store-day queues it again; the cron keeps one failed row
        self.push(self.order("B2", [self.line("1", "BURGER", 1)], location="TSTL"))
        with self.assertLogs(LOGGER, "WARNING"):
            feed._cron_post_depletion(quiet_seconds=0)
        self.assertEqual(self.rows("failed"), failed)
        self.assertEqual(failed.attempt_count, 3)
        self.assertFalse(self.rows("received"))

        # kitchen staff may not retry; the store manager may, once the data is fixed
        with self.assertRaises(AccessError):
            failed.with_user(self.cook).action_retry()
        self.beef.tracking = "none"
        failed.with_user(self.manager).action_retry()
        self.assertEqual(failed.state, "done")
        self.assertIn("Test Beef", failed.error, "the reason stays as the record of it")
        taken = self.taken(self.other_store, self.day)
        self.assertAlmostEqual(taken[self.beef], 3 * 0.15, places=6)
        self.assertAlmostEqual(taken[self.bun], 3.0, places=6)
        self.assert_good_days_posted()
        with self.assertRaises(UserError):
            failed.with_user(self.manager).action_retry()
        # posted once: the next cron run has nothing to do
        moves_before = self.env["stock.move"].search_count([])
        feed._cron_post_depletion(quiet_seconds=0)
        self.assertEqual(self.env["stock.move"].search_count([]), moves_before)

    def test_immediate_mode_keeps_the_push_and_the_other_store_days(self):
        self.beef.tracking = "serial"
        with self.assertLogs(LOGGER, "WARNING"):
            self.push_four_store_days()
        self.assert_good_days_posted()
        failed = self.rows("failed")
        self.assertEqual(
            [(todo.warehouse_id, todo.date) for todo in failed], [(self.other_store, self.day)]
        )
        self.assertIn("Test Beef", failed.error)
        # the hourly cron posts it once it can
        self.beef.tracking = "none"
        self.env["boh.pos.feed"]._cron_post_depletion(quiet_seconds=0)
        self.assertEqual(failed.state, "done")
        self.assertAlmostEqual(self.taken(self.other_store, self.day)[self.beef], 0.3, places=6)
        self.assertFalse(self.rows("failed"))

    def test_count_approval_tries_the_failed_days_it_covers(self):
        self.env["ir.config_parameter"].sudo().set_param(
            "boh_pos_bridge.depletion_mode", "deferred"
        )
        self.beef.tracking = "serial"
        self.push_four_store_days()
        with self.assertLogs(LOGGER, "WARNING"):
            self.env["boh.pos.feed"]._cron_post_depletion(quiet_seconds=0)
        failed = self.rows("failed")
        self.beef.tracking = "none"
        # what a count's approval runs first for the counted store, up to its day
        self.env["boh.pos.feed"].sudo()._post_queued_depletion_until(
            {self.other_store.id: self.day}
        )
        self.assertEqual(failed.state, "done")
        self.assertAlmostEqual(self.taken(self.other_store, self.day)[self.bun], 2.0, places=6)
