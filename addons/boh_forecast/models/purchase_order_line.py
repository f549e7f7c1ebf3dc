from odoo import fields, models


class PurchaseOrderLine(models.Model):
    _inherit = "purchase.order.line"

    # why this quantity: all in the product's own unit
    boh_demand_qty = fields.Float(
        string="Forecast Demand",
        digits="Product Unit of Measure",
        readonly=True,
        help="Ingredient demand from the menu-item forecast until the delivery after this one.",
    )
    boh_safety_qty = fields.Float(
        string="Safety Stock",
        digits="Product Unit of Measure",
        readonly=True,
        help="Stock held against forecast error at the company's service level.",
    )
    boh_onhand_qty = fields.Float(string="On Hand", digits="Product Unit of Measure", readonly=True)
    boh_incoming_qty = fields.Float(
        string="Incoming",
        digits="Product Unit of Measure",
        readonly=True,
        help="Already ordered: confirmed receipts and other open requests for quotation.",
    )
    boh_need_qty = fields.Float(
        string="Missing",
        digits="Product Unit of Measure",
        readonly=True,
        help="Demand + safety stock - on hand - incoming, before pack and MOQ rounding.",
    )
    boh_cover_until = fields.Date(
        string="Covers Until", readonly=True, help="The last day this order has to last."
    )
    boh_explanation = fields.Char(string="Why this Quantity", readonly=True)
