from odoo import fields, models, tools
from odoo.tools import SQL


class BohForecastReport(models.Model):
    """Forecast against actual sales per location, item (or covers) and day."""

    _name = "boh.forecast.report"
    _description = "Forecast vs Actual"
    _auto = False
    _order = "date desc"
    _rec_name = "date"

    company_id = fields.Many2one("res.company", readonly=True)
    warehouse_id = fields.Many2one("stock.warehouse", string="Location", readonly=True)
    product_id = fields.Many2one("product.product", string="Menu Item", readonly=True)
    kind = fields.Selection([("item", "Menu item"), ("covers", "Covers")], readonly=True)
    date = fields.Date(readonly=True)
    qty_forecast = fields.Float(string="Forecast", readonly=True, aggregator="sum")
    qty_actual = fields.Float(string="Actual", readonly=True, aggregator="sum")
    qty_lo = fields.Float(string="Low (80%)", readonly=True, aggregator="sum")
    qty_hi = fields.Float(string="High (80%)", readonly=True, aggregator="sum")

    def init(self):
        """One row per series and day: the stored forecast and the actual sales (the daily
        sums, which the archive of old facts keeps)."""
        tools.drop_view_if_exists(self.env.cr, self._table)
        self.env.cr.execute(
            SQL(
                """
                CREATE OR REPLACE VIEW %s AS (
                    SELECT row_number() OVER (ORDER BY date, warehouse_id, kind, product_id)
                               AS id,
                           company_id, warehouse_id, product_id, kind, date,
                           SUM(forecast) AS qty_forecast, SUM(act) AS qty_actual,
                           SUM(lo) AS qty_lo, SUM(hi) AS qty_hi
                      FROM (
                        SELECT company_id, warehouse_id, product_id, kind, date,
                               qty AS forecast, 0.0 AS act, qty_lo AS lo, qty_hi AS hi
                          FROM boh_forecast
                        UNION ALL
                        SELECT company_id, warehouse_id, product_id, 'item', date,
                               0.0, qty, 0.0, 0.0
                          FROM boh_sales_daily
                        UNION ALL
                        SELECT company_id, warehouse_id, NULL, 'covers', date,
                               0.0, covers, 0.0, 0.0
                          FROM boh_sales_daily
                      ) AS rows
                     GROUP BY company_id, warehouse_id, product_id, kind, date
                )
                """,
                SQL.identifier(self._table),
            )
        )
