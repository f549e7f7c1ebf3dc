from odoo import fields, models


class ResUsers(models.Model):
    _inherit = "res.users"

    boh_warehouse_ids = fields.Many2many(
        "stock.warehouse",
        "boh_warehouse_users_rel",
        "user_id",
        "warehouse_id",
        string="BOH Stores",
        help="Stores whose back-of-house records this user works with. "
        "Empty means every store of the user's companies.",
    )

    def write(self, vals):
        """Store rules read ``boh_warehouse_ids``: drop the cached rules when it changes."""
        res = super().write(vals)
        if "boh_warehouse_ids" in vals:
            self.env.registry.clear_cache()
        return res


class ResUsersApikeys(models.Model):
    _inherit = "res.users.apikeys"

    def unlink(self):
        """A removed API key stops working at once, in every server process.

        Odoo remembers the (user, key) pairs it has accepted (``res.users.check`` is
        cached per process) and removing a key does not make it forget them: a leaked key
        an administrator revokes would go on working until that cache happened to be
        cleared. Clearing the registry caches is signalled to every worker.
        """
        result = super().unlink()
        self.env.registry.clear_cache()
        return result
