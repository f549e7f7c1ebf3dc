from odoo import models


class AccountMove(models.Model):
    _inherit = "account.move"

    def _post(self, soft=True):
        """Re-cost recipes from vendor bill prices when the company costs at the latest purchase."""
        posted = super()._post(soft=soft)
        costing = self.env["boh.costing"]
        bills = posted.filtered(
            lambda m: m.move_type == "in_invoice" and m.company_id.boh_cost_basis == "last_purchase"
        )
        for bill in bills:
            costing._schedule_recost(
                bill.company_id,
                bill.invoice_line_ids.product_id.ids,
                self.env._("Vendor bill %(bill)s posted", bill=bill.name),
            )
        return posted
