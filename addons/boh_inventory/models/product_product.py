from odoo import models


class ProductProduct(models.Model):
    _inherit = "product.product"

    def write(self, vals):
        """Re-cost the recipes that use these products when their cost changes, and keep
        the change of cost of back-of-house products in the change history."""
        audited = self.filtered("boh_kind") if "standard_price" in vals else self.browse()
        Log = self.env["boh.change.log"]
        before = Log._snapshot(audited, ["standard_price"]) if audited else {}
        res = super().write(vals)
        if audited:
            Log._log(
                audited,
                ["standard_price"],
                before,
                "write",
                parent="product_tmpl_id",
                cost_related=True,
            )
        if "standard_price" in vals:
            self.env["boh.costing"]._schedule_recost(
                self.env.company,
                self.ids,
                self.env._("Cost of %(products)s changed", products=", ".join(self.mapped("name"))),
            )
        return res
