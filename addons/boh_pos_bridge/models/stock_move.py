from odoo import fields, models


class StockMove(models.Model):
    _inherit = "stock.move"

    boh_warehouse_id = fields.Many2one(
        "stock.warehouse", string="BOH Sales Location", index="btree_not_null", readonly=True
    )
    boh_business_date = fields.Date(
        string="BOH Business Date",
        readonly=True,
        help="Business day of the sales this move depletes, or whose late sale it sets "
        "against a stock count.",
    )
    boh_depletion_kind = fields.Selection(
        [("sale", "Sold"), ("waste", "Returned by guest")],
        string="BOH Depletion",
        readonly=True,
    )
    boh_depletion_qty = fields.Float(
        string="BOH Depleted Quantity",
        digits="Product Unit of Measure",
        readonly=True,
        help="Signed quantity this move took out of stock for sales (negative: put back).",
    )
