from datetime import date

from freezegun import freeze_time

from odoo import Command
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tests import new_test_user, tagged

from .common import BohRecipeCase


@tagged("post_install", "-at_install")
class TestCountSheet(BohRecipeCase):
    """Store A: a walk-in area in shelf order (cheese, then tomato, then beef) and the dry
    store stock; store B holds tomatoes too. A cook and a manager of store A."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        Warehouse = cls.env["stock.warehouse"]
        cls.store_a = Warehouse.create({"name": "Test Sheet Store A", "code": "TCA"})
        cls.store_b = Warehouse.create({"name": "Test Sheet Store B", "code": "TCB"})
        cls.stock_a = cls.store_a.lot_stock_id
        cls.walk_in = cls.env["stock.location"].create(
            {"name": "Walk-in", "location_id": cls.stock_a.id, "usage": "internal"}
        )
        Quant = cls.env["stock.quant"]
        Quant._update_available_quantity(cls.tomato, cls.walk_in, 10.0)
        Quant._update_available_quantity(cls.cheese, cls.walk_in, 3.0)
        Quant._update_available_quantity(cls.flour, cls.stock_a, 8.0)
        Quant._update_available_quantity(cls.egg, cls.stock_a, 30.0)
        Quant._update_available_quantity(cls.tomato, cls.store_b.lot_stock_id, 4.0)
        cls.area = cls.env["boh.count.area"].create(
            {
                "name": "Walk-in",
                "warehouse_id": cls.store_a.id,
                "location_id": cls.walk_in.id,
                "product_line_ids": [
                    Command.create({"product_id": cls.cheese.id, "sequence": 1}),
                    Command.create({"product_id": cls.tomato.id, "sequence": 2}),
                    Command.create({"product_id": cls.beef.id, "sequence": 3}),
                ],
            }
        )
        cls.carton = cls.env["product.packaging"].create(
            {"name": "Carton", "product_id": cls.egg.id, "qty": 15.0}
        )
        cls.manager = new_test_user(
            cls.env,
            login="boh_sheet_manager",
            groups="boh_inventory.group_boh_manager",
            boh_all_stores=True,
        )
        cls.cook = new_test_user(
            cls.env,
            login="boh_sheet_cook",
            groups="boh_inventory.group_boh_user",
            boh_all_stores=True,
        )
        (cls.manager | cls.cook).boh_all_stores = False
        (cls.manager | cls.cook).boh_warehouse_ids = cls.store_a

    def _count(self, **vals):
        count = self.env["boh.stock.count"].create(
            {"warehouse_id": self.store_a.id, "count_date": date(2031, 3, 10), **vals}
        )
        count.action_load_stock()
        return count

    def _line(self, count, product):
        return count.line_ids.filtered(lambda line: line.product_id == product)

    def _on_hand(self, product, location):
        quants = self.env["stock.quant"].search(
            [("product_id", "=", product.id), ("location_id", "=", location.id)]
        )
        return sum(quants.mapped("quantity"))

    def test_sheet_follows_the_shelf_order(self):
        count = self._count()
        count.invalidate_recordset(["line_ids"])
        self.assertEqual(
            [(line.area_id, line.product_id) for line in count.line_ids],
            [
                (self.area, self.cheese),
                (self.area, self.tomato),
                # on the shelf order though stock holds none: counted too
                (self.area, self.beef),
                (self.env["boh.count.area"], self.egg),
                (self.env["boh.count.area"], self.flour),
            ],
        )
        self.assertEqual(self._line(count, self.beef).sudo().theoretical_qty, 0.0)
        # dragging tomato to the top reorders the sheet
        self.area.product_line_ids.filtered(lambda p: p.product_id == self.tomato).sequence = 0
        count.invalidate_recordset(["line_ids"])
        self.assertEqual(count.line_ids[:3].product_id, self.tomato | self.cheese | self.beef)
        self.assertEqual(count.line_ids[0].product_id, self.tomato)

    def test_product_not_stored_in_the_area_is_refused(self):
        count = self._count()
        with self.assertRaises(ValidationError) as caught:
            self.env["boh.stock.count.line"].create(
                {"count_id": count.id, "product_id": self.flour.id, "location_id": self.walk_in.id}
            )
        self.assertIn("Test Flour is not stored in Walk-in", str(caught.exception))
        # an area without a shelf order, or stock on hand there, accepts it
        self.env["stock.quant"]._update_available_quantity(self.flour, self.walk_in, 1.0)
        line = self.env["boh.stock.count.line"].create(
            {"count_id": count.id, "product_id": self.flour.id, "location_id": self.walk_in.id}
        )
        self.assertEqual(line.area_id, self.area)

    def test_mixed_units_on_one_line(self):
        count = self._count()
        eggs = self._line(count, self.egg)
        eggs.counted_entry = "2 cartons + 1 dozen + 4"  # a packaging, a unit, the rest
        self.assertEqual(eggs.counted_qty, 46.0)
        self.assertTrue(eggs.is_counted)
        eggs.counted_entry = "600 g"  # by weight, through the egg's conversion (1 = 50 g)
        self.assertEqual(eggs.counted_qty, 12.0)
        cheese = self._line(count, self.cheese)
        cheese.counted_entry = "2.5 kg + 250 g"
        self.assertEqual(cheese.counted_qty, 2.75)
        self.assertEqual(cheese.counted_entry, "2.5 kg + 250 g", "kept as typed")
        cheese.counted_qty = 2.0
        self.assertFalse(cheese.counted_entry, "a number typed replaces the entry")
        with self.assertRaises(ValidationError) as caught:
            cheese.counted_entry = "3 crates"
        self.assertIn(
            "Unit 'crates' in '3 crates' is not a unit Test Cheese", str(caught.exception)
        )
        with self.assertRaises(ValidationError) as caught:
            cheese.counted_entry = "-2"
        self.assertIn("Test Cheese", str(caught.exception))

    def test_negative_count_names_product_and_value(self):
        count = self._count()
        with self.assertRaises(ValidationError) as caught:
            self._line(count, self.tomato).counted_qty = -3
        self.assertIn("Test Tomato cannot be negative (got -3", str(caught.exception))

    def test_progress_and_daily_list(self):
        count = self._count()
        self.assertEqual((count.counted_count, count.line_count), (0, 5))
        self._line(count, self.tomato).counted_qty = 9
        self._line(count, self.beef).is_counted = True
        self.assertEqual((count.counted_count, count.line_count), (2, 5))
        self.assertAlmostEqual(count.progress, 40.0)
        (self.cheese | self.beef).boh_count_daily = True
        daily = self._count(scope="daily")
        self.assertEqual(daily.line_ids.product_id, self.cheese | self.beef)

    def test_blind_count_hides_expected_from_counters(self):
        self.store_a.boh_blind_count = True
        count = self._count()
        self.assertTrue(count.is_blind)
        tomato = self._line(count, self.tomato)
        as_cook = tomato.with_user(self.cook)
        as_cook.counted_entry = "9"
        # what the web client reads, and plain RPC reads, show nothing expected
        data = count.with_user(self.cook).web_read(
            {
                "hide_expected": {},
                "line_ids": {"fields": {"expected_qty": {}, "expected_difference_qty": {}}},
            }
        )[0]
        self.assertTrue(data["hide_expected"])
        self.assertTrue(all(row["expected_qty"] == 0.0 for row in data["line_ids"]))
        self.assertEqual(as_cook.read(["expected_difference_qty"])[0]["expected_difference_qty"], 0)
        for fname in ("theoretical_qty", "difference_qty", "difference_value"):
            with self.assertRaises(AccessError):
                as_cook.read([fname])
        with self.assertRaises(AccessError):
            self.env["boh.stock.count.line"].with_user(self.cook).search(
                [("theoretical_qty", ">", 5)]
            )
        # nor the stock of the counted locations; their other stores stay visible
        (self.cook | self.manager).boh_warehouse_ids = self.store_a | self.store_b
        Quant = self.env["stock.quant"].with_user(self.cook)
        seen = Quant.search([("product_id", "=", self.tomato.id)])
        self.assertEqual(seen.location_id, self.store_b.lot_stock_id)
        self.assertEqual(
            self.tomato.with_user(self.cook)
            .with_context(warehouse_id=self.store_a.id)
            .qty_available,
            0.0,
        )
        # the manager sees everything
        self.assertEqual(tomato.with_user(self.manager).expected_qty, 10.0)
        self.assertEqual(tomato.with_user(self.manager).expected_difference_qty, -1.0)
        self.assertEqual(
            len(
                self.env["stock.quant"]
                .with_user(self.manager)
                .search([("product_id", "=", self.tomato.id)])
            ),
            2,
        )
        count.line_ids.is_counted = True
        count.with_user(self.manager).action_approve()
        self.assertEqual(as_cook.expected_difference_qty, -1.0, "shown once approved")
        self.assertEqual(len(Quant.search([("product_id", "=", self.tomato.id)])), 2)

    def test_sheet_saves_each_line_as_entered(self):
        count = self._count()
        action = count.with_user(self.cook).action_open_sheet()
        self.assertEqual(action["res_model"], "boh.stock.count.line")
        lines = self.env["boh.stock.count.line"].with_user(self.cook).search(action["domain"])
        self.assertEqual(lines, count.line_ids)
        lines[0].web_save({"counted_entry": "2"}, {"counted_qty": {}, "is_counted": {}})
        self.assertEqual((lines[0].counted_qty, lines[0].is_counted), (2.0, True))
        self.assertEqual(lines[0].counted_uid, self.cook)
        html, _kind = self.env["ir.actions.report"]._render_qweb_html(
            "boh_inventory.action_report_boh_count_sheet", count.ids
        )
        html = html.decode()
        self.assertIn("Test Cheese", html)
        self.assertLess(html.index("Test Cheese"), html.index("Test Tomato"), "shelf order")

    @freeze_time("2031-03-10 12:00:00")
    def test_a_count_sent_late_keeps_the_time_it_was_typed(self):
        """The sheet sends a count kept offline with when it was typed (``boh_counted_at``);
        a time in the future or over a day old is not believed."""
        count = self._count()
        tomato, cheese = self._line(count, self.tomato), self._line(count, self.cheese)
        flour = self._line(count, self.flour)
        as_cook = self.env["boh.stock.count.line"].with_user(self.cook)
        as_cook.browse(tomato.id).with_context(boh_counted_at="2031-03-10 11:40:00").write(
            {"counted_entry": "9"}
        )
        self.assertEqual(str(tomato.counted_at), "2031-03-10 11:40:00")
        self.assertEqual((tomato.counted_qty, tomato.counted_uid), (9.0, self.cook))
        for typed in ("2031-03-10 12:30:00", "2031-03-08 11:00:00", "not a time"):
            as_cook.browse(cheese.id).with_context(boh_counted_at=typed).write(
                {"counted_entry": "2"}
            )
            self.assertEqual(str(cheese.counted_at), "2031-03-10 12:00:00", typed)
        flour.with_user(self.cook).counted_entry = "11"
        self.assertEqual(str(flour.counted_at), "2031-03-10 12:00:00")

    def test_review_largest_difference_first(self):
        count = self._count()
        self._line(count, self.tomato).counted_qty = 9  # -1 kg at 2
        self._line(count, self.cheese).counted_qty = 2  # -1 kg at 12
        self._line(count, self.flour).counted_qty = 11  # +3 kg at 1
        action = count.with_user(self.manager).action_review_differences()
        lines = (
            self.env["boh.stock.count.line"]
            .with_user(self.manager)
            .search(action["domain"], order="difference_abs_value desc")
        )
        self.assertEqual(lines.product_id.ids, [self.cheese.id, self.flour.id, self.tomato.id])
        self.assertEqual(lines.mapped("difference_value"), [-12.0, 3.0, -2.0])

    def test_approving_counts_stock_moved_since_counting(self):
        """A delivery put away after the tomatoes were counted is added to the count, not
        erased by it; the chatter lists it."""
        with freeze_time("2031-03-10 21:00:00"):
            count = self._count()
            count.line_ids.is_counted = True
            self._line(count, self.tomato).counted_qty = 9.0
        with freeze_time("2031-03-10 21:30:00"):
            receipt = self.env["stock.move"].create(
                {
                    "name": "Late delivery",
                    "product_id": self.tomato.id,
                    "product_uom": self.kg.id,
                    "product_uom_qty": 5.0,
                    "location_id": self.env.ref("stock.stock_location_suppliers").id,
                    "location_dest_id": self.walk_in.id,
                }
            )
            receipt._action_confirm()
            receipt.quantity = 5.0
            receipt.picked = True
            receipt._action_done()
        with freeze_time("2031-03-10 22:00:00"):
            count.with_user(self.manager).action_approve()
        line = self._line(count, self.tomato)
        self.assertEqual(line.moved_qty, 5.0)
        self.assertEqual(line.theoretical_qty, 15.0)
        self.assertEqual(line.difference_qty, -1.0)
        self.assertEqual(self._on_hand(self.tomato, self.walk_in), 14.0)
        self.assertIn("Test Tomato", " ".join(count.message_ids.mapped("body")))
        with self.assertRaises(UserError):
            count.with_user(self.manager).action_approve()
        self.assertEqual(self._on_hand(self.tomato, self.walk_in), 14.0, "approved once")

    def test_form_saves_all_lines_in_one_batch(self):
        count = self._count()
        other = self._count()
        eggs, cheese = self._line(count, self.egg), self._line(count, self.cheese)
        count.with_user(self.cook).web_save(
            {
                "line_ids": [
                    (1, eggs.id, {"counted_entry": "2 cartons"}),
                    (1, cheese.id, {"counted_qty": 2.5}),
                ]
            },
            {"line_ids": {"fields": {"counted_qty": {}}}},
        )
        self.assertEqual((eggs.counted_qty, cheese.counted_qty), (30.0, 2.5))
        self.assertEqual((eggs | cheese).mapped("is_counted"), [True, True])
        logged = self.env["boh.change.log"].search(
            [("res_model", "=", eggs._name), ("res_id", "=", eggs.id)]
        )
        self.assertIn(
            ("Counted Quantity", "30"),
            list(zip(logged.mapped("field_name"), logged.mapped("new_value"), strict=True)),
        )
        with self.assertRaises(UserError):
            count.write({"line_ids": [(1, other.line_ids[0].id, {"counted_qty": 1})]})
