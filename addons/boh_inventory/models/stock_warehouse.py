from odoo import api, fields, models


class StockWarehouse(models.Model):
    _inherit = "stock.warehouse"

    boh_store_type = fields.Selection(
        [("store", "Store"), ("central_kitchen", "Central kitchen")],
        string="BOH Site Type",
        help="Stores sell to guests; a central kitchen prepares for the stores. "
        "Integrators name a store by the warehouse's short name (code).",
    )
    boh_blind_count = fields.Boolean(
        string="Blind Counts",
        help="Counters of this store see neither the quantity the system expects nor the "
        "difference while a count is open; only BOH managers do. Their stock levels in the "
        "counted locations are hidden from them until the count is approved or cancelled.",
    )
    boh_count_area_ids = fields.One2many("boh.count.area", "warehouse_id", string="Storage Areas")

    @api.model_create_multi
    def create(self, vals_list):
        """A new store joins the scope of the users with *All Stores*: drop the cached rules."""
        warehouses = super().create(vals_list)
        self.env.registry.clear_cache()
        return warehouses
