from odoo import api, fields, models
from odoo.exceptions import ValidationError


class BohCountArea(models.Model):
    """A storage area of a store (walk-in, freezer, dry store, bar) and its shelf order.

    The area is a stock location of the store; its products, dragged into the order they
    stand on the shelves, set the order of the count sheet, so that a counter walks the
    area once. A product on the list is counted in the area even when the system holds none
    of it there; a product neither on the list nor on hand there is refused on a count of it.
    """

    _name = "boh.count.area"
    _description = "Storage Area"
    _order = "warehouse_id, sequence, id"
    _check_company_auto = True

    name = fields.Char(required=True, translate=True)
    sequence = fields.Integer(default=10, help="Order of the areas on a count sheet.")
    warehouse_id = fields.Many2one("stock.warehouse", string="Store", required=True, index=True)
    company_id = fields.Many2one(
        related="warehouse_id.company_id", store=True, index=True, precompute=True
    )
    location_id = fields.Many2one(
        "stock.location",
        string="Stock Location",
        required=True,
        index=True,
        check_company=True,
        domain="[('warehouse_id', '=', warehouse_id), ('usage', '=', 'internal')]",
        help="The stock location of this area; its stock is counted in this area.",
    )
    product_line_ids = fields.One2many(
        "boh.count.area.product", "area_id", string="Shelf Order", copy=True
    )
    product_count = fields.Integer(compute="_compute_product_count", string="Products")
    active = fields.Boolean(default=True)

    _sql_constraints = [
        (
            "location_unique",
            "unique(location_id)",
            "A stock location is one storage area.",
        ),
    ]

    @api.depends("product_line_ids")
    def _compute_product_count(self):
        for area in self:
            area.product_count = len(area.product_line_ids)

    @api.constrains("location_id", "warehouse_id")
    def _check_location_id(self):
        for area in self:
            if not area.warehouse_id._boh_holds(area.location_id):
                raise ValidationError(
                    self.env._(
                        "Stock Location: %(location)s is not in store %(store)s.",
                        location=area.location_id.display_name,
                        store=area.warehouse_id.display_name,
                    )
                )
