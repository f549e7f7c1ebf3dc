from datetime import date

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
