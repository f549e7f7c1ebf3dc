"""Past forecasts are kept the number of days the company says, then deleted by the run."""

from datetime import timedelta
from unittest.mock import patch

from odoo.exceptions import AccessError, ValidationError
from odoo.tests import freeze_time, new_test_user, tagged

from ..models import boh_forecast_engine_retention as retention
from .common import NOW, TODAY, BohForecastCase


@tagged("post_install", "-at_install")
@freeze_time(NOW)
class TestForecastRetention(BohForecastCase):
    def add_forecasts(self, *ages):
        """One forecast of the store's burgers per age (days before today, negative ahead)."""
        return self.env["boh.forecast"].create(
            [
                {
                    "warehouse_id": self.store.id,
                    "product_id": self.burger.id,
                    "date": TODAY - timedelta(days=age),
                    "qty": 1.0,
                }
                for age in ages
            ]
        )

    def kept_ages(self, forecasts):
        return sorted((TODAY - forecast.date).days for forecast in forecasts.exists())

    def test_the_run_deletes_only_forecasts_older_than_the_setting(self):
        self.assertEqual(self.company.boh_forecast_keep_days, 400, "a year and a bit by default")
        forecasts = self.add_forecasts(900, 401, 400, 399, 30)
        self.run_store()
        self.assertEqual(self.kept_ages(forecasts), [30, 399, 400])
        # the run stored its own forecasts for the days ahead
        self.assertTrue(
            self.env["boh.forecast"].search_count(
                [("warehouse_id", "=", self.store.id), ("date", ">=", TODAY)]
            )
        )

    def test_deletes_in_batches_and_leaves_other_companies(self):
        forecasts = self.add_forecasts(*range(40, 60))
        other = self.env["res.company"].create({"name": "FC Other Group"})
        other_store = self.env["stock.warehouse"].create(
            {"name": "FC Other Store", "code": "FCO1", "company_id": other.id}
        )
        theirs = self.env["boh.forecast"].create(
            {
                "company_id": other.id,
                "warehouse_id": other_store.id,
                "date": TODAY - timedelta(days=500),
                "kind": "covers",
            }
        )
        self.company.boh_forecast_keep_days = 50
        with patch.object(retention, "BATCH", 3):
            deleted = self.engine._delete_old_forecasts(self.company, TODAY)
        self.assertEqual(deleted, 9)
        self.assertEqual(self.kept_ages(forecasts), list(range(40, 51)))
        self.assertTrue(theirs.exists())

    def test_zero_keeps_every_past_forecast(self):
        self.company.boh_forecast_keep_days = 0
        forecasts = self.add_forecasts(3000, 401, 1)
        self.assertEqual(self.engine._delete_old_forecasts(self.company, TODAY), 0)
        self.run_store()
        self.assertEqual(self.kept_ages(forecasts), [1, 401, 3000])

    def test_a_negative_number_of_days_is_refused(self):
        # assertRaises (not assertRaisesRegex) rolls back what its block wrote
        with self.assertRaises(ValidationError) as caught:
            self.env["res.config.settings"].create({"boh_forecast_keep_days": -5})
        self.assertIn("Keep Past Forecasts (days): -5 ", str(caught.exception))
        with self.assertRaises(ValidationError) as caught:
            self.company.boh_forecast_keep_days = -1
        self.assertIn("Keep Past Forecasts (days): -1 ", str(caught.exception))
        self.company.invalidate_recordset()
        self.assertEqual(self.company.boh_forecast_keep_days, 400)

    def test_only_administrators_change_the_setting(self):
        manager = new_test_user(
            self.env, login="test_fc_keep_manager", groups="boh_inventory.group_boh_manager"
        )
        with self.assertRaises(AccessError):
            self.company.with_user(manager).boh_forecast_keep_days = 10
        with self.assertRaises(AccessError):
            self.env["res.config.settings"].with_user(manager).create(
                {"boh_forecast_keep_days": 10}
            )
        self.assertEqual(self.company.boh_forecast_keep_days, 400)
