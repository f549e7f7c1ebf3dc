from odoo import fields, models


class ResCompany(models.Model):
    _inherit = "res.company"

    boh_store_calendar_id = fields.Many2one(
        "resource.calendar",
        string="Default Store Opening Hours",
        help="Opening hours and time zone of stores that have none of their own; repair SLA "
        "targets count only these hours. Empty: the SLA clock runs around the clock.",
    )
