from odoo import fields, models


class StockWarehouse(models.Model):
    _inherit = "stock.warehouse"

    boh_store_type = fields.Selection(
        [("store", "Store"), ("central_kitchen", "Central kitchen")],
        string="BOH Site Type",
        help="Stores sell to guests; a central kitchen prepares for the stores. "
        "Integrators name a store by the warehouse's short name (code).",
    )
