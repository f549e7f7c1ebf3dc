from datetime import timedelta

from odoo import fields
from odoo.exceptions import AccessError, UserError
from odoo.tests import new_test_user, tagged

from .common import BohRecipeCase


@tagged("post_install", "-at_install")
class TestUseFirst(BohRecipeCase):
    """Store A holds three lots of salmon: expired yesterday, expiring in two days and in
    ten; store B one lot expiring tomorrow."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.company.boh_use_first_days = 3
        cls.company.boh_waste_approval_limit = 50.0
        Warehouse = cls.env["stock.warehouse"]
        cls.store_a = Warehouse.create({"name": "Test Use First A", "code": "TUA"})
        cls.store_b = Warehouse.create({"name": "Test Use First B", "code": "TUB"})
        cls.salmon = cls.env["product.product"].create(
            {
                "name": "Test Use First Salmon",
                "boh_kind": "ingredient",
                "is_storable": True,
                "tracking": "lot",
                "use_expiration_date": True,
                "uom_id": cls.kg.id,
                "uom_po_id": cls.kg.id,
                "standard_price": 20.0,
            }
        )
        now = fields.Datetime.now()
        Lot = cls.env["stock.lot"]
        Quant = cls.env["stock.quant"]

        def lot(name, days, store, qty):
            record = Lot.create(
                {
                    "name": name,
                    "product_id": cls.salmon.id,
                    "expiration_date": now + timedelta(days=days),
                }
            )
            Quant._update_available_quantity(cls.salmon, store.lot_stock_id, qty, lot_id=record)
            return record

        cls.lot_expired = lot("UF-EXPIRED", -1, cls.store_a, 1.5)
        cls.lot_soon = lot("UF-SOON", 2, cls.store_a, 2.0)
        cls.lot_later = lot("UF-LATER", 10, cls.store_a, 4.0)
        cls.lot_b = lot("UF-B", 1, cls.store_b, 1.0)
        cls.manager = new_test_user(
            cls.env,
            login="boh_uf_manager",
            groups="boh_inventory.group_boh_manager",
            boh_all_stores=True,
        )
        cls.cook = new_test_user(
            cls.env, login="boh_uf_cook", groups="boh_inventory.group_boh_user", boh_all_stores=True
        )
        (cls.manager | cls.cook).boh_all_stores = False
        (cls.manager | cls.cook).boh_warehouse_ids = cls.store_a

    def _rows(self, user):
        Report = self.env["boh.use.first.report"].with_user(user)
        action = Report.action_open()
        return Report.search(action["domain"] + [("product_id", "=", self.salmon.id)])

    def test_use_first_list_with_values(self):
        rows = self._rows(self.manager)
        self.assertEqual(rows.lot_id.mapped("name"), ["UF-EXPIRED", "UF-SOON"])
        self.assertEqual(rows.mapped("days_left"), [-1, 2])
        self.assertEqual(rows.mapped("value"), [30.0, 40.0])
        self.assertEqual(rows.warehouse_id, self.store_a, "store B is not the manager's")
        cook_rows = self._rows(self.cook)
        self.assertEqual(cook_rows, rows)
        with self.assertRaises(AccessError):
            cook_rows.read(["value"])

    def test_expired_stock_to_waste_in_one_action(self):
        rows = self._rows(self.manager)
        with self.assertRaises(UserError):
            rows.filtered(lambda row: row.days_left >= 0).action_waste_expired()
        action = rows.action_waste_expired()
        entries = self.env["boh.waste.entry"].search(action["domain"])
        self.assertRecordValues(
            entries,
            [
                {
                    "product_id": self.salmon.id,
                    "lot_id": self.lot_expired.id,
                    "qty": 1.5,
                    "state": "posted",
                    "value": 30.0,
                }
            ],
        )
        self.assertEqual(entries.reason_id.kind, "expired")
        self.assertEqual(entries.move_ids.move_line_ids.lot_id, self.lot_expired)
        self.assertFalse(
            self._rows(self.manager).filtered(lambda row: row.lot_id == self.lot_expired)
        )

    def test_counter_entries_wait_above_the_limit(self):
        self.company.boh_waste_approval_limit = 10.0
        rows = self._rows(self.cook)
        action = rows.action_waste_expired()
        entry = self.env["boh.waste.entry"].search(action["domain"])
        self.assertEqual(entry.state, "to_approve", "30 at cost is over the limit of 10")
