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
