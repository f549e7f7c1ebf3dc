from odoo import fields, models


class BohAllergen(models.Model):
    _name = "boh.allergen"
    _description = "Allergen"
    _order = "sequence, id"

    name = fields.Char(required=True, translate=True)
    code = fields.Char(required=True, help="Stable code, e.g. GLUTEN, MILK.")
    sequence = fields.Integer(default=10)
    description = fields.Text(translate=True)
    active = fields.Boolean(default=True)

    _sql_constraints = [
        ("code_unique", "unique(code)", "An allergen code must be unique."),
    ]
