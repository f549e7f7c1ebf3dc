from collections import defaultdict

from odoo import fields, models
from odoo.tools import SQL

from boh_core.numbers.menu_engineering import MenuItemSales, classify

from ..tools.bulk import bulk_insert, rounds_to_decimals

QUADRANTS = [
    ("star", "Star"),
    ("plowhorse", "Plowhorse"),
    ("puzzle", "Puzzle"),
    ("dog", "Dog"),
]

#: Columns ``_compute_for_periods`` writes with one INSERT.
BULK_COLUMNS = (
    ("period_id", "int"),
    ("warehouse_id", "int"),
    ("company_id", "int"),
    ("date_to", "date"),
    ("product_id", "int"),
    ("categ_id", "int"),
    ("qty", "numeric"),
    ("revenue", "numeric"),
    ("unit_cost", "numeric"),
    ("unit_margin", "numeric"),
    ("total_margin", "numeric"),
    ("category_avg_margin", "numeric"),
    ("menu_mix_pct", "numeric"),
    ("mix_threshold_pct", "numeric"),
    ("quadrant", "varchar"),
)
#: The money columns of ``BULK_COLUMNS``, rounded by the line's currency.
MONEY_COLUMNS = ("revenue", "unit_cost", "unit_margin", "total_margin", "category_avg_margin")


def _identity(value):
    return value


#: Menu items sold in each period (set-meal components carry no price and are left out),
#: with their category and the portion cost of their recipe in the store's company; from the
#: daily sums, less their set-meal part.
SALES_QUERY = """
WITH sold AS (
    SELECT p.period_id, d.product_id, d.company_id,
           SUM(d.qty - d.component_qty) AS qty, SUM(d.revenue - d.component_revenue) AS revenue
      FROM unnest(%(periods)s::int[], %(stores)s::int[], %(starts)s::date[], %(ends)s::date[])
           AS p(period_id, wh, dfrom, dto)
      JOIN boh_sales_daily d ON d.warehouse_id = p.wh AND d.date BETWEEN p.dfrom AND p.dto
     GROUP BY 1, 2, 3
    HAVING SUM(d.fact_count - d.component_count) > 0
)
SELECT s.period_id, s.product_id, pt.categ_id, s.qty, s.revenue,
       (SELECT r.portion_cost FROM boh_recipe r
         WHERE r.product_id = s.product_id AND r.company_id = s.company_id AND r.active
         ORDER BY r.id LIMIT 1)
  FROM sold s
  JOIN product_product pp ON pp.id = s.product_id
  JOIN product_template pt ON pt.id = pp.product_tmpl_id
"""


