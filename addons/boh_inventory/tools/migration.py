"""Helpers for the addons' migration scripts (``migrations/<version>/*.py``)."""

import logging

from odoo import Command
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


def make_integration_users_portal(env, group_xmlids):
    """Users of the integration groups ``group_xmlids`` become portal users.

    The README once said to create an integration user as an internal user; the groups now
    imply the portal group, and Odoo's update adds it to their members by SQL, leaving an
    internal user with the portal group too. Those who are integrations only (no other BOH
    group, not administrators) become portal users with their integration groups; their API
    keys keep working. Anyone else leaves the integration groups, with a warning in the log:
    a person with back-office rights is not an integration.
    """
    groups = env["res.groups"]
    for xmlid in group_xmlids:
        groups |= env.ref(xmlid, raise_if_not_found=False) or groups
    internal = env.ref("base.group_user")
    users = (
        env["res.users"]
        .with_context(active_test=False)
        .search([("groups_id", "in", groups.ids), ("groups_id", "in", internal.ids)])
    )
    people = env.ref("boh_inventory.group_boh_user") | env.ref("base.group_erp_manager")
    protected = env.ref("base.user_root") | env.ref("base.user_admin", raise_if_not_found=False)
    for user in users:
        if user in protected or user.groups_id & people:
            _logger.warning(
                "user %s (%s) has back-office rights: removed from the integration groups",
                user.login,
                user.id,
            )
            # and from the portal group the update gave them with it
            portal = env.ref("base.group_portal")
            user.write({"groups_id": [Command.unlink(group.id) for group in groups | portal]})
            continue
        kept = user.groups_id & groups
        user.write({"groups_id": [Command.set([env.ref("base.group_portal").id, *kept.ids])]})
        _logger.info("integration user %s (%s) is now a portal user", user.login, user.id)
