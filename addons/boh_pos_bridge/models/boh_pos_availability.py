from odoo import api, fields, models


class BohPosAvailability(models.Model):
    """Portions each menu item's ingredients on hand allow, per location (the 86 list)."""

    _name = "boh.pos.availability"
    _description = "Menu Item Availability"
    _order = "warehouse_id, portions, product_id"
    _rec_name = "product_id"

    warehouse_id = fields.Many2one("stock.warehouse", string="Location", required=True, index=True)
    company_id = fields.Many2one(related="warehouse_id.company_id", store=True, index=True)
    product_id = fields.Many2one("product.product", string="Menu Item", required=True)
    portions = fields.Integer()
    limiting_product_id = fields.Many2one("product.product", string="Limited By")
    computed_at = fields.Datetime(string="Computed On")

    @api.model
    def action_refresh(self):
        """Recompute the list for every store the user may see."""
        self.check_access("read")
        warehouses = self.env["stock.warehouse"].search(
            [("company_id", "in", self.env.companies.ids)]
        )
        self.sudo()._refresh(warehouses.sudo() & self.env.user._boh_store_scope())
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "boh_pos_bridge.action_boh_pos_availability"
        )
        return action

    def _refresh(self, warehouses):
        feed = self.env["boh.pos.feed"].sudo()
        self.search([("warehouse_id", "in", warehouses.ids)]).unlink()
        now = fields.Datetime.now()
        vals = []
        for warehouse in warehouses:
            for row in feed._availability(warehouse):
                vals.append(dict(row, warehouse_id=warehouse.id, computed_at=now))
        return self.create(vals)
