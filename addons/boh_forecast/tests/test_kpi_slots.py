from datetime import date, timedelta

from odoo import Command, fields
from odoo.tests import TransactionCase, tagged


@tagged("post_install", "-at_install")
class TestForecastKpiSlot(TransactionCase):
    def test_forecast_accuracy_weights_each_series_by_its_backtest_days(self):
        store = self.env["stock.warehouse"].create({"name": "Slot Store", "code": "SLFC"})
        Series = self.env["boh.forecast.series"]
        products = self.env["product.product"].create(
            [{"name": f"Slot dish {i}", "boh_kind": "menu"} for i in range(3)]
        )
        for product, wape, days, known in (
            (products[0], 20.0, 30, True),
            (products[1], 40.0, 10, True),
            (products[2], 90.0, 30, False),  # never measured: left out
        ):
            Series.create(
                {
                    "warehouse_id": store.id,
                    "product_id": product.id,
                    "kind": "item",
                    "wape": wape,
                    "wape_known": known,
                    "backtest_days": days,
                }
            )
        (slot,) = [
            slot
            for slot in self.env["boh.kpi.dashboard"]._boh_kpi_slots(
                store, date(2031, 3, 1), date(2031, 3, 31)
            )
            if slot["key"] == "forecast_accuracy_pct"
        ]
        # 100 - (20 x 30 + 40 x 10) / 40
        self.assertAlmostEqual(slot["stores"][store.id], 75.0)
        self.assertAlmostEqual(slot["group"], 75.0)

    def test_auto_replenishment_counts_confirmed_suggested_lines_left_unchanged(self):
        Warehouse = self.env["stock.warehouse"]
        store_a = Warehouse.create({"name": "Slot Store A", "code": "SLRA"})
        store_b = Warehouse.create({"name": "Slot Store B", "code": "SLRB"})
        vendor = self.env["res.partner"].create({"name": "Slot Vendor"})
        flour = self.env["product.product"].create(
            {"name": "Slot Flour", "is_storable": True, "purchase_ok": True}
        )

        def order(store, lines, confirm=True):
            purchase = self.env["purchase.order"].create(
                {
                    "partner_id": vendor.id,
                    "picking_type_id": store.in_type_id.id,
                    "boh_suggested": True,
                    "order_line": [
                        Command.create(
                            {
                                "product_id": flour.id,
                                "product_qty": qty,
                                "boh_suggested_qty": suggested,
                                "price_unit": 1.0,
                            }
                        )
                        for qty, suggested in lines
                    ],
                }
            )
            if confirm:
                purchase.button_confirm()
            return purchase

        # store A: two lines confirmed as suggested, one raised, one added by hand
        order(store_a, [(4.0, 4.0), (5.0, 5.0), (8.0, 6.0), (3.0, False)])
        order(store_a, [(2.0, 2.0)], confirm=False)  # still a suggestion: not counted
        order(store_b, [(2.0, 2.0)])
        today = fields.Date.context_today(self.env.user)
        (slot,) = [
            slot
            for slot in self.env["boh.kpi.dashboard"]._boh_kpi_slots(
                store_a | store_b, today - timedelta(days=1), today + timedelta(days=1)
            )
            if slot["key"] == "auto_replenishment_pct"
        ]
        self.assertAlmostEqual(slot["stores"][store_a.id], 200.0 / 3)
        self.assertAlmostEqual(slot["stores"][store_b.id], 100.0)
        self.assertAlmostEqual(slot["group"], 75.0)  # 3 of 4
        (slot,) = [
            slot
            for slot in self.env["boh.kpi.dashboard"]._boh_kpi_slots(
                store_a, date(2031, 3, 1), date(2031, 3, 31)
            )
            if slot["key"] == "auto_replenishment_pct"
        ]
        self.assertIsNone(slot["group"])  # nothing confirmed in the range: no rate
        self.assertEqual(slot["stores"], {})
