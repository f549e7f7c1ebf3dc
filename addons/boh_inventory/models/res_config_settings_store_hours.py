from odoo import fields, models


class ResConfigSettings(models.TransientModel):
    _inherit = "res.config.settings"

    boh_store_calendar_id = fields.Many2one(
        related="company_id.boh_store_calendar_id", readonly=False
    )
