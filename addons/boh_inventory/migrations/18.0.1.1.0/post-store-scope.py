"""18.0.1.1.0: store rules read ``res.users.boh_store_ids``; an empty *BOH Stores* means no
store, so users who had none get *All Stores* (what the empty list meant before)."""

from odoo import SUPERUSER_ID, api
from odoo.addons.boh_inventory.tools.migration import (
    grant_all_stores_to_storeless,
    reload_noupdate_data,
)


def migrate(cr, version):
    env = api.Environment(cr, SUPERUSER_ID, {})
    grant_all_stores_to_storeless(env, ["boh_inventory.group_boh_user"])
    reload_noupdate_data(env, "boh_inventory", ["security/boh_rules.xml"])
