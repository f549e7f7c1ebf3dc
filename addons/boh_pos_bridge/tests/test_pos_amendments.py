"""Amendments that move an order to another business day, and set meals with a mapped parent."""

from datetime import timedelta

from odoo import Command
from odoo.tests import tagged

from .common import SOURCE, BohPosCase


@tagged("post_install", "-at_install")
class TestPosAmendments(BohPosCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.day2 = cls.day - timedelta(days=1)

    def depleted_on(self, day, kind=None):
        """Net quantity the sales moves took out of stock for one business day."""
        domain = [
            ("boh_warehouse_id", "=", self.store.id),
            ("boh_business_date", "=", day),
            ("state", "=", "done"),
        ]
        if kind:
            domain.append(("boh_depletion_kind", "=", kind))
        return {
            product: qty
            for product, qty in self.env["stock.move"]._read_group(
                domain, ["product_id"], ["boh_depletion_qty:sum"]
            )
        }

    def facts_on(self, day, ref=None):
        return self.facts(ref).filtered(lambda f: f.date == day)

    def assertNothingOn(self, depleted, products):
        for product in products:
            self.assertAlmostEqual(depleted.get(product, 0.0), 0.0, places=6, msg=product.name)

    def test_amendment_to_another_day_moves_facts_and_depletion(self):
        lines = [self.line("1", "BURGER", 2, "12.10"), self.line("2", "PIZZA", 1, "11.00")]
        self.push(
            self.order("MV1", lines),
            # another order of the first day, which the amendment must leave alone
            self.order("STAY", [self.line("1", "BURGER", 1, "12.10")]),
        )
        self.assertAlmostEqual(self.depleted_on(self.day)[self.beef], 3 * 0.15, places=6)
        answer = self.push(self.order("MV1", lines, day=self.day2))
        self.assertEqual(self.statuses(answer), ["amended"])
        record = self.env["boh.pos.order"].search([("order_ref", "=", "MV1")])
        self.assertEqual((record.business_date, record.version), (self.day2, 2))
        self.assertEqual(set(record.consumption_ids.mapped("date")), {self.day2})

        # the first day: only STAY is left, in the facts and in stock
        self.assertFalse(self.facts_on(self.day, "MV1"))
        self.assertEqual(self.facts_on(self.day).mapped("order_ref"), ["STAY"])
        old_day = self.depleted_on(self.day)
        self.assertAlmostEqual(old_day[self.beef], 0.15, places=6)
        self.assertAlmostEqual(old_day[self.bun], 1.0, places=6)
        self.assertAlmostEqual(old_day[self.cheese], 0.02, places=6)
        self.assertNothingOn(old_day, self.flour | self.egg)
        # ...corrected by delta moves back into the store's stock
        back = self.env["stock.move"].search(
            [
                ("boh_warehouse_id", "=", self.store.id),
                ("boh_business_date", "=", self.day),
                ("product_id", "=", self.beef.id),
                ("boh_depletion_qty", "<", 0),
            ]
        )
        self.assertEqual(back.location_dest_id, self.store.lot_stock_id)
        self.assertAlmostEqual(sum(back.mapped("boh_depletion_qty")), -0.3, places=6)

        # the new day gets all of it
        facts = self.facts_on(self.day2, "MV1")
        by_product = {f.product_id: f.qty for f in facts}
        self.assertEqual(by_product, {self.burger_product: 2.0, self.pizza_product: 1.0})
        self.assertAlmostEqual(sum(facts.mapped("revenue")), 32.0, places=2)
        self.assertEqual(sum(facts.mapped("covers")), 2)
        new_day = self.depleted_on(self.day2)
        self.assertAlmostEqual(new_day[self.beef], 0.3, places=6)
        self.assertAlmostEqual(new_day[self.bun], 2.0, places=6)
        self.assertAlmostEqual(new_day[self.cheese], 2 * 0.02 + 0.1, places=6)
        # the store's stock saw the same total as if the order had been on day two at once
        self.assertAlmostEqual(self.depleted()[self.beef], 3 * 0.15, places=6)

        # resending the amended version changes nothing; moving it back restores day one
        self.assertEqual(
            self.statuses(self.push(self.order("MV1", lines, day=self.day2))), ["duplicate"]
        )
        self.assertEqual(self.statuses(self.push(self.order("MV1", lines))), ["amended"])
        self.assertNothingOn(self.depleted_on(self.day2), self.beef | self.bun | self.cheese)
        self.assertFalse(self.facts_on(self.day2))
        self.assertAlmostEqual(self.depleted_on(self.day)[self.beef], 3 * 0.15, places=6)
        self.assertEqual(len(self.facts_on(self.day, "MV1")), 2)

    def test_amendment_to_another_day_with_changed_lines_and_refund(self):
        self.push(self.order("MV2", [self.line("1", "BURGER", 2, "12.10")]))
        # the corrected ticket: other day, one burger and a refunded (wasted) pizza
        answer = self.push(
            self.order(
                "MV2",
                [self.line("1", "BURGER", 1, "12.10"), self.line("2", "PIZZA", -1, "11.00")],
                day=self.day2,
            )
        )
        self.assertEqual(self.statuses(answer), ["amended"])
        self.assertNothingOn(self.depleted_on(self.day), self.beef | self.bun | self.cheese)
        self.assertFalse(self.facts_on(self.day, "MV2"))
        self.assertAlmostEqual(self.depleted_on(self.day2, "sale")[self.beef], 0.15, places=6)
        self.assertAlmostEqual(self.depleted_on(self.day2, "waste")[self.cheese], 0.1, places=6)
        self.assertAlmostEqual(sum(self.facts_on(self.day2, "MV2").mapped("qty")), 0.0)

    def test_deferred_amendment_to_another_day_corrects_both_days(self):
        self.env["ir.config_parameter"].sudo().set_param(
            "boh_pos_bridge.depletion_mode", "deferred"
        )
        feed = self.env["boh.pos.feed"]
        self.push(self.order("MV3", [self.line("1", "BURGER", 2)]))
        feed._cron_post_depletion(quiet_seconds=0)
        self.assertAlmostEqual(self.depleted_on(self.day)[self.beef], 0.3, places=6)
        self.push(self.order("MV3", [self.line("1", "BURGER", 2)], day=self.day2))
        queued = (
            self.env["boh.pos.depletion.todo"].sudo().search([("warehouse_id", "=", self.store.id)])
        )
        self.assertEqual(set(queued.mapped("date")), {self.day, self.day2})
        feed._cron_post_depletion(quiet_seconds=0)
        self.assertNothingOn(self.depleted_on(self.day), self.beef | self.bun)
        self.assertAlmostEqual(self.depleted_on(self.day2)[self.beef], 0.3, places=6)
        self.assertAlmostEqual(self.depleted_on(self.day2)[self.bun], 2.0, places=6)


@tagged("post_install", "-at_install")
class TestPosSetMeals(BohPosCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        # a set with a recipe of its own: when the POS sends its components, they deplete
        # and the set's own recipe does not (it would count what they use twice)
        cls.box = cls.env["product.product"].create(
            {
                "name": "Test Set Box",
                "boh_kind": "ingredient",
                "is_storable": True,
                "uom_id": cls.unit.id,
                "uom_po_id": cls.unit.id,
                "standard_price": 0.3,
            }
        )
        cls.box_set = cls.env["product.product"].create(
            {
                "name": "Test Boxed Set",
                "boh_kind": "menu",
                "uom_id": cls.unit.id,
                "uom_po_id": cls.unit.id,
                "list_price": 25.0,
                "taxes_id": [Command.set(cls.tax_10.ids)],
            }
        )
        cls.env["boh.recipe"].create(
            {
                "product_id": cls.box_set.id,
                "output_qty": 1.0,
                "output_uom_id": cls.unit.id,
                "line_ids": [
                    Command.create({"product_id": cls.box.id, "qty": 1, "uom_id": cls.unit.id})
                ],
            }
        )
        cls.env["boh.pos.item.map"].create(
            {"source": SOURCE, "code": "BOXSET", "product_id": cls.box_set.id}
        )

    def test_mapped_parent_carries_price_components_deplete_their_recipes(self):
        answer = self.push(
            self.order(
                "SM1",
                [
                    self.line("1", "BOXSET", 2, "27.50"),
                    self.line("2", "BURGER", 2, "0", parent_line_ref="1"),
                    self.line(
                        "3", "PIZZA", 2, "0", parent_line_ref="1", modifiers=[{"code": "XCHEESE"}]
                    ),
                ],
            )
        )
        self.assertEqual(self.statuses(answer), ["created"])
        record = self.env["boh.pos.order"].search([("order_ref", "=", "SM1")])
        self.assertEqual(record.state, "done")
        self.assertAlmostEqual(record.amount_total, 55.0, places=2)
        # components deplete their own recipes (quantities are their own totals, with
        # their own modifiers); the mapped parent's own recipe (the box) is not depleted
        depleted = self.depleted()
        self.assertFalse(depleted.get(self.box))
        self.assertAlmostEqual(depleted[self.beef], 2 * 0.15, places=6)
        self.assertAlmostEqual(depleted[self.bun], 2.0, places=6)
        self.assertAlmostEqual(depleted[self.cheese], 2 * 0.02 + 2 * 0.1 + 2 * 0.03, places=6)
        expected = self.env["boh.recipe"]._explode([(self.pizza_product.id, 2, self.unit.id)])
        self.assertAlmostEqual(depleted[self.flour], expected[self.flour.id], places=2)
        # the price is on the parent: its fact has the revenue, net of the 10 % tax; the
        # components are counted as sold, as components, without revenue
        facts = self.facts("SM1")
        parent = facts.filtered(lambda f: f.product_id == self.box_set)
        self.assertEqual((parent.qty, parent.is_component), (2.0, False))
        self.assertAlmostEqual(parent.revenue, 50.0, places=2)
        parts = facts - parent
        self.assertEqual(parts.product_id, self.burger_product | self.pizza_product)
        self.assertTrue(all(parts.mapped("is_component")))
        self.assertEqual(parts.mapped("qty"), [2.0, 2.0])
        self.assertEqual(sum(parts.mapped("revenue")), 0.0)
        self.assertEqual(sum(facts.mapped("covers")), 2)

    def test_void_set_parent_voids_its_components(self):
        self.push(
            self.order(
                "SM2",
                [
                    self.line("1", "BOXSET", 1, "27.50", void=True),
                    self.line("2", "BURGER", 1, "0", parent_line_ref="1"),
                    self.line("3", "PIZZA", 1, "11.00"),
                ],
            )
        )
        depleted = self.depleted()
        self.assertNotIn(self.box, depleted)
        self.assertNotIn(self.beef, depleted)
        self.assertAlmostEqual(depleted[self.cheese], 0.1, places=6)
        self.assertEqual(self.facts("SM2").product_id, self.pizza_product)
