from odoo import fields, models


class BohPosConsumption(models.Model):
    """Ingredients an order takes out of stock, in each ingredient's own unit."""

    _name = "boh.pos.consumption"
    _description = "POS Ingredient Consumption"

    order_id = fields.Many2one("boh.pos.order", required=True, ondelete="cascade", index=True)
    company_id = fields.Many2one("res.company", required=True, index=True)
    warehouse_id = fields.Many2one("stock.warehouse", required=True, index=True)
    date = fields.Date(string="Business Date", required=True, index=True)
    product_id = fields.Many2one("product.product", string="Ingredient", required=True)
    kind = fields.Selection(
        [("sale", "Sold"), ("waste", "Returned by guest")], required=True, default="sale"
    )
    qty = fields.Float(string="Quantity", digits="Product Unit of Measure")
    uom_id = fields.Many2one(related="product_id.uom_id")
