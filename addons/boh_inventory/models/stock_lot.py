from odoo import fields, models
from odoo.exceptions import ValidationError


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

    def _boh_check_product(self, product):
        """Refuse this lot (when there is one) for ``product`` if it is a lot of another
        product: what a count line or a waste entry names must be a lot of its own product."""
        if self and self.product_id != product:
            raise ValidationError(
                self.env._(
                    "Lot: %(lot)s is a lot of %(lot_product)s, not of %(product)s.",
                    lot=self.name,
                    lot_product=self.product_id.display_name,
                    product=product.display_name,
                )
            )
