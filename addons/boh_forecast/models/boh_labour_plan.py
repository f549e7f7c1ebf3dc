from odoo import fields, models

DAY_PART_SELECTION = [
    ("breakfast", "Breakfast (6-11)"),
    ("lunch", "Lunch (11-15)"),
    ("afternoon", "Afternoon (15-17)"),
    ("dinner", "Dinner (17-22)"),
    ("late", "Late (22-6)"),
]


class BohLabourPlan(models.Model):
    """Labour hours a role needs in a day part, from the forecast and the standard."""

    _name = "boh.labour.plan"
    _description = "Labour Plan"
    _order = "date, warehouse_id, day_part, role"
    _check_company_auto = True
    _rec_name = "role"

    company_id = fields.Many2one(
        "res.company", required=True, index=True, default=lambda self: self.env.company
    )
    warehouse_id = fields.Many2one(
        "stock.warehouse", string="Location", required=True, index=True, check_company=True
    )
    date = fields.Date(required=True, index=True)
    day_part = fields.Selection(DAY_PART_SELECTION, required=True)
    standard_id = fields.Many2one("boh.labour.standard", ondelete="cascade", check_company=True)
    role = fields.Char()
    driver = fields.Selection([("sales", "Sales"), ("covers", "Covers")])
    driver_qty = fields.Float(string="Forecast Driver", digits=(16, 2), aggregator="sum")
    hours = fields.Float(string="Labour Hours", digits=(16, 2), aggregator="sum")
