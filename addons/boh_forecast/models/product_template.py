from odoo import fields, models


class ProductTemplate(models.Model):
    _inherit = "product.template"

    boh_forecast_excluded = fields.Boolean(
        string="Leave out of Forecast",
        help="Menu items: not forecast. Ingredients: never suggested for purchase "
        "(bought by hand or by Odoo's own reorder rules).",
    )
    boh_launch_date = fields.Date(
        string="Launched On",
        help="A new menu item: from this day, stores that have not sold it yet get a forecast "
        "from the items of its category and price band, until it has four weeks of sales "
        "of its own.",
    )
