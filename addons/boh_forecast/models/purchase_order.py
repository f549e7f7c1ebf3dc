from odoo import fields, models


class PurchaseOrder(models.Model):
    _inherit = "purchase.order"

    boh_suggested = fields.Boolean(
        string="Suggested by Forecast",
        readonly=True,
        copy=False,
        index=True,
        help="Drafted by the nightly forecast. Left in draft it is replaced by the next run; "
        "once sent or confirmed it counts as incoming.",
    )
