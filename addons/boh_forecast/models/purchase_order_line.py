from odoo import api, fields, models
from odoo.addons.boh_inventory.tools.server_context import check_server_fields

#: Written by the forecast run only, never by hand or over RPC.
SERVER_FIELDS = frozenset({"boh_suggested_qty"})


class PurchaseOrderLine(models.Model):
    _inherit = "purchase.order.line"

    boh_suggested_qty = fields.Float(
        string="Suggested Quantity",
        digits="Product Unit of Measure",
        readonly=True,
        copy=False,
        help="The quantity the forecast suggested, in the line's unit, kept when the line is "
        "changed: a confirmed line whose quantity still equals it counts as auto-replenished.",
    )

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
    # what the suggested quantity risks, from the same model as bench_ordering_replay
    boh_waste_qty = fields.Float(
        string="Expected Waste",
        digits="Product Unit of Measure",
        readonly=True,
        help="Units of this line (in the product's own unit) expected to expire unused, on "
        "200 demand paths drawn from the forecast and used first-expired-first-out. 0 for a "
        "product without an expiration time.",
    )
    boh_stockout_risk = fields.Float(
        string="Stockout Risk",
        digits=(16, 3),
        readonly=True,
        help="Chance that some demand goes unserved between this delivery and the next one "
        "when the suggested quantity is bought.",
    )

    @api.model_create_multi
    def create(self, vals_list):
        """The suggested quantity is the forecast run's, never the caller's."""
        check_server_fields(self, vals_list, SERVER_FIELDS)
        return super().create(vals_list)

    def write(self, vals):
        check_server_fields(self, [vals], SERVER_FIELDS)
        return super().write(vals)
