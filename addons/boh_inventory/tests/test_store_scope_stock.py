"""Store scope on Odoo's own stock and purchase records (transfers, moves, quants, purchase
orders): a store manager reads only their stores'; Inventory and Purchase administrators and
users outside the BOH groups keep Odoo's company scope."""

from odoo import Command
from odoo.exceptions import AccessError
from odoo.tests import TransactionCase, new_test_user, tagged


@tagged("post_install", "-at_install")
class TestStoreScopeOnStock(TransactionCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        env = cls.env
        cls.store_a = env["stock.warehouse"].create({"name": "Scope Store A", "code": "SCA"})
        cls.store_b = env["stock.warehouse"].create({"name": "Scope Store B", "code": "SCB"})
        cls.vendor = env["res.partner"].create({"name": "Scope Vendor"})
        cls.flour = env["product.product"].create(
            {"name": "Scope Flour", "is_storable": True, "standard_price": 1.0}
        )
        cls.orders = {}
        for store in (cls.store_a, cls.store_b):
            order = env["purchase.order"].create(
                {
                    "partner_id": cls.vendor.id,
                    "picking_type_id": store.in_type_id.id,
                    "order_line": [
                        Command.create({"product_id": cls.flour.id, "product_qty": 5.0})
                    ],
                }
            )
            order.button_confirm()
            cls.orders[store] = order
            env["stock.quant"]._update_available_quantity(cls.flour, store.lot_stock_id, 3.0)
        cls.manager_a = new_test_user(
            env, login="scope_manager_a", groups="boh_inventory.group_boh_manager"
        )
        cls.manager_a.boh_warehouse_ids = cls.store_a
        cls.cook_a = new_test_user(env, login="scope_cook_a", groups="boh_inventory.group_boh_user")
        cls.cook_a.boh_warehouse_ids = cls.store_a
        cls.admin_in_boh = new_test_user(
            env,
            login="scope_stock_admin",
            groups="boh_inventory.group_boh_manager,stock.group_stock_manager,"
            "purchase.group_purchase_manager",
        )
        cls.admin_in_boh.boh_warehouse_ids = cls.store_a
        cls.clerk = new_test_user(env, login="scope_clerk", groups="stock.group_stock_user")

    def _seen(self, user, model, domain):
        return self.env[model].with_user(user).search(domain)

    def _stores_seen(self, user):
        """The scope stores whose purchase orders, receipts, moves and quants ``user`` reads."""
        flour = [("product_id", "=", self.flour.id)]
        pickings = self._seen(user, "stock.picking", flour)
        moves = self._seen(user, "stock.move", flour)
        quants = self._seen(user, "stock.quant", flour + [("location_id.usage", "=", "internal")])
        seen = {
            "stock.picking": pickings.picking_type_id.warehouse_id,
            "stock.move": moves.location_dest_id.warehouse_id,
            "stock.quant": quants.location_id.warehouse_id,
        }
        if self.env["purchase.order"].with_user(user).has_access("read"):
            orders = self._seen(user, "purchase.order", [("partner_id", "=", self.vendor.id)])
            seen["purchase.order"] = orders.picking_type_id.warehouse_id
        return seen

    def test_a_store_manager_reads_only_their_stores_stock_and_purchases(self):
        for model, stores in self._stores_seen(self.manager_a).items():
            self.assertEqual(stores, self.store_a, model)
        with self.assertRaises(AccessError):
            self.orders[self.store_b].with_user(self.manager_a).read(["name"])

    def test_kitchen_staff_read_only_their_stores_stock(self):
        # Inventory Users read purchase orders (purchase_stock): their stores' only
        for model, stores in self._stores_seen(self.cook_a).items():
            self.assertEqual(stores, self.store_a, model)

    def test_inventory_and_purchase_administrators_keep_company_scope(self):
        both = self.store_a | self.store_b
        for model, stores in self._stores_seen(self.admin_in_boh).items():
            self.assertEqual(stores, both, model)

    def test_users_outside_the_boh_groups_are_untouched(self):
        both = self.store_a | self.store_b
        for model, stores in self._stores_seen(self.clerk).items():
            self.assertEqual(stores, both, model)

    def test_all_stores_reaches_every_store_of_the_company(self):
        self.manager_a.boh_all_stores = True
        both = self.store_a | self.store_b
        for model, stores in self._stores_seen(self.manager_a).items():
            self.assertEqual(stores, both, model)
