from datetime import date, datetime
from unittest.mock import patch

from odoo import Command
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tests import Form, new_test_user, tagged

from .common import BohRecipeCase


@tagged("post_install", "-at_install")
class TestStockCount(BohRecipeCase):
    """Two stores; store A holds tomato, cheese in its walk-in and salmon in two lots."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        Warehouse = cls.env["stock.warehouse"]
        cls.store_a = Warehouse.create({"name": "Test Store A", "code": "TSA"})
        cls.store_b = Warehouse.create({"name": "Test Store B", "code": "TSB"})
        cls.stock_a = cls.store_a.lot_stock_id
        cls.stock_b = cls.store_b.lot_stock_id
        cls.walk_in = cls.env["stock.location"].create(
            {"name": "Walk-in", "location_id": cls.stock_a.id, "usage": "internal"}
        )
        cls.fish = cls.env["product.category"].create({"name": "Test Fish"})
        cls.salmon = cls.env["product.product"].create(
            {
                "name": "Test Salmon",
                "boh_kind": "ingredient",
                "is_storable": True,
                "tracking": "lot",
                "categ_id": cls.fish.id,
                "uom_id": cls.kg.id,
                "uom_po_id": cls.kg.id,
                "standard_price": 20.0,
            }
        )
        Lot = cls.env["stock.lot"]
        cls.lot_1 = Lot.create({"name": "SAL-001", "product_id": cls.salmon.id})
        cls.lot_2 = Lot.create({"name": "SAL-002", "product_id": cls.salmon.id})
        Quant = cls.env["stock.quant"]
        Quant._update_available_quantity(cls.tomato, cls.stock_a, 10.0)
        Quant._update_available_quantity(cls.cheese, cls.walk_in, 3.0)
        Quant._update_available_quantity(cls.salmon, cls.stock_a, 4.0, lot_id=cls.lot_1)
        Quant._update_available_quantity(cls.salmon, cls.stock_a, 2.5, lot_id=cls.lot_2)
        Quant._update_available_quantity(cls.beef, cls.stock_b, 5.0)
        cls.manager = new_test_user(
            cls.env,
            login="boh_count_manager",
            groups="boh_inventory.group_boh_manager",
            boh_all_stores=True,
        )
        cls.cook = new_test_user(
            cls.env,
            login="boh_count_cook",
            groups="boh_inventory.group_boh_user",
            boh_all_stores=True,
        )

    def _count(self, store=None, **vals):
        return self.env["boh.stock.count"].create(
            {"warehouse_id": (store or self.store_a).id, "count_date": date(2025, 3, 10), **vals}
        )

    def _line(self, count, product, location=None, lot=None):
        return count.line_ids.filtered(
            lambda line: (
                line.product_id == product
                and (not location or line.location_id == location)
                and (not lot or line.lot_id == lot)
            )
        )

    def _on_hand(self, product, location, lot=None):
        quants = self.env["stock.quant"].search(
            [
                ("product_id", "=", product.id),
                ("location_id", "=", location.id),
                ("lot_id", "=", lot.id if lot else False),
            ]
        )
        return sum(quants.mapped("quantity"))

    def _count_everything(self, count):
        """Count every line at its on-hand quantity."""
        for line in count.line_ids:
            line.write({"counted_qty": line.theoretical_qty, "is_counted": True})

    def test_count_defaults_and_names(self):
        count = self._count()
        self.assertEqual(count.location_id, self.stock_a)
        self.assertEqual(count.company_id, self.company)
        self.assertEqual(count.state, "draft")
        self.assertEqual(count.name, "CNT/TSA/2025-03-10")
        self.assertEqual(self._count().name, "CNT/TSA/2025-03-10/2")
        self.assertEqual(self._count(self.store_b).name, "CNT/TSB/2025-03-10")

    def test_load_stock_fills_lines_from_quants(self):
        count = self._count()
        count.action_load_stock()
        got = {
            (line.product_id, line.location_id, line.lot_id): line.theoretical_qty
            for line in count.line_ids
        }
        no_lot = self.env["stock.lot"]
        self.assertEqual(
            got,
            {
                (self.tomato, self.stock_a, no_lot): 10.0,
                (self.cheese, self.walk_in, no_lot): 3.0,
                (self.salmon, self.stock_a, self.lot_1): 4.0,
                (self.salmon, self.stock_a, self.lot_2): 2.5,
            },
        )
        self.assertFalse(any(count.line_ids.mapped("is_counted")))
        self.assertEqual(self._line(count, self.cheese).uom_id, self.kg)

        # counted lines survive a reload (with fresh on-hand), the others are replaced
        tomato_line = self._line(count, self.tomato)
        tomato_line.counted_qty = 9.0
        self.assertTrue(tomato_line.is_counted)
        self.env["stock.quant"]._update_available_quantity(self.tomato, self.stock_a, 1.0)
        count.action_load_stock()
        self.assertEqual(len(count.line_ids), 4)
        self.assertIn(tomato_line, count.line_ids)
        self.assertEqual(tomato_line.theoretical_qty, 11.0)
        self.assertEqual(tomato_line.counted_qty, 9.0)
        self.assertEqual(tomato_line.difference_qty, -2.0)

    def test_load_stock_limited_to_categories_and_location(self):
        count = self._count(categ_ids=[Command.set(self.fish.ids)])
        count.action_load_stock()
        self.assertEqual(count.line_ids.product_id, self.salmon)
        self.assertEqual(count.line_ids.lot_id, self.lot_1 | self.lot_2)
        walk_in_count = self._count(location_id=self.walk_in.id)
        walk_in_count.action_load_stock()
        self.assertEqual(walk_in_count.line_ids.product_id, self.cheese)

    def test_approve_posts_adjustments_both_ways(self):
        count = self._count()
        count.action_load_stock()
        self._line(count, self.tomato).counted_qty = 12.0  # gain 2
        self._line(count, self.cheese).counted_qty = 2.5  # loss 0.5
        self._line(count, self.salmon, lot=self.lot_1).counted_qty = 4.0  # as on hand
        self._line(count, self.salmon, lot=self.lot_2).is_counted = True  # none left
        count.with_user(self.manager).action_approve()

        self.assertEqual(count.state, "approved")
        self.assertEqual(count.approved_uid, self.manager)
        self.assertTrue(count.approved_date)
        moves = count.move_ids
        self.assertEqual(len(moves), 3, "no move for the lot counted as on hand")
        self.assertEqual(set(moves.mapped("state")), {"done"})
        self.assertEqual(set(moves.mapped("boh_count_role")), {"adjustment"})
        self.assertTrue(all(moves.mapped("is_inventory")))
        self.assertEqual(count.move_count, 3)
        loss = self.tomato.with_company(self.company).property_stock_inventory

        tomato_move = moves.filtered(lambda m: m.product_id == self.tomato)
        self.assertEqual(tomato_move.location_id, loss)
        self.assertEqual(tomato_move.location_dest_id, self.stock_a)
        self.assertEqual(tomato_move.quantity, 2.0)
        self.assertEqual(tomato_move.name, "Count CNT/TSA/2025-03-10")
        cheese_move = moves.filtered(lambda m: m.product_id == self.cheese)
        self.assertEqual(cheese_move.location_id, self.walk_in)
        self.assertEqual(cheese_move.location_dest_id, loss)
        self.assertAlmostEqual(cheese_move.quantity, 0.5)
        salmon_move = moves.filtered(lambda m: m.product_id == self.salmon)
        self.assertEqual(salmon_move.move_line_ids.lot_id, self.lot_2)
        self.assertEqual(salmon_move.location_dest_id, loss)
        self.assertAlmostEqual(salmon_move.quantity, 2.5)

        self.assertEqual(self._on_hand(self.tomato, self.stock_a), 12.0)
        self.assertEqual(self._on_hand(self.cheese, self.walk_in), 2.5)
        self.assertEqual(self._on_hand(self.salmon, self.stock_a, self.lot_1), 4.0)
        self.assertEqual(self._on_hand(self.salmon, self.stock_a, self.lot_2), 0.0)

        if "stock.valuation.layer" in self.env:
            # stock_account is installed (the POS bridge brings it): the adjustments are
            # valued as Odoo's own inventory adjustments are
            layers = self.env["stock.valuation.layer"].search([("stock_move_id", "in", moves.ids)])
            value = {layer.product_id: layer.value for layer in layers}
            self.assertEqual(value, {self.tomato: 4.0, self.cheese: -6.0, self.salmon: -50.0})

        tomato_line = self._line(count, self.tomato)
        self.assertEqual(tomato_line.unit_cost, 2.0)
        self.assertEqual(tomato_line.difference_value, 4.0)
        self.assertEqual(self._line(count, self.cheese).difference_value, -6.0)
        # the cost is the one at approval, whatever the product costs later
        self.tomato.standard_price = 3.0
        self.assertEqual(tomato_line.unit_cost, 2.0)

    def test_approve_with_uncounted_line_fails_and_applies_nothing(self):
        count = self._count()
        count.action_load_stock()
        self._line(count, self.tomato).counted_qty = 12.0
        with self.assertRaises(UserError) as caught:
            count.with_user(self.manager).action_approve()
        message = str(caught.exception)
        self.assertIn("Test Cheese", message)
        self.assertIn("Test Salmon", message)
        self.assertNotIn("Test Tomato", message)
        self.assertEqual(count.state, "draft")
        self.assertFalse(count.move_ids)
        self.assertEqual(self._on_hand(self.tomato, self.stock_a), 10.0)

    def test_approve_error_midway_applies_nothing(self):
        count = self._count()
        count.action_load_stock()
        self._count_everything(count)
        self._line(count, self.tomato).counted_qty = 12.0
        Move = self.registry["stock.move"]
        with (
            patch.object(Move, "_action_done", side_effect=UserError("boom"), autospec=True),
            self.assertRaises(UserError),
        ):
            count.with_user(self.manager).action_approve()
        self.assertEqual(count.state, "draft")
        self.assertFalse(self.env["stock.move"].search([("boh_count_id", "=", count.id)]))
        self.assertEqual(self._on_hand(self.tomato, self.stock_a), 10.0)

    def test_negative_counted_qty_is_refused(self):
        count = self._count()
        count.action_load_stock()
        with self.assertRaises(ValidationError) as caught:
            self._line(count, self.tomato).counted_qty = -3.0
        message = str(caught.exception)
        self.assertIn("Counted", message)
        self.assertIn("-3.0", message)
        self.assertIn("Test Tomato", message)

    def test_tracked_product_needs_its_own_lot(self):
        count = self._count()
        Line = self.env["boh.stock.count.line"]
        with self.assertRaises(ValidationError) as caught:
            Line.create({"count_id": count.id, "product_id": self.salmon.id, "counted_qty": 1})
        self.assertIn("Lot", str(caught.exception))
        self.assertIn("Test Salmon", str(caught.exception))
        with self.assertRaises(ValidationError) as caught:
            Line.create(
                {"count_id": count.id, "product_id": self.tomato.id, "lot_id": self.lot_1.id}
            )
        self.assertIn("SAL-001", str(caught.exception))
        self.assertIn("Test Tomato", str(caught.exception))

    def test_non_storable_and_duplicate_lines_are_refused(self):
        count = self._count()
        Line = self.env["boh.stock.count.line"]
        with self.assertRaises(ValidationError) as caught:
            Line.create({"count_id": count.id, "product_id": self.burger_product.id})
        self.assertIn("Test Burger", str(caught.exception))
        Line.create({"count_id": count.id, "product_id": self.tomato.id, "counted_qty": 1})
        with self.assertRaises(ValidationError) as caught:
            Line.create({"count_id": count.id, "product_id": self.tomato.id, "counted_qty": 2})
        self.assertIn("Test Tomato", str(caught.exception))

    def test_location_outside_the_store_is_refused(self):
        with self.assertRaises(ValidationError) as caught:
            self._count(location_id=self.stock_b.id)
        message = str(caught.exception)
        self.assertIn("Location", message)
        self.assertIn(self.stock_b.display_name, message)
        count = self._count(location_id=self.walk_in.id)
        with self.assertRaises(ValidationError) as caught:
            self.env["boh.stock.count.line"].create(
                {"count_id": count.id, "product_id": self.tomato.id, "location_id": self.stock_a.id}
            )
        self.assertIn(self.stock_a.display_name, str(caught.exception))
        # a line's location defaults to its count's
        line = self.env["boh.stock.count.line"].create(
            {"count_id": count.id, "product_id": self.cheese.id}
        )
        self.assertEqual(line.location_id, self.walk_in)

    def test_approved_count_is_read_only(self):
        count = self._count()
        count.action_load_stock()
        self._count_everything(count)
        count.action_approve()
        line = count.line_ids[0]
        with self.assertRaises(UserError):
            count.count_date = date(2025, 3, 11)
        with self.assertRaises(UserError):
            line.counted_qty = 1.0
        with self.assertRaises(UserError):
            self.env["boh.stock.count.line"].create(
                {"count_id": count.id, "product_id": self.egg.id, "counted_qty": 1}
            )
        with self.assertRaises(UserError):
            line.unlink()
        with self.assertRaises(UserError):
            count.unlink()
        with self.assertRaises(UserError):
            count.action_cancel()
        with self.assertRaises(UserError):
            count.action_load_stock()
        # the note and the chatter stay open
        count.note = "Freezer door found open"
        count.message_post(body="Checked again by the chef")
        self.assertEqual(count.note, "Freezer door found open")

    def test_cancel_reset_and_delete(self):
        count = self._count()
        count.action_cancel()
        self.assertEqual(count.state, "cancel")
        with self.assertRaises(UserError):
            count.action_approve()
        count.action_draft()
        self.assertEqual(count.state, "draft")
        count.action_cancel()
        count.unlink()
        self.assertFalse(count.exists())

    def test_boh_user_counts_but_cannot_approve(self):
        Count = self.env["boh.stock.count"].with_user(self.cook)
        with Form(Count) as form:
            form.warehouse_id = self.store_a
            form.count_date = date(2025, 3, 10)
        count = form.record
        self.assertEqual(count.location_id, self.stock_a)
        count.action_load_stock()
        with Form(count) as form:
            for index in range(len(count.line_ids)):
                with form.line_ids.edit(index) as line:
                    line.counted_qty = line.expected_qty
                    self.assertTrue(line.is_counted, "a quantity entered counts the line")
        self.assertTrue(all(count.line_ids.mapped("is_counted")))
        with self.assertRaises(AccessError):
            count.action_approve()
        self.assertEqual(count.state, "draft")
        with self.assertRaises(AccessError):
            count.line_ids[0].read(["unit_cost"])
        with self.assertRaises(AccessError):
            count.unlink()
        count.with_user(self.manager).action_approve()
        self.assertEqual(count.state, "approved")

    def test_store_and_company_rules(self):
        count_a = self._count()
        count_b = self._count(self.store_b)
        self.cook.boh_all_stores = False
        self.cook.boh_warehouse_ids = self.store_a
        Count = self.env["boh.stock.count"].with_user(self.cook)
        self.assertEqual(Count.search([("id", "in", (count_a | count_b).ids)]), count_a)
        with self.assertRaises(AccessError):
            count_b.with_user(self.cook).read(["name"])
        with self.assertRaises(AccessError):
            Count.create({"warehouse_id": self.store_b.id})
        # a manager of another company sees neither
        company_b = self.env["res.company"].create({"name": "Test Restaurant Group B"})
        manager_b = new_test_user(
            self.env,
            login="boh_count_manager_b",
            groups="boh_inventory.group_boh_manager",
            company_id=company_b.id,
            company_ids=[Command.set(company_b.ids)],
            boh_all_stores=True,
        )
        self.assertFalse(
            self.env["boh.stock.count"]
            .with_user(manager_b)
            .search([("id", "in", (count_a | count_b).ids)])
        )

    def test_first_approved_counts(self):
        def approved(store, day, products, approved_at):
            count = self._count(store, count_date=day)
            count.line_ids = [
                Command.create({"product_id": p.id, "counted_qty": 1}) for p in products
            ]
            count.write({"state": "approved", "approved_date": approved_at})
            return count

        first = approved(self.store_a, date(2025, 3, 10), self.tomato, datetime(2025, 3, 11, 9))
        # same day, approved later: not the first
        approved(self.store_a, date(2025, 3, 10), self.tomato, datetime(2025, 3, 11, 10))
        later = approved(
            self.store_a, date(2025, 3, 12), self.tomato | self.egg, datetime(2025, 3, 11, 8)
        )
        earlier = approved(self.store_a, date(2025, 3, 5), self.cheese, datetime(2025, 3, 6, 8))
        store_b = approved(self.store_b, date(2025, 3, 10), self.beef, datetime(2025, 3, 11, 9))
        draft = self._count(count_date=date(2025, 3, 11))
        draft.line_ids = [Command.create({"product_id": self.tomato.id, "counted_qty": 1})]

        a, b = self.store_a.id, self.store_b.id
        keys = [
            (a, date(2025, 3, 9), self.tomato.id),
            (a, date(2025, 3, 10), self.tomato.id),
            (a, date(2025, 3, 11), self.tomato.id),  # the draft of the 11th does not count
            (a, "2025-03-12", self.egg.id),
            (a, date(2025, 3, 13), self.tomato.id),  # after every count
            (a, date(2025, 3, 9), self.egg.id),  # only on the count of the 12th
            (a, date(2025, 3, 6), self.cheese.id),  # counted on the 5th only
            (a, date(2025, 3, 9), self.beef.id),  # on store B's count only
            (b, date(2025, 3, 10), self.beef.id),
            (b, date(2025, 3, 10), self.tomato.id),
        ]
        self.env.flush_all()
        with self.assertQueryCount(1):
            result = self.env["boh.stock.count"]._first_approved_counts(keys)
        self.assertEqual(
            result,
            {
                keys[0]: first,
                keys[1]: first,
                keys[2]: later,
                keys[3]: later,
                keys[5]: later,
                keys[8]: store_b,
            },
        )
        self.assertTrue(earlier)
        self.assertEqual(self.env["boh.stock.count"]._first_approved_counts([]), {})

    def test_prepare_approval_runs_before_on_hand_is_read(self):
        count = self._count()
        count.action_load_stock()
        self._count_everything(count)
        self._line(count, self.tomato).counted_qty = 15.0
        calls = []

        def post_pending_sales(counts):
            # what another module does here: post stock movements still queued
            calls.append(counts)
            self.env["stock.quant"]._update_available_quantity(self.tomato, self.stock_a, 5.0)

        Count = self.registry["boh.stock.count"]
        with patch.object(Count, "_boh_prepare_approval", post_pending_sales):
            count.with_user(self.manager).action_approve()
        self.assertEqual(len(calls), 1)
        tomato_line = self._line(count, self.tomato)
        self.assertEqual(tomato_line.theoretical_qty, 15.0)
        self.assertEqual(tomato_line.difference_qty, 0.0)
        self.assertFalse(count.move_ids, "on-hand already matched once the hook had run")

    def test_late_sales_are_shown_against_the_count(self):
        count = self._count()
        count.action_load_stock()
        self._count_everything(count)
        tomato_line = self._line(count, self.tomato)
        tomato_line.counted_qty = 8.0
        count.action_approve()
        self.assertEqual(tomato_line.late_sale_qty, 0.0)
        self.assertEqual(tomato_line.unexplained_qty, -2.0)
        # a sale of the 10th arrives now: the bridge depletes 1.5 kg and puts it back
        customers = self.env.ref("stock.stock_location_customers")
        loss = self.tomato.with_company(self.company).property_stock_inventory
        Move = self.env["stock.move"]
        moves = Move.create(
            [
                {
                    "name": "Late sale",
                    "product_id": self.tomato.id,
                    "product_uom": self.kg.id,
                    "product_uom_qty": 1.5,
                    "location_id": source.id,
                    "location_dest_id": destination.id,
                    "boh_count_id": count.id if role else False,
                    "boh_count_role": role,
                }
                for source, destination, role in (
                    (self.stock_a, customers, False),
                    (loss, self.stock_a, "late_sale"),
                )
            ]
        )
        moves._action_confirm()
        moves.quantity = 1.5
        moves.picked = True
        moves._action_done()
        self.assertEqual(self._on_hand(self.tomato, self.stock_a), 8.0, "on-hand stays as counted")
        count.invalidate_recordset()
        tomato_line.invalidate_recordset()
        self.assertEqual(tomato_line.late_sale_qty, 1.5)
        self.assertEqual(tomato_line.unexplained_qty, -0.5)
        self.assertEqual(self._line(count, self.cheese).late_sale_qty, 0.0)
        with self.assertRaises(UserError):
            count.unlink()
