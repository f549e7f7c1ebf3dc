import importlib.util
import json
from contextlib import ExitStack
from datetime import datetime
from unittest.mock import patch

from odoo.tests import tagged

from boh_core import cluster

from .common import TODAY, BohForecastCase

CLUSTER_LOGGER = "odoo.addons.boh_forecast.models.boh_forecast_engine_cluster"
#: nothing listens on the discard port: the connection is refused
UNREACHABLE = "tcp://127.0.0.1:9"
NO_DASK = (
    "DASK IS NOT INSTALLED in Odoo's Python: the nightly run on a Dask cluster is not tested "
    '(pip install "dask[distributed]"; scripts/run_tests.py installs it)'
)


def _dask_installed():
    return importlib.util.find_spec("distributed") is not None


@tagged("post_install", "-at_install")
class TestForecastOnDask(BohForecastCase):
    """The forecasting step of a nightly partition on a Dask cluster (a scheduler and two
    worker processes started here), the same forecasts as on the Odoo server; a cluster that
    cannot be reached: forecast here, and the partition says so."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env["stock.warehouse"].search(
            [("id", "not in", (cls.store | cls.store_b).ids)]
        ).boh_forecast_enabled = False
        # the night of the fixtures' sales (not freeze_time: the Dask client's event loop
        # needs a clock that moves)
        Engine = type(cls.engine)
        cls.startClassPatcher(
            patch.object(Engine, "_local_now", lambda self: datetime(2026, 11, 23, 9, 0))
        )
        cls.address = None
        if _dask_installed():
            stack = ExitStack()
            cls.addClassCleanup(stack.close)
            cls.address = stack.enter_context(cluster.local_cluster(workers=2)).address

    def setUp(self):
        super().setUp()
        cluster.close_clients()
        self.addCleanup(cluster.close_clients)

    def run_partition(self, address):
        """Tonight's run of both stores as one partition, forecast on ``address`` (or here);
        its partition, and every forecast and series it stored, as values."""
        self.env["ir.config_parameter"].set_param("boh_forecast.dask_scheduler", address or "")
        self.env["boh.forecast.run"].search([("date", "=", TODAY)]).unlink()
        run = self.engine._plan_runs(size=2)
        self.engine._run_next_partition()
        partition = run.partition_ids.filtered(lambda p: p.kind == "stores")
        sites = (self.store | self.store_b).ids
        forecasts = sorted(
            (f.warehouse_id.id, f.product_id.id, f.kind, f.date, f.qty, f.qty_lo, f.qty_hi)
            for f in self.env["boh.forecast"].search([("warehouse_id", "in", sites)])
        )
        series = sorted(
            (s.warehouse_id.id, s.product_id.id, s.kind, s.state, s.model, s.wape, s.sigma)
            for s in self.env["boh.forecast.series"].search([("warehouse_id", "in", sites)])
        )
        return partition, {"forecasts": forecasts, "series": series}

    def test_forecasts_on_two_dask_workers_equal_those_made_on_the_odoo_server(self):
        if not self.address:
            self.skipTest(NO_DASK)
        partition, remote = self.run_partition(self.address)
        self.assertEqual(partition.state, "done", partition.error)
        self.assertEqual(json.loads(partition.result)["forecast_on"], self.address)
        self.assertFalse(partition.note)
        self.assertEqual(cluster.run([], self.address).workers, 2)
        partition, local = self.run_partition(None)
        self.assertEqual(json.loads(partition.result)["forecast_on"], "here")
        self.assertTrue(local["forecasts"] and local["series"])
        self.assertEqual(remote, local)

    def test_an_unreachable_cluster_forecasts_on_the_odoo_server_and_says_so(self):
        partition, local = self.run_partition(None)
        with self.assertLogs(CLUSTER_LOGGER, "WARNING") as logged:
            partition, fallen_back = self.run_partition(UNREACHABLE)
        self.assertIn(UNREACHABLE, logged.output[0])
        self.assertEqual(partition.state, "done", partition.error)
        self.assertEqual(json.loads(partition.result)["forecast_on"], "here")
        self.assertIn(f"The Dask cluster at {UNREACHABLE} could not be used", partition.note)
        self.assertEqual(fallen_back, local)