class BohMenuEngineeringLine(models.Model):
    """Where one menu item lands in its menu category over one store period (Kasavana-Smith).

    Written with the period's other figures (:meth:`_compute_for_periods`); the arithmetic is
    ``boh_core.numbers.menu_engineering``. Items are compared within their product category
    only: drinks never with mains.
    """

    _name = "boh.menu.engineering.line"
    _description = "Menu Engineering"
    _order = "period_id, categ_id, total_margin desc, id"
    _check_company_auto = True

    period_id = fields.Many2one(
        "boh.store.period", required=True, ondelete="cascade", index=True, readonly=True
    )
    warehouse_id = fields.Many2one(
        related="period_id.warehouse_id", store=True, index=True, string="Store"
    )
    company_id = fields.Many2one(related="period_id.company_id", store=True, index=True)
    currency_id = fields.Many2one(related="company_id.currency_id")
    date_to = fields.Date(related="period_id.date_to", store=True, string="Period End")
    product_id = fields.Many2one(
        "product.product", string="Menu Item", required=True, readonly=True
    )
    categ_id = fields.Many2one("product.category", string="Menu Category", readonly=True)
    qty = fields.Float(string="Sold", digits="Product Unit of Measure", readonly=True)
    revenue = fields.Monetary(string="Net Sales", readonly=True)
    unit_cost = fields.Monetary(string="Food Cost per Item", readonly=True)
    unit_margin = fields.Monetary(
        string="Contribution Margin", readonly=True, aggregator="avg", help="Net price - food cost."
    )
    total_margin = fields.Monetary(readonly=True)
    category_avg_margin = fields.Monetary(
        string="Category Average Margin",
        readonly=True,
        aggregator="avg",
        help="The category's total margin over its items sold (sales-weighted).",
    )
    menu_mix_pct = fields.Float(string="Menu Mix %", digits=(16, 1), readonly=True)
    mix_threshold_pct = fields.Float(
        string="Popularity Threshold %",
        digits=(16, 1),
        readonly=True,
        aggregator="avg",
        help="70% of a fair share: 70 / number of items in the category.",
    )
    quadrant = fields.Selection(QUADRANTS, readonly=True, index=True)
    suggestion = fields.Char(compute="_compute_suggestion")

    def _compute_suggestion(self):
        texts = {
            "star": self.env._("Keep: protect its quality and place, and test a small price rise."),
            "plowhorse": self.env._(
                "Popular but thin: raise the price a little or lower the cost of its recipe."
            ),
            "puzzle": self.env._(
                "Profitable but rarely ordered: move it up the menu, rename it, have staff push it."
            ),
            "dog": self.env._("Neither: take it off the menu or rework it."),
        }
        for line in self:
            line.suggestion = texts.get(line.quadrant, "")

    def _compute_for_periods(self, periods, params):
        """Replace the menu engineering lines of ``periods`` (one query, one DELETE, one
        bulk INSERT)."""
        self.env["boh.sales.fact"].flush_model()
        self.env["boh.recipe"].flush_model(["portion_cost", "product_id", "company_id", "active"])
        rows = self.env.execute_query(SQL(SALES_QUERY, **params))
        items = [
            MenuItemSales(
                key=(period_id, product_id),
                category=(period_id, categ_id),
                qty=float(qty or 0.0),
                revenue=float(revenue or 0.0),
                unit_cost=float(cost or 0.0),
            )
            for period_id, product_id, categ_id, qty, revenue, cost in rows
        ]
        sold = {item.key: item for item in items}
        heads = {
            period.id: (period.id, period.warehouse_id.id, period.company_id.id, period.date_to)
            for period in periods
        }
        currency_of = {period.id: period.currency_id for period in periods}
        rows = defaultdict(list)  # currency -> rows of its periods' items
        for cls in classify(items):
            item, currency = sold[cls.key], currency_of[cls.key[0]]
            # money the database cannot round to decimals is rounded here, by the currency
            money = _identity if rounds_to_decimals(currency) else currency.round
            rows[currency].append(
                (
                    *heads[cls.key[0]],
                    cls.key[1],
                    cls.category[1],
                    item.qty,
                    money(item.revenue),
                    money(item.unit_cost),
                    money(cls.unit_margin),
                    money(cls.total_margin),
                    money(cls.category_avg_margin),
                    cls.menu_mix_pct,
                    cls.mix_threshold_pct,
                    cls.quadrant,
                )
            )
        self.flush_model()
        self.env.cr.execute(
            SQL("DELETE FROM boh_menu_engineering_line WHERE period_id = ANY(%s)", periods.ids)
        )
        self._insert_rows(rows)
        self.invalidate_model()
        periods.invalidate_recordset(["menu_line_ids"])

    def _insert_rows(self, rows):
        """One bulk INSERT per currency of ``rows`` (``{currency: rows}``), the money rounded by
        the database where the currency rounds to decimals."""
        qty_digits = self.env["decimal.precision"].precision_get("Product Unit of Measure")
        for currency, currency_rows in rows.items():
            money_digits = (
                dict.fromkeys(MONEY_COLUMNS, currency.decimal_places)
                if rounds_to_decimals(currency)
                else {}
            )
            bulk_insert(
                self.env,
                self._table,
                BULK_COLUMNS,
                currency_rows,
                digits={"qty": qty_digits, **money_digits},
            )
