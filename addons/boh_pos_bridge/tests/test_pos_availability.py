from odoo.exceptions import ValidationError
from odoo.tests import tagged

from .common import SOURCE, BohPosCase


@tagged("post_install", "-at_install")
class TestPosAvailability(BohPosCase):
    def test_portions_from_ingredients_on_hand(self):
        stock = self.store.lot_stock_id
        Quant = self.env["stock.quant"]
        for product, qty in (
            (self.beef, 1.5),  # 10 burgers
            (self.bun, 4),  # 4 burgers: the bun limits
            (self.cheese, 10),
            (self.tomato, 100),
            (self.oil, 100),
            (self.flour, 100),
            (self.egg, 1000),
        ):
            Quant._update_available_quantity(product, stock, qty)
        rows = {r["item_code"]: r["portions"] for r in self.feed.get_availability("TSTH", SOURCE)}
        self.assertEqual(rows["BURGER"], 4)
        self.assertEqual(rows["SET-A"], 4)
        self.assertGreater(rows["PIZZA"], 4)
        # selling two burgers takes two portions off
        self.push(self.order("AV1", [self.line("1", "BURGER", 2)]))
        rows = {r["item_code"]: r["portions"] for r in self.feed.get_availability("TSTH", SOURCE)}
        self.assertEqual(rows["BURGER"], 2)
        # nothing on hand at the other store: 86'd
        rows = {r["item_code"]: r["portions"] for r in self.feed.get_availability("TSTL", SOURCE)}
        self.assertEqual(rows["BURGER"], 0)
        lines = self.env["boh.pos.availability"]._refresh(self.store)
        burger = lines.filtered(lambda r: r.product_id == self.burger_product)
        self.assertEqual(burger.portions, 2)
        self.assertEqual(burger.limiting_product_id, self.bun)

    def test_unknown_location_is_a_clean_error(self):
        for code in ("NOWHERE", None, 12, ["TSTH"]):
            with self.assertRaises(ValidationError):
                self.feed.get_availability(code)
