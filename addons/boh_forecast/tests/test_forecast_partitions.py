import json
from contextlib import closing
from datetime import date, timedelta
from unittest.mock import patch

import pandas as pd

from odoo import SUPERUSER_ID, Command, api, fields
from odoo.exceptions import AccessError
from odoo.tests import freeze_time, new_test_user, tagged
from odoo.tools import SQL

from ..models import boh_forecast_engine as engine_module
from .common import NOW, TODAY, BohForecastCase

PARTITIONS_LOGGER = "odoo.addons.boh_forecast.models.boh_forecast_engine_partitions"

REAL_FORECAST = engine_module.forecast
REAL_BACKTEST = engine_module.backtest


def _each_series_alone(function):
    """``function`` (the forecast or the backtest) called on each series on its own, so that a
    series' figures do not depend on the series run with it (the real model is global over
    the series of a call: a partition's stores)."""

    def alone(history, *args, **kwargs):
        parts = []
        for uid, frame in history.groupby("unique_id"):
            call_args = list(args)
            if len(call_args) > 1 and isinstance(call_args[1], pd.DataFrame):
                call_args[1] = call_args[1][call_args[1].unique_id == uid]
            parts.append(function(frame, *call_args, **kwargs))
        return pd.concat(parts, ignore_index=True)

    return alone


