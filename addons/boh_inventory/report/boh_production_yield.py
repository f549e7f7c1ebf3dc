from odoo import fields, models
from odoo.tools import SQL

from ..tools.actions import records_action

MANAGER = "boh_inventory.group_boh_manager"


class BohProductionYield(models.Model):
    """Production yield variance: one row per done production, read grouped by kitchen,
    store period and prep item (the pivot sums them).

    Planned is the quantity the batch was planned for, actual what it gave; the variance is
    actual - planned (negative when the batch gave less). Its value is the variance at the
    batch's planned unit cost (the ingredients' cost / planned quantity): what the units
    lost cost, or the units gained saved. The business day is the production's date in the
    kitchen's time zone, and the period the kitchen's store period holding that day (empty
    when the kitchen has none).
    """

    _name = "boh.production.yield"
    _description = "Production Yield Variance"
    _auto = False
    _order = "date desc, warehouse_id, product_id, id desc"
    _depends = {
        "boh.production": [
            "state",
            "warehouse_id",
            "company_id",
            "recipe_id",
            "product_id",
            "date",
            "qty",
            "actual_qty",
            "yield_variance_qty",
            "cost",
        ],
        "boh.store.period": ["warehouse_id", "date_from", "date_to"],
        "stock.warehouse": ["boh_calendar_id", "partner_id", "company_id"],
    }

    production_id = fields.Many2one("boh.production", readonly=True)
    company_id = fields.Many2one("res.company", readonly=True)
    currency_id = fields.Many2one("res.currency", readonly=True)
    warehouse_id = fields.Many2one("stock.warehouse", string="Kitchen", readonly=True)
    period_id = fields.Many2one("boh.store.period", readonly=True)
    date = fields.Date(string="Business Day", readonly=True)
    product_id = fields.Many2one("product.product", string="Prep Item", readonly=True)
    recipe_id = fields.Many2one("boh.recipe", readonly=True)
    uom_id = fields.Many2one("uom.uom", string="Unit", readonly=True)
    batch_count = fields.Integer(string="Batches", readonly=True)
    planned_qty = fields.Float(string="Planned", digits="Product Unit of Measure", readonly=True)
    actual_qty = fields.Float(
        string="Actual Yield", digits="Product Unit of Measure", readonly=True
    )
    variance_qty = fields.Float(
        string="Yield Variance", digits="Product Unit of Measure", readonly=True
    )
    variance_pct = fields.Float(
        string="Yield Variance %", digits=(16, 1), readonly=True, aggregator=None
    )
    cost = fields.Monetary(string="Ingredients Cost", readonly=True, groups=MANAGER)
    variance_value = fields.Monetary(string="Yield Variance Value", readonly=True, groups=MANAGER)

    @property
    def _table_query(self):
        """Long because it is the report's SQL view."""
        return SQL(
            """
            WITH made AS (
                SELECT p.id, p.company_id, c.currency_id, p.warehouse_id, p.product_id,
                       p.recipe_id, pt.uom_id, p.qty, p.actual_qty, p.yield_variance_qty,
                       COALESCE(p.cost, 0.0) AS cost,
                       (p.date AT TIME ZONE 'UTC' AT TIME ZONE COALESCE(
                           NULLIF(cal.tz, ''), NULLIF(wp.tz, ''), NULLIF(cp.tz, ''), 'UTC'
                       ))::date AS day
                  FROM boh_production p
                  JOIN stock_warehouse wh ON wh.id = p.warehouse_id
                  JOIN res_company c ON c.id = p.company_id
                  JOIN res_partner cp ON cp.id = c.partner_id
                  LEFT JOIN res_partner wp ON wp.id = wh.partner_id
                  LEFT JOIN resource_calendar cal
                         ON cal.id = COALESCE(wh.boh_calendar_id, c.boh_store_calendar_id)
                  JOIN product_product pp ON pp.id = p.product_id
                  JOIN product_template pt ON pt.id = pp.product_tmpl_id
                 WHERE p.state = 'done'
            )
            SELECT m.id, m.id AS production_id, m.company_id, m.currency_id, m.warehouse_id,
                   sp.id AS period_id, m.day AS date, m.product_id, m.recipe_id, m.uom_id,
                   1 AS batch_count, m.qty AS planned_qty, m.actual_qty,
                   m.yield_variance_qty AS variance_qty,
                   CASE WHEN m.qty > 0 THEN 100.0 * m.yield_variance_qty / m.qty END
                       AS variance_pct,
                   m.cost,
                   CASE WHEN m.qty > 0 THEN m.yield_variance_qty * m.cost / m.qty ELSE 0.0 END
                       AS variance_value
              FROM made m
              LEFT JOIN LATERAL (
                  SELECT s.id FROM boh_store_period s
                   WHERE s.warehouse_id = m.warehouse_id
                     AND m.day BETWEEN s.date_from AND s.date_to
                   ORDER BY s.date_from DESC, s.id DESC
                   LIMIT 1
              ) sp ON TRUE
            """
        )

    def action_view_productions(self):
        """Open the productions behind these rows."""
        action = records_action(
            self, "boh_inventory.action_boh_production", [("id", "in", self.production_id.ids)]
        )
        if len(self) == 1:
            action.update(view_mode="form", views=[(False, "form")], res_id=self.production_id.id)
        return action
