from odoo import fields, models


class StockMove(models.Model):
    _inherit = "stock.move"

    # ondelete="restrict": a count with moves is approved, and approved counts cannot be
    # deleted anyway; the database backs that up, so that no posted adjustment or late sale
    # ever loses the count that explains it.
    boh_count_id = fields.Many2one(
        "boh.stock.count",
        string="Stock Count",
        index="btree_not_null",
        readonly=True,
        copy=False,
        ondelete="restrict",
        check_company=True,
        help="The stock count this move adjusts stock for, or whose late sale it offsets.",
    )
    boh_count_role = fields.Selection(
        [("adjustment", "Count adjustment"), ("late_sale", "Late sale on an approved count")],
        string="Stock Count Role",
        readonly=True,
        copy=False,
        help="Count adjustment: posted at approval so that on-hand equals the count. Late "
        "sale: puts back the consumption of a sale of the count's day or earlier that "
        "arrived after approval, so that on-hand stays as counted.",
    )
    boh_waste_id = fields.Many2one(
        "boh.waste.entry",
        string="Waste Entry",
        index="btree_not_null",
        readonly=True,
        copy=False,
        ondelete="restrict",
        check_company=True,
        help="The waste entry this move takes out of stock.",
    )
    boh_production_id = fields.Many2one(
        "boh.production",
        string="Production",
        index="btree_not_null",
        readonly=True,
        copy=False,
        ondelete="restrict",
        check_company=True,
        help="The production this move consumes an ingredient for (stock to production "
        "location) or brings the made item into stock for (production location to stock).",
    )
    boh_transfer_kind = fields.Selection(
        related="boh_requisition_id.transfer_kind",
        string="BOH Transfer",
        help="Set on the moves of an inter-warehouse transfer: a store's requisition "
        "shipped by the central kitchen, or stock lent by one store to another.",
    )
    boh_requisition_id = fields.Many2one(
        "boh.requisition",
        string="Requisition",
        index="btree_not_null",
        readonly=True,
        copy=False,
        ondelete="restrict",
        check_company=True,
        help="The requisition or store-to-store transfer this move ships or receives.",
    )
