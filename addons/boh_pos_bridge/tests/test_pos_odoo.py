"""Odoo's own POS feeds the same pipeline: a real session, orders synced as the POS UI does."""

import uuid
from datetime import datetime
from unittest.mock import patch

from odoo import Command, fields
from odoo.addons.boh_inventory.tools.server_context import server_switches
from odoo.exceptions import ValidationError
from odoo.tests import tagged

from .common import BohPosCase


@tagged("post_install", "-at_install")
class TestOdooPosFeed(BohPosCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        if not cls.company.chart_template:
            cls.env["account.chart.template"].try_loading(
                "generic_coa", cls.company, install_demo=False
            )
        cash_journal = cls.env["account.journal"].create(
            {"name": "BOH Test Cash", "type": "cash", "code": "BTCS", "company_id": cls.company.id}
        )
        cls.cash = cls.env["pos.payment.method"].create(
            {"name": "BOH Test Cash", "journal_id": cash_journal.id, "company_id": cls.company.id}
        )
        cls.config = cls.env["pos.config"].create(
            {
                "name": "BOH Test Register",
                "warehouse_id": cls.store.id,
                "picking_type_id": cls.store.pos_type_id.id,
                "payment_method_ids": [Command.set(cls.cash.ids)],
            }
        )
        # a bottled drink: storable, no recipe; Odoo's own picking moves it
        cls.cola = cls.env["product.product"].create(
            {
                "name": "Test Bottled Cola",
                "is_storable": True,
                "available_in_pos": True,
                "list_price": 3.0,
                "taxes_id": [Command.clear()],
            }
        )
        cls.ingredients = cls.beef | cls.bun | cls.cheese | cls.tomato | cls.oil
        cls.ingredients |= cls.flour | cls.egg

    def setUp(self):
        super().setUp()
        self.config.open_ui()
        self.session = self.config.current_session_id
        self.session.set_opening_control(0, None)

    def ui_order(self, lines):
        """The dictionary the POS UI sends for a paid order (prices tax included)."""
        ref = str(uuid.uuid4())
        order_lines = []
        total = 0.0
        for product, qty in lines:
            price = product.lst_price
            total += price * qty
            order_lines.append(
                Command.create(
                    {
                        "product_id": product.id,
                        "qty": qty,
                        "price_unit": price,
                        "price_subtotal": price * qty,
                        "price_subtotal_incl": price * qty,
                        "tax_ids": [Command.set([])],
                        "pack_lot_ids": [],
                    }
                )
            )
        return {
            "amount_paid": total,
            "amount_return": 0,
            "amount_tax": 0,
            "amount_total": total,
            "date_order": fields.Datetime.to_string(fields.Datetime.now()),
            "name": f"Order {ref}",
            "lines": order_lines,
            "partner_id": False,
            "session_id": self.session.id,
            "sequence_number": 2,
            "payment_ids": [
                Command.create(
                    {
                        "amount": total,
                        "name": fields.Datetime.now(),
                        "payment_method_id": self.cash.id,
                    }
                )
            ],
            "uuid": ref,
            "user_id": self.env.uid,
            "to_invoice": False,
            "last_order_preparation_change": "{}",
        }

    def sync(self, *orders):
        result = self.env["pos.order"].sync_from_ui(list(orders))
        return self.env["pos.order"].browse([row["id"] for row in result["pos.order"]])

    def boh_orders(self, pos_orders):
        refs = [f"{o.id}:{o.name}" for o in pos_orders]
        return self.env["boh.pos.order"].search(
            [("source", "=", "odoo-pos"), ("order_ref", "in", refs)]
        )

    def test_paid_orders_feed_facts_and_depletion_once(self):
        orders = self.sync(
            self.ui_order([(self.burger_product, 2), (self.cola, 1)]),
            self.ui_order([(self.burger_product, 1), (self.pizza_product, 1)]),
        )
        self.assertEqual(orders.mapped("state"), ["paid", "paid"])
        self.assertEqual(orders.mapped("boh_feed_state"), ["done", "done"])
        stored = self.boh_orders(orders)
        self.assertEqual(len(stored), 2)
        self.assertEqual(set(stored.mapped("warehouse_id")), {self.store})
        self.assertEqual(set(stored.mapped("state")), {"done"})
        depleted = self.depleted()
        self.assertAlmostEqual(depleted[self.beef], 3 * 0.15, places=6)
        self.assertAlmostEqual(depleted[self.bun], 3.0, places=6)
        self.assertAlmostEqual(depleted[self.cheese], 3 * 0.02 + 0.1, places=6)
        # the cola has no recipe: only Odoo's picking moves it, the feed does not
        self.assertNotIn(self.cola, depleted)
        # Odoo's own pickings move no ingredient and no dish that has a recipe
        pos_moves = orders.picking_ids.move_ids
        self.assertEqual(pos_moves.product_id, self.cola)
        self.assertFalse(pos_moves.product_id & self.ingredients)
        # sales facts: every item sold, covers once per order
        facts = self.env["boh.sales.fact"].search(
            [("source", "=", "odoo-pos"), ("order_ref", "in", stored.mapped("order_ref"))]
        )
        by_product = {}
        for fact in facts:
            by_product[fact.product_id] = by_product.get(fact.product_id, 0) + fact.qty
        self.assertEqual(
            by_product, {self.burger_product: 3.0, self.pizza_product: 1.0, self.cola: 1.0}
        )
        self.assertEqual(set(facts.mapped("date")), set(stored.mapped("business_date")))

        # feeding again (cron, retry) changes nothing
        before = (len(self.env["stock.move"].search([])), len(facts))
        orders._boh_feed()
        self.assertEqual(self.boh_orders(orders), stored)
        self.assertEqual(self.depleted(), depleted)
        self.assertEqual(len(self.env["stock.move"].search([])), before[0])

    def test_refund_counts_as_waste(self):
        order = self.sync(self.ui_order([(self.burger_product, 2)]))
        refund = self.env["pos.order"].browse(order.refund()["res_id"])
        payment = (
            self.env["pos.make.payment"]
            .with_context(active_id=refund.id, active_ids=refund.ids)
            .create({"payment_method_id": self.cash.id, "amount": refund.amount_total})
        )
        payment.check()
        self.assertEqual(refund.state, "paid")
        self.assertEqual(refund.boh_feed_state, "done")
        self.assertEqual(len(self.boh_orders(order | refund)), 2)
        self.assertAlmostEqual(self.depleted(kind="sale")[self.beef], 0.3, places=6)
        self.assertAlmostEqual(self.depleted(kind="waste")[self.beef], 0.3, places=6)
        facts = self.env["boh.sales.fact"].search(
            [("source", "=", "odoo-pos"), ("product_id", "=", self.burger_product.id)]
        )
        self.assertAlmostEqual(sum(facts.mapped("qty")), 0.0)
        self.assertEqual(sorted(facts.mapped("qty")), [-2.0, 2.0])

    def test_waiting_orders_are_fed_at_session_close(self):
        # what sync_from_ui does before its batch feed: the order waits
        Order = self.env["pos.order"].with_context(**server_switches("boh_pos_defer_feed"))
        order = Order.browse(Order._process_order(self.ui_order([(self.pizza_product, 1)]), False))
        self.assertEqual((order.state, order.boh_feed_state), ("paid", "pending"))
        self.assertFalse(self.boh_orders(order))
        self.session.post_closing_cash_details(order.amount_paid)
        self.session.close_session_from_ui()
        self.assertEqual(self.session.state, "closed")
        self.assertEqual(order.boh_feed_state, "done")
        self.assertEqual(len(self.boh_orders(order)), 1)
        self.assertAlmostEqual(self.depleted()[self.cheese], 0.1, places=6)

    def test_a_push_naming_odoo_pos_is_refused(self):
        # odoo-pos is the suite's own source: nobody else may push (or amend) its orders
        with self.assertRaisesRegex(ValidationError, "reserved for Odoo's own point of sale"):
            self.push(
                self.order("X1", [self.line("1", str(self.burger_product.id))]), source="odoo-pos"
            )
        stored = self.env["boh.pos.order"].search(
            [("source", "=", "odoo-pos"), ("order_ref", "=", "X1")]
        )
        self.assertFalse(stored)
        self.assertFalse(self.depleted())

    def test_cron_feeds_waiting_and_retries_failed_orders_once_per_run(self):
        Order = self.env["pos.order"].with_context(**server_switches("boh_pos_defer_feed"))
        waiting = Order.browse(
            Order._process_order(self.ui_order([(self.pizza_product, 1)]), False)
        )
        # a feed that failed for a passing reason (a lock, a mapping fixed since)
        failed = Order.browse(
            Order._process_order(self.ui_order([(self.burger_product, 1)]), False)
        )
        failed.write({"boh_feed_state": "error", "boh_feed_error": "could not serialize access"})
        # and one that fails again: a till clock far in the past gives an impossible day
        broken = Order.browse(
            Order._process_order(self.ui_order([(self.burger_product, 2)]), False)
        )
        broken.write(
            {
                "date_order": datetime(1999, 12, 31, 12, 0),
                "boh_feed_state": "error",
                "boh_feed_error": "an earlier reason",
            }
        )
        fed = []
        PosOrder = type(self.env["pos.order"])
        original = PosOrder._boh_feed_payload

        def spy(records):
            fed.extend(records.ids)
            return original(records)

        with patch.object(PosOrder, "_boh_feed_payload", autospec=True, side_effect=spy):
            self.env["pos.order"]._cron_boh_feed_pending()
        self.assertEqual(sorted(fed), sorted((waiting | failed | broken).ids))
        self.assertEqual((waiting.boh_feed_state, failed.boh_feed_state), ("done", "done"))
        self.assertFalse(failed.boh_feed_error)
        self.assertEqual(len(self.boh_orders(waiting | failed)), 2)
        self.assertAlmostEqual(self.depleted()[self.beef], 0.15, places=6)
        # still failing: the new reason stays visible, nothing of it was written
        self.assertEqual(broken.boh_feed_state, "error")
        self.assertIn("business_date", broken.boh_feed_error)
        self.assertNotIn("earlier reason", broken.boh_feed_error)
        self.assertFalse(self.boh_orders(broken))
        # the next run retries it once more, and only it
        fed.clear()
        with patch.object(PosOrder, "_boh_feed_payload", autospec=True, side_effect=spy):
            self.env["pos.order"]._cron_boh_feed_pending()
        self.assertEqual(fed, broken.ids)
        self.assertEqual(broken.boh_feed_state, "error")
        # once the cause is fixed, the cron feeds it
        broken.date_order = fields.Datetime.now()
        self.env["pos.order"]._cron_boh_feed_pending()
        self.assertEqual(broken.boh_feed_state, "done")
        self.assertAlmostEqual(self.depleted()[self.beef], 3 * 0.15, places=6)
