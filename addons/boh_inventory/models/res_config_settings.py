from odoo import fields, models

from boh_core.exceptions import SETTINGS


def _detector_default(kind, field="z"):
    """A flag threshold's default: the detector's own (``boh_core.exceptions``), so that the
    form shows what the passes use until someone sets another."""
    return lambda _self: getattr(SETTINGS[kind](), field)


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

    # flags (issue 19): how unusual a finding must be to raise a flag, per kind: the
    # detectors' z (boh_core.exceptions settings), for silent feeds the orders expected
    boh_flag_threshold_sales = fields.Float(
        string="Sales Flag Score",
        config_parameter="boh_inventory.flag_threshold_sales",
        default=_detector_default("sales"),
        help="How unusual an item's or a store's sales must be to raise a flag (a robust "
        "z-score: 3 is rare, 6 very rare), after promotions, closures and overrides.",
    )
    boh_flag_threshold_feed = fields.Float(
        string="Silent Feed: Orders Expected",
        config_parameter="boh_inventory.flag_threshold_feed",
        default=_detector_default("feed_silent", "min_expected"),
        help="A store's (or an item's) silence raises a flag once this many orders (lines) "
        "were expected during it, from its usual hourly trade.",
    )
    boh_flag_threshold_usage = fields.Float(
        string="Usage and Waste Score",
        config_parameter="boh_inventory.flag_threshold_usage",
        default=_detector_default("usage"),
        help="How unusual an ingredient's unexplained usage or waste must be to raise a flag.",
    )
    boh_flag_threshold_price = fields.Float(
        string="Vendor Price Score",
        config_parameter="boh_inventory.flag_threshold_price",
        default=_detector_default("price"),
        help="How far a vendor price must be from its history or the other vendors' to raise "
        "a flag.",
    )
    boh_flag_threshold_count = fields.Float(
        string="Count Score",
        config_parameter="boh_inventory.flag_threshold_count",
        default=_detector_default("count"),
        help="How far from expected a count must be, repeatedly, to raise a flag.",
    )
    boh_flag_threshold_sensor = fields.Float(
        string="Sensor Score",
        config_parameter="boh_inventory.flag_threshold_sensor",
        default=_detector_default("sensor_drift"),
        help="How unusual a sensor's drift, door pattern, silence or stuck value must be to "
        "raise a flag.",
    )
    boh_flag_threshold_labour = fields.Float(
        string="Labour Hours Score",
        config_parameter="boh_inventory.flag_threshold_labour",
        default=_detector_default("labour"),
        help="How far above the forecast's need the hours worked must be to raise a flag.",
    )
    boh_flag_oncall_user_id = fields.Many2one(
        "res.users",
        string="On-call Person",
        config_parameter="boh_inventory.flag_oncall_user_id",
        help="Cold-room and sensor flags raised during the night hours (the store's time) "
        "go to this person at once, not only to the morning digest.",
    )
    boh_flag_night_start = fields.Float(
        string="Night From",
        config_parameter="boh_inventory.flag_night_start",
        default=22.0,
        help="The hour the night begins, in each store's time zone.",
    )
    boh_flag_night_end = fields.Float(
        string="Night Until",
        config_parameter="boh_inventory.flag_night_end",
        default=6.0,
        help="The hour the night ends, in each store's time zone.",
    )
    boh_flag_digest = fields.Boolean(
        string="Morning Digest",
        config_parameter="boh_inventory.flag_digest",
        default=True,
        help="Each morning, mail every BOH manager the open flags of their stores, in their "
        "language.",
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
