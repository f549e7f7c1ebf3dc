from odoo.tests import tagged

from .common import BohPosCase


@tagged("post_install", "-at_install")
class TestPosAvt(BohPosCase):
    """The sales feed's depletion is the theoretical usage of the store periods."""

    def _period(self):
        period = self.env["boh.store.period"].create(
            {"warehouse_id": self.store.id, "date_from": self.day, "date_to": self.day}
        )
        period.action_compute()
        return period

    def test_theoretical_usage_is_what_the_sales_depleted_amendments_included(self):
        self.push(self.order("A1", [self.line("1", "BURGER", 4)]))
        # amended down: the feed puts 150 g of beef back, on the day of the sale
        self.push(self.order("A1", [self.line("1", "BURGER", 3)]))
        line = self._period().line_ids.filtered(lambda line: line.product_id == self.beef)
        self.assertAlmostEqual(line.theoretical_qty, 0.45, places=6)
        self.assertAlmostEqual(line.theoretical_value, 0.45 * 15.0, places=2)
        self.assertFalse(line.has_opening)

    def test_net_sales_and_covers_come_from_the_sales_facts(self):
        self.push(self.order("A1", [self.line("1", "BURGER", 2, price="11.00")], covers=3))
        period = self._period()
        self.assertEqual(period.covers, 3)
        self.assertEqual(period.orders, 1)
        self.assertGreater(period.net_sales, 0.0)
        self.assertIn("No opening count", period.warning)
