from odoo import fields, models, tools
from odoo.tools import SQL

from .boh_labour_attendance_report import STORE_TZ

DAY_PART = """
    CASE WHEN {h} >= 6 AND {h} < 11 THEN 'breakfast'
         WHEN {h} >= 11 AND {h} < 15 THEN 'lunch'
         WHEN {h} >= 15 AND {h} < 17 THEN 'afternoon'
         WHEN {h} >= 17 AND {h} < 22 THEN 'dinner'
         ELSE 'late' END
"""


class BohLabourKpiReport(models.Model):
    """Sales per labour hour, labour cost % and prime cost % per store, day and day part.

    Labour is what attendance recorded (hours at each employee's hourly cost, split over
    the local hours it spans); food cost is the sold quantity at its recipe's cost per
    sale unit. Ratios with nothing to divide by stay empty, not zero.
    """

    _name = "boh.labour.kpi.report"
    _description = "Labour KPIs"
    _auto = False
    _order = "date desc, warehouse_id, day_part"
    _depends = {
        "boh.sales.fact": ["warehouse_id", "company_id", "date", "hour", "qty", "revenue"],
        "hr.attendance": ["employee_id", "check_in", "check_out", "boh_warehouse_id"],
        "hr.employee": ["hourly_cost"],
        "boh.recipe": ["product_id", "portion_cost", "active"],
    }

    company_id = fields.Many2one("res.company", readonly=True)
    warehouse_id = fields.Many2one("stock.warehouse", string="Store", readonly=True)
    date = fields.Date(readonly=True)
    day_part = fields.Selection(
        [
            ("breakfast", "Breakfast (6-11)"),
            ("lunch", "Lunch (11-15)"),
            ("afternoon", "Afternoon (15-17)"),
            ("dinner", "Dinner (17-22)"),
            ("late", "Late (22-6)"),
        ],
        readonly=True,
    )
    currency_id = fields.Many2one(related="company_id.currency_id")
    sales = fields.Monetary(readonly=True, aggregator="sum")
    food_cost = fields.Monetary(readonly=True, aggregator="sum")
    labour_hours = fields.Float(readonly=True, digits=(16, 2), aggregator="sum")
    labour_cost = fields.Monetary(readonly=True, aggregator="sum")
    sales_per_labour_hour = fields.Float(readonly=True, digits=(16, 2), aggregator=None)
    labour_cost_pct = fields.Float("Labour Cost %", readonly=True, digits=(16, 1), aggregator=None)
    prime_cost_pct = fields.Float("Prime Cost %", readonly=True, digits=(16, 1), aggregator=None)

    def init(self):
        """Long because it is the report's SQL view."""
        tools.drop_view_if_exists(self.env.cr, self._table)
        self.env.cr.execute(
            SQL(
                """
CREATE OR REPLACE VIEW %s AS (
WITH zone AS (%s),
recipe AS (
    SELECT DISTINCT ON (product_id) product_id, portion_cost
      FROM boh_recipe WHERE active AND product_id IS NOT NULL
  ORDER BY product_id, id DESC
),
sold AS (
    SELECT f.warehouse_id, f.company_id, f.date AS day, %s AS day_part,
           SUM(COALESCE(f.revenue, 0)) AS sales,
           SUM(COALESCE(f.qty, 0) * COALESCE(r.portion_cost, 0)) AS food_cost
      FROM boh_sales_fact f
 LEFT JOIN recipe r ON r.product_id = f.product_id
  GROUP BY 1, 2, 3, 4
),
worked AS (
    SELECT a.boh_warehouse_id AS warehouse_id, e.hourly_cost,
           (a.check_in AT TIME ZONE 'UTC' AT TIME ZONE z.tz) AS local_in,
           (a.check_out AT TIME ZONE 'UTC' AT TIME ZONE z.tz) AS local_out
      FROM hr_attendance a
      JOIN hr_employee e ON e.id = a.employee_id
      JOIN zone z ON z.warehouse_id = a.boh_warehouse_id
     WHERE a.check_out IS NOT NULL AND a.check_out > a.check_in
),
labour AS (
    SELECT w.warehouse_id, s.company_id, g.hour_start::date AS day,
           %s AS day_part,
           SUM(EXTRACT(EPOCH FROM LEAST(g.hour_start + INTERVAL '1 hour', w.local_out)
                                - GREATEST(g.hour_start, w.local_in)) / 3600.0) AS hours,
           SUM(EXTRACT(EPOCH FROM LEAST(g.hour_start + INTERVAL '1 hour', w.local_out)
                                - GREATEST(g.hour_start, w.local_in)) / 3600.0
               * COALESCE(w.hourly_cost, 0)) AS cost
      FROM worked w
      JOIN stock_warehouse s ON s.id = w.warehouse_id
      CROSS JOIN LATERAL generate_series(
          date_trunc('hour', w.local_in), w.local_out - INTERVAL '1 second', INTERVAL '1 hour'
      ) AS g(hour_start)
  GROUP BY 1, 2, 3, 4
)
SELECT row_number() OVER (
           ORDER BY COALESCE(s.day, l.day), COALESCE(s.warehouse_id, l.warehouse_id),
                    COALESCE(s.day_part, l.day_part)
       ) AS id,
       COALESCE(s.company_id, l.company_id) AS company_id,
       COALESCE(s.warehouse_id, l.warehouse_id) AS warehouse_id,
       COALESCE(s.day, l.day) AS date,
       COALESCE(s.day_part, l.day_part) AS day_part,
       COALESCE(s.sales, 0) AS sales,
       COALESCE(s.food_cost, 0) AS food_cost,
       COALESCE(l.hours, 0) AS labour_hours,
       COALESCE(l.cost, 0) AS labour_cost,
       s.sales / NULLIF(l.hours, 0) AS sales_per_labour_hour,
       100.0 * l.cost / NULLIF(s.sales, 0) AS labour_cost_pct,
       100.0 * (COALESCE(l.cost, 0) + COALESCE(s.food_cost, 0)) / NULLIF(s.sales, 0)
           AS prime_cost_pct
  FROM sold s
  FULL OUTER JOIN labour l
    ON l.warehouse_id = s.warehouse_id AND l.day = s.day AND l.day_part = s.day_part
)
""",
                SQL.identifier(self._table),
                SQL(STORE_TZ),
                SQL(DAY_PART.format(h="f.hour")),
                SQL(DAY_PART.format(h="EXTRACT(HOUR FROM g.hour_start)")),
            )
        )
