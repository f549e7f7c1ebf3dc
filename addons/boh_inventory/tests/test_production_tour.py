from odoo import Command
from odoo.tests import HttpCase, new_test_user, tagged


@tagged("post_install", "-at_install")
class TestProductionTour(HttpCase):
    def test_cook_makes_a_batch_and_prints_its_labels(self):
        """A kitchen cook makes a batch of pesto in the web client and prints its labels.

        Long because a browser tour is one story: the records it needs, the tour itself and the
        checks of what it left behind read best in one place.
        """
        kg = self.env.ref("uom.product_uom_kgm")
        kitchen = self.env["stock.warehouse"].create(
            {"name": "Tour Kitchen", "code": "TRK", "boh_store_type": "central_kitchen"}
        )
        Product = self.env["product.product"]
        basil = Product.create(
            {
                "name": "Tour Basil",
                "boh_kind": "ingredient",
                "is_storable": True,
                "uom_id": kg.id,
                "uom_po_id": kg.id,
                "standard_price": 20.0,
            }
        )
        pesto = Product.create(
            {"name": "Tour Pesto", "boh_kind": "prep", "uom_id": kg.id, "uom_po_id": kg.id}
        )
        self.env["boh.recipe"].create(
            {
                "product_id": pesto.id,
                "output_qty": 1.0,
                "stocked": True,
                "shelf_life_hours": 48.0,
                "line_ids": [Command.create({"product_id": basil.id, "qty": 0.5})],
            }
        )
        self.env["stock.quant"]._update_available_quantity(basil, kitchen.lot_stock_id, 5.0)
        cook = new_test_user(
            self.env,
            login="boh_tour_cook",
            groups="base.group_user,boh_inventory.group_boh_user",
            boh_all_stores=True,
        )
        cook.boh_all_stores = False
        cook.boh_warehouse_ids = kitchen
        self.start_tour(
            "/odoo/action-boh_inventory.action_boh_production",
            "boh_production_tour",
            login="boh_tour_cook",
        )
        production = self.env["boh.production"].search([("product_id", "=", pesto.id)])
        self.assertEqual(production.state, "done")
        self.assertEqual(production.warehouse_id, kitchen)
        self.assertEqual(production.user_id, cook)
        self.assertAlmostEqual(production.lot_id.product_qty, 1.9)
        labels = self.env["ir.attachment"].search(
            [("res_model", "=", "boh.production"), ("res_id", "=", production.id)]
        )
        self.assertTrue(labels)
        self.assertTrue(labels[0].raw.startswith(b"%PDF"))
