"""The daily sales sums stay equal to the facts, whatever writes the facts."""

from datetime import timedelta

from odoo.exceptions import AccessError
from odoo.tests import new_test_user, tagged

from .common import BohPosCase

FACT_SUMS = """
    SELECT company_id, warehouse_id, product_id, date, sum(coalesce(qty, 0)),
           sum(coalesce(revenue, 0)), sum(coalesce(covers, 0)),
           sum(CASE WHEN is_component THEN coalesce(qty, 0) ELSE 0 END),
           sum(CASE WHEN is_component THEN coalesce(revenue, 0) ELSE 0 END),
           count(*) FILTER (WHERE is_component), count(*)
      FROM boh_sales_fact
     GROUP BY company_id, warehouse_id, product_id, date
     ORDER BY company_id, warehouse_id, product_id, date
"""
FACT_ORDERS = """
    SELECT warehouse_id, date, coalesce(source, ''), order_ref, count(*)
      FROM boh_sales_fact WHERE order_ref IS NOT NULL
     GROUP BY 1, 2, 3, 4 ORDER BY 1, 2, 3, 4
"""
ORDER_ROWS = """
    SELECT warehouse_id, date, source, order_ref, fact_count
      FROM boh_sales_daily_order ORDER BY 1, 2, 3, 4
"""
DAILY_ROWS = """
    SELECT company_id, warehouse_id, product_id, date, qty, revenue, covers, component_qty,
           component_revenue, component_count, fact_count
      FROM boh_sales_daily
     ORDER BY company_id, warehouse_id, product_id, date
"""


