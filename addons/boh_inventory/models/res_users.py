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

    def _boh_store_scope(self):
        """The stores this user works in: their *BOH Stores*, or, while that list is empty,
        every store of their own companies (never the companies a request claims)."""
        self.ensure_one()
        Warehouse = self.env["stock.warehouse"].sudo()
        if self.boh_warehouse_ids:
            return Warehouse.browse(self.sudo().boh_warehouse_ids.ids)
        return Warehouse.search([("company_id", "in", self.sudo().company_ids.ids)])
