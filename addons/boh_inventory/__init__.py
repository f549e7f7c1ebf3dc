from . import models
from . import wizards
from . import report


def uninstall_hook(env):
    """Drop what the daily sales sums keep outside the ORM: the orders table and the trigger
    functions (their triggers go with them)."""
    from .models.boh_sales_daily import ORDERS_TABLE, TRIGGERS
    from odoo.tools import SQL

    env.cr.execute(SQL(f"DROP TABLE IF EXISTS {ORDERS_TABLE}"))
    for kind in (*TRIGGERS, "truncate"):
        env.cr.execute(SQL(f"DROP FUNCTION IF EXISTS boh_sales_daily_on_{kind}() CASCADE"))
