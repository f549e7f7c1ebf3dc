from odoo import models


class PosConfig(models.Model):
    _inherit = "pos.config"

    def boh_unavailable_product_ids(self):
        """Products of this register's store that its ingredients on hand cannot make (86)."""
        self.check_access("read")
        self.ensure_one()
        warehouse = self.warehouse_id or self.picking_type_id.warehouse_id
        if not warehouse:
            return []
        rows = self.env["boh.pos.feed"].sudo()._availability(warehouse)
        return sorted(row["product_id"] for row in rows if row["portions"] <= 0)
