"""Helpers for the addons' migration scripts (``migrations/<version>/*.py``)."""

import logging

from odoo.tools import convert_file

_logger = logging.getLogger(__name__)


def reload_noupdate_data(env, module, filenames):
    """Load ``filenames`` of ``module`` again over their existing records, ``noupdate`` ones
    included: how a changed record rule reaches a database installed before the change
    (``-u`` alone keeps noupdate records as they were)."""
    for filename in filenames:
        _logger.info("%s: reloading %s over its existing records", module, filename)
        convert_file(env, module, filename, {}, mode="init", noupdate=True, kind="data")


def grant_all_stores_to_storeless(env, group_xmlids):
    """Users of ``group_xmlids`` with no *BOH Stores* get *All Stores*: an empty list used
    to mean every store and now means none, and nobody must be locked out by an upgrade."""
    groups = env["res.groups"]
    for xmlid in group_xmlids:
        groups |= env.ref(xmlid, raise_if_not_found=False) or groups
    users = (
        env["res.users"]
        .with_context(active_test=False)
        .search([("groups_id", "in", groups.ids), ("boh_warehouse_ids", "=", False)])
    )
    users.write({"boh_all_stores": True})
    _logger.info("granted All Stores to %s users without BOH Stores", len(users))
