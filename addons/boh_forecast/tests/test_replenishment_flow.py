import math
from datetime import date
from unittest.mock import patch

from odoo import Command
from odoo.exceptions import AccessError, UserError
from odoo.tests import freeze_time, new_test_user, tagged
from odoo.tools import SQL

from boh_core.errors import BohError
from boh_core.replenishment import Z_80, round_order

from ..models import boh_forecast_engine as engine_module
from ..models.boh_forecast_engine import LOCK_KEY
from .common import NOW, BohForecastCase


@tagged("post_install", "-at_install")
@freeze_time(NOW)
class TestReplenishmentFlow(BohForecastCase):
    def test_facts_to_rfq_lines_by_hand(self):
        # at a 50% service level there is no safety stock: the hand calculation is exact
        self.company.boh_forecast_service_level = 50.0
        orders = self.run_store()
        self.assertEqual(len(orders), 1, "one order for the one vendor of the store")
        self.assertEqual(orders.partner_id, self.vendor)
        self.assertEqual(orders.picking_type_id, self.store.in_type_id)
        self.assertEqual(orders.state, "draft")
        # ordered Monday before the 10:00 cut-off, comes Tuesday; the next order comes
        # Friday, so this one covers Monday to Thursday: 8 + 10 + 12 + 14 = 44 burgers
        self.assertEqual(orders.date_planned.date(), date(2026, 11, 24))
        lines = {line.product_id: line for line in orders.order_line}
        self.assertEqual(set(lines), {self.beef, self.bun}, "no vendor, no order: tomato")
        beef = lines[self.beef]
        self.assertEqual(beef.boh_cover_until, date(2026, 11, 26))
        self.assertAlmostEqual(beef.boh_demand_qty, 44 * 0.15, delta=0.15)
        self.assertAlmostEqual(beef.boh_safety_qty, 0.0)
        self.assertAlmostEqual(beef.boh_onhand_qty, 1.0)
        self.assertAlmostEqual(beef.boh_incoming_qty, 0.0)
        # 6.6 - 1 = 5.6 kg is 1.12 cases of 5 kg: 2 cases, but the vendor's minimum is 3
        self.assertEqual(beef.product_uom, self.case5)
        self.assertEqual(beef.product_qty, 3.0)
        self.assertAlmostEqual(beef.price_unit, 50.0)
        bun = lines[self.bun]
        # 44 buns in packs of 12: 4 packs (48), above the minimum of 2
        self.assertAlmostEqual(bun.boh_demand_qty, 44.0, delta=1.0)
        self.assertEqual(bun.product_uom, self.pack12)
        self.assertEqual(bun.product_qty, 4.0)
        self.assert_explained(beef, 5.0)
        self.assert_explained(bun, 12.0)

    def test_the_suggested_quantity_is_kept_and_only_the_forecast_writes_it(self):
        orders = self.run_store()
        for line in orders.order_line:
            self.assertEqual(line.boh_suggested_qty, line.product_qty)
        buyer = new_test_user(
            self.env,
            login="fc_suggestion_buyer",
            groups="purchase.group_purchase_manager,boh_inventory.group_boh_manager",
        )
        line = orders.order_line[:1].with_user(buyer)
        line.product_qty = line.boh_suggested_qty + 1  # the buyer changes the quantity
        self.assertNotEqual(line.product_qty, line.boh_suggested_qty)
        with self.assertRaisesRegex(AccessError, "Suggested Quantity"):
            line.boh_suggested_qty = line.product_qty
        with self.assertRaisesRegex(AccessError, "Suggested Quantity"):
            self.env["purchase.order.line"].with_user(buyer).create(
                {
                    "order_id": orders[:1].id,
                    "product_id": self.bun.id,
                    "product_qty": 1.0,
                    "boh_suggested_qty": 1.0,
                }
            )

    def test_safety_stock_from_the_forecast_error(self):
        orders = self.run_store()
        bun = orders.order_line.filtered(lambda pol: pol.product_id == self.bun)
        days = self.env["boh.forecast"].search(
            [
                ("warehouse_id", "=", self.store.id),
                ("product_id", "=", self.burger.id),
                ("date", ">=", "2026-11-23"),
                ("date", "<=", "2026-11-26"),
            ]
        )
        self.assertEqual(len(days), 4)
        # one bun a burger: the daily error of the burger forecast, from its 80% interval,
        # times z(95%) and the square root of the 4 days covered
        variance = sum(((d.qty_hi - d.qty_lo) / (2 * Z_80)) ** 2 for d in days) / 4
        expected = 1.6449 * math.sqrt(variance) * 2.0
        self.assertAlmostEqual(bun.boh_safety_qty, expected, delta=0.01 + expected * 0.01)
        self.assert_explained(bun, 12.0)

    @freeze_time("2026-11-23 11:00:00")
    def test_after_cut_off_the_order_covers_until_the_next_tuesday(self):
        self.company.boh_forecast_service_level = 50.0
        self.env["stock.quant"]._update_available_quantity(self.beef, self.store.lot_stock_id, -1.0)
        orders = self.run_store()
        beef = orders.order_line.filtered(lambda pol: pol.product_id == self.beef)
        # ordered Tuesday, comes Friday; the next order comes Tuesday 1 December:
        # Monday to Monday is 108 burgers, 16.2 kg of beef = 3.24 cases -> 4 cases
        self.assertEqual(orders.date_planned.date(), date(2026, 11, 27))
        self.assertEqual(beef.boh_cover_until, date(2026, 11, 30))
        self.assertAlmostEqual(beef.boh_demand_qty, 108 * 0.15, delta=0.3)
        self.assertEqual(beef.product_qty, 4.0)
        self.assert_explained(beef, 5.0)

    def assert_explained(self, line, pack):
        """The figures on the line add up to its quantity."""
        need = line.boh_demand_qty + line.boh_safety_qty - line.boh_onhand_qty
        need -= line.boh_incoming_qty
        self.assertAlmostEqual(line.boh_need_qty, need, delta=0.02)
        moq = line.product_id.seller_ids.min_qty
        self.assertEqual(line.product_qty, round_order(line.boh_need_qty / pack, 1.0, moq))
        self.assertIn("safety", line.boh_explanation)

    def test_wape_is_unknown_until_a_backtest_measures_it(self):
        self.run_store()
        Series = self.env["boh.forecast.series"]
        burger = Series.search(
            [("warehouse_id", "=", self.store.id), ("product_id", "=", self.burger.id)]
        )
        self.assertTrue(burger.wape_known)
        never = Series.create({"warehouse_id": self.store_b.id, "kind": "covers"})
        self.assertFalse(never.wape_known, "never backtested: no WAPE, not a perfect 0 %")
        [(average,)] = Series._read_group(
            [("id", "in", (burger | never).ids)], aggregates=["wape:avg"]
        )
        self.assertAlmostEqual(average, burger.wape, msg="the unknown WAPE is left out")

    def test_forecast_accuracy_prep_and_labour(self):
        self.run_store()
        Series = self.env["boh.forecast.series"]
        burger = Series.search(
            [("warehouse_id", "=", self.store.id), ("product_id", "=", self.burger.id)]
        )
        self.assertEqual(burger.state, "ok")
        self.assertTrue(burger.model)
        self.assertGreater(burger.backtest_days, 0)
        self.assertLess(burger.wape, 5.0, "a clean weekly pattern is forecast closely")
        covers = Series.search([("warehouse_id", "=", self.store.id), ("kind", "=", "covers")])
        self.assertEqual(covers.state, "ok")
        tuesday = self.env["boh.forecast"].search(
            [
                ("warehouse_id", "=", self.store.id),
                ("product_id", "=", self.burger.id),
                ("date", "=", "2026-11-24"),
            ]
        )
        self.assertAlmostEqual(tuesday.qty, 10.0, delta=0.5)
        self.assertLessEqual(tuesday.qty_lo, tuesday.qty)
        self.assertGreaterEqual(tuesday.qty_hi, tuesday.qty)
        # forecast vs actual: the actuals of the history and the forecast of the horizon
        Report = self.env["boh.forecast.report"]
        report = Report.search(
            [("warehouse_id", "=", self.store.id), ("product_id", "=", self.burger.id)]
        )
        self.assertAlmostEqual(
            sum(report.mapped("qty_actual")), 8 * sum([8, 10, 12, 14, 20, 30, 6])
        )
        self.assertGreater(sum(report.mapped("qty_forecast")), 0)
        # prep for Tuesday: 10 burgers x 100 ml = 1 L of sauce, one 2 L batch
        prep = self.env["boh.prep.plan"].search([("warehouse_id", "=", self.store.id)])
        self.assertEqual(prep.recipe_id, self.sauce_recipe)
        self.assertEqual(prep.date, date(2026, 11, 24))
        self.assertAlmostEqual(prep.qty, 1.0, places=1)
        self.assertEqual(prep.batches, 1)
        # labour: all covers at 12:00, so lunch; 8 covers on Monday at 10 an hour = 0.8 h
        labour = self.env["boh.labour.plan"].search(
            [
                ("warehouse_id", "=", self.store.id),
                ("date", "=", "2026-11-23"),
                ("standard_id", "=", self.cook.id),
            ]
        )
        self.assertEqual(labour.day_part, "lunch")
        self.assertEqual(labour.role, "FC Cook")
        self.assertAlmostEqual(labour.hours, 0.8, places=1)

    def test_nothing_is_ordered_twice(self):
        first = self.run_store()
        quantities = {line.product_id: line.product_qty for line in first.order_line}
        # a second run replaces the draft suggestion rather than adding to it
        second = self.run_store()
        self.assertFalse(first.exists())
        self.assertEqual(self.suggested_lines().order_id, second)
        self.assertEqual(
            {line.product_id: line.product_qty for line in second.order_line}, quantities
        )
        # once confirmed, it is incoming: the next run orders nothing more
        second.button_confirm()
        third = self.run_store()
        self.assertFalse(third)
        # a product under an Odoo reorder rule is left to Odoo's replenishment
        second.button_cancel()
        self.env["stock.warehouse.orderpoint"].create(
            {
                "product_id": self.bun.id,
                "warehouse_id": self.store.id,
                "location_id": self.store.lot_stock_id.id,
                "trigger": "auto",
                "product_min_qty": 10,
                "product_max_qty": 50,
            }
        )
        fourth = self.run_store()
        self.assertEqual(fourth.order_line.product_id, self.beef)

    def test_a_bad_series_is_flagged_and_the_rest_go_on(self):
        fact = self.facts.filtered(lambda f: f.product_id == self.fries)[:1]
        self.env.flush_all()
        self.env.cr.execute(SQL("UPDATE boh_sales_fact SET qty = 'NaN' WHERE id = %s", fact.id))
        self.env.invalidate_all()
        orders = self.run_store()
        Series = self.env["boh.forecast.series"]
        fries = Series.search([("product_id", "=", self.fries.id)])
        self.assertEqual(fries.state, "failed")
        self.assertTrue(fries.message)
        burger = Series.search(
            [("warehouse_id", "=", self.store.id), ("product_id", "=", self.burger.id)]
        )
        self.assertEqual(burger.state, "ok")
        self.assertEqual(set(orders.order_line.product_id), {self.beef, self.bun})
        self.assertFalse(self.env["boh.forecast"].search([("product_id", "=", self.fries.id)]))

    def test_a_series_that_breaks_the_batch_is_isolated(self):
        real = engine_module.forecast
        fries_id = f"{self.store.id}:{self.fries.id}"

        def picky(history, *args, **kwargs):
            if fries_id in set(history.unique_id):
                raise BohError("history", fries_id, "Series FC Fries cannot be forecast.")
            return real(history, *args, **kwargs)

        with patch.object(engine_module, "forecast", side_effect=picky):
            orders = self.run_store()
        fries = self.env["boh.forecast.series"].search([("product_id", "=", self.fries.id)])
        self.assertEqual(fries.state, "failed")
        self.assertEqual(fries.message, "Series FC Fries cannot be forecast.")
        self.assertEqual(set(orders.order_line.product_id), {self.beef, self.bun})
        # the next good run clears the flag
        self.run_store()
        self.assertEqual(fries.state, "ok")
        self.assertFalse(fries.message)

    def test_a_second_run_at_the_same_time_is_refused(self):
        with self.registry.cursor() as other:
            other.execute("SELECT pg_advisory_xact_lock(%s)", (LOCK_KEY,))
            with self.assertRaises(UserError):
                self.run_store()
            self.assertFalse(self.engine._cron_run_forecast())
            other.rollback()
        # the lock is gone with the other transaction
        self.assertTrue(self.run_store())

    def test_cron_runs_every_enabled_location(self):
        self.store_b.boh_forecast_enabled = False
        others = self.env["stock.warehouse"].search(
            [("id", "not in", (self.store | self.store_b).ids)]
        )
        others.boh_forecast_enabled = False
        cron = self.env.ref("boh_forecast.ir_cron_boh_forecast")
        progress = self.env["ir.cron.progress"].create({"cron_id": cron.id})
        engine = self.engine.with_context(ir_cron_progress_id=progress.id)
        self.assertTrue(engine._cron_run_forecast())
        self.assertGreater(progress.done, 0)
        self.assertEqual(progress.remaining, 0)
        Series = self.env["boh.forecast.series"]
        self.assertTrue(Series.search([("warehouse_id", "=", self.store.id)]))
        self.assertFalse(Series.search([("warehouse_id", "=", self.store_b.id)]))

    def test_a_location_without_sales_gets_nothing(self):
        empty = self.env["stock.warehouse"].create({"name": "FC Empty Store", "code": "FCE"})
        self.assertFalse(self.run_store(empty))
        self.assertFalse(self.env["boh.forecast.series"].search([("warehouse_id", "=", empty.id)]))

    def test_wizard_runs_one_location(self):
        manager = new_test_user(
            self.env,
            login="fc_wizard_manager",
            groups="boh_inventory.group_boh_manager,purchase.group_purchase_user",
            boh_all_stores=True,
        )
        wizard = (
            self.env["boh.forecast.run.wizard"]
            .with_user(manager)
            .create({"warehouse_id": self.store.id})
        )
        action = wizard.action_run()
        orders = self.env["purchase.order"].search(action["domain"])
        self.assertEqual(orders.partner_id, self.vendor)
        self.assertFalse(
            self.env["boh.forecast.series"].search([("warehouse_id", "=", self.store_b.id)])
        )
        # a manager of store B only cannot run store A
        manager.write({"boh_all_stores": False, "boh_warehouse_ids": [(6, 0, self.store_b.ids)]})
        wizard = (
            self.env["boh.forecast.run.wizard"]
            .with_user(manager)
            .create({"warehouse_id": self.store.id})
        )
        with self.assertRaises(AccessError):
            wizard.action_run()
        # the location form's button opens the wizard on it
        action = self.store.with_user(manager).action_boh_run_forecast()
        self.assertEqual(action["context"]["default_warehouse_id"], self.store.id)

    def test_store_manager_sees_only_their_stores(self):
        self.engine._run_for_warehouses(self.store | self.store_b)
        manager = new_test_user(
            self.env,
            login="fc_store_b_manager",
            groups="boh_inventory.group_boh_manager",
        )
        manager.boh_all_stores = False
        manager.boh_warehouse_ids = self.store_b
        for model in ("boh.forecast", "boh.forecast.series", "boh.forecast.report"):
            records = self.env[model].with_user(manager).search([])
            self.assertTrue(records, model)
            self.assertEqual(records.warehouse_id, self.store_b, model)
        self.assertFalse(
            self.env["boh.prep.plan"]
            .with_user(manager)
            .search([("warehouse_id", "=", self.store.id)])
        )
        mine = self.env["boh.labour.plan"].with_user(manager).search([])
        self.assertEqual(mine.warehouse_id, self.store_b)
        other = self.env["boh.forecast.series"].search([("warehouse_id", "=", self.store.id)])
        with self.assertRaises(AccessError):
            other.with_user(manager).read(["wape"])
        # another company sees none of it
        company_b = self.env["res.company"].create({"name": "FC Restaurant Group B"})
        manager_b = new_test_user(
            self.env,
            login="fc_company_b_manager",
            groups="boh_inventory.group_boh_manager",
            company_id=company_b.id,
            company_ids=[Command.set(company_b.ids)],
            boh_all_stores=True,
        )
        for model in ("boh.forecast", "boh.forecast.series", "boh.prep.plan", "boh.labour.plan"):
            self.assertFalse(self.env[model].with_user(manager_b).search([]), model)
        # the kitchen reads the plans, does not write them
        cook = new_test_user(
            self.env, login="fc_cook", groups="boh_inventory.group_boh_user", boh_all_stores=True
        )
        prep = self.env["boh.prep.plan"].with_user(cook).search([])
        self.assertTrue(prep)
        with self.assertRaises(AccessError):
            prep.write({"batches": 9})


