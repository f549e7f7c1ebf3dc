from odoo import api, fields, models
from odoo.exceptions import ValidationError


class BohLabourStandard(models.Model):
    """How much one labour hour of a role handles: sales or covers per hour."""

    _name = "boh.labour.standard"
    _description = "Labour Productivity Standard"
    _order = "warehouse_id, role"
    _check_company_auto = True
    _rec_name = "role"

    company_id = fields.Many2one(
        "res.company", required=True, index=True, default=lambda self: self.env.company
    )
    warehouse_id = fields.Many2one(
        "stock.warehouse",
        string="Location",
        index=True,
        check_company=True,
        help="Empty: the standard of every location.",
    )
    role = fields.Char(required=True, translate=True)
    driver = fields.Selection(
        [("sales", "Sales"), ("covers", "Covers")], required=True, default="covers"
    )
    per_hour = fields.Float(
        string="Per Labour Hour",
        required=True,
        default=20.0,
        help="Sales (net) or covers one person in this role handles in an hour.",
    )
    active = fields.Boolean(default=True)

    @api.constrains("per_hour")
    def _check_per_hour(self):
        for standard in self:
            if standard.per_hour <= 0:
                raise ValidationError(
                    self.env._(
                        "Productivity of %(role)s must be above 0 per hour.", role=standard.role
                    )
                )
