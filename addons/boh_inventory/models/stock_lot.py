from odoo import fields, models


class StockLot(models.Model):
    _inherit = "stock.lot"

    boh_production_id = fields.Many2one(
        "boh.production",
        string="Production",
        index="btree_not_null",
        readonly=True,
        copy=False,
        help="The production that made this lot.",
    )
    boh_unit_cost = fields.Float(
        string="Production Cost per Unit",
        digits="Product Price",
        readonly=True,
        copy=False,
        groups="boh_inventory.group_boh_manager",
        help="What one unit of this lot cost to make: the ingredients it took divided by its "
        "actual yield. Transfers to other stores carry this cost, without markup.",
    )
