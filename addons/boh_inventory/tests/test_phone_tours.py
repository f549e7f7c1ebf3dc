from datetime import date

from odoo.tests import HttpCase, new_test_user, tagged


@tagged("post_install", "-at_install")
class TestPhoneTours(HttpCase):
    """Counting and logging waste at a phone's size, with a touch screen."""

    browser_size = "375x667"
    touch_enabled = True

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.kg = cls.env.ref("uom.product_uom_kgm")
        cls.store = cls.env["stock.warehouse"].create({"name": "Phone Tour Store", "code": "PTS"})
        cls.cook = new_test_user(
            cls.env,
            login="boh_phone_cook",
            groups="base.group_user,boh_inventory.group_boh_user",
            boh_all_stores=True,
        )
        cls.cook.boh_all_stores = False
        cls.cook.boh_warehouse_ids = cls.store

    def _ingredient(self, name, cost=4.0):
        return self.env["product.product"].create(
            {
                "name": name,
                "boh_kind": "ingredient",
                "is_storable": True,
                "uom_id": self.kg.id,
                "uom_po_id": self.kg.id,
                "standard_price": cost,
            }
        )

    def test_count_with_digits_and_enter(self):
        Quant = self.env["stock.quant"]
        products = [self._ingredient(f"Phone Tour Item {i}") for i in range(3)]
        for product in products:
            Quant._update_available_quantity(product, self.store.lot_stock_id, 5.0)
        count = self.env["boh.stock.count"].create(
            {"warehouse_id": self.store.id, "count_date": date(2031, 3, 10)}
        )
        count.action_load_stock()
        lines = count._sheet_lines()
        self.start_tour(
            "/odoo/action-boh_inventory.action_boh_stock_count_sheet",
            "boh_count_phone_tour",
            login="boh_phone_cook",
        )
        self.assertEqual(lines.mapped("counted_qty"), [7.0, 12.0, 3.0])
        self.assertEqual(lines.mapped("counted_uid"), self.cook)
        self.assertTrue(all(lines.mapped("is_counted")))

    def _loaded_count(self, names, count_date):
        Quant = self.env["stock.quant"]
        for product in (products := [self._ingredient(name) for name in names]):
            Quant._update_available_quantity(product, self.store.lot_stock_id, 5.0)
        count = self.env["boh.stock.count"].create(
            {"warehouse_id": self.store.id, "count_date": count_date}
        )
        count.action_load_stock()
        return count._sheet_lines().filtered(lambda line: line.product_id in products)

    def test_counts_typed_offline_reach_the_database_when_back_online(self):
        lines = self._loaded_count([f"Offline Item {i}" for i in range(1, 6)], date(2031, 3, 11))
        self.start_tour(
            "/odoo/action-boh_inventory.action_boh_stock_count_sheet",
            "boh_count_offline_tour",
            login="boh_phone_cook",
        )
        self.assertEqual(lines.mapped("product_id.name")[2], "Offline Item 3")
        # 4 online; 6 and 9 typed offline, sent when back; -2 refused; 5 online again
        self.assertEqual(lines.mapped("counted_entry"), ["4", "6", False, "9", "5"])
        self.assertEqual(lines.mapped("counted_qty"), [4.0, 6.0, 0.0, 9.0, 5.0])
        self.assertEqual(lines.mapped("is_counted"), [True, True, False, True, True])
        self.assertEqual(lines.filtered("is_counted").mapped("counted_uid"), self.cook)

    def test_counts_left_offline_are_sent_when_the_sheet_opens(self):
        approved = self._loaded_count(["Reopen Approved Item"], date(2031, 3, 12))
        approved.counted_qty = 5.0
        approved.count_id.action_approve()
        draft = self._loaded_count(["Reopen Draft Item"], date(2031, 3, 13))
        self.start_tour("/odoo", "boh_count_offline_reopen_tour", login="boh_phone_cook")
        self.assertEqual((draft.counted_entry, draft.counted_qty), ("8", 8.0))
        self.assertEqual(draft.counted_uid, self.cook)
        self.assertEqual(approved.counted_qty, 5.0, "an approved count is not changed")

    def test_waste_entry_from_a_phone(self):
        cheese = self._ingredient("Phone Tour Cheese", cost=12.0)
        self.env["stock.quant"]._update_available_quantity(cheese, self.store.lot_stock_id, 2.0)
        self.env["boh.waste.reason"]._create_defaults(self.env.company)
        self.start_tour(
            "/odoo/action-boh_inventory.action_boh_waste_entry_quick",
            "boh_waste_phone_tour",
            login="boh_phone_cook",
        )
        entry = self.env["boh.waste.entry"].search([("product_id", "=", cheese.id)])
        self.assertEqual(entry.user_id, self.cook)
        self.assertEqual(entry.reason_id.kind, "spoiled")
        self.assertAlmostEqual(entry.qty, 0.25)
        self.assertEqual(entry.state, "posted", "3.00 at cost is within the approval limit")
        self.assertEqual(cheese.with_context(warehouse_id=self.store.id).qty_available, 1.75)
