"""Waste entries and closed store periods (see ``boh_store_period.py``)."""

from odoo import api, models


class BohWasteEntry(models.Model):
    # one model over files a concern each, as Odoo's own addons do (CONTRIBUTING.md)
    _inherit = "boh.waste.entry"  # pylint: disable=consider-merging-classes-inherited

    @api.constrains("date", "warehouse_id")
    def _check_period_open(self):
        """Waste of a day in a closed store period would change its frozen figures."""
        self.env["boh.store.period"]._check_open_days(
            [(entry.warehouse_id, entry.date) for entry in self], self.env._("Waste entry")
        )
