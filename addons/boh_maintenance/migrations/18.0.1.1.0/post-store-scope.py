"""18.0.1.1.0: store rules read ``res.users.boh_store_ids``; sensor integration users become
portal users."""

from odoo import SUPERUSER_ID, api
from odoo.addons.boh_inventory.tools.migration import (
    make_integration_users_portal,
    reload_noupdate_data,
)


def migrate(cr, version):
    env = api.Environment(cr, SUPERUSER_ID, {})
    reload_noupdate_data(env, "boh_maintenance", ["security/boh_maintenance_security.xml"])
    make_integration_users_portal(env, ["boh_maintenance.group_boh_sensor_integration"])
