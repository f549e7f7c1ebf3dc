from odoo import fields, models


class BohForecast(models.Model):
    """The forecast of one series (menu item or covers at a location) for one day."""

    _name = "boh.forecast"
    _description = "Sales Forecast"
    _order = "date, warehouse_id, product_id"
    _check_company_auto = True

    company_id = fields.Many2one(
        "res.company", required=True, index=True, default=lambda self: self.env.company
    )
    warehouse_id = fields.Many2one(
        "stock.warehouse", string="Location", required=True, index=True, check_company=True
    )
    product_id = fields.Many2one(
        "product.product",
        string="Menu Item",
        index=True,
        check_company=True,
        help="Empty on the covers forecast of the location.",
    )
    kind = fields.Selection(
        [("item", "Menu item"), ("covers", "Covers")], required=True, default="item"
    )
    date = fields.Date(required=True, index=True)
    qty = fields.Float(string="Forecast", digits="Product Unit of Measure", aggregator="sum")
    qty_lo = fields.Float(string="Low (80%)", digits="Product Unit of Measure", aggregator="sum")
    qty_hi = fields.Float(string="High (80%)", digits="Product Unit of Measure", aggregator="sum")
    sales = fields.Float(
        string="Forecast Sales",
        digits="Product Price",
        aggregator="sum",
        help="Forecast quantity at the item's average net price over the history.",
    )
