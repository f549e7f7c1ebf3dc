from odoo import fields, models


class ResConfigSettings(models.TransientModel):
    _inherit = "res.config.settings"

    boh_intake_address_limit = fields.Integer(
        "Reports per Address",
        config_parameter="boh_maintenance.address_limit",
        default=10,
        help="Most repair reports one client address may send within the window.",
    )
    boh_intake_address_minutes = fields.Integer(
        "Address Window (minutes)", config_parameter="boh_maintenance.address_minutes", default=10
    )
    boh_intake_token_limit = fields.Integer(
        "Reports per Label",
        config_parameter="boh_maintenance.token_limit",
        default=30,
        help="Most repair reports one QR label may receive within the window.",
    )
    boh_intake_token_minutes = fields.Integer(
        "Label Window (minutes)", config_parameter="boh_maintenance.token_minutes", default=60
    )
    boh_intake_bad_token_limit = fields.Integer(
        "Unknown-Label Requests per Address",
        config_parameter="boh_maintenance.bad_token_limit",
        default=30,
        help="Most requests for labels that do not exist one client address may send within "
        "the window; they never count against a real label's reports.",
    )
    boh_intake_bad_token_minutes = fields.Integer(
        "Unknown-Label Window (minutes)",
        config_parameter="boh_maintenance.bad_token_minutes",
        default=10,
    )
    boh_repeat_failure_count = fields.Integer(
        "Repeat Failures",
        config_parameter="boh_maintenance.repeat_count",
        default=3,
        help="Alert when one equipment has this many corrective requests within the window.",
    )
    boh_repeat_failure_days = fields.Integer(
        "Repeat Window (days)", config_parameter="boh_maintenance.repeat_days", default=30
    )
    boh_labour_rate = fields.Float(
        "Labour Cost per Hour",
        config_parameter="boh_maintenance.labour_rate",
        default=0.0,
        help="Cost of one hour of repair work, used for the repair cost of equipment.",
    )
