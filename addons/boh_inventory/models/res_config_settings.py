from odoo import fields, models


class ResConfigSettings(models.TransientModel):
    _inherit = "res.config.settings"

    boh_cost_basis = fields.Selection(
        related="company_id.boh_cost_basis", readonly=False, string="Ingredient Cost Basis"
    )
    boh_target_food_cost_pct = fields.Float(
        related="company_id.boh_target_food_cost_pct",
        readonly=False,
        string="Default Target Food Cost %",
    )
    boh_store_calendar_id = fields.Many2one(
        related="company_id.boh_store_calendar_id", readonly=False
    )

    boh_waste_approval_limit = fields.Monetary(
        related="company_id.boh_waste_approval_limit",
        readonly=False,
        currency_field="company_currency_id",
        string="Waste Approval Limit",
    )

    boh_use_first_days = fields.Integer(
        related="company_id.boh_use_first_days", readonly=False, string="Use First Within (days)"
    )

    boh_sales_fact_keep_days = fields.Integer(
        related="company_id.boh_sales_fact_keep_days", readonly=False
    )

    boh_inbox_keep_days = fields.Integer(
        string="Keep Processed Payloads (days)",
        config_parameter="boh_inventory.inbox_keep_days",
        default=90,
        help="Raw POS and sensor pushes and repair-report photos are deleted this many days "
        "after they were processed (what became of them stays); failed ones are kept until "
        "they are retried. 0 keeps them for ever.",
    )

    boh_cost_alert_points = fields.Float(
        string="Cost Alert (points)",
        config_parameter="boh_inventory.cost_alert_points",
        default=2.0,
        help="A price change that moves a menu item's food cost % by at least this many "
        "points notifies the BOH managers and the user who changed the price.",
    )

    def set_values(self):
        """Re-cost the company's recipes: the basis or the default target may have changed.

        The related fields are already written when the wizard is created, so there is no
        "before" to compare with here; re-costing unchanged recipes writes nothing.
        """
        res = super().set_values()
        self.env["boh.costing"]._recompute_company(
            self.company_id, cause=self.env._("Costing settings changed")
        )
        return res
