from datetime import timedelta
from unittest.mock import patch

from odoo import Command
from odoo.exceptions import AccessError, UserError
from odoo.tests import HttpCase, new_test_user, tagged
from odoo.tools import SQL

from .common import BohRecipeCase


class AvtWorld(BohRecipeCase):
    """A week of beef at one store, computed by hand (as ``tests/core/test_numbers.py``):
    opened with 10 kg, received 20 and returned 2, 5 in from another store and 3 out to it,
    4 into production that gave 1 back, 1.5 kg spoiled (a loss), closed with 6 kg; the
    sales' recipes took 16 kg. At 15.00 a kg."""

    @classmethod
    def setUpClass(cls):
        """Long because it posts the week's counts and moves in the order they happened."""
        super().setUpClass()
        cls.company.boh_waste_approval_limit = 1000.0
        Warehouse = cls.env["stock.warehouse"]
        cls.store = Warehouse.create({"name": "Test AvT Store", "code": "TAVT"})
        cls.other = Warehouse.create({"name": "Test AvT Other", "code": "TAVO"})
        cls.stock = cls.store.lot_stock_id
        cls.today = cls.store._boh_store_time()[cls.store.id].today
        cls.production = cls.env["stock.location"].create(
            {"name": "Test AvT Production", "usage": "production"}
        )
        supplier = cls.env.ref("stock.stock_location_suppliers")
        cls.opening = cls._approved_count(cls.today - timedelta(days=1), 10.0)
        for src, dst, qty in (
            (supplier, cls.stock, 20.0),
            (cls.stock, supplier, 2.0),
            (cls.other.lot_stock_id, cls.stock, 5.0),
            (cls.stock, cls.other.lot_stock_id, 3.0),
            (cls.stock, cls.production, 4.0),
            (cls.production, cls.stock, 1.0),
        ):
            cls._move(src, dst, qty)
        spoiled = cls.env["boh.waste.reason"]._reason_of_kind(cls.company, "spoiled")
        staff_meal = cls.env["boh.waste.reason"]._reason_of_kind(cls.company, "staff_meal")
        for reason, qty in ((spoiled, 1.5), (staff_meal, 0.5)):
            cls.env["boh.waste.entry"].create(
                {
                    "warehouse_id": cls.store.id,
                    "product_id": cls.beef.id,
                    "qty": qty,
                    "uom_id": cls.kg.id,
                    "reason_id": reason.id,
                    "date": cls.today,
                }
            )
        cls.closing = cls._approved_count(cls.today, 6.0)
        cls.env["boh.sales.fact"].create(
            [
                {
                    "warehouse_id": cls.store.id,
                    "product_id": cls.burger_product.id,
                    "date": cls.today,
                    "qty": 40,
                    "revenue": 1000.0,
                    "covers": 50,
                    "order_ref": "A",
                }
            ]
        )
        cls.manager = new_test_user(
            cls.env, login="avt_manager", groups="boh_inventory.group_boh_manager"
        )
        cls.manager.boh_warehouse_ids = cls.store
        cls.cook = new_test_user(cls.env, login="avt_cook", groups="boh_inventory.group_boh_user")
        cls.cook.boh_warehouse_ids = cls.store
        cls.stranger = new_test_user(
            cls.env, login="avt_stranger", groups="boh_inventory.group_boh_manager"
        )
        cls.stranger.boh_warehouse_ids = cls.other

    @classmethod
    def _approved_count(cls, day, qty):
        count = cls.env["boh.stock.count"].create(
            {
                "warehouse_id": cls.store.id,
                "count_date": day,
                "line_ids": [
                    Command.create(
                        {
                            "product_id": cls.beef.id,
                            "location_id": cls.stock.id,
                            "counted_qty": qty,
                            "is_counted": True,
                        }
                    )
                ],
            }
        )
        count.action_approve()
        return count

    @classmethod
    def _move(cls, src, dst, qty):
        move = cls.env["stock.move"].create(
            {
                "name": "AvT test",
                "product_id": cls.beef.id,
                "product_uom": cls.kg.id,
                "product_uom_qty": qty,
                "location_id": src.id,
                "location_dest_id": dst.id,
            }
        )
        move._action_confirm()
        move.quantity = qty
        move.picked = True
        move._action_done()
        return move

    def _depletion(self, store_ids, lo, hi):
        return SQL(
            "SELECT %s, %s, %s::date, 16.0::numeric, 0::numeric",
            self.store.id,
            self.beef.id,
            self.today,
        )

    def _period(self, **vals):
        return self.env["boh.store.period"].create(
            {"warehouse_id": self.store.id, "date_from": self.today, "date_to": self.today, **vals}
        )

    def _computed(self, user=None):
        period = self._period()
        with patch.object(
            type(self.env["boh.store.period"]), "_avt_depletion_query", self._depletion
        ):
            period.with_user(user or self.manager).action_compute()
        return period


