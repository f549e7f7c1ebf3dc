from odoo import fields, models


class BohCountAreaProduct(models.Model):
    """A product on the shelves of a storage area, at its place in the shelf order."""

    _name = "boh.count.area.product"
    _description = "Storage Area Product"
    _order = "area_id, sequence, id"
    _check_company_auto = True

    area_id = fields.Many2one("boh.count.area", required=True, ondelete="cascade", index=True)
    company_id = fields.Many2one(
        related="area_id.company_id", store=True, index=True, precompute=True
    )
    sequence = fields.Integer(default=10)
    product_id = fields.Many2one(
        "product.product",
        required=True,
        index=True,
        check_company=True,
        domain="[('is_storable', '=', True)]",
    )
    uom_id = fields.Many2one(related="product_id.uom_id", string="Unit")
    count_daily = fields.Boolean(related="product_id.boh_count_daily", readonly=False)

    _sql_constraints = [
        (
            "product_unique",
            "unique(area_id, product_id)",
            "A product stands once in the shelf order of an area.",
        ),
    ]
