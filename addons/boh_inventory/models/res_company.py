from odoo import api, fields, models


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

    @api.model_create_multi
    def create(self, vals_list):
        """New companies get the default waste reasons."""
        companies = super().create(vals_list)
        self.env["boh.waste.reason"]._create_defaults(companies)
        return companies
