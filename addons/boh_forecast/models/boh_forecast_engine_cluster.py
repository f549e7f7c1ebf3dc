"""The forecasting step of the nightly run on a Dask cluster, when the settings name one.

The step is pure (``boh_core.forecast``'s forecast and backtest of a partition's series,
frames in and frames out): ``boh_core.cluster`` submits both to the scheduler, side by side,
and gathers the answers; reading, exploding, drafting orders and writing stay in the Odoo
worker that took the partition. No scheduler set: the step runs here, as always. The cluster
unreachable (or without a worker, or failing): the step runs here too, and the run says so.
"""

import logging

from odoo import api, models

from boh_core import cluster

_logger = logging.getLogger(__name__)

#: The Dask scheduler's address (``tcp://host:8786``); empty: the forecast runs here.
DASK_SCHEDULER_PARAM = "boh_forecast.dask_scheduler"
#: Seconds to reach the scheduler (and see a worker) before the partition forecasts here.
CONNECT_TIMEOUT = 5.0


class BohForecastEngine(models.AbstractModel):
    _inherit = "boh.forecast.engine"  # pylint: disable=consider-merging-classes-inherited

    @api.model
    def _dask_scheduler(self):
        """The scheduler address set in the settings, or an empty string."""
        param = self.env["ir.config_parameter"].sudo().get_param(DASK_SCHEDULER_PARAM)
        return (param or "").strip()

    @api.model
    def _core_calls(self, calls, report=None):
        """The answers (``boh_core.cluster.Answer``) of these pure calls, in order: on the Dask
        cluster the settings name, side by side on its workers; here when none is named, or
        when it cannot be used: then logged, and said in ``report["notes"]`` for the run's
        list. ``report["forecast_on"]`` is where they were computed."""
        address = self._dask_scheduler()
        outcome = cluster.run(calls, address or None, connect_timeout=CONNECT_TIMEOUT)
        if report is not None:
            report["forecast_on"] = outcome.where
        if outcome.fallback:
            _logger.warning(
                "BOH forecast: the Dask cluster at %s was not used (%s); forecast on this server.",
                address,
                outcome.fallback,
            )
            if report is not None:
                report.setdefault("notes", []).append(
                    self.env._(
                        "The Dask cluster at %(address)s could not be used (%(reason)s): "
                        "this partition was forecast on the Odoo server.",
                        address=address,
                        reason=outcome.fallback,
                    )
                )
        return outcome.answers
