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
