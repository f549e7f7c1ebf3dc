import base64
from datetime import timedelta
from pathlib import Path
from unittest.mock import patch

from odoo import Command
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tests import freeze_time, new_test_user, tagged

from ..models.boh_forecast_inputs import BohForecastInputs
from .common import NOW, TODAY, WEEK, BohForecastCase

FIXTURES = Path(__file__).parent / "fixtures"


def _serve(name):
    def transport(url, timeout):
        return (FIXTURES / name).read_bytes()

    return transport


def week_of(day):
    """Burgers the store sells on the weekday of ``day`` (the fixture's weekly pattern)."""
    return WEEK[day.weekday()]


def _timeout(url, timeout):
    raise TimeoutError("timed out")


@tagged("post_install", "-at_install")
@freeze_time(NOW)
class TestForecastInputs(BohForecastCase):
    """Closures, promotions, events, weather, overrides and new items in the nightly run."""

    def forecast_of(self, product, day, store=None):
        return self.env["boh.forecast"].search(
            [
                ("warehouse_id", "=", (store or self.store).id),
                ("product_id", "=", product.id),
                ("date", "=", day),
            ]
        )

    def test_closures_overrides_promotions_and_events_reach_the_forecast(self):
        whole = TODAY + timedelta(days=2)
        partial = TODAY + timedelta(days=3)
        party = TODAY + timedelta(days=4)
        Closure = self.env["boh.forecast.closure"]
        Closure.create(
            [
                {
                    "name": "Works",
                    "warehouse_id": self.store.id,
                    "date_from": whole,
                    "date_to": whole,
                },
                {
                    "name": "Opens at 15:00",
                    "warehouse_id": self.store.id,
                    "date_from": partial,
                    "date_to": partial,
                    "closed_hours": 6.0,
                },
            ]
        )
        self.store.boh_opening_hours = 12.0
        override = self.env["boh.forecast.override"].create(
            {
                "warehouse_id": self.store.id,
                "product_id": self.burger.id,
                "date": party,
                "qty": 90.0,
                "note": "Party booked",
            }
        )
        self.env["boh.forecast.promotion"].create(
            {"name": "Fries week", "product_id": self.fries.id, "date_from": TODAY}
        )
        self.env["boh.forecast.event"].create(
            {
                "name": "Fair",
                "warehouse_id": self.store.id,
                "date_from": TODAY + timedelta(days=8),
                "date_to": TODAY + timedelta(days=9),
            }
        )
        self.run_store()
        self.assertEqual(self.forecast_of(self.burger, whole).qty, 0.0)
        half = self.forecast_of(self.burger, partial)
        self.assertAlmostEqual(half.qty, half.qty_stat, msg="closed hours act after the model")
        weekday = week_of(partial)
        self.assertLess(half.qty, 0.75 * weekday)
        self.assertGreater(half.qty, 0.25 * weekday)
        day = self.forecast_of(self.burger, party)
        self.assertTrue(day.overridden)
        self.assertEqual(day.qty, 90.0)
        self.assertAlmostEqual(day.qty_stat, week_of(party), delta=0.3 * week_of(party))
        self.assertAlmostEqual(override.qty_stat, day.qty_stat)
        # ordering used the override: the bun demand of that week holds the 90 burgers
        self.assertIn("Fries week", self.store.boh_forecast_note)
        self.assertIn("no end date", self.store.boh_forecast_note)

    def test_override_on_a_closed_day_is_refused_and_a_later_closure_wins(self):
        day = TODAY + timedelta(days=5)
        Closure = self.env["boh.forecast.closure"]
        closure = Closure.create(
            {
                "name": "Private hire",
                "warehouse_id": self.store.id,
                "date_from": day,
                "date_to": day,
            }
        )
        with self.assertRaises(ValidationError) as err:
            self.env["boh.forecast.override"].create(
                {"warehouse_id": self.store.id, "product_id": self.burger.id, "date": day, "qty": 5}
            )
        self.assertIn("closed", str(err.exception))
        closure.unlink()
        self.env["boh.forecast.override"].create(
            {"warehouse_id": self.store.id, "product_id": self.burger.id, "date": day, "qty": 5}
        )
        Closure.create(
            {
                "name": "Private hire",
                "warehouse_id": self.store.id,
                "date_from": day,
                "date_to": day,
            }
        )
        self.run_store()
        self.assertEqual(self.forecast_of(self.burger, day).qty, 0.0)
        self.assertIn("not used: closed day", self.store.boh_forecast_note)

    def test_bad_input_is_refused_naming_the_value(self):
        with self.assertRaises(ValidationError):
            self.env["boh.forecast.closure"].create(
                {
                    "name": "Backwards",
                    "warehouse_id": self.store.id,
                    "date_from": TODAY,
                    "date_to": TODAY - timedelta(days=1),
                }
            )
        with self.assertRaises(ValidationError):
            self.env["boh.forecast.override"].create(
                {
                    "warehouse_id": self.store.id,
                    "product_id": self.burger.id,
                    "date": TODAY,
                    "qty": -3,
                }
            )
        with self.assertRaises(ValidationError):
            self.store.boh_opening_hours = 30

    def test_weather_forecast_used_when_history_allows_and_normals_fill_the_rest(self):
        self.store.write(
            {"boh_weather_source": "open_meteo", "boh_latitude": 37.79, "boh_longitude": -122.41}
        )
        Weather = self.env["boh.forecast.weather"]
        Weather.create(
            [
                {
                    "warehouse_id": self.store.id,
                    "date": TODAY - timedelta(days=back),
                    "temperature": 12.0 + back % 5,
                    "rain": float(back % 3),
                    "source": "upload",
                }
                for back in range(1, 366)
            ]
        )
        with patch.object(
            BohForecastInputs, "_weather_transport", return_value=_serve("open_meteo_16_days.json")
        ):
            self.run_store()
        ahead = Weather.search([("warehouse_id", "=", self.store.id), ("date", ">=", TODAY)])
        self.assertEqual(set(ahead.mapped("source")), {"provider", "normals"})
        self.assertEqual(len(ahead.filtered(lambda w: w.source == "provider")), 16)
        self.assertEqual(len(ahead), 21)
        self.assertFalse(self.store.boh_forecast_note)
        self.assertTrue(self.forecast_of(self.burger, TODAY))

    def test_weather_provider_failing_means_no_weather_and_says_so(self):
        self.store.write(
            {"boh_weather_source": "open_meteo", "boh_latitude": 37.79, "boh_longitude": -122.41}
        )
        for transport in (_timeout, _serve("open_meteo_nonsense.json")):
            with patch.object(BohForecastInputs, "_weather_transport", return_value=transport):
                self.run_store()
            note = self.store.boh_forecast_note
            self.assertIn("Weather forecast not used", note)
            self.assertIn("without weather", note)
            self.assertTrue(self.forecast_of(self.burger, TODAY).qty > 0)

    def test_new_item_starts_from_similar_items(self):
        self.burger.lst_price = 10.0
        self.fries.lst_price = 4.0
        deluxe = self.env["product.product"].create(
            {
                "name": "FC Burger Deluxe",
                "boh_kind": "menu",
                "lst_price": 11.0,
                "categ_id": self.burger.categ_id.id,
                "boh_launch_date": TODAY - timedelta(days=2),
            }
        )
        self.env["boh.recipe"].create(
            {
                "product_id": deluxe.id,
                "output_qty": 1.0,
                "line_ids": [
                    Command.create({"product_id": self.bun.id, "qty": 1, "uom_id": self.unit.id})
                ],
            }
        )
        self.run_store()
        day = TODAY + timedelta(days=5)
        mine = self.forecast_of(deluxe, day)
        self.assertEqual(mine.cold_start, 100.0)
        self.assertAlmostEqual(mine.qty, self.forecast_of(self.burger, day).qty, delta=0.01)

    def test_weather_upload_is_all_or_nothing(self):
        manager = new_test_user(
            self.env,
            login="fc_weather_manager",
            groups="boh_inventory.group_boh_manager",
            boh_all_stores=True,
        )
        manager.boh_all_stores = False
        manager.boh_warehouse_ids = self.store
        Upload = self.env["boh.forecast.weather.upload"].with_user(manager)

        def load(text):
            wizard = Upload.create(
                {"warehouse_id": self.store.id, "file": base64.b64encode(text.encode())}
            )
            return wizard.action_load()

        load("date,temperature,rain\n2026-11-20,11.5,0\n2026-11-21,9,4.5\n")
        days = self.env["boh.forecast.weather"].search([("warehouse_id", "=", self.store.id)])
        self.assertEqual(sorted(days.mapped("temperature")), [9.0, 11.5])
        with self.assertRaises(UserError) as err:
            load("date,temperature,rain\n2026-11-22,10,0\n2026-11-23,hot,0\n")
        self.assertIn("Line 3", str(err.exception))
        self.assertEqual(
            len(self.env["boh.forecast.weather"].search([("warehouse_id", "=", self.store.id)])),
            2,
        )
        # another store's manager may not load this store's weather
        other = new_test_user(
            self.env,
            login="fc_weather_other",
            groups="boh_inventory.group_boh_manager",
            boh_all_stores=True,
        )
        other.boh_all_stores = False
        other.boh_warehouse_ids = self.store_b
        wizard = (
            self.env["boh.forecast.weather.upload"]
            .with_user(other)
            .create({"warehouse_id": self.store.id, "file": base64.b64encode(b"date\n")})
        )
        with self.assertRaises(AccessError):
            wizard.action_load()

    def test_forecast_value_added_of_past_overrides(self):
        past = TODAY - timedelta(days=1)
        override = self.env["boh.forecast.override"].create(
            {
                "warehouse_id": self.store.id,
                "product_id": self.burger.id,
                "date": past,
                "qty": float(week_of(past)),
                "qty_stat": float(week_of(past)) * 2,
            }
        )
        self.assertEqual(override.qty_actual, week_of(past))
        action = override.action_show_value_added()
        self.assertIn("value added +100.0 points", action["params"]["message"])
        future = self.env["boh.forecast.override"].create(
            {"warehouse_id": self.store.id, "product_id": self.burger.id, "date": TODAY, "qty": 1}
        )
        with self.assertRaises(UserError):
            future.action_show_value_added()

    def test_access_per_role_and_store(self):
        """Long because it checks every input model for each role and store."""
        self.env["boh.forecast.override"].create(
            {"warehouse_id": self.store.id, "product_id": self.burger.id, "date": TODAY, "qty": 9}
        )
        self.env["boh.forecast.closure"].create(
            {
                "name": "B shut",
                "warehouse_id": self.store_b.id,
                "date_from": TODAY,
                "date_to": TODAY,
            }
        )
        cook = new_test_user(
            self.env,
            login="fc_inputs_cook",
            groups="boh_inventory.group_boh_user",
            boh_all_stores=True,
        )
        cook.boh_all_stores = False
        cook.boh_warehouse_ids = self.store
        self.assertEqual(len(self.env["boh.forecast.override"].with_user(cook).search([])), 1)
        self.assertFalse(self.env["boh.forecast.closure"].with_user(cook).search([]))
        for model, vals in (
            ("boh.forecast.closure", {"name": "x", "date_from": TODAY, "date_to": TODAY}),
            ("boh.forecast.event", {"name": "x", "date_from": TODAY, "date_to": TODAY}),
            ("boh.forecast.override", {"product_id": self.fries.id, "date": TODAY, "qty": 1}),
        ):
            with self.assertRaises(AccessError, msg=model):
                self.env[model].with_user(cook).create(dict(vals, warehouse_id=self.store.id))
        manager_b = new_test_user(
            self.env,
            login="fc_inputs_manager_b",
            groups="boh_inventory.group_boh_manager",
            boh_all_stores=True,
        )
        manager_b.boh_all_stores = False
        manager_b.boh_warehouse_ids = self.store_b
        self.assertFalse(self.env["boh.forecast.override"].with_user(manager_b).search([]))
        self.assertEqual(
            self.env["boh.forecast.closure"].with_user(manager_b).search([]).warehouse_id,
            self.store_b,
        )
        with self.assertRaises(AccessError):
            self.env["boh.forecast.override"].with_user(manager_b).create(
                {
                    "warehouse_id": self.store.id,
                    "product_id": self.fries.id,
                    "date": TODAY,
                    "qty": 1,
                }
            )
        company_b = self.env["res.company"].create({"name": "FC Inputs Group B"})
        outsider = new_test_user(
            self.env,
            login="fc_inputs_company_b",
            groups="boh_inventory.group_boh_manager",
            company_id=company_b.id,
            company_ids=[Command.set(company_b.ids)],
            boh_all_stores=True,
        )
        for model in ("boh.forecast.override", "boh.forecast.closure", "boh.forecast.weather"):
            self.assertFalse(self.env[model].with_user(outsider).search([]), model)
