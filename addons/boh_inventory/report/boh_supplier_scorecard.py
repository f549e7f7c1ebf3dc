from odoo import fields, models
from odoo.tools import SQL

MANAGER = "boh_inventory.group_boh_manager"


class BohSupplierScorecard(models.Model):
    """Supplier scorecard: one row per confirmed purchase line, read grouped by vendor and
    month (the figures are averages over lines; see ``boh_core.numbers.scorecard``).

    On time: first receipt on or before the line's promised day. Fill: received against
    ordered, capped at 100%. Price variance against the vendor's previous price of the same
    product and against the agreed price of its vendor pricelist, both in the product's unit
    (prices in the order's currency, which is the company's for the suite's stores).
    """

    _name = "boh.supplier.scorecard"
    _description = "Supplier Scorecard"
    _auto = False
    _order = "date_order desc, partner_id, id"
    _depends = {
        "purchase.order": ["state", "partner_id", "date_approve", "company_id", "picking_type_id"],
        "purchase.order.line": [
            "product_id",
            "product_qty",
            "qty_received",
            "price_unit",
            "product_uom",
            "date_planned",
            "display_type",
        ],
        "stock.move": ["purchase_line_id", "state", "date", "location_id"],
        "product.supplierinfo": ["partner_id", "price", "min_qty", "date_start", "date_end"],
    }

    company_id = fields.Many2one("res.company", readonly=True)
    partner_id = fields.Many2one("res.partner", string="Vendor", readonly=True)
    warehouse_id = fields.Many2one("stock.warehouse", string="Store", readonly=True)
    order_id = fields.Many2one("purchase.order", string="Purchase Order", readonly=True)
    product_id = fields.Many2one("product.product", readonly=True)
    date_order = fields.Date(string="Ordered On", readonly=True)
    date_promised = fields.Date(string="Promised", readonly=True)
    date_received = fields.Date(string="First Received", readonly=True)
    ordered_qty = fields.Float(digits="Product Unit of Measure", readonly=True)
    received_qty = fields.Float(digits="Product Unit of Measure", readonly=True)
    on_time_pct = fields.Float(string="On Time %", digits=(16, 1), readonly=True, aggregator="avg")
    fill_pct = fields.Float(string="Fill Rate %", digits=(16, 1), readonly=True, aggregator="avg")
    unit_price = fields.Float(
        digits="Product Price", readonly=True, aggregator=None, groups=MANAGER
    )
    last_price = fields.Float(
        string="Previous Price",
        digits="Product Price",
        readonly=True,
        aggregator=None,
        groups=MANAGER,
    )
    agreed_price = fields.Float(
        digits="Product Price", readonly=True, aggregator=None, groups=MANAGER
    )
    price_vs_last_pct = fields.Float(
        string="Price vs Previous %",
        digits=(16, 1),
        readonly=True,
        aggregator="avg",
        groups=MANAGER,
    )
    price_vs_agreed_pct = fields.Float(
        string="Price vs Agreed %", digits=(16, 1), readonly=True, aggregator="avg", groups=MANAGER
    )

    @property
    def _table_query(self):
        """Long because it is the report's SQL view."""
        return SQL(
            """
            WITH lines AS (
                SELECT pol.id, po.company_id, po.partner_id, spt.warehouse_id, po.id AS order_id,
                       pol.product_id, pp.product_tmpl_id,
                       COALESCE(po.date_approve, po.date_order)::date AS date_order,
                       pol.date_planned::date AS date_promised,
                       pol.product_qty AS ordered_qty, pol.qty_received AS received_qty,
                       pol.price_unit * lu.factor / pu.factor AS unit_price,
                       pu.factor AS product_factor
                  FROM purchase_order_line pol
                  JOIN purchase_order po ON po.id = pol.order_id
                  JOIN product_product pp ON pp.id = pol.product_id
                  JOIN product_template pt ON pt.id = pp.product_tmpl_id
                  JOIN uom_uom lu ON lu.id = pol.product_uom
                  JOIN uom_uom pu ON pu.id = pt.uom_id
                  LEFT JOIN stock_picking_type spt ON spt.id = po.picking_type_id
                 WHERE po.state IN ('purchase', 'done') AND pol.display_type IS NULL
            ),
            receipts AS (
                SELECT sm.purchase_line_id, MIN(sm.date)::date AS first_date
                  FROM stock_move sm
                  JOIN stock_location src ON src.id = sm.location_id
                 WHERE sm.state = 'done' AND sm.purchase_line_id IS NOT NULL
                   AND src.usage = 'supplier'
                 GROUP BY sm.purchase_line_id
            ),
            priced AS (
                SELECT l.*, r.first_date AS date_received,
                       LAG(l.unit_price) OVER (
                           PARTITION BY l.partner_id, l.product_id ORDER BY l.date_order, l.id
                       ) AS last_price,
                       (SELECT si.price * su.factor / l.product_factor
                          FROM product_supplierinfo si
                          JOIN product_template st ON st.id = si.product_tmpl_id
                          JOIN uom_uom su ON su.id = st.uom_po_id
                         WHERE si.partner_id = l.partner_id
                           AND si.product_tmpl_id = l.product_tmpl_id
                           AND (si.product_id IS NULL OR si.product_id = l.product_id)
                           AND (si.company_id IS NULL OR si.company_id = l.company_id)
                           AND (si.date_start IS NULL OR si.date_start <= l.date_order)
                           AND (si.date_end IS NULL OR si.date_end >= l.date_order)
                           AND si.min_qty <= l.ordered_qty
                         ORDER BY si.product_id NULLS LAST, si.min_qty DESC, si.sequence, si.id
                         LIMIT 1) AS agreed_price
                  FROM lines l LEFT JOIN receipts r ON r.purchase_line_id = l.id
            )
            SELECT id, company_id, partner_id, warehouse_id, order_id, product_id, date_order,
                   date_promised, date_received, ordered_qty, received_qty, unit_price,
                   last_price, agreed_price,
                   CASE WHEN date_received IS NULL THEN NULL
                        WHEN date_received <= date_promised THEN 100.0 ELSE 0.0 END
                       AS on_time_pct,
                   CASE WHEN ordered_qty > 0
                        THEN 100.0 * LEAST(received_qty / ordered_qty, 1.0) END AS fill_pct,
                   CASE WHEN last_price > 0
                        THEN 100.0 * (unit_price - last_price) / last_price END
                       AS price_vs_last_pct,
                   CASE WHEN agreed_price > 0
                        THEN 100.0 * (unit_price - agreed_price) / agreed_price END
                       AS price_vs_agreed_pct
              FROM priced
            """
        )
