from odoo import fields, models


class ProductTemplate(models.Model):
    _inherit = "product.template"

    boh_forecast_excluded = fields.Boolean(
        string="Leave out of Forecast",
        help="Menu items: not forecast. Ingredients: never suggested for purchase "
        "(bought by hand or by Odoo's own reorder rules).",
    )
