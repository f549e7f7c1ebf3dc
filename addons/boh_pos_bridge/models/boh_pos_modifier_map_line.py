from odoo import api, fields, models


class BohPosModifierMapLine(models.Model):
    _name = "boh.pos.modifier.map.line"
    _description = "POS Modifier Effect"

    modifier_id = fields.Many2one("boh.pos.modifier.map", required=True, ondelete="cascade")
    company_id = fields.Many2one(related="modifier_id.company_id")
    product_id = fields.Many2one("product.product", string="Ingredient", required=True)
    qty = fields.Float(
        string="Quantity", required=True, digits="Product Unit of Measure", default=1.0
    )
    uom_id = fields.Many2one(
        "uom.uom",
        string="Unit",
        required=True,
        compute="_compute_uom_id",
        store=True,
        readonly=False,
        precompute=True,
    )

    @api.depends("product_id")
    def _compute_uom_id(self):
        for line in self:
            if line.product_id and not line.uom_id:
                line.uom_id = line.product_id.uom_id
