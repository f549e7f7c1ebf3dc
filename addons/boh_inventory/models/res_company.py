from odoo import api, fields, models
from odoo.exceptions import ValidationError

#: The fewest days of sales facts an archive keeps: the hourly profiles of the forecast and
#: the labour plan read the facts of the last 56 days (the daily sums have no hours).
MIN_FACT_KEEP_DAYS = 90


class ResCompany(models.Model):
    _inherit = "res.company"

    boh_cost_basis = fields.Selection(
        [("standard", "Product cost"), ("last_purchase", "Latest purchase price")],
        string="Ingredient Cost Basis",
        default="standard",
        required=True,
        help="Which ingredient price recipes are costed from. With the latest purchase price, "
        "ingredients never bought yet fall back to the product cost.",
    )
    boh_target_food_cost_pct = fields.Float(
        string="Default Target Food Cost %",
        default=30.0,
        help="Target food cost % of menu items that don't set their own.",
    )
    boh_waste_approval_limit = fields.Monetary(
        string="Waste Approval Limit",
        currency_field="currency_id",
        default=50.0,
        help="A waste entry worth at most this much at cost is taken out of stock when it is "
        "saved; a dearer one waits for a BOH manager's approval.",
    )

    boh_use_first_days = fields.Integer(
        string="Use First Within (days)",
        default=3,
        help="The Use First list shows stock expiring within this many days (and expired).",
    )

    boh_store_calendar_id = fields.Many2one(
        "resource.calendar",
        string="Default Store Opening Hours",
        help="Opening hours and time zone of stores that have none of their own; repair SLA "
        "targets count only these hours. Empty: the SLA clock runs around the clock.",
    )

    boh_sales_fact_keep_days = fields.Integer(
        string="Keep Sales Facts (days)",
        default=0,
        help="Sales facts (one row per order line) older than this many days are archived "
        "every night: deleted, while their daily sums and the orders of each day stay, so "
        "the AvT, store periods, KPIs and forecast are unchanged. 0 keeps them for ever.",
    )
    boh_sales_archived_before = fields.Date(
        string="Sales Facts Archived Before",
        readonly=True,
        help="The facts of the days before this one were archived: their daily sums stay and "
        "are not recomputed from the facts.",
    )

    @api.constrains("boh_sales_fact_keep_days")
    def _check_boh_sales_fact_keep_days(self):
        for company in self:
            days = company.boh_sales_fact_keep_days
            if days and days < MIN_FACT_KEEP_DAYS:
                raise ValidationError(
                    self.env._(
                        "Keep Sales Facts (days): %(value)s is not allowed; give 0 (keep them "
                        "for ever) or at least %(minimum)s days.",
                        value=days,
                        minimum=MIN_FACT_KEEP_DAYS,
                    )
                )

    @api.model_create_multi
    def create(self, vals_list):
        """New companies get the default waste reasons."""
        companies = super().create(vals_list)
        self.env["boh.waste.reason"]._create_defaults(companies)
        return companies
