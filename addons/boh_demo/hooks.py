import logging
import os

from odoo.tools import config

_logger = logging.getLogger(__name__)

#: Days of history the living demo loads on install (``BOH_DEMO_DAYS``).
DEFAULT_DAYS = 180
#: ... when the database is installed to run the tests (keeps the test run short).
TEST_DAYS = 14


def post_init_hook(env):
    """Load the living demo when the database has the suite's demo data."""
    if not env.ref("boh_inventory.wh_store1", raise_if_not_found=False):
        _logger.info("BOH demo: no demo data in this database; the living demo is not loaded.")
        return
    testing = config["test_enable"]
    days = int(os.environ.get("BOH_DEMO_DAYS") or (TEST_DAYS if testing else DEFAULT_DAYS))
    orders = float(os.environ.get("BOH_DEMO_ORDERS") or 100)
    env["boh.demo.loader"]._load(days=days, orders_per_day=orders)
