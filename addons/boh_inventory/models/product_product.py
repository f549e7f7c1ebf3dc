from odoo import models


class ProductProduct(models.Model):
    _inherit = "product.product"

    def write(self, vals):
        """Re-cost the recipes that use these products when their cost changes."""
        res = super().write(vals)
        if "standard_price" in vals:
            self.env["boh.costing"]._schedule_recost(
                self.env.company,
                self.ids,
                self.env._("Cost of %(products)s changed", products=", ".join(self.mapped("name"))),
            )
        return res
