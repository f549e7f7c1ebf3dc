from odoo import fields, models


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
    boh_store_calendar_id = fields.Many2one(
        "resource.calendar",
        string="Default Store Opening Hours",
        help="Opening hours and time zone of stores that have none of their own; repair SLA "
        "targets count only these hours. Empty: the SLA clock runs around the clock.",
    )
