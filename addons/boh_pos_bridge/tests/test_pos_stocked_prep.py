from datetime import datetime

from odoo.tests import tagged

from .common import BohPosCase


@tagged("post_install", "-at_install")
class TestPosStockedPrep(BohPosCase):
    """The sauce is made ahead and stocked (at the central kitchen, shipped to the store)."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.sauce.write({"stocked": True, "shelf_life_hours": 72.0})
        cls.sauce_lot = cls.env["stock.lot"].create(
            {
                "name": "SAUCE-1",
                "product_id": cls.sauce_product.id,
                "expiration_date": datetime(2031, 4, 1),
            }
        )
        cls.env["stock.quant"]._update_available_quantity(
            cls.sauce_product, cls.store.lot_stock_id, 2.0, lot_id=cls.sauce_lot
        )

    def test_dish_with_stocked_sauce_depletes_the_sauce_not_its_ingredients(self):
        answer = self.push(self.order("S1", [self.line("1", "BURGER", 2, "12.10")]))
        self.assertEqual(self.statuses(answer), ["created"])
        depleted = self.depleted()
        # 2 burgers x 50 ml of sauce, taken from the sauce's lot
        self.assertAlmostEqual(depleted[self.sauce_product], 0.1, places=6)
        self.assertNotIn(self.tomato, depleted)
        self.assertNotIn(self.oil, depleted)
        self.assertAlmostEqual(depleted[self.beef], 0.3, places=6)
        lines = self.env["stock.move.line"].search(
            [("product_id", "=", self.sauce_product.id), ("lot_id", "=", self.sauce_lot.id)]
        )
        self.assertAlmostEqual(sum(lines.mapped("quantity")), 0.1, places=6)
