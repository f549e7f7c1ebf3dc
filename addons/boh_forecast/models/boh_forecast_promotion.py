from odoo import api, fields, models
from odoo.exceptions import ValidationError


class BohForecastPromotion(models.Model):
    """A menu item on promotion for a period: the forecast learns from past promotions and
    expects the lift of the coming ones. No end date: it runs until someone ends it."""

    _name = "boh.forecast.promotion"
    _description = "Promotion"
    _order = "date_from desc"
    _check_company_auto = True

    name = fields.Char(required=True, translate=True)
    company_id = fields.Many2one(
        "res.company", required=True, index=True, default=lambda self: self.env.company
    )
    warehouse_id = fields.Many2one(
        "stock.warehouse",
        string="Store",
        index=True,
        check_company=True,
        help="Empty: every store of the company.",
    )
    product_id = fields.Many2one(
        "product.product",
        string="Menu Item",
        required=True,
        index=True,
        check_company=True,
        domain=[("boh_kind", "=", "menu")],
    )
    kind = fields.Selection(
        [("discount", "Discount"), ("bundle", "Bundle"), ("feature", "Featured")],
        required=True,
        default="discount",
    )
    date_from = fields.Date(string="From", required=True, index=True)
    date_to = fields.Date(string="To", index=True, help="Empty: until further notice.")

    @api.constrains("date_from", "date_to")
    def _check_dates(self):
        for promotion in self:
            if promotion.date_to and promotion.date_to < promotion.date_from:
                raise ValidationError(
                    self.env._(
                        "Promotion %(name)s ends (%(end)s) before it starts (%(start)s).",
                        name=promotion.name,
                        end=promotion.date_to,
                        start=promotion.date_from,
                    )
                )
