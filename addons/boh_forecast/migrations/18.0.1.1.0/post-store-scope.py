"""18.0.1.1.0: store rules read ``res.users.boh_store_ids``."""

from odoo import SUPERUSER_ID, api
from odoo.addons.boh_inventory.tools.migration import reload_noupdate_data


def migrate(cr, version):
    env = api.Environment(cr, SUPERUSER_ID, {})
    reload_noupdate_data(env, "boh_forecast", ["security/boh_forecast_rules.xml"])
