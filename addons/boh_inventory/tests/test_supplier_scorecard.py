from datetime import timedelta

from odoo import Command, fields
from odoo.exceptions import AccessError
from odoo.tests import new_test_user, tagged

from .common import BohRecipeCase


@tagged("post_install", "-at_install")
class TestSupplierScorecard(BohRecipeCase):
    """Two orders of beef from one vendor, agreed at 10.00 a kg: the first at 9.50, received
    in full before its promised day; the second at 10.00, promised yesterday, 8.5 of 10 kg
    received today."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.vendor = cls.env["res.partner"].create({"name": "Scorecard Meats"})
        cls.env["product.supplierinfo"].create(
            {
                "partner_id": cls.vendor.id,
                "product_tmpl_id": cls.beef.product_tmpl_id.id,
                "price": 10.0,
            }
        )
        now = fields.Datetime.now()
        cls.first = cls._receive(9.5, 20.0, 20.0, now + timedelta(days=1))
        cls.second = cls._receive(10.0, 10.0, 8.5, now - timedelta(days=1))

    @classmethod
    def _receive(cls, price, ordered, received, promised):
        order = cls.env["purchase.order"].create(
            {
                "partner_id": cls.vendor.id,
                "order_line": [
                    Command.create(
                        {
                            "product_id": cls.beef.id,
                            "product_qty": ordered,
                            "price_unit": price,
                            "date_planned": promised,
                        }
                    )
                ],
            }
        )
        order.button_confirm()
        order.order_line.date_planned = promised
        picking = order.picking_ids
        picking.move_ids.quantity = received
        picking.move_ids.picked = True
        picking.with_context(cancel_backorder=True)._action_done()
        return order

    def _row(self, order):
        return self.env["boh.supplier.scorecard"].search([("order_id", "=", order.id)])

    def test_on_time_fill_and_price_variance_per_line(self):
        self.assertRecordValues(
            self._row(self.first) | self._row(self.second),
            [
                {
                    "on_time_pct": 100.0,
                    "fill_pct": 100.0,
                    "last_price": 0.0,
                    "price_vs_agreed_pct": -5.0,
                },
                {
                    "on_time_pct": 0.0,
                    "fill_pct": 85.0,
                    "last_price": 9.5,
                    "price_vs_agreed_pct": 0.0,
                },
            ],
        )
        self.assertAlmostEqual(self._row(self.second).price_vs_last_pct, 100 * 0.5 / 9.5, 1)

    def test_the_vendor_row_averages_its_lines(self):
        ((on_time, fill),) = self.env["boh.supplier.scorecard"]._read_group(
            [("partner_id", "=", self.vendor.id)], [], ["on_time_pct:avg", "fill_pct:avg"]
        )
        self.assertAlmostEqual(on_time, 50.0)
        self.assertAlmostEqual(fill, 92.5)

    def test_kitchen_does_not_see_the_scorecard(self):
        cook = new_test_user(
            self.env, login="scorecard_cook", groups="boh_inventory.group_boh_user"
        )
        with self.assertRaises(AccessError):
            self.env["boh.supplier.scorecard"].with_user(cook).search([])