@tagged("post_install", "-at_install")
@freeze_time(NOW)
class TestKitchenSuppliedOrders(BohForecastCase):
    def test_the_forecasts_order_for_a_kitchen_supplied_item_becomes_a_requisition(self):
        kitchen = self._supply_sauce_from_a_kitchen()
        self.tomato.write(
            {"seller_ids": [Command.create({"partner_id": self.vendor.id, "price": 2.0})]}
        )
        orders = self.run_store()
        # the burger's sauce comes from the kitchen: no tomatoes bought for it at the store
        self.assertNotIn(self.tomato, orders.order_line.product_id)
        self.assertNotIn(self.sauce, orders.order_line.product_id)
        requisition = self.env["boh.requisition"].search([("warehouse_id", "=", self.store.id)])
        self.assertEqual(len(requisition), 1)
        self.assertTrue(requisition.suggested)
        self.assertEqual(requisition.state, "draft")
        self.assertEqual(requisition.supplier_id, kitchen)
        # Monday 09:00, before the 14:00 cut-off: for Tuesday; Monday and Tuesday's
        # 8 + 10 burgers x 0.1 L of sauce, plus safety stock
        self.assertEqual(requisition.date_needed, date(2026, 11, 24))
        self.assertEqual(requisition.line_ids.product_id, self.sauce)
        self.assertGreaterEqual(requisition.line_ids.qty, 1.8 - 0.2)
        # a second run replaces the suggestion, it does not add one
        self.run_store()
        self.assertEqual(
            self.env["boh.requisition"].search_count([("warehouse_id", "=", self.store.id)]), 1
        )

    def _supply_sauce_from_a_kitchen(self):
        """The company's one central kitchen, supplying the stocked sauce (a demo database has
        its own kitchen: not this one)."""
        Warehouse = self.env["stock.warehouse"]
        Warehouse.search([("boh_store_type", "=", "central_kitchen")]).boh_store_type = "store"
        kitchen = Warehouse.create(
            {"name": "FC Central Kitchen", "code": "FCCK", "boh_store_type": "central_kitchen"}
        )
        self.sauce_recipe.write({"stocked": True, "shelf_life_hours": 72.0})
        self.sauce.boh_supplied_by_kitchen = True
        return kitchen

    def _tuesday_burgers(self, stores):
        return sum(
            self.env["boh.forecast"]
            .search(
                [
                    ("warehouse_id", "in", stores.ids),
                    ("product_id", "=", self.burger.id),
                    ("date", "=", date(2026, 11, 24)),
                ]
            )
            .mapped("qty")
        )

    def test_the_kitchen_plans_the_prep_the_stores_requisition(self):
        kitchen = self._supply_sauce_from_a_kitchen()
        Plan = self.env["boh.prep.plan"]
        self.engine._run_for_warehouses(self.store | self.store_b)
        # the stores do not make the sauce: they requisition it
        self.assertFalse(Plan.search([("warehouse_id", "in", (self.store | self.store_b).ids)]))
        # the kitchen makes Tuesday's burgers' sauce of both stores: about 10 + 3 x 0.1 L
        plan = Plan.search([("warehouse_id", "=", kitchen.id)])
        self.assertEqual(plan.recipe_id, self.sauce_recipe)
        self.assertEqual(plan.date, date(2026, 11, 24))
        both = self._tuesday_burgers(self.store | self.store_b) * 0.1
        # (stored to the unit's 2 decimals)
        self.assertAlmostEqual(plan.qty, both, places=2)
        self.assertAlmostEqual(plan.qty, 1.3, places=1)
        self.assertEqual(plan.batches, 1)
        # a run for one store keeps the other store's share
        self.run_store()
        plan = Plan.search([("warehouse_id", "=", kitchen.id)])
        self.assertEqual(len(plan), 1)
        self.assertAlmostEqual(plan.qty, both, places=2)
        # a sauce the stores make themselves stays on their plans
        self.sauce.boh_supplied_by_kitchen = False
        self.run_store()
        self.assertEqual(
            Plan.search([("warehouse_id", "=", self.store.id)]).recipe_id, self.sauce_recipe
        )
        self.assertFalse(Plan.search([("warehouse_id", "=", kitchen.id)]))

    def test_the_kitchens_production_plan_counts_requisitions_and_prep_plan_once(self):
        kitchen = self._supply_sauce_from_a_kitchen()
        self.engine._run_for_warehouses(self.store | self.store_b)
        forecast = self.env["boh.prep.plan"].search([("warehouse_id", "=", kitchen.id)]).qty
        Requisition = self.env["boh.requisition"]

        def ask(qty, day):
            requisition = Requisition.create(
                {
                    "warehouse_id": self.store.id,
                    "supplier_id": kitchen.id,
                    "date_needed": day,
                    "line_ids": [Command.create({"product_id": self.sauce.id, "qty": qty})],
                }
            )
            requisition.action_submit()
            return requisition

        def plan_production():
            Production = self.env["boh.production"]
            Production.search(
                [("warehouse_id", "=", kitchen.id), ("state", "=", "draft")]
            ).action_cancel()
            action = Production.action_plan_from_requisitions()
            return Production.search(action["domain"]).filtered(
                lambda production: production.warehouse_id == kitchen
            )

        # Tuesday: 0.5 L asked, the forecast says more: the forecast; Wednesday's 0.4 L on top
        tuesday = ask(0.5, date(2026, 11, 24))
        ask(0.4, date(2026, 11, 25))
        production = plan_production()
        self.assertEqual(production.product_id, self.sauce)
        self.assertAlmostEqual(production.qty, round(forecast + 0.4, 2), places=2)
        # Tuesday's requisition above the forecast: the requisition, not both
        tuesday.line_ids.qty = 2.5
        self.assertAlmostEqual(plan_production().qty, 2.9, places=2)
        # the kitchen's stock is taken off
        self.env["stock.quant"]._update_available_quantity(
            self.sauce,
            kitchen.lot_stock_id,
            1.0,
            lot_id=self.env["stock.lot"].create(
                {"name": "FC-SAUCE-1", "product_id": self.sauce.id}
            ),
        )
        self.assertAlmostEqual(plan_production().qty, 1.9, places=2)
