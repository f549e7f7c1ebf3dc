from datetime import date, datetime

from odoo import Command
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tests import Form, new_test_user, tagged

from .common import BohRecipeCase


@tagged("post_install", "-at_install")
class TestWaste(BohRecipeCase):
    """Two stores of the recipe kitchen, stocked; a cook and a manager of store A."""

    @classmethod
    def setUpClass(cls):
        """Long because the waste tests share one kitchen: recipes, storage areas, lots and
        users."""
        super().setUpClass()
        Warehouse = cls.env["stock.warehouse"]
        cls.store_a = Warehouse.create({"name": "Test Waste Store A", "code": "TWA"})
        cls.store_b = Warehouse.create({"name": "Test Waste Store B", "code": "TWB"})
        cls.stock_a = cls.store_a.lot_stock_id
        cls.company.boh_waste_approval_limit = 20.0
        Quant = cls.env["stock.quant"]
        for product, qty in (
            (cls.tomato, 20.0),
            (cls.oil, 5.0),
            (cls.egg, 60.0),
            (cls.flour, 10.0),
            (cls.cheese, 4.0),
            (cls.bun, 30.0),
            (cls.beef, 6.0),
        ):
            Quant._update_available_quantity(product, cls.stock_a, qty)
        cls.salmon = cls.env["product.product"].create(
            {
                "name": "Test Waste Salmon",
                "boh_kind": "ingredient",
                "is_storable": True,
                "tracking": "lot",
                "uom_id": cls.kg.id,
                "uom_po_id": cls.kg.id,
                "standard_price": 20.0,
            }
        )
        Lot = cls.env["stock.lot"]
        cls.lot_late = Lot.create(
            {
                "name": "WS-LATE",
                "product_id": cls.salmon.id,
                "expiration_date": datetime(2031, 5, 1),
            }
        )
        cls.lot_early = Lot.create(
            {
                "name": "WS-EARLY",
                "product_id": cls.salmon.id,
                "expiration_date": datetime(2031, 4, 1),
            }
        )
        Quant._update_available_quantity(cls.salmon, cls.stock_a, 3.0, lot_id=cls.lot_late)
        Quant._update_available_quantity(cls.salmon, cls.stock_a, 0.5, lot_id=cls.lot_early)
        Reason = cls.env["boh.waste.reason"]
        Reason._create_defaults(cls.company)
        cls.spoiled = Reason._reason_of_kind(cls.company, "spoiled")
        cls.returned = Reason._reason_of_kind(cls.company, "returned")
        cls.staff_meal = Reason._reason_of_kind(cls.company, "staff_meal")
        cls.scrap = cls.env["boh.waste.line"]._scrap_locations(cls.company)[cls.company.id]
        cls.manager = new_test_user(
            cls.env,
            login="boh_waste_manager",
            groups="boh_inventory.group_boh_manager",
            boh_all_stores=True,
        )
        cls.cook = new_test_user(
            cls.env,
            login="boh_waste_cook",
            groups="boh_inventory.group_boh_user",
            boh_all_stores=True,
        )
        (cls.manager | cls.cook).boh_all_stores = False
        (cls.manager | cls.cook).boh_warehouse_ids = cls.store_a

    def _waste(self, product, qty, uom=None, reason=None, user=None, **vals):
        Entry = self.env["boh.waste.entry"]
        if user:
            Entry = Entry.with_user(user)
        return Entry.create(
            {
                "warehouse_id": self.store_a.id,
                "product_id": product.id,
                "qty": qty,
                "uom_id": (uom or product.uom_id).id,
                "reason_id": (reason or self.spoiled).id,
                "date": date(2031, 3, 10),
                **vals,
            }
        )

    def _refused(self, pattern, *args, **kwargs):
        """Log waste expecting a refusal matching ``pattern``; the savepoint of
        ``assertRaises`` proves nothing of the entry is left behind."""
        with self.assertRaises(ValidationError) as caught:
            self._waste(*args, **kwargs)
        self.assertRegex(str(caught.exception), pattern)

    def _on_hand(self, product, lot=None):
        domain = [("product_id", "=", product.id), ("location_id", "=", self.stock_a.id)]
        if lot:
            domain.append(("lot_id", "=", lot.id))
        return sum(self.env["stock.quant"].search(domain).mapped("quantity"))

    def test_default_reasons_per_company(self):
        company_b = self.env["res.company"].create({"name": "Test Waste Group B"})
        reasons = self.env["boh.waste.reason"].search([("company_id", "=", company_b.id)])
        self.assertEqual(
            set(reasons.mapped("kind")),
            {"spoiled", "expired", "overproduction", "dropped", "staff_meal", "returned", "other"},
        )
        loss = {reason.kind: reason.counts_as_loss for reason in reasons}
        self.assertFalse(loss["staff_meal"], "a staff meal is a cost, not a loss")
        self.assertTrue(loss["spoiled"])

    def test_ingredient_in_another_unit_posts_on_save(self):
        entry = self._waste(self.tomato, 500, self.gram)
        self.assertEqual(entry.state, "posted")
        self.assertTrue(entry.name.startswith("WST/"))
        self.assertRecordValues(
            entry.line_ids,
            [{"product_id": self.tomato.id, "qty": 0.5, "uom_id": self.kg.id, "value": 1.0}],
        )
        self.assertAlmostEqual(entry.value, 1.0)
        self.assertAlmostEqual(self._on_hand(self.tomato), 19.5)
        self.assertRecordValues(
            entry.move_ids,
            [
                {
                    "state": "done",
                    "product_id": self.tomato.id,
                    "quantity": 0.5,
                    "location_id": self.stock_a.id,
                    "location_dest_id": self.scrap.id,
                }
            ],
        )
        # eggs wasted by weight, through the product's own conversion (1 each = 50 g)
        eggs = self._waste(self.egg, 300, self.gram)
        self.assertAlmostEqual(eggs.line_ids.qty, 6.0)
        self.assertAlmostEqual(self._on_hand(self.egg), 54.0)

    def test_set_meal_explodes_through_three_levels(self):
        """Set meal -> pizza -> dough -> flour: one entry, one line per ingredient."""
        self.company.boh_waste_approval_limit = 100.0
        expected = self.env["boh.costing"]._explode(
            self.company, [(self.set_product.id, 2, self.unit.id)]
        )
        entry = self._waste(self.set_product, 2)
        lines = {line.product_id: line.qty for line in entry.line_ids}
        self.assertEqual(set(lines), {self.env["product.product"].browse(p) for p in expected})
        for product_id, qty in expected.items():
            self.assertAlmostEqual(lines[self.env["product.product"].browse(product_id)], qty)
        # 2 x 0.25 kg of dough at 600 g flour per kg
        self.assertAlmostEqual(lines[self.flour], 0.3)
        self.assertAlmostEqual(entry.value, 2 * (self.BURGER + self.PIZZA), places=1)
        self.assertEqual(entry.state, "posted")
        self.assertEqual(len(entry.move_ids), len(expected))
        self.assertAlmostEqual(self._on_hand(self.flour), 10.0 - 0.3)
        self.assertAlmostEqual(self._on_hand(self.bun), 28.0)

    def test_explosion_is_batched(self):
        """Logging a seven-ingredient set meal costs no more queries than a two-ingredient
        salad: the explosion and its lines are one batch, not a query per ingredient."""
        self.company.boh_waste_approval_limit = 0.0  # waits: stock moves are Odoo's part
        self._waste(self.salad_product, 1)  # warm the caches
        queries = []
        for product in (self.salad_product, self.set_product):
            self.env.invalidate_all()
            before = self.env.cr.sql_log_count
            entry = self._waste(product, 1)
            self.env.flush_all()
            queries.append(self.env.cr.sql_log_count - before)
            self.assertEqual(entry.state, "to_approve")
        self.assertEqual(len(entry.line_ids), 7)
        self.assertLessEqual(queries[1], queries[0] + 3, queries)

    def test_approval_limit(self):
        entry = self._waste(self.beef, 2, user=self.cook)  # 30 at cost, limit 20
        self.assertEqual(entry.state, "to_approve")
        self.assertFalse(entry.move_ids)
        self.assertAlmostEqual(self._on_hand(self.beef), 6.0)
        with self.assertRaises(AccessError):
            entry.with_user(self.cook).action_approve()
        # waiting entries may still be corrected: explode again
        entry.with_user(self.cook).qty = 2.5
        self.assertAlmostEqual(entry.line_ids.qty, 2.5)
        self.assertAlmostEqual(entry.value, 37.5)
        entry.with_user(self.manager).action_approve()
        self.assertEqual(entry.state, "posted")
        self.assertEqual(entry.approved_uid, self.manager)
        self.assertAlmostEqual(self._on_hand(self.beef), 3.5)
        with self.assertRaisesRegex(UserError, "Posted"):
            entry.with_user(self.manager).action_approve()
        self.assertAlmostEqual(self._on_hand(self.beef), 3.5, msg="approved twice moves nothing")
        with self.assertRaises(UserError):
            entry.with_user(self.manager).qty = 1
        with self.assertRaises(UserError):
            entry.unlink()
        entry.note = "found behind the fryer"  # the note stays writable
        # lowering a waiting entry under the limit posts it
        small = self._waste(self.beef, 2)
        small.qty = 1
        self.assertEqual(small.state, "posted")
        rejected = self._waste(self.beef, 3)
        rejected.with_user(self.manager).action_reject()
        self.assertEqual(rejected.state, "rejected")
        self.assertFalse(rejected.move_ids)
        self.assertAlmostEqual(self._on_hand(self.beef), 2.5)

    def test_bad_input(self):
        no_recipe = self.env["product.product"].create(
            {"name": "Test Soup of the Day", "boh_kind": "menu", "uom_id": self.unit.id}
        )
        self._refused("Test Soup of the Day has no recipe", no_recipe, 2)
        self._refused("Cannot convert 1 L of Test Burger", self.burger_product, 1, self.litre)
        self._refused(r"Test Beef must be above zero \(got -1", self.beef, -1)
        self._refused(
            "WS-LATE is a lot of Test Waste Salmon", self.beef, 1, lot_id=self.lot_late.id
        )
        self.assertFalse(self.env["boh.waste.entry"].search([("product_id", "=", self.beef.id)]))
        self.assertAlmostEqual(self._on_hand(self.beef), 6.0, msg="nothing half-posted")

    def test_lots_first_expired_first_out(self):
        entry = self._waste(self.salmon, 0.75)  # 15 at cost
        self.assertEqual(entry.state, "posted")
        taken = {ml.lot_id: ml.quantity for ml in entry.move_ids.move_line_ids}
        self.assertEqual(taken, {self.lot_early: 0.5, self.lot_late: 0.25})
        named = self._waste(self.salmon, 0.5, lot_id=self.lot_late.id)
        self.assertEqual(named.move_ids.move_line_ids.lot_id, self.lot_late)
        self.assertAlmostEqual(self._on_hand(self.salmon, self.lot_late), 2.25)

    def test_returned_dish_already_in_the_pos_feed(self):
        if "boh.pos.order.line" not in self.env:
            # without a POS feed the waste log is the only record of returned dishes
            entry = self._waste(self.burger_product, 1, reason=self.returned)
            self.assertEqual(entry.state, "posted")
            return
        order = (
            self.env["boh.pos.order"]
            .sudo()
            .create(
                {
                    "source": "test",
                    "order_ref": "R-1001",
                    "warehouse_id": self.store_a.id,
                    "company_id": self.company.id,
                    "business_date": date(2031, 3, 10),
                    "line_ids": [
                        Command.create(
                            {
                                "line_ref": "1",
                                "item_code": "BURGER",
                                "product_id": self.burger_product.id,
                                "qty": -1,
                                "restock": False,
                            }
                        )
                    ],
                }
            )
        )
        self._refused(
            r"Test Burger returned on .*\(R-1001\)",
            self.burger_product,
            1,
            reason=self.returned,
            user=self.cook,
        )
        # the same dish wasted for another reason, or returned another day, is logged
        self._waste(self.burger_product, 1, reason=self.spoiled)
        self._waste(self.burger_product, 1, reason=self.returned, date=date(2031, 3, 11))
        order.line_ids.qty = 1  # not a refund any more
        self._waste(self.burger_product, 1, reason=self.returned)

    def test_roles_and_stores(self):
        entry = self._waste(self.tomato, 1, user=self.cook)
        self.assertEqual(entry.user_id, self.cook)
        with self.assertRaises(AccessError):
            entry.with_user(self.cook).read(["value"])
        with self.assertRaises(AccessError):
            entry.line_ids.with_user(self.cook).read(["unit_cost"])
        self.assertEqual(entry.line_ids.with_user(self.cook).read(["qty"])[0]["qty"], 1.0)
        with self.assertRaises(AccessError):
            self._waste(self.tomato, 1, user=self.cook, warehouse_id=self.store_b.id)
        other = self._waste(self.tomato, 1, warehouse_id=self.store_b.id)
        Entry = self.env["boh.waste.entry"]
        self.assertEqual(
            Entry.with_user(self.manager).search([("id", "in", (entry | other).ids)]), entry
        )
        with self.assertRaises(AccessError):
            other.with_user(self.manager).read(["name"])
        self.assertFalse(
            self.env["boh.waste.line"].with_user(self.manager).search([("entry_id", "=", other.id)])
        )

    def test_quick_form(self):
        with Form(
            self.env["boh.waste.entry"].with_user(self.cook),
            view="boh_inventory.boh_waste_entry_view_form_quick",
        ) as form:
            self.assertEqual(form.warehouse_id, self.store_a)
            form.product_id = self.cheese
            self.assertEqual(form.uom_id, self.kg)
            form.uom_id = self.gram
            form.qty = 250
            form.reason_id = self.staff_meal
        entry = form.record
        self.assertEqual(entry.state, "posted")
        self.assertAlmostEqual(self._on_hand(self.cheese), 3.75)

    def test_waste_taken_from_where_the_stock_is(self):
        """A dish wasted at the store takes its ingredients from the storage area holding
        them, not from the store's stock location (which would go negative)."""
        walk_in = self.env["stock.location"].create(
            {"name": "Walk-in", "location_id": self.stock_a.id, "usage": "internal"}
        )
        self.env["stock.quant"]._update_available_quantity(self.cheese, walk_in, 2.0)
        self.env["stock.quant"]._update_available_quantity(self.cheese, self.stock_a, -4.0)
        entry = self._waste(self.cheese, 1.5)  # 18 at cost, stock A's own cheese is gone
        self.assertEqual(
            [(ml.location_id, ml.quantity) for ml in entry.move_ids.move_line_ids],
            [(walk_in, 1.5)],
        )
        self.assertEqual(self.env["stock.quant"]._get_available_quantity(self.cheese, walk_in), 0.5)
