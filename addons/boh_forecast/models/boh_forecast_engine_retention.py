import logging
from datetime import timedelta

from odoo import api, models
from odoo.addons.boh_inventory.tools.bulk import delete_in_batches
from odoo.tools import SQL

_logger = logging.getLogger(__name__)

#: Past forecasts deleted per statement.
BATCH = 10_000


class BohForecastEngine(models.AbstractModel):
    """The nightly run's retention of past forecasts."""

    _inherit = "boh.forecast.engine"  # pylint: disable=consider-merging-classes-inherited

    @api.model
    def _delete_old_forecasts(self, company, today):
        """Delete ``company``'s forecasts of the days more than ``boh_forecast_keep_days``
        before ``today`` (0 keeps them all), ``BATCH`` at a time; return how many.

        Nothing but the Forecast vs Actual report reads past forecasts: the accuracy of each
        series (``boh.forecast.series``) is measured by a backtest on the sales history, and
        the plans read the days ahead. After the first run, each night deletes one day's worth.
        """
        days = company.boh_forecast_keep_days
        if days <= 0:
            return 0
        before = today - timedelta(days=days)
        Forecast = self.env["boh.forecast"]
        Forecast.flush_model()
        total = delete_in_batches(
            self.env,
            "boh_forecast",
            SQL("company_id = %s AND date < %s", company.id, before),
            batch=BATCH,
        )
        Forecast.invalidate_model()
        if total:
            _logger.info(
                "BOH forecast: %s past forecasts of %s before %s deleted",
                total,
                company.name,
                before,
            )
        return total
