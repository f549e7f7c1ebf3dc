from odoo import Command
from odoo.tests import HttpCase, new_test_user, tagged


@tagged("post_install", "-at_install")
class TestUnmappedTour(HttpCase):
    def test_manager_maps_a_waiting_code(self):
        """A manager maps a waiting POS code, and the order waiting for it goes through.

        Long because a browser tour is one story: the records it needs, the tour itself and the
        checks of what it left behind read best in one place.
        """
        kg = self.env.ref("uom.product_uom_kgm")
        unit = self.env.ref("uom.product_uom_unit")
        store = self.env["stock.warehouse"].create({"name": "Tour Store", "code": "TOUR1"})
        Product = self.env["product.product"]
        beef = Product.create(
            {
                "name": "Tour Mapped Beef",
                "boh_kind": "ingredient",
                "is_storable": True,
                "uom_id": kg.id,
                "uom_po_id": kg.id,
            }
        )
        burger = Product.create(
            {
                "name": "Tour Mapped Burger",
                "boh_kind": "menu",
                "uom_id": unit.id,
                "uom_po_id": unit.id,
                "list_price": 10.0,
            }
        )
        self.env["boh.recipe"].create(
            {
                "product_id": burger.id,
                "output_qty": 1.0,
                "output_uom_id": unit.id,
                "line_ids": [Command.create({"product_id": beef.id, "qty": 0.2, "uom_id": kg.id})],
            }
        )
        day = "2026-01-01"
        answer = self.env["boh.pos.feed"].push_sales(
            {
                "source": "tour-pos",
                "orders": [
                    {
                        "order_ref": "T1",
                        "location": "TOUR1",
                        "business_date": day,
                        "closed_at": f"{day}T12:00:00+00:00",
                        "lines": [
                            {"line_ref": "1", "item_code": "TOURX", "qty": 2, "unit_price": "10"}
                        ],
                    }
                ],
            }
        )
        self.assertEqual(answer["orders"][0]["status"], "created")
        order = self.env["boh.pos.order"].search([("source", "=", "tour-pos")])
        self.assertEqual(order.state, "unmapped")
        new_test_user(
            self.env,
            login="boh_pos_tour_manager",
            groups="base.group_user,boh_inventory.group_boh_manager",
            boh_all_stores=True,
        )
        self.start_tour(
            "/odoo/action-boh_pos_bridge.action_boh_pos_unmapped",
            "boh_pos_unmapped_tour",
            login="boh_pos_tour_manager",
        )
        order.invalidate_recordset()
        self.assertEqual(order.state, "done")
        mapping = self.env["boh.pos.item.map"].search([("source", "=", "tour-pos")])
        self.assertEqual((mapping.code, mapping.product_id), ("TOURX", burger))
        moves = self.env["stock.move"].search(
            [("boh_warehouse_id", "=", store.id), ("product_id", "=", beef.id)]
        )
        self.assertAlmostEqual(sum(moves.mapped("boh_depletion_qty")), 0.4, places=6)
