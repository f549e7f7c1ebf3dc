from odoo import models


class PurchaseOrder(models.Model):
    _inherit = "purchase.order"

    def button_confirm(self):
        """Re-cost recipes from the new prices when the company costs at the latest purchase."""
        res = super().button_confirm()
        costing = self.env["boh.costing"]
        for order in self.filtered(lambda o: o.company_id.boh_cost_basis == "last_purchase"):
            costing._schedule_recost(
                order.company_id,
                order.order_line.product_id.ids,
                self.env._("Purchase order %(order)s confirmed", order=order.name),
            )
        return res
