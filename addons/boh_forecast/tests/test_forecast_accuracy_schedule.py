from datetime import timedelta
from unittest.mock import patch

from odoo.tests import freeze_time, tagged

from boh_core.forecast.schedule import accuracy_slot

from ..models import boh_forecast_engine as engine_module
from .common import TODAY, BohForecastCase


@tagged("post_install", "-at_install")
class TestAccuracySchedule(BohForecastCase):
    """A store's accuracy (the backtest) is measured on its first night, then once a week on
    its own night; the series keep the last figures and their date in between."""

    def night(self, day):
        """The run of the store on ``day``; whether it measured the accuracy."""
        with (
            freeze_time(f"{day} 09:00:00"),
            patch.object(engine_module, "backtest", wraps=engine_module.backtest) as measured,
        ):
            self.run_store()
        return measured.called

    def series(self):
        return self.env["boh.forecast.series"].search([("warehouse_id", "=", self.store.id)])

    def figures(self):
        return sorted(
            (s.product_id.id, s.kind, s.model, s.wape, s.mase, s.coverage, s.backtest_days)
            for s in self.series()
        )

    def test_measured_on_the_first_night_then_on_the_stores_night_of_the_week(self):
        slot = accuracy_slot(self.store.ids)
        later = [TODAY + timedelta(days=k) for k in range(1, 8)]
        other = next(day for day in later if day.toordinal() % 7 != slot)
        slot_night = next(day for day in later if day.toordinal() % 7 == slot)

        self.assertTrue(self.night(TODAY), "never measured: measured on its first night")
        series = self.series()
        self.assertEqual(set(series.mapped("accuracy_date")), {TODAY})
        burger = series.filtered(lambda s: s.product_id == self.burger)
        self.assertTrue(burger.wape_known and burger.backtest_days > 0)
        measured = self.figures()

        self.assertFalse(self.night(other), "not its night")
        self.assertEqual(self.figures(), measured, "the last measurement is kept")
        self.assertEqual(set(series.mapped("accuracy_date")), {TODAY})
        self.assertEqual(
            {s.last_run.date() for s in series}, {other}, "the rest of the series is tonight's"
        )

        self.assertTrue(self.night(slot_night), "the store's own night of the week")
        self.assertEqual(set(series.mapped("accuracy_date")), {slot_night})
        self.assertFalse(self.night(slot_night), "not twice the same night")

    def test_an_administrator_can_measure_every_night(self):
        self.env["ir.config_parameter"].set_param("boh_forecast.accuracy_every_days", "1")
        self.assertTrue(self.night(TODAY))
        self.assertTrue(self.night(TODAY + timedelta(days=1)))
        self.assertEqual(set(self.series().mapped("accuracy_date")), {TODAY + timedelta(days=1)})

    def test_a_setting_that_is_not_a_number_keeps_the_week(self):
        self.env["ir.config_parameter"].set_param("boh_forecast.accuracy_every_days", "weekly")
        with self.assertLogs("odoo.addons.boh_forecast.models.boh_forecast_engine", "WARNING"):
            self.assertEqual(self.engine._accuracy_every(), 7)
