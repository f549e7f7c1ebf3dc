from datetime import timedelta

from odoo import models

from boh_core.production import kitchen_needs


class BohProduction(models.Model):
    _inherit = "boh.production"

    def _kitchen_needs(self, kitchen):
        """The kitchen's open requisitions plus its prep plan for its next day, each need
        counted once (``boh_core.production.kitchen_needs``): an item needs every open
        requisition, and of the next day the larger of what the stores asked for that day
        and what their forecast demand says (the kitchen's prep plan)."""
        requested = super()._kitchen_needs(kitchen)
        day = kitchen._boh_store_time()[kitchen.id].today + timedelta(days=1)
        on_day = self._kitchen_requested(kitchen, [("requisition_id.date_needed", "=", day)])
        prep_plan = {
            product.id: qty
            for product, qty in self.env["boh.prep.plan"]
            .sudo()
            ._read_group(
                [
                    ("warehouse_id", "=", kitchen.id),
                    ("date", "=", day),
                    ("product_id.boh_stocked", "=", True),
                ],
                ["product_id"],
                ["qty:sum"],
            )
        }
        return kitchen_needs(requested, on_day, prep_plan)
