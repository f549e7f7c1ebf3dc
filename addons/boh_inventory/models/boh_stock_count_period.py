"""Stock counts and closed store periods (see ``boh_store_period.py``)."""

from odoo import models


class BohStockCount(models.Model):
    # one model over files a concern each, as Odoo's own addons do (CONTRIBUTING.md)
    _inherit = "boh.stock.count"  # pylint: disable=consider-merging-classes-inherited

    def action_approve(self):
        """A count of a day in a closed store period would change its frozen figures:
        refused, naming the period."""
        self.env["boh.store.period"]._check_open_days(
            [(count.warehouse_id, count.count_date) for count in self],
            self.env._("Stock count"),
        )
        return super().action_approve()
