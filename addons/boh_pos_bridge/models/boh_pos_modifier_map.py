from odoo import fields, models


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
