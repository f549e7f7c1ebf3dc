from odoo import fields, models


class BohStockReviewLine(models.Model):
    """One product on hand in a cold storage when its temperature went out of range."""

    _name = "boh.stock.review.line"
    _description = "Stock Review Line"
    _order = "review_id, id"

    review_id = fields.Many2one("boh.stock.review", required=True, ondelete="cascade", index=True)
    company_id = fields.Many2one(related="review_id.company_id", store=True)
    product_id = fields.Many2one("product.product", required=True, readonly=True)
    quantity = fields.Float("On Hand", digits="Product Unit of Measure", readonly=True)
    uom_id = fields.Many2one("uom.uom", string="Unit", readonly=True)
