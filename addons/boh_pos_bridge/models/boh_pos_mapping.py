from odoo import api, fields, models


class BohPosItemMap(models.Model):
    """An external POS item code, per source, mapped to a menu item."""

    _name = "boh.pos.item.map"
    _description = "POS Item Mapping"
    _order = "source, code"
    _check_company_auto = True
    _rec_name = "code"

    source = fields.Char(required=True, index=True, help="The POS that sends this code.")
    code = fields.Char(string="Item Code", required=True, index=True)
    product_id = fields.Many2one(
        "product.product",
        string="Menu Item",
        required=True,
        check_company=True,
        domain="[('boh_kind', 'in', ('menu', 'prep', 'ingredient'))]",
    )
    company_id = fields.Many2one(
        "res.company", required=True, index=True, default=lambda self: self.env.company
    )

    _sql_constraints = [
        (
            "code_unique",
            "unique(company_id, source, code)",
            "An item code is mapped once per source.",
        )
    ]


class BohPosModifierMap(models.Model):
    """An external modifier code, per source: what it adds to or removes from a line."""

    _name = "boh.pos.modifier.map"
    _description = "POS Modifier Mapping"
    _order = "source, code"
    _rec_name = "code"

    source = fields.Char(required=True, index=True)
    code = fields.Char(string="Modifier Code", required=True, index=True)
    company_id = fields.Many2one(
        "res.company", required=True, index=True, default=lambda self: self.env.company
    )
    line_ids = fields.One2many(
        "boh.pos.modifier.map.line",
        "modifier_id",
        string="Effects",
        help="Quantities per unit of the line; negative removes from the recipe. "
        "No line means the modifier has no stock effect.",
    )

    _sql_constraints = [
        (
            "code_unique",
            "unique(company_id, source, code)",
            "A modifier code is mapped once per source.",
        )
    ]


class BohPosModifierMapLine(models.Model):
    _name = "boh.pos.modifier.map.line"
    _description = "POS Modifier Effect"

    modifier_id = fields.Many2one("boh.pos.modifier.map", required=True, ondelete="cascade")
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