@tagged("post_install", "-at_install")
class TestPosSalesDaily(BohPosCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.day2 = cls.day - timedelta(days=1)

    def assertDailyEqualsFacts(self):
        """Every daily row is the GROUP BY of the facts, and nothing else is there."""
        self.env.flush_all()
        self.env.cr.execute(FACT_SUMS)
        facts = self.env.cr.fetchall()
        self.env.cr.execute(DAILY_ROWS)
        self.assertEqual(self.env.cr.fetchall(), facts)
        self.env.cr.execute(FACT_ORDERS)
        orders = self.env.cr.fetchall()
        self.env.cr.execute(ORDER_ROWS)
        self.assertEqual(self.env.cr.fetchall(), orders)
        return facts

    def daily(self, product, day=None, store=None):
        """The ORM's view of one daily row (through its cache)."""
        return self.env["boh.sales.daily"].search(
            [
                ("warehouse_id", "=", (store or self.store).id),
                ("product_id", "=", product.id),
                ("date", "=", day or self.day),
            ]
        )

    def test_feed_pushes_amendments_refunds_and_voids_keep_the_sums(self):
        self.push(
            self.order("D1", [self.line("1", "BURGER", 2, "12.10"), self.line("2", "PIZZA", 1)]),
            self.order("D2", [self.line("1", "BURGER", 1, "12.10")], covers=3),
            self.order("D3", [self.line("1", "PIZZA", 4)], location="TSTL", day=self.day2),
        )
        self.assertDailyEqualsFacts()
        burgers = self.daily(self.burger_product)
        self.assertEqual((burgers.qty, burgers.covers, burgers.fact_count), (3.0, 5, 2))
        sold = self.facts().filtered(lambda f: f.product_id == self.burger_product)
        self.assertEqual(burgers.revenue, sum(sold.mapped("revenue")))

        # an amendment: fewer burgers, the pizza line removed
        self.push(self.order("D1", [self.line("1", "BURGER", 1, "12.10")]))
        self.assertDailyEqualsFacts()
        self.assertEqual(burgers.qty, 2.0)  # the cache of the daily rows was dropped
        self.assertFalse(self.daily(self.pizza_product), "no fact left: no row")

        # a refund and a voided line on a new order, and a refund on an amended one
        self.push(
            self.order(
                "D4",
                [
                    self.line("1", "BURGER", 1, void=True),
                    self.line("2", "PIZZA", -1),
                    self.line("3", "BURGER", -1, restock=True),
                ],
            ),
            self.order("D2", [self.line("1", "BURGER", 1, "12.10"), self.line("2", "PIZZA", -2)]),
        )
        self.assertDailyEqualsFacts()
        self.assertEqual(self.daily(self.pizza_product).qty, -3.0)

        # a whole order voided, and an order moved to another day
        self.push(
            self.order("D2", [self.line("1", "BURGER", 1, void=True)]),
            self.order("D4", [self.line("2", "PIZZA", -1)], day=self.day2),
        )
        self.assertDailyEqualsFacts()
        self.assertEqual(self.daily(self.burger_product).qty, 1.0)
        self.assertFalse(self.daily(self.pizza_product))
        self.assertEqual(self.daily(self.pizza_product, day=self.day2).qty, -1.0)

    def test_orm_writes_and_deletes_of_facts_keep_the_sums(self):
        self.push(
            self.order("O1", [self.line("1", "BURGER", 2), self.line("2", "PIZZA", 1)]),
            self.order("O2", [self.line("1", "BURGER", 1)]),
        )
        burgers = self.daily(self.burger_product)
        self.assertEqual(burgers.qty, 3.0)
        Fact = self.env["boh.sales.fact"].sudo()
        fact = Fact.search([("order_ref", "=", "O2")])
        fact.write({"qty": 5.0, "covers": 7})  # flushed by the next read of the daily rows
        self.assertEqual((burgers.qty, burgers.covers), (7.0, 9))
        self.assertDailyEqualsFacts()
        fact.write({"date": self.day2})
        self.assertEqual(self.daily(self.burger_product, day=self.day2).qty, 5.0)
        self.assertDailyEqualsFacts()
        Fact.search([("order_ref", "=", "O1"), ("product_id", "=", self.pizza_product.id)]).unlink()
        self.assertFalse(self.daily(self.pizza_product))
        self.assertDailyEqualsFacts()
        # plain SQL is seen too
        self.env.cr.execute("DELETE FROM boh_sales_fact WHERE order_ref = 'O1'")
        self.env["boh.sales.daily"].invalidate_model()
        self.assertFalse(self.daily(self.burger_product))
        self.assertDailyEqualsFacts()

    def test_set_meal_components_are_summed_apart(self):
        self.push(
            self.order(
                "S1",
                [
                    self.line("1", "MEAL-DEAL", 1, "22.00"),
                    self.line("2", "BURGER", 1, "0", parent_line_ref="1"),
                    self.line("3", "PIZZA", 1, "0", parent_line_ref="1"),
                ],
            ),
            self.order("S2", [self.line("1", "BURGER", 2, "12.10")]),
        )
        self.assertDailyEqualsFacts()
        burgers = self.daily(self.burger_product)
        self.assertEqual(
            (burgers.qty, burgers.component_qty, burgers.component_count), (3.0, 1.0, 1)
        )
        parts = self.facts("S1").filtered(lambda f: f.product_id == self.burger_product)
        self.assertTrue(parts.is_component)
        self.assertEqual(burgers.component_revenue, parts.revenue)
        self.assertGreater(burgers.revenue, burgers.component_revenue)

    def test_truncate_of_the_facts_empties_the_sums(self):
        self.push(self.order("T1", [self.line("1", "BURGER", 2)]))
        self.assertTrue(self.daily(self.burger_product))
        self.env.flush_all()
        self.env.cr.execute("TRUNCATE boh_sales_fact")
        self.env["boh.sales.daily"].invalidate_model()
        self.assertFalse(self.env["boh.sales.daily"].search([]))
        self.assertDailyEqualsFacts()

    def test_bulk_replace_of_facts_keeps_the_sums(self):
        Fact = self.env["boh.sales.fact"].sudo()

        def facts(qty, days):
            return [
                {
                    "company_id": self.env.company.id,
                    "warehouse_id": store.id,
                    "product_id": product.id,
                    "date": self.day - timedelta(days=d),
                    "hour": 9 + line % 12,
                    "qty": qty,
                    "revenue": qty * 10.5,
                    "covers": line % 2,
                    "source": "bulk",
                    "origin_model": "bulk.test",
                    "origin_id": line % 5 + 1,
                }
                for store in (self.store, self.other_store)
                for product in (self.burger_product, self.pizza_product)
                for d in range(days)
                for line in range(6)
            ]

        def own_rows():
            # the database may hold other stores' sales (the demo's): count this test's stores
            self.env["boh.sales.daily"].invalidate_model()
            return self.env["boh.sales.daily"].search(
                [("warehouse_id", "in", (self.store | self.other_store).ids)]
            )

        Fact._replace_origin_facts("bulk.test", [], facts(1.5, 10))
        self.assertDailyEqualsFacts()
        self.assertEqual(len(own_rows()), 2 * 2 * 10)
        self.assertEqual(self.daily(self.pizza_product, store=self.other_store).fact_count, 6)
        # replaced by fewer days and other quantities: the days no longer sold go away
        Fact._replace_origin_facts("bulk.test", [1, 2, 3, 4, 5], facts(2.0, 4))
        self.assertDailyEqualsFacts()
        self.assertEqual(len(own_rows()), 2 * 2 * 4)
        self.assertEqual(self.daily(self.pizza_product).qty, 12.0)
        self.assertFalse(self.daily(self.pizza_product, day=self.day - timedelta(days=5)))

    def test_rebuild_gives_the_rows_the_triggers_keep(self):
        self.push(
            self.order("R1", [self.line("1", "BURGER", 2), self.line("2", "PIZZA", -1)]),
            self.order("R2", [self.line("1", "BURGER", 1)], location="TSTL"),
        )
        kept = self.assertDailyEqualsFacts()
        self.env["boh.sales.daily"]._rebuild()
        self.assertEqual(self.assertDailyEqualsFacts(), kept)

    def test_daily_rows_are_read_only_and_kept_to_their_stores(self):
        self.push(
            self.order("A1", [self.line("1", "BURGER")]),
            self.order("A2", [self.line("1", "PIZZA")], location="TSTL"),
        )
        kitchen = new_test_user(
            self.env, login="test_boh_daily_kitchen", groups="boh_inventory.group_boh_user"
        )
        manager = new_test_user(
            self.env, login="test_boh_daily_manager", groups="boh_inventory.group_boh_manager"
        )
        for user in (kitchen, manager):
            user.boh_all_stores = False
            user.boh_warehouse_ids = self.other_store
        for user in (kitchen, manager):
            Daily = self.env["boh.sales.daily"].with_user(user)
            seen = Daily.search([("warehouse_id", "in", (self.store | self.other_store).ids)])
            self.assertEqual(seen.warehouse_id, self.other_store, user.login)
            self.assertFalse(Daily.search([("warehouse_id", "=", self.store.id)]), user.login)
            row = seen[0]
            with self.assertRaises(AccessError, msg=user.login):
                row.write({"qty": 99.0})
            with self.assertRaises(AccessError, msg=user.login):
                row.unlink()
            with self.assertRaises(AccessError, msg=user.login):
                Daily.create(
                    {
                        "company_id": self.env.company.id,
                        "warehouse_id": self.other_store.id,
                        "product_id": self.burger_product.id,
                        "date": self.day2,
                    }
                )
        with self.assertRaises(AccessError):
            self.env["boh.sales.daily"].with_user(self.integrator).search([])
        self.assertDailyEqualsFacts()
