from odoo import fields, models


class BohCostImpact(models.Model):
    _name = "boh.cost.impact"
    _description = "Menu Item Cost Impact"
    _order = "date desc, abs_change desc, id desc"
    _check_company_auto = True

    date = fields.Datetime(required=True, default=fields.Datetime.now, index=True)
    company_id = fields.Many2one("res.company", required=True, index=True)
    recipe_id = fields.Many2one("boh.recipe", required=True, ondelete="cascade", index=True)
    # set on create rather than related: a price change writes thousands of these at once
    product_id = fields.Many2one("product.product", string="Menu Item", index=True)
    cause = fields.Char(required=True)
    currency_id = fields.Many2one(related="company_id.currency_id")
    old_cost = fields.Monetary()
    new_cost = fields.Monetary()
    old_food_cost_pct = fields.Float(string="Old Food Cost %")
    new_food_cost_pct = fields.Float(string="New Food Cost %")
    change_pct = fields.Float(string="Change (points)")
    abs_change = fields.Float()
    target_food_cost_pct = fields.Float(string="Target %")
    crossed_target = fields.Selection(
        [("above", "Now over target"), ("below", "Back under target")],
        string="Target",
    )
