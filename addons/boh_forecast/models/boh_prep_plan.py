from odoo import fields, models


class BohPrepPlan(models.Model):
    """Batches of a prep recipe the kitchen makes for one day, from the forecast."""

    _name = "boh.prep.plan"
    _description = "Prep Plan"
    _order = "date, warehouse_id, product_id"
    _check_company_auto = True
    _rec_name = "product_id"

    company_id = fields.Many2one(
        "res.company", required=True, index=True, default=lambda self: self.env.company
    )
    warehouse_id = fields.Many2one(
        "stock.warehouse", string="Location", required=True, index=True, check_company=True
    )
    date = fields.Date(required=True, index=True)
    recipe_id = fields.Many2one(
        "boh.recipe", string="Prep Recipe", required=True, check_company=True
    )
    product_id = fields.Many2one(related="recipe_id.product_id", store=True, string="Prep Item")
    qty = fields.Float(
        string="Needed", digits="Product Unit of Measure", help="Usable output the day needs."
    )
    uom_id = fields.Many2one("uom.uom", string="Unit")
    batch_size = fields.Float(digits="Product Unit of Measure")
    batches = fields.Integer(aggregator="sum")
