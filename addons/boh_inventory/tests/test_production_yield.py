from datetime import date, datetime

from odoo.exceptions import AccessError
from odoo.tests import tagged

from .test_production import BohKitchenCase


@tagged("post_install", "-at_install")
class TestProductionYield(BohKitchenCase):
    """Planned against actual yield of the kitchen's productions, per period and prep item."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.period = cls.env["boh.store.period"].create(
            {
                "warehouse_id": cls.kitchen.id,
                "date_from": date(2031, 3, 9),
                "date_to": date(2031, 3, 15),
            }
        )
        # pesto: 0.5 kg basil at 20 + 0.5 L oil at 8 = 14 per kg planned
        cls.short = cls._made(cls.pesto, 2.0, 1.9, datetime(2031, 3, 10, 6, 0))
        cls.over = cls._made(cls.pesto, 1.0, 1.1, datetime(2031, 3, 11, 6, 0))
        cls.later = cls._made(cls.pesto, 1.0, 0.8, datetime(2031, 3, 20, 6, 0))
        cls.draft = cls.env["boh.production"].create(
            {"warehouse_id": cls.kitchen.id, "recipe_id": cls.pesto.id, "qty": 3.0}
        )

    @classmethod
    def _made(cls, recipe, qty, actual, when):
        production = cls.env["boh.production"].create(
            {
                "warehouse_id": cls.kitchen.id,
                "recipe_id": recipe.id,
                "qty": qty,
                "actual_qty": actual,
                "date": when,
            }
        )
        production.action_confirm()
        return production

    def _rows(self):
        Yield = self.env["boh.production.yield"]
        return Yield.search([("warehouse_id", "=", self.kitchen.id)])

    def test_each_done_production_is_a_row_at_its_planned_unit_cost(self):
        rows = {row.production_id: row for row in self._rows()}
        self.assertEqual(set(rows), {self.short, self.over, self.later})  # no draft
        short = rows[self.short]
        self.assertEqual(short.date, date(2031, 3, 10))
        self.assertEqual(short.period_id, self.period)
        self.assertEqual(short.product_id, self.pesto_product)
        self.assertAlmostEqual(short.planned_qty, 2.0)
        self.assertAlmostEqual(short.actual_qty, 1.9)
        self.assertAlmostEqual(short.variance_qty, -0.1)
        self.assertAlmostEqual(short.variance_pct, -5.0)
        self.assertAlmostEqual(short.cost, 28.0)
        self.assertAlmostEqual(short.variance_value, -1.4)  # 0.1 kg at 28 / 2
        self.assertAlmostEqual(rows[self.over].variance_value, 1.4)  # 0.1 kg at 14 / 1
        self.assertFalse(rows[self.later].period_id)  # no period holds the 20th

    def test_kitchen_period_and_item_sum_the_batches(self):
        groups = self.env["boh.production.yield"]._read_group(
            [("warehouse_id", "=", self.kitchen.id)],
            ["period_id", "product_id"],
            [
                "batch_count:sum",
                "planned_qty:sum",
                "actual_qty:sum",
                "variance_qty:sum",
                "variance_value:sum",
            ],
        )
        figures = {period: rest for period, _product, *rest in groups}
        batches, planned, actual, variance, value = figures[self.period]
        self.assertEqual(batches, 2)
        self.assertAlmostEqual(planned, 3.0)
        self.assertAlmostEqual(actual, 3.0)
        self.assertAlmostEqual(variance, 0.0)
        self.assertAlmostEqual(value, 0.0)
        batches, planned, actual, variance, value = figures[self.env["boh.store.period"]]
        self.assertEqual(batches, 1)
        self.assertAlmostEqual(variance, -0.2)
        self.assertAlmostEqual(value, -2.8)  # 0.2 kg at 14 / 1

    def test_drill_down_opens_the_productions(self):
        rows = self._rows().filtered(lambda row: row.period_id == self.period)
        action = rows.action_view_productions()
        self.assertEqual(action["res_model"], "boh.production")
        self.assertEqual(
            self.env["boh.production"].search(action["domain"]), self.short | self.over
        )
        single = rows[:1].action_view_productions()
        self.assertEqual(single["res_id"], rows[:1].production_id.id)

    def test_kitchen_users_do_not_see_the_yield_report(self):
        with self.assertRaises(AccessError):
            self.env["boh.production.yield"].with_user(self.cook).search([])