@tagged("post_install", "-at_install")
@freeze_time(NOW)
class TestForecastPartitions(BohForecastCase):
    """The nightly run in partitions of stores: taken by any worker, resumed after a kill,
    a broken partition failed with its reason while the others go on."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        Warehouse = cls.env["stock.warehouse"]
        # a demo database has its own kitchen: this company's is the test's
        Warehouse.search([("boh_store_type", "=", "central_kitchen")]).boh_store_type = "store"
        cls.kitchen = Warehouse.create(
            {"name": "FC Central Kitchen", "code": "FCCK", "boh_store_type": "central_kitchen"}
        )
        cls.sauce_recipe.write({"stocked": True, "shelf_life_hours": 72.0})
        cls.sauce.boh_supplied_by_kitchen = True
        Warehouse.search([("id", "not in", (cls.store | cls.store_b).ids)]).write(
            {"boh_forecast_enabled": False}
        )
        # beef keeps two days, and store B's burgers vary from day to day: its beef's expected
        # waste is drawn from demand paths
        cls.beef.write({"use_expiration_date": True, "expiration_time": 2})
        cls.env["boh.sales.fact"].create(
            [
                {
                    "company_id": cls.company.id,
                    "warehouse_id": cls.store_b.id,
                    "product_id": cls.burger.id,
                    "date": TODAY - timedelta(days=back),
                    "hour": 19,
                    "qty": back * 37 % 7,
                    "revenue": back * 37 % 7 * 10.0,
                    "covers": back * 37 % 7,
                }
                for back in range(1, 57)
            ]
        )
        cls.Partition = cls.env["boh.forecast.run.partition"]

    def run_cron(self, method="_cron_run_forecast"):
        """Call the cron as Odoo's runner does: again, in a unit of work of its own, while
        the call triggered its cron for now. Returns the number of calls."""
        name = "ir_cron_boh_forecast" + ("" if method == "_cron_run_forecast" else "_partitions")
        cron = self.env.ref(f"boh_forecast.{name}")
        Trigger = self.env["ir.cron.trigger"].sudo()
        due = [("cron_id", "=", cron.id), ("call_at", "<=", fields.Datetime.now())]
        for calls in range(1, 20):
            Trigger.search(due).unlink()  # the runner's reschedule deletes the due triggers
            progress = self.env["ir.cron.progress"].create({"cron_id": cron.id})
            engine = self.engine.with_context(ir_cron_progress_id=progress.id, cron_id=cron.id)
            getattr(engine, method)()
            # never "remaining": the runner would call again in the same unit of work
            self.assertEqual(progress.remaining, 0)
            if not Trigger.search_count(due):
                return calls
        raise AssertionError("the nightly run does not finish")

    def results(self):
        """Everything the run writes for the two stores and the kitchen, as values."""
        sites = (self.store | self.store_b | self.kitchen).ids
        domain = [("warehouse_id", "in", sites)]

        def rows(model, names, search=domain):
            records = self.env[model].search(search)
            return sorted(
                tuple(
                    round(value, 6) if isinstance(value, float) else value
                    for value in (
                        record.mapped(name)[:1].id
                        if hasattr(record.mapped(name), "id")
                        else record[name]
                        for name in names
                    )
                )
                for record in records
            )

        lines = [
            ("order_id.boh_suggested", "=", True),
            ("order_id.state", "=", "draft"),
            ("order_id.picking_type_id.warehouse_id", "in", sites),
        ]
        return {
            "forecasts": rows(
                "boh.forecast",
                ["warehouse_id", "product_id", "kind", "date", "qty", "qty_lo", "qty_hi", "sales"],
            ),
            "series": rows(
                "boh.forecast.series",
                ["warehouse_id", "product_id", "kind", "state", "model", "wape", "sigma"],
            ),
            "orders": rows(
                "purchase.order.line",
                [
                    "order_id.picking_type_id",
                    "product_id",
                    "product_qty",
                    "boh_waste_qty",
                    "boh_stockout_risk",
                    "boh_demand_qty",
                    "boh_safety_qty",
                    "date_planned",
                ],
                lines,
            ),  # fmt: skip
            "requisitions": rows(
                "boh.requisition.line",
                ["warehouse_id", "product_id", "qty"],
                [("requisition_id.suggested", "=", True), ("warehouse_id", "in", sites)],
            ),
            "prep": rows("boh.prep.plan", ["warehouse_id", "recipe_id", "date", "qty", "batches"]),
            "labour": rows(
                "boh.labour.plan", ["warehouse_id", "date", "day_part", "role", "hours"]
            ),
        }

    def test_partitions_are_groups_of_stores_and_the_kitchen_plan_comes_last(self):
        yesterday = self.env["boh.forecast.run"].create(
            {
                "company_id": self.company.id,
                "date": date(2026, 11, 22),
                "partition_ids": [Command.create({"company_id": self.company.id})],
            }
        )
        self.env["ir.config_parameter"].set_param("boh_forecast.partition_stores", "1")
        run = self.engine._plan_runs()
        # what an earlier night left waiting is given up, not run late
        left = yesterday.partition_ids
        self.assertEqual((left.state, left.attempt_count), ("failed", 0))
        self.assertIn("next night's run", left.error)
        self.assertEqual(run.company_id, self.company)
        self.assertEqual(run.date, date(2026, 11, 23))
        partitions = run.partition_ids.sorted("sequence")
        self.assertEqual(partitions.mapped("kind"), ["stores", "stores", "kitchen"])
        self.assertEqual(
            partitions.mapped("warehouse_ids.id"), [self.store.id, self.store_b.id, self.kitchen.id]
        )
        self.assertEqual(set(partitions.mapped("state")), {"received"})
        self.assertEqual(run.state, "running")
        # the same night's second call finds the run
        self.assertEqual(self.engine._plan_runs(), run)
        self.assertEqual(len(run.partition_ids), 3)
        # twenty stores a partition by default: one partition of both stores
        run.unlink()
        self.env["ir.config_parameter"].set_param("boh_forecast.partition_stores", "")
        run = self.engine._plan_runs()
        self.assertEqual(run.partition_ids.mapped("store_count"), [2, 1])

    def test_a_run_killed_between_partitions_resumes_and_equals_a_one_shot_run(self):
        with (
            patch.object(engine_module, "forecast", _each_series_alone(REAL_FORECAST)),
            patch.object(engine_module, "backtest", _each_series_alone(REAL_BACKTEST)),
        ):
            run = self.engine._plan_runs(size=1)
            first, second, kitchen = run.partition_ids.sorted("sequence")
            # a worker runs the first partition, commits, and is killed in the second
            self.engine._run_next_partition()
            self.assertEqual(first.state, "done")
            done_at, answer = first.processed_date, first.result
            first_forecasts = self.env["boh.forecast"].search(
                [("warehouse_id", "=", self.store.id)]
            )
            with closing(self.env.cr.savepoint()):
                self.assertEqual(self.engine._take_partition(), second)
                self.engine._run(second.warehouse_ids, partition=True)
            self.assertEqual(second.state, "received", "the killed worker's work is gone")
            # the next call of the cron finds the run and takes what is left
            self.assertEqual(self.run_cron(), 1)
            self.assertEqual(len(self._tonights_runs()), 1)
            self.assertEqual((second | kitchen).mapped("state"), ["done", "done"])
            self.assertEqual(run.state, "done")
            # the finished partition was not run again
            self.assertEqual(
                (first.processed_date, first.result, first.attempt_count), (done_at, answer, 0)
            )
            self.assertEqual(
                self.env["boh.forecast"].search([("warehouse_id", "=", self.store.id)]),
                first_forecasts,
            )
            partitioned = self.results()
            # the same night's data run in one go, as the "Run now" of both stores does
            with patch.object(engine_module, "order_risk", wraps=engine_module.order_risk) as spy:
                self.engine._run_for_warehouses(self.store | self.store_b)
            self.assertEqual(self.results(), partitioned)
        # a store's demand paths are drawn in a call of its own, whatever runs with it
        self.assertEqual(spy.call_count, 2)
        # both stores order (so that a store's figures could depend on the other's)
        self.assertEqual(
            {line[0] for line in partitioned["orders"]},
            {self.store.in_type_id.id, self.store_b.in_type_id.id},
        )
        self.assertTrue(partitioned["requisitions"])
        self.assertTrue(any(line[3] > 0 for line in partitioned["orders"]), "waste drawn")
        self.assertTrue(partitioned["labour"] and partitioned["prep"])
        kitchen_plan = self.env["boh.prep.plan"].search([("warehouse_id", "=", self.kitchen.id)])
        self.assertEqual(kitchen_plan.recipe_id, self.sauce_recipe)

    def test_each_partition_is_a_cron_unit_of_work_of_its_own(self):
        self.env["ir.config_parameter"].set_param("boh_forecast.partition_stores", "1")
        # store one; then store two and, right after it, the kitchen's plan
        self.assertEqual(self.run_cron(), 2)
        run = self._tonights_runs()
        self.assertEqual(set(run.partition_ids.mapped("state")), {"done"})

    def test_a_partition_records_its_stages_and_stores_forecasts_in_one_insert(self):
        run = self.engine._plan_runs(size=2)
        stores = run.partition_ids.filtered(lambda p: p.kind == "stores")
        self.engine._run_next_partition()
        self.assertEqual(stores.state, "done")
        summary = json.loads(stores.result)
        self.assertEqual(
            set(summary["seconds"]), {"reading", "forecast", "storing", "orders", "plans"}
        )
        self.assertGreaterEqual(summary["cpu_seconds"], 0.0)
        # the forecasts as the ORM would have written them: rounded to the fields' decimals,
        # the covers forecast without an item, with their author
        forecasts = self.env["boh.forecast"].search([("warehouse_id", "=", self.store.id)])
        self.assertEqual(set(forecasts.mapped("kind")), {"item", "covers"})
        self.assertFalse(forecasts.filtered(lambda f: f.kind == "covers").product_id)
        self.assertEqual(forecasts.company_id, self.company)
        self.assertEqual(forecasts.create_uid, self.env.user)
        digits = self.env["decimal.precision"].precision_get("Product Unit of Measure")
        for forecast in forecasts:
            self.assertEqual(forecast.qty, round(forecast.qty, digits))
        self.env.cr.execute(
            "SELECT count(*) FROM boh_forecast WHERE warehouse_id = %s AND qty <> round(qty, %s)",
            [self.store.id, digits],
        )
        self.assertEqual(self.env.cr.fetchone()[0], 0)

    def test_a_partition_with_broken_data_fails_with_its_reason_and_the_others_finish(self):
        broken = self.env["boh.labour.standard"].create(
            {
                "role": "FC Runner",
                "driver": "covers",
                "per_hour": 5.0,
                "warehouse_id": self.store_b.id,
            }
        )
        self.env.flush_all()
        # imported around the form's check: a productivity of 0
        self.env.cr.execute(
            SQL("UPDATE boh_labour_standard SET per_hour = 0 WHERE id = %s", broken.id)
        )
        broken.invalidate_recordset()
        self.env["ir.config_parameter"].set_param("boh_forecast.partition_stores", "1")
        # the failure is logged for the administrator (and expected here)
        with self.assertLogs(PARTITIONS_LOGGER, "WARNING") as logged:
            self.run_cron()
        self.assertIn("Productivity must be above 0 per hour", logged.output[0])
        run = self._tonights_runs()
        good, bad, kitchen = run.partition_ids.sorted("sequence")
        self.assertEqual((good.state, bad.state, kitchen.state), ("done", "failed", "done"))
        self.assertEqual(bad.error, "Productivity must be above 0 per hour, not 0.0.")
        self.assertEqual(bad.attempt_count, 1)
        self.assertEqual(run.state, "failed")
        self.assertTrue(self.env["boh.forecast"].search([("warehouse_id", "=", self.store.id)]))
        self.assertFalse(self.env["boh.forecast"].search([("warehouse_id", "=", self.store_b.id)]))
        # fixed and retried: it waits for a worker, and the kitchen's plan is made again
        broken.per_hour = 5.0
        manager = new_test_user(
            self.env,
            login="fc_partition_retrier",
            groups="boh_inventory.group_boh_manager",
            boh_all_stores=True,
        )
        bad.with_user(manager).action_retry()
        self.assertEqual(bad.state, "received")
        Engine = type(self.engine)
        with patch.object(
            Engine, "_run_kitchen_step", autospec=True, side_effect=Engine._run_kitchen_step
        ) as kitchen_step:
            self.run_cron("_cron_run_forecast_partitions")
        self.assertEqual((bad.state, bad.attempt_count, bad.error), ("done", 1, False))
        self.assertEqual(kitchen_step.call_count, 1)
        self.assertEqual(kitchen.state, "done")
        self.assertEqual(run.state, "done")
        self.assertTrue(self.env["boh.forecast"].search([("warehouse_id", "=", self.store_b.id)]))

    def test_a_partition_locked_by_another_transaction_is_skipped(self):
        """Two real transactions (the test's own sees none of their rows): a partition a worker
        holds is skipped by the other, and takeable again once that worker is gone."""
        with self.registry.cursor() as cr:
            env = api.Environment(cr, SUPERUSER_ID, {})
            company = env.ref("base.main_company")
            run = env["boh.forecast.run"].create(
                {
                    "company_id": company.id,
                    "date": date(1999, 1, 1),
                    "partition_ids": [
                        Command.create({"company_id": company.id, "sequence": n}) for n in (1, 2)
                    ],
                }
            )
            run_id, (first, second) = run.id, run.partition_ids.sorted("sequence").ids
            cr.commit()  # pylint: disable=invalid-commit
        try:
            with self.registry.cursor() as cr_a, self.registry.cursor() as cr_b:
                env_a = api.Environment(cr_a, SUPERUSER_ID, {})
                env_b = api.Environment(cr_b, SUPERUSER_ID, {})
                run_a, run_b = (
                    env_a["boh.forecast.run"].browse(run_id),
                    env_b["boh.forecast.run"].browse(run_id),
                )
                self.assertEqual(env_a["boh.forecast.engine"]._take_partition(run=run_a).id, first)
                # any session sees it running
                self.assertTrue(env_b["boh.forecast.run.partition"].browse(first).running)
                self.assertFalse(env_b["boh.forecast.run.partition"].browse(second).running)
                self.assertEqual(env_b["boh.forecast.engine"]._take_partition(run=run_b).id, second)
                # worker A dies: its partition is takeable again
                cr_a.rollback()
                env_b.invalidate_all()
                self.assertFalse(env_b["boh.forecast.run.partition"].browse(first).running)
                self.assertEqual(env_b["boh.forecast.engine"]._take_partition(run=run_b).id, first)
                cr_b.rollback()
        finally:
            with self.registry.cursor() as cr:
                cr.execute(SQL("DELETE FROM boh_forecast_run WHERE id = %s", run_id))
                cr.commit()  # pylint: disable=invalid-commit

    def _tonights_runs(self):
        """The runs of the test's night (a demo database also holds the demo's own)."""
        return self.env["boh.forecast.run"].search([("date", "=", TODAY)])

    def test_a_store_manager_sees_only_their_stores_partitions(self):
        self.engine._plan_runs(size=1)
        manager = new_test_user(
            self.env, login="fc_partition_manager", groups="boh_inventory.group_boh_manager"
        )
        manager.write(
            {"boh_all_stores": False, "boh_warehouse_ids": [Command.set(self.store_b.ids)]}
        )
        seen = self.Partition.with_user(manager).search([])
        self.assertEqual(seen.warehouse_ids, self.store_b)
        kitchen_user = new_test_user(
            self.env, login="fc_partition_cook", groups="boh_inventory.group_boh_user"
        )
        with self.assertRaises(AccessError):
            self.Partition.with_user(kitchen_user).search([])
        # a failed partition of another store cannot be retried by them
        theirs = self.Partition.search([("warehouse_ids", "=", self.store.id)])
        theirs._inbox_failed("FC broken")
        with self.assertRaises(AccessError):
            theirs.with_user(manager).action_retry()
        self.assertEqual(theirs.state, "failed")
