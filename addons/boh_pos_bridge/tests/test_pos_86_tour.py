from odoo import Command
from odoo.tests import HttpCase, tagged


@tagged("post_install", "-at_install")
class TestPos86Tour(HttpCase):
    def test_pos_marks_dishes_that_cannot_be_made(self):
        """The POS screen marks the dishes the store's stock cannot make.

        Long because a browser tour is one story: the records it needs, the tour itself and the
        checks of what it left behind read best in one place.
        """
        env = self.env
        company = env.company
        kg = env.ref("uom.product_uom_kgm")
        unit = env.ref("uom.product_uom_unit")
        store = env["stock.warehouse"].create({"name": "Tour86 Store", "code": "T86S"})
        Product = env["product.product"]

        def ingredient(name):
            return Product.create(
                {
                    "name": name,
                    "boh_kind": "ingredient",
                    "is_storable": True,
                    "uom_id": kg.id,
                    "uom_po_id": kg.id,
                }
            )

        def dish(name, component, qty):
            product = Product.create(
                {
                    "name": name,
                    "boh_kind": "menu",
                    "uom_id": unit.id,
                    "uom_po_id": unit.id,
                    "available_in_pos": True,
                    "list_price": 8.0,
                    "taxes_id": [Command.clear()],
                }
            )
            env["boh.recipe"].create(
                {
                    "product_id": product.id,
                    "output_qty": 1.0,
                    "output_uom_id": unit.id,
                    "line_ids": [
                        Command.create({"product_id": component.id, "qty": qty, "uom_id": kg.id})
                    ],
                }
            )
            return product

        beef, potato = ingredient("Tour86 Beef"), ingredient("Tour86 Potato")
        burger = dish("Tour86 Burger", beef, 0.2)
        fries = dish("Tour86 Fries", potato, 0.3)
        env["stock.quant"]._update_available_quantity(potato, store.lot_stock_id, 10.0)
        journal = env["account.journal"].create(
            {"name": "Tour86 Cash", "type": "cash", "code": "T86C", "company_id": company.id}
        )
        cash = env["pos.payment.method"].create(
            {"name": "Tour86 Cash", "journal_id": journal.id, "company_id": company.id}
        )
        config = env["pos.config"].create(
            {
                "name": "Tour86 Register",
                "warehouse_id": store.id,
                "picking_type_id": store.pos_type_id.id,
                "payment_method_ids": [Command.set(cash.ids)],
            }
        )
        unavailable = set(config.boh_unavailable_product_ids())
        self.assertIn(burger.id, unavailable)
        self.assertNotIn(fries.id, unavailable)
        config.with_user(env.ref("base.user_admin")).open_ui()
        config.current_session_id.set_opening_control(0, None)
        self.start_tour(f"/pos/ui?config_id={config.id}", "boh_pos_86_tour", login="admin")