@tagged("post_install", "-at_install")
class TestAvt(AvtWorld):
    def test_actual_usage_variance_and_waste_split_are_the_hand_computed_ones(self):
        period = self._computed()
        line = period.line_ids.filtered(lambda line: line.product_id == self.beef)
        self.assertRecordValues(
            line,
            [
                {
                    "opening_qty": 10.0,
                    "received_qty": 18.0,
                    "transfer_in_qty": 5.0,
                    "transfer_out_qty": 3.0,
                    "production_consumed_qty": 4.0,
                    "production_made_qty": 1.0,
                    "closing_qty": 6.0,
                    "actual_qty": 21.0,
                    "theoretical_qty": 16.0,
                    "variance_qty": 5.0,
                    # the staff meal is no loss: it stays in the unexplained part
                    "loss_waste_qty": 1.5,
                    "unexplained_qty": 3.5,
                    "actual_value": 315.0,
                    "theoretical_value": 240.0,
                    "variance_value": 75.0,
                    "loss_waste_value": 22.5,
                    "unexplained_value": 52.5,
                    "has_opening": True,
                    "has_closing": True,
                    "rank": 1,
                }
            ],
        )

    def test_kpis_of_the_period_are_the_hand_computed_ones(self):
        period = self._computed()
        self.assertRecordValues(
            period,
            [
                {
                    "net_sales": 1000.0,
                    "covers": 50,
                    "orders": 1,
                    "average_check": 1000.0,
                    "theoretical_cost": 240.0,
                    "actual_cost": 315.0,
                    "food_cost_pct_theoretical": 24.0,
                    "food_cost_pct_actual": 31.5,
                    "waste_pct": 2.25,
                    "variance_pct": 7.5,
                    "gross_margin": 685.0,
                    "opening_count_date": self.today - timedelta(days=1),
                    "closing_count_date": self.today,
                    "warning": False,
                }
            ],
        )
        # average inventory (150 + 90) / 2 over 315.00 of usage a day
        self.assertAlmostEqual(period.turnover_days, 120.0 / 315.0, places=1)

    def test_a_period_with_no_opening_count_says_so(self):
        period = self._period(
            date_from=self.today - timedelta(days=1), date_to=self.today - timedelta(days=1)
        )
        period.action_compute()
        self.assertIn("No opening count", period.warning)
        self.assertFalse(period.opening_count_date)
        line = period.line_ids.filtered(lambda line: line.product_id == self.beef)
        self.assertRecordValues(line, [{"has_opening": False, "has_closing": True}])
        # what is not known is empty (NULL, skipped by the list's totals), not a number made
        # up with the missing opening taken as zero
        self.env.cr.execute(
            """SELECT opening_qty, closing_qty, actual_qty, variance_qty, unexplained_qty,
                      actual_value, variance_value, unexplained_value
                 FROM boh_store_period_line WHERE id = %s""",
            [line.id],
        )
        self.assertEqual(self.env.cr.fetchone(), (None, 10.0, None, None, None, None, None, None))
        totals = self.env["boh.store.period.line"].read_group(
            [("period_id", "=", period.id)], ["variance_value:sum"], []
        )
        self.assertFalse(totals[0]["variance_value"])
        arch = self.env["boh.store.period.line"].get_view(view_type="list")["arch"]
        self.assertIn('name="variance_qty" invisible="not has_opening or not has_closing"', arch)

    def test_drill_down_opens_the_moves_behind_the_line(self):
        period = self._computed()
        action = period.line_ids.with_user(self.manager).action_view_moves()
        moves = self.env["stock.move"].search(action["domain"])
        self.assertEqual(
            len(moves.filtered(lambda m: not m.is_inventory and not m.boh_waste_id)), 6
        )
        self.assertTrue(moves.filtered("boh_waste_id"))
        action = period.line_ids.with_user(self.cook).action_view_waste()
        waste = self.env["boh.waste.line"].search(action["domain"])
        self.assertEqual(sorted(waste.mapped("qty")), [0.5, 1.5])  # the staff meal too

    def test_a_closed_period_is_frozen(self):
        period = self._computed()
        with patch.object(
            type(self.env["boh.store.period"]), "_avt_depletion_query", self._depletion
        ):
            period.with_user(self.manager).action_close()
        self.assertEqual(period.state, "closed")
        with self.assertRaisesRegex(UserError, "is closed"):
            period.with_user(self.manager).action_compute()
        with self.assertRaisesRegex(UserError, "frozen"):
            period.with_user(self.manager).date_to = self.today + timedelta(days=1)

    def test_a_closed_period_refuses_counts_and_waste_and_shows_late_sales(self):
        period = self._computed()
        with patch.object(
            type(self.env["boh.store.period"]), "_avt_depletion_query", self._depletion
        ):
            period.with_user(self.manager).action_close()
        spoiled = self.env["boh.waste.reason"]._reason_of_kind(self.company, "spoiled")
        with self.assertRaisesRegex(UserError, "Waste entry of Test AvT Store on .* is closed"):
            self.env["boh.waste.entry"].create(
                {
                    "warehouse_id": self.store.id,
                    "product_id": self.beef.id,
                    "qty": 1.0,
                    "uom_id": self.kg.id,
                    "reason_id": spoiled.id,
                    "date": self.today,
                }
            )
        with self.assertRaisesRegex(UserError, "Stock count of Test AvT Store"):
            self._approved_count(self.today, 5.0)
        self.assertEqual(period.late_sales_value, 0.0)
        self.env["boh.sales.fact"].create(
            {
                "warehouse_id": self.store.id,
                "product_id": self.burger_product.id,
                "date": self.today,
                "qty": 1,
                "revenue": 25.0,
            }
        )
        period.invalidate_recordset(["late_sales_value"])
        self.assertEqual(period.late_sales_value, 25.0)
        # the archive of the period's facts keeps them in the daily sums it is read from
        Fact = self.env["boh.sales.fact"]
        archived = Fact._archive_facts(self.company, self.today + timedelta(days=1))
        self.assertTrue(archived)
        self.assertFalse(Fact.search_count([("warehouse_id", "=", self.store.id)]))
        period.invalidate_recordset(["late_sales_value"])
        self.assertEqual(period.late_sales_value, 25.0)
        self.assertEqual(period.net_sales, 1000.0)  # frozen

    def test_a_dish_sold_without_recipe_is_reported_not_dropped(self):
        special = self.env["product.product"].create(
            {"name": "Test Special of the Day", "boh_kind": "menu", "list_price": 30.0}
        )
        self.env["boh.sales.fact"].create(
            {
                "warehouse_id": self.store.id,
                "product_id": special.id,
                "date": self.today,
                "qty": 1,
                "revenue": 30.0,
            }
        )
        period = self._computed()
        self.assertEqual(period.no_recipe_item_count, 1)
        self.assertEqual(period.no_recipe_revenue, 30.0)
        self.assertEqual(period.net_sales, 1030.0)
        self.assertIn("1 menu items were sold without a recipe", period.warning)

    def test_kitchen_sees_quantities_not_costs_and_cannot_compute(self):
        period = self._computed()
        line = period.line_ids.with_user(self.cook)
        self.assertEqual(line.unexplained_qty, 3.5)
        with self.assertRaises(AccessError):
            line.read(["unexplained_value"])
        with self.assertRaises(AccessError):
            period.with_user(self.cook).action_compute()

    def test_a_manager_of_another_store_sees_nothing_of_this_one(self):
        period = self._computed()
        self.assertFalse(
            self.env["boh.store.period"].with_user(self.stranger).search([("id", "=", period.id)])
        )
        self.assertFalse(
            self.env["boh.store.period.line"]
            .with_user(self.stranger)
            .search([("period_id", "=", period.id)])
        )

    def test_dashboard_shows_the_period_per_store_and_for_the_group(self):
        self._computed()
        data = (
            self.env["boh.kpi.dashboard"]
            .with_user(self.manager)
            .get_dashboard_data(self.today - timedelta(days=7), self.today)
        )
        (store,) = [row for row in data["stores"] if row["id"] == self.store.id]
        self.assertAlmostEqual(store["food_cost_pct_actual"], 31.5)
        self.assertAlmostEqual(store["waste_pct"], 2.25)
        self.assertAlmostEqual(data["group"]["net_sales"], 1000.0)
        self.assertEqual(len(data["trend"]), 1)
        self.assertIsInstance(data["slots"], list)

    def test_kitchen_does_not_see_the_dashboard(self):
        with self.assertRaises(AccessError):
            self.env["boh.kpi.dashboard"].with_user(self.cook).get_dashboard_data()

    def test_menu_engineering_places_items_within_their_category(self):
        self.env["boh.sales.fact"].create(
            {
                "warehouse_id": self.store.id,
                "product_id": self.pizza_product.id,
                "date": self.today,
                "qty": 5,
                "revenue": 50.0,
            }
        )
        period = self._computed()
        lines = {line.product_id: line for line in period.menu_line_ids}
        burger, pizza = lines[self.burger_product], lines[self.pizza_product]
        # 40 burgers and 5 pizzas: mix 88.9% and 11.1% against 70% of a half share (35%)
        self.assertAlmostEqual(burger.menu_mix_pct, 100.0 * 40 / 45, places=1)
        self.assertAlmostEqual(burger.mix_threshold_pct, 35.0)
        self.assertAlmostEqual(burger.unit_margin, 25.0 - self.burger.portion_cost, places=2)
        self.assertAlmostEqual(pizza.unit_margin, 10.0 - self.pizza.portion_cost, places=2)
        self.assertEqual(burger.quadrant, "star")
        self.assertEqual(pizza.quadrant, "dog")
        with self.assertRaises(AccessError):
            self.env["boh.menu.engineering.line"].with_user(self.cook).search([])


