from odoo import fields, models


class BohPosOrderLine(models.Model):
    _name = "boh.pos.order.line"
    _description = "POS Sales Order Line"
    _order = "order_id, id"

    order_id = fields.Many2one("boh.pos.order", required=True, ondelete="cascade", index=True)
    company_id = fields.Many2one(related="order_id.company_id")
    warehouse_id = fields.Many2one(related="order_id.warehouse_id", string="Store")
    line_ref = fields.Char(required=True)
    item_code = fields.Char(required=True)
    product_id = fields.Many2one("product.product", string="Menu Item")
    qty = fields.Float(string="Quantity", digits="Product Unit of Measure")
    unit_price = fields.Float(digits="Product Price", help="Paid per unit, tax included.")
    modifiers = fields.Char(help="Modifier codes and quantities per unit.")
    void = fields.Boolean()
    restock = fields.Boolean()
    parent_line_ref = fields.Char(string="Set Meal Line")
