"""18.0.1.1.0: store rules read ``res.users.boh_store_ids``; integration users push only
into their stores, so those who had none get *All Stores* (what they could do before);
integration users become portal users."""

from odoo import SUPERUSER_ID, api
from odoo.addons.boh_inventory.tools.migration import (
    grant_all_stores_to_storeless,
    make_integration_users_portal,
    reload_noupdate_data,
)


def migrate(cr, version):
    env = api.Environment(cr, SUPERUSER_ID, {})
    grant_all_stores_to_storeless(env, ["boh_pos_bridge.group_boh_integration"])
    reload_noupdate_data(env, "boh_pos_bridge", ["security/boh_pos_rules.xml"])
    make_integration_users_portal(env, ["boh_pos_bridge.group_boh_integration"])
