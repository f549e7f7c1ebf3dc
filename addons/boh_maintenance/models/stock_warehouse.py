from odoo import fields, models


class StockWarehouse(models.Model):
    _inherit = "stock.warehouse"

    boh_mttr_hours = fields.Float(
        "Equipment MTTR (h)", compute="_compute_boh_reliability", digits=(16, 1)
    )
    boh_mtbf_hours = fields.Float(
        "Equipment MTBF (h)", compute="_compute_boh_reliability", digits=(16, 1)
    )
    boh_failure_count = fields.Integer(
        "Equipment Failures (12 months)", compute="_compute_boh_reliability"
    )
    boh_mttr_known = fields.Boolean(
        "MTTR Known",
        compute="_compute_boh_reliability",
        help="Whether a repair was closed in the last 12 months: without one the MTTR is "
        "undefined, which is not zero.",
    )
    boh_mtbf_known = fields.Boolean(
        "MTBF Known",
        compute="_compute_boh_reliability",
        help="Whether a failure was reported in the last 12 months: without one the MTBF is "
        "undefined, which is not zero.",
    )

    def _compute_boh_reliability(self):
        equipment = self.env["maintenance.equipment"].search([("boh_store_id", "in", self.ids)])
        equipment._boh_set_reliability(self, "store_id")

    def _boh_managers(self):
        """``{store id: user}``: the first BOH manager of each of these stores, in one read."""
        if not self:
            return {}
        managers = (
            self.env["res.users"]
            .sudo()
            .search_fetch(
                [
                    ("boh_warehouse_ids", "in", self.ids),
                    ("groups_id", "in", self.env.ref("boh_inventory.group_boh_manager").ids),
                ],
                ["boh_warehouse_ids"],
                order="id",
            )
        )
        result = {}
        for manager in managers:
            for store in manager.boh_warehouse_ids:
                result.setdefault(store.id, manager)
        return result
