from odoo import api, fields, models


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

    boh_blind_location_ids = fields.Many2many(
        "stock.location",
        compute="_compute_boh_blind_location_ids",
        string="Locations Under Blind Count",
        help="Locations (and the locations inside them) of the open blind counts of the "
        "user's companies: a counter does not see their stock.",
    )

    @api.depends_context("uid")
    def _compute_boh_blind_location_ids(self):
        counts = (
            self.env["boh.stock.count"]
            .sudo()
            .search_fetch(
                [("state", "=", "draft"), ("is_blind", "=", True)], ["location_id", "company_id"]
            )
        )
        locations = self.env["stock.location"]
        if counts:
            locations = locations.sudo().search([("id", "child_of", counts.location_id.ids)])
        for user in self:
            user.boh_blind_location_ids = locations.filtered(
                lambda loc, user=user: loc.company_id in user.company_ids
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
