from datetime import date, timedelta

from odoo import Command
from odoo.tests import HttpCase, freeze_time, new_test_user, tagged

WEEK = [8, 10, 12, 14, 20, 30, 6]


@tagged("post_install", "-at_install")
class TestForecastBuyerTour(HttpCase):
    @freeze_time("2026-11-23 09:00:00")
    def _suggest(self):
        """Eight weeks of burgers, then the nightly run for the store (Monday 09:00)."""
        # no safety stock: the tour checks the hand-computed 4 packs
        self.env.company.boh_forecast_service_level = 50.0
        unit = self.env.ref("uom.product_uom_unit")
        pack12 = self.env["uom.uom"].create(
            {
                "name": "Tour Pack of 12",
                "category_id": unit.category_id.id,
                "uom_type": "bigger",
                "factor_inv": 12.0,
            }
        )
        vendor = self.env["res.partner"].create(
            {"name": "Tour Vendor", "boh_deliver_tue": True, "boh_deliver_fri": True}
        )
        store = self.env["stock.warehouse"].create({"name": "Tour Store", "code": "TRS1"})
        bun = self.env["product.product"].create(
            {
                "name": "Tour Bun",
                "boh_kind": "ingredient",
                "is_storable": True,
                "uom_id": unit.id,
                "uom_po_id": pack12.id,
                "seller_ids": [Command.create({"partner_id": vendor.id, "price": 6.0, "delay": 1})],
            }
        )
        burger = self.env["product.product"].create(
            {"name": "Tour Burger", "boh_kind": "menu", "uom_id": unit.id, "uom_po_id": unit.id}
        )
        self.env["boh.recipe"].create(
            {
                "product_id": burger.id,
                "output_qty": 1.0,
                "line_ids": [Command.create({"product_id": bun.id, "qty": 1.0})],
            }
        )
        today = date(2026, 11, 23)
        self.env["boh.sales.fact"].create(
            [
                {
                    "warehouse_id": store.id,
                    "product_id": burger.id,
                    "date": today - timedelta(days=back),
                    "hour": 12,
                    "qty": WEEK[(today - timedelta(days=back)).weekday()],
                }
                for back in range(1, 57)
            ]
        )
        return self.env["boh.forecast.engine"].with_context(tz="UTC")._run_for_warehouses(store)

    def test_buyer_confirms_a_suggested_order(self):
        order = self._suggest()
        # Monday to Thursday: 8 + 10 + 12 + 14 = 44 buns, in packs of 12: 4 packs
        self.assertAlmostEqual(order.order_line.boh_demand_qty, 44.0, delta=0.5)
        self.assertEqual(order.order_line.product_qty, 4.0)
        new_test_user(
            self.env,
            login="boh_tour_buyer",
            groups="base.group_user,purchase.group_purchase_user,boh_inventory.group_boh_user",
            boh_all_stores=True,
        )
        self.start_tour(
            "/odoo/action-boh_forecast.action_boh_suggested_orders",
            "boh_forecast_buyer_tour",
            login="boh_tour_buyer",
        )
        self.assertEqual(order.state, "purchase")
        # raised by hand on screen: the suggestion is kept, so the line counts as changed
        self.assertEqual(order.order_line.product_qty, 5.0)
        self.assertEqual(order.order_line.boh_suggested_qty, 4.0)
