from odoo import Command
from odoo.exceptions import AccessError
from odoo.tests import new_test_user, tagged

from .common import BohPosCase


@tagged("post_install", "-at_install")
class TestPosAccess(BohPosCase):
    def test_integration_user_pushes_and_polls_and_nothing_else(self):
        answer = self.push(self.order("X1", [self.line("1", "BURGER")]))
        self.assertEqual(self.statuses(answer), ["created"])
        self.assertIsInstance(self.feed.get_availability("TSTH"), list)
        env = self.env(user=self.integrator)
        for model in (
            "boh.recipe",
            "boh.sales.fact",
            "boh.pos.order",
            "boh.pos.batch",
            "boh.pos.item.map",
            "boh.pos.unmapped",
        ):
            with self.assertRaises(AccessError, msg=model):
                env[model].search([])
        with self.assertRaises(AccessError):
            env["boh.pos.item.map"].create(
                {"source": "x", "code": "y", "product_id": self.burger_product.id}
            )
        group = self.env.ref("boh_pos_bridge.group_boh_integration")
        self.assertGreaterEqual(group.api_key_duration, 365)

    def test_other_users_may_not_push(self):
        clerk = new_test_user(self.env, login="test_boh_clerk", groups="base.group_user")
        feed = self.env["boh.pos.feed"].with_user(clerk)
        with self.assertRaises(AccessError):
            feed.push_sales({"source": "x", "orders": []})
        with self.assertRaises(AccessError):
            feed.get_availability("TSTH")

    def test_store_manager_sees_only_their_stores(self):
        self.push(
            self.order("H1", [self.line("1", "BURGER")]),
            self.order("L1", [self.line("1", "BURGER")], location="TSTL"),
        )
        manager = new_test_user(
            self.env,
            login="test_boh_store_mgr",
            groups="boh_inventory.group_boh_manager",
        )
        manager.boh_all_stores = False
        manager.boh_warehouse_ids = self.store
        env = self.env(user=manager)
        facts = env["boh.sales.fact"].search([("order_ref", "in", ["H1", "L1"])])
        self.assertEqual(facts.mapped("order_ref"), ["H1"])
        orders = env["boh.pos.order"].search([("order_ref", "in", ["H1", "L1"])])
        self.assertEqual(orders.mapped("order_ref"), ["H1"])
        # no store listed means no store, everywhere
        manager.boh_all_stores = False
        manager.boh_warehouse_ids = False
        facts = env["boh.sales.fact"].search([("order_ref", "in", ["H1", "L1"])])
        self.assertFalse(facts)
        self.assertFalse(env["boh.pos.order"].search([("order_ref", "in", ["H1", "L1"])]))
        # All Stores: every store of the user's companies
        manager.boh_all_stores = True
        facts = env["boh.sales.fact"].search([("order_ref", "in", ["H1", "L1"])])
        self.assertEqual(sorted(facts.mapped("order_ref")), ["H1", "L1"])

    def test_raw_pushes_and_their_lines_stay_in_their_stores_and_company(self):
        """Batches, order lines and consumption follow their orders' store and company."""
        one_store = self.push(self.order("B1", [self.line("1", "BURGER")]))
        both = self.push(
            self.order("B2", [self.line("1", "BURGER")]),
            self.order("B3", [self.line("1", "BURGER")], location="TSTL"),
        )
        one, several = (self.env["boh.pos.batch"].browse(a["batch"]) for a in (one_store, both))
        self.assertEqual(one.warehouse_id, self.store)
        self.assertFalse(several.warehouse_id)
        self.assertEqual((one | several).company_id, self.env.company)
        manager = new_test_user(
            self.env, login="test_boh_batch_mgr", groups="boh_inventory.group_boh_manager"
        )
        manager.boh_warehouse_ids = self.store
        env = self.env(user=manager)
        refs = [("order_id.order_ref", "in", ["B1", "B2", "B3"])]
        self.assertEqual(env["boh.pos.batch"].search([("id", "in", (one | several).ids)]), one)
        lines = env["boh.pos.order.line"].search(refs)
        self.assertEqual(sorted(lines.order_id.mapped("order_ref")), ["B1", "B2"])
        self.assertEqual(env["boh.pos.consumption"].search(refs).warehouse_id, self.store)
        manager.boh_all_stores = True
        self.assertEqual(
            env["boh.pos.batch"].search([("id", "in", (one | several).ids)]), one | several
        )
        other_company = self.env["res.company"].create({"name": "Batch Test Group B"})
        outsider = new_test_user(
            self.env,
            login="test_boh_batch_outsider",
            groups="boh_inventory.group_boh_manager",
            company_id=other_company.id,
            company_ids=[Command.set(other_company.ids)],
        )
        outsider.boh_all_stores = True
        env = self.env(user=outsider)
        for model, domain in (
            ("boh.pos.batch", [("id", "in", (one | several).ids)]),
            ("boh.pos.order.line", refs),
            ("boh.pos.consumption", refs),
            ("boh.pos.modifier.map.line", []),
            ("boh.pos.depletion.todo", []),
        ):
            self.assertFalse(env[model].search(domain), model)
