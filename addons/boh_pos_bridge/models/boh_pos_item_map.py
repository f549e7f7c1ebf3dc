from odoo import fields, models


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
