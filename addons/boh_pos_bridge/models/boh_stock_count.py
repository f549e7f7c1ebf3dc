from odoo import models


class BohStockCount(models.Model):
    _inherit = "boh.stock.count"

    def _boh_prepare_approval(self):
        """Post the sales depletion still queued (deferred mode) for the counted stores up
        to each count's day, so that those sales are in the on-hand the count is compared
        with instead of arriving as late sales."""
        res = super()._boh_prepare_approval()
        limits = {}
        for count in self:
            warehouse_id = count.warehouse_id.id
            limits[warehouse_id] = max(count.count_date, limits.get(warehouse_id, count.count_date))
        self.env["boh.pos.feed"].sudo()._post_queued_depletion_until(limits)
        return res
