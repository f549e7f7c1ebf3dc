from datetime import date
from unittest.mock import patch

from odoo.tests import freeze_time, tagged

from ..models import boh_forecast_engine as engine_module
from .common import NOW, BohForecastCase


@tagged("post_install", "-at_install")
@freeze_time(NOW)
class TestOrderRisk(BohForecastCase):
    """Each suggested line shows the expected waste and the stockout risk of its quantity."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        # beef keeps two days from delivery; buns have no expiration time
        cls.beef.write({"use_expiration_date": True, "expiration_time": 2})

    def lines(self):
        return {line.product_id: line for line in self.run_store().order_line}

    def test_one_batched_risk_call_for_all_lines_of_a_store(self):
        with patch.object(engine_module, "order_risk", wraps=engine_module.order_risk) as spy:
            lines = self.lines()
        self.assertEqual(spy.call_count, 1, "one boh_core call per store, not one per line")
        self.assertEqual(len(spy.call_args.args[0]), len(lines))
        for line in lines.values():
            self.assertGreaterEqual(line.boh_waste_qty, 0.0)
            self.assertGreaterEqual(line.boh_stockout_risk, 0.0)
            self.assertLessEqual(line.boh_stockout_risk, 1.0)
        self.assertEqual(lines[self.bun].boh_waste_qty, 0.0, "no expiration time, no waste")

    def test_the_cover_stops_at_the_shelf_life(self):
        beef = self.lines()[self.beef]
        # delivered Tuesday, usable Tuesday and Wednesday: the order no longer covers
        # Thursday (the day before Friday's delivery), which it could only throw away
        self.assertEqual(beef.boh_cover_until, date(2026, 11, 25))
        bun = self.lines()[self.bun]
        self.assertEqual(bun.boh_cover_until, date(2026, 11, 26))

    def test_a_larger_quantity_wastes_more_and_runs_out_less(self):
        self.company.boh_forecast_service_level = 50.0
        lean = self.lines()[self.beef]
        lean_qty, lean_waste, lean_risk = (
            lean.product_qty,
            lean.boh_waste_qty,
            lean.boh_stockout_risk,
        )
        # the vendor's minimum of 3 cases of 5 kg is far above two days of beef (about 3 kg)
        self.assertGreater(lean_waste, 5.0)
        self.beef.seller_ids.min_qty = 1.0
        self.company.boh_forecast_service_level = 50.0
        small = self.lines()[self.beef]
        self.assertLess(small.product_qty, lean_qty)
        self.assertLess(small.boh_waste_qty, lean_waste)
        self.assertGreaterEqual(small.boh_stockout_risk, lean_risk)