@tagged("post_install", "-at_install")
class TestAvtTour(AvtWorld, HttpCase):
    def test_manager_drills_down_from_the_dashboard_to_the_moves(self):
        """The dashboard shows the store; its periods, the AvT lines, then the moves."""
        self._computed()
        self.start_tour("/odoo", "boh_avt_drill_down_tour", login="avt_manager")


@tagged("post_install", "-at_install")
class TestKpiDashboardCurrencies(BohRecipeCase):
    def test_a_second_company_in_another_currency_is_converted_for_the_group(self):
        eur = self.env.ref("base.EUR")
        eur.active = True
        own = self.company.currency_id
        self.env["res.currency.rate"].search([("currency_id", "in", (eur | own).ids)]).unlink()
        self.env["res.currency.rate"].create(
            [
                {"currency_id": own.id, "rate": 1.0, "name": "2020-01-01", "company_id": False},
                {"currency_id": eur.id, "rate": 2.0, "name": "2020-01-01", "company_id": False},
            ]
        )
        other = self.env["res.company"].create({"name": "Test Euro Group", "currency_id": eur.id})
        Period = self.env["boh.store.period"]
        stores = self.env["stock.warehouse"].create(
            [
                {"name": "Test Dollar Store", "code": "TDS", "company_id": self.company.id},
                {"name": "Test Euro Store", "code": "TES", "company_id": other.id},
            ]
        )
        for store, sales in zip(stores, (1000.0, 1000.0), strict=True):
            Period.create(
                {"warehouse_id": store.id, "date_from": "2031-03-03", "date_to": "2031-03-09"}
            ).write({"computed_date": "2031-03-10 06:00:00", "net_sales": sales})
        data = (
            self.env["boh.kpi.dashboard"]
            .with_context(allowed_company_ids=[self.company.id, other.id])
            .get_dashboard_data("2031-03-01", "2031-03-31")
        )
        by_name = {row["name"]: row for row in data["stores"]}
        self.assertAlmostEqual(by_name["Test Euro Store"]["net_sales"], 500.0)
        self.assertAlmostEqual(data["group"]["net_sales"], 1500.0)
