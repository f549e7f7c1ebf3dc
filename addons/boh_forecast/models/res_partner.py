from odoo import fields, models

WEEKDAY_FIELDS = [
    "boh_deliver_mon",
    "boh_deliver_tue",
    "boh_deliver_wed",
    "boh_deliver_thu",
    "boh_deliver_fri",
    "boh_deliver_sat",
    "boh_deliver_sun",
]


class ResPartner(models.Model):
    _inherit = "res.partner"

    boh_deliver_mon = fields.Boolean(string="Delivers Monday")
    boh_deliver_tue = fields.Boolean(string="Delivers Tuesday")
    boh_deliver_wed = fields.Boolean(string="Delivers Wednesday")
    boh_deliver_thu = fields.Boolean(string="Delivers Thursday")
    boh_deliver_fri = fields.Boolean(string="Delivers Friday")
    boh_deliver_sat = fields.Boolean(string="Delivers Saturday")
    boh_deliver_sun = fields.Boolean(string="Delivers Sunday")
    boh_order_cutoff = fields.Float(
        string="Order Cut-off",
        help="Local time of day after which an order counts as placed the next day. "
        "Zero means no cut-off.",
    )

    def _boh_delivery_weekdays(self):
        """Weekdays (0 = Monday) this vendor delivers on; empty means every day."""
        self.ensure_one()
        return [day for day, fname in enumerate(WEEKDAY_FIELDS) if self[fname]]
