"""The AvT and KPI computation of store periods: a few batched queries, the arithmetic in
``boh_core.numbers``, one batched write (see ``boh_store_period.py`` for the model)."""

from collections import defaultdict
from datetime import datetime, time, timedelta

from odoo import fields, models
from odoo.tools import SQL

from boh_core.numbers.avt import IngredientFlows, avt_lines, order_by_unexplained
from boh_core.numbers.kpi import PeriodTotals, kpis

from ..tools.bulk import bulk_insert, rounds_to_decimals
from ..tools.orm_reader import company_field_sql

#: Columns of ``boh_store_period_line`` that ``_write_numbers`` writes with one INSERT.
LINE_COLUMNS = (
    ("period_id", "int"),
    ("warehouse_id", "int"),
    ("company_id", "int"),
    ("product_id", "int"),
    ("opening_day", "date"),
    ("closing_day", "date"),
    ("has_opening", "bool"),
    ("has_closing", "bool"),
    ("opening_qty", "numeric"),
    ("received_qty", "numeric"),
    ("transfer_in_qty", "numeric"),
    ("transfer_out_qty", "numeric"),
    ("production_consumed_qty", "numeric"),
    ("production_made_qty", "numeric"),
    ("closing_qty", "numeric"),
    ("actual_qty", "numeric"),
    ("theoretical_qty", "numeric"),
    ("variance_qty", "numeric"),
    ("loss_waste_qty", "numeric"),
    ("unexplained_qty", "numeric"),
    ("unit_cost", "numeric"),
    ("actual_value", "numeric"),
    ("theoretical_value", "numeric"),
    ("variance_value", "numeric"),
    ("loss_waste_value", "numeric"),
    ("unexplained_value", "numeric"),
    ("rank", "int"),
)

#: The money columns of ``LINE_COLUMNS``, rounded by the line's currency.
VALUE_COLUMNS = (
    "actual_value",
    "theoretical_value",
    "variance_value",
    "loss_waste_value",
    "unexplained_value",
)

#: What each ingredient of each period did between its own two counts, summed by the
#: database: per period and ingredient, the flows of the store (from the usage of the two
#: locations of each done move that touches the store's internal locations), the theoretical
#: usage and returned dishes of the sales (``%(depletion)s``, the extension hook's rows) and
#: the recorded loss waste, each on the business days after the ingredient's opening count
#: (else after the day before the period) up to its closing count (else the period's end).
#: Moves inside the store, count adjustments, waste and sales are no flow: what they took is
#: in the closing count, hence in actual usage.
FLOWS_QUERY = """
WITH params AS (
    SELECT * FROM unnest(%(periods)s::int[], %(stores)s::int[], %(starts)s::date[],
                         %(ends)s::date[], %(zones)s::text[])
           AS p(period_id, wh, dfrom, dto, tz)
),
counted AS (
    SELECT DISTINCT c.warehouse_id AS wh, l.product_id, c.count_date AS day
      FROM boh_stock_count_line l
      JOIN boh_stock_count c ON c.id = l.count_id
     WHERE c.state = 'approved' AND l.is_counted
       AND c.warehouse_id IN (SELECT wh FROM params)
),
-- each ingredient's window in each period: after its opening count, up to its closing one
windows AS (
    SELECT p.period_id, k.product_id,
           MAX(k.day) FILTER (WHERE k.day < p.dfrom) AS opened,
           MAX(k.day) FILTER (WHERE k.day >= p.dfrom) AS closed
      FROM params p JOIN counted k ON k.wh = p.wh AND k.day <= p.dto
     GROUP BY 1, 2
),
periods AS (
    SELECT p.*, LEAST(p.dfrom - 1, MIN(w.opened)) AS lo
      FROM params p LEFT JOIN windows w ON w.period_id = p.period_id
     GROUP BY p.period_id, p.wh, p.dfrom, p.dto, p.tz
),
-- the first business day that any window of a store's periods can start after
store_bounds AS (
    SELECT wh, tz, MIN(lo) AS lo, MAX(dto) AS dto FROM periods GROUP BY wh, tz
),
-- each done move of the range into or out of a store's internal locations, from or to another
-- usage or store (a move inside one store, through its own transit too, is no flow), once per
-- store it touches; one scan of the moves
store_moves AS (
    SELECT f.wh, sm.product_id, sm.date, f.usage, f.sign, sm.product_qty::float8 AS qty
      FROM stock_move sm
      JOIN stock_location src ON src.id = sm.location_id
      JOIN stock_location dst ON dst.id = sm.location_dest_id
     CROSS JOIN LATERAL (VALUES (dst.warehouse_id, dst.usage, 1, src.usage, src.warehouse_id),
                                (src.warehouse_id, src.usage, -1, dst.usage, dst.warehouse_id))
           AS f(wh, own_usage, sign, usage, other_wh)
     WHERE f.own_usage = 'internal' AND f.wh = ANY(%(stores)s)
       AND f.usage IN ('supplier', 'internal', 'transit', 'production')
       AND NOT (f.usage IN ('internal', 'transit') AND COALESCE(f.other_wh, 0) = f.wh)
       AND sm.state = 'done' AND NOT COALESCE(sm.is_inventory, FALSE)
       AND sm.date >= %(date_lo)s AND sm.date < %(date_hi)s
),
-- every flow of the stores' range as (store, ingredient, business day, kind, qty), the kinds
-- numbered in the order of the result's columns (FLOW_NAMES), summed once below per period
-- and ingredient: no sum per store-day first (at a chain's size it spills to disk)
flows AS (
    SELECT m.wh, m.product_id, (m.date AT TIME ZONE 'UTC' AT TIME ZONE sb.tz)::date AS day,
           CASE WHEN m.usage = 'supplier' THEN 1
                WHEN m.usage = 'production' THEN CASE WHEN m.sign = -1 THEN 4 ELSE 5 END
                WHEN m.sign = 1 THEN 2 ELSE 3 END AS kind,
           CASE WHEN m.usage = 'supplier' THEN m.sign * m.qty ELSE m.qty END AS qty
      FROM store_moves m
      JOIN store_bounds sb ON sb.wh = m.wh
    UNION ALL
    SELECT d.wh, d.product_id, d.day, k.kind, k.qty
      FROM (%(depletion)s) AS d(wh, product_id, day, sold, returned)
     CROSS JOIN LATERAL (VALUES (6, d.sold::float8), (7, d.returned::float8)) AS k(kind, qty)
     WHERE k.qty IS NOT NULL
    UNION ALL
    SELECT wl.warehouse_id, wl.product_id, wl.date, 7, wl.qty::float8
      FROM boh_waste_line wl
      JOIN boh_waste_reason r ON r.id = wl.reason_id
      JOIN store_bounds sb ON sb.wh = wl.warehouse_id
     WHERE wl.state = 'posted' AND r.counts_as_loss
       AND wl.date > sb.lo AND wl.date <= sb.dto
)
SELECT p.period_id, f.product_id,
       SUM(f.qty) FILTER (WHERE f.kind = 1), SUM(f.qty) FILTER (WHERE f.kind = 2),
       SUM(f.qty) FILTER (WHERE f.kind = 3), SUM(f.qty) FILTER (WHERE f.kind = 4),
       SUM(f.qty) FILTER (WHERE f.kind = 5), SUM(f.qty) FILTER (WHERE f.kind = 6),
       SUM(f.qty) FILTER (WHERE f.kind = 7)
  FROM flows f
  JOIN periods p ON p.wh = f.wh AND f.day > p.lo AND f.day <= p.dto
  LEFT JOIN windows w ON w.period_id = p.period_id AND w.product_id = f.product_id
 WHERE f.day > COALESCE(w.opened, p.dfrom - 1) AND f.day <= COALESCE(w.closed, p.dto)
 GROUP BY 1, 2
"""

#: The names of ``IngredientFlows`` that ``FLOWS_QUERY`` sums, in its column order.
FLOW_NAMES = (
    "received",
    "transfers_in",
    "transfers_out",
    "production_consumed",
    "production_made",
    "theoretical",
    "loss_waste",
)

COUNTS_QUERY = """
WITH params AS (
    SELECT * FROM unnest(%(periods)s::int[], %(stores)s::int[], %(starts)s::date[],
                         %(ends)s::date[]) AS p(period_id, wh, dfrom, dto)
),
counted AS (
    SELECT c.warehouse_id AS wh, l.product_id, c.count_date AS day,
           SUM(l.counted_qty + COALESCE(l.moved_qty, 0)) AS qty
      FROM boh_stock_count_line l
      JOIN boh_stock_count c ON c.id = l.count_id
     WHERE c.state = 'approved' AND l.is_counted
       AND c.warehouse_id IN (SELECT wh FROM params)
     GROUP BY 1, 2, 3
)
SELECT DISTINCT ON (p.period_id, k.product_id, k.day < p.dfrom)
       p.period_id, k.product_id, k.day < p.dfrom AS is_opening, k.day, k.qty
  FROM params p JOIN counted k ON k.wh = p.wh AND k.day <= p.dto
 ORDER BY p.period_id, k.product_id, k.day < p.dfrom, k.day DESC
"""

#: Each period's sales: net sales, covers, orders, and the items sold with no recipe (their
#: count and revenue), from the daily sums (``boh.sales.daily``: one row per item and day
#: instead of one per order line) and the orders of each day the same triggers keep.
SALES_QUERY = """
WITH p AS (
    SELECT * FROM unnest(%(periods)s::int[], %(stores)s::int[], %(starts)s::date[],
                         %(ends)s::date[]) AS p(period_id, wh, dfrom, dto)
),
items AS (
    SELECT p.period_id, d.company_id, d.product_id, SUM(d.revenue) AS revenue,
           SUM(d.covers) AS covers
      FROM p JOIN boh_sales_daily d ON d.warehouse_id = p.wh AND d.date BETWEEN p.dfrom AND p.dto
     GROUP BY 1, 2, 3
),
orders AS (
    SELECT p.period_id, COUNT(*) AS n
      FROM p JOIN boh_sales_daily_order o
        ON o.warehouse_id = p.wh AND o.date BETWEEN p.dfrom AND p.dto
     GROUP BY 1
)
SELECT i.period_id, SUM(i.revenue), SUM(i.covers), COALESCE(MAX(o.n), 0),
       COUNT(DISTINCT i.product_id) FILTER (WHERE NOT r.has_recipe),
       SUM(i.revenue) FILTER (WHERE NOT r.has_recipe)
  FROM items i
  LEFT JOIN orders o ON o.period_id = i.period_id
 CROSS JOIN LATERAL (
       SELECT EXISTS (SELECT 1 FROM boh_recipe r
                       WHERE r.product_id = i.product_id AND r.company_id = i.company_id
                         AND r.active) AS has_recipe
       ) r
 GROUP BY i.period_id
"""


class BohStorePeriod(models.Model):
    # one model over files a concern each, as Odoo's own addons do (CONTRIBUTING.md)
    _inherit = "boh.store.period"  # pylint: disable=consider-merging-classes-inherited

    def _avt_depletion_query(self, store_ids, date_lo, date_hi):
        """Extension hook: the theoretical usage of the stores, as an SQL query.

        Rows ``(warehouse_id, product_id, day, sold_qty, returned_qty)``: per store,
        ingredient and business day, what sales consumed through their recipes and what
        dishes returned by guests took (a recorded loss); a key may come in several rows
        (they are summed), and a ``NULL`` quantity is none. The POS bridge, which records
        that consumption, fills it; without it there is no theoretical usage.
        """
        return SQL("SELECT NULL::int, NULL::int, NULL::date, 0::numeric, 0::numeric WHERE FALSE")

    def _period_params(self):
        stores = self.warehouse_id.sudo()._boh_store_time()
        return {
            "periods": self.ids,
            "stores": [p.warehouse_id.id for p in self],
            "starts": [p.date_from for p in self],
            "ends": [p.date_to for p in self],
            "zones": [stores[p.warehouse_id.id].tz for p in self],
        }

    def _read_flows(self, params):
        """What each ingredient did between its two counts, as ``{(period id, product id):
        {flow name: qty}}``, and the counts as ``{(period id, product id, is opening): (day,
        qty)}``: two queries for all periods, the sums made by the database."""
        for model in ("stock.move", "boh.stock.count", "boh.stock.count.line", "boh.waste.line"):
            self.env[model].flush_model()
        counts = {}
        count_params = {k: v for k, v in params.items() if k != "zones"}
        for period_id, product_id, is_opening, day, qty in self.env.execute_query(
            SQL(COUNTS_QUERY, **count_params)
        ):
            counts[(period_id, product_id, is_opening)] = (day, qty)
        lo = min(
            [day for (_p, _prod, is_opening), (day, _q) in counts.items() if is_opening]
            + [min(params["starts"]) - timedelta(days=1)]
        )
        hi = max(params["ends"])
        stores = sorted(set(params["stores"]))
        query = SQL(
            FLOWS_QUERY,
            depletion=self._avt_depletion_query(stores, lo, hi),
            # a day more each side than any store's time zone can shift a business day
            date_lo=datetime.combine(lo, time.min),
            date_hi=datetime.combine(hi + timedelta(days=2), time.min),
            **params,
        )
        flows = {
            (period_id, product_id): {
                name: float(qty) for name, qty in zip(FLOW_NAMES, qtys, strict=True) if qty
            }
            for period_id, product_id, *qtys in self.env.execute_query(query)
        }
        return flows, counts

    def _compute_numbers(self):
        """Compute the AvT lines and the totals of these periods and store them: the batched
        reads, the core's arithmetic per ingredient, one batched write."""
        if not self:
            return
        params = self._period_params()
        flows, counts = self._read_flows(params)
        sales = {
            row[0]: row[1:]
            for row in self.env.execute_query(
                SQL(SALES_QUERY, **{k: v for k, v in params.items() if k != "zones"})
            )
        }
        keys = set(flows) | {(p, prod) for p, prod, _o in counts}
        costs = self._unit_costs({prod for _p, prod in keys})
        storable = set(
            self.env["product.product"]
            .browse({prod for _p, prod in keys})
            .filtered("is_storable")
            .ids
        )
        products_of = defaultdict(list)
        for period_id, product_id in sorted(keys):
            if product_id in storable:
                products_of[period_id].append(product_id)
        line_vals = {}
        for period in self:
            flows_list, meta = [], []
            # the period's own values once, not once an ingredient
            period_id, company_id = period.id, period.company_id.id
            for product_id in products_of[period_id]:
                opening = counts.get((period_id, product_id, True))
                closing = counts.get((period_id, product_id, False))
                flows_list.append(
                    IngredientFlows(
                        opening=float(opening[1]) if opening else 0.0,
                        closing=float(closing[1]) if closing else 0.0,
                        unit_cost=costs.get((company_id, product_id), 0.0),
                        has_opening=bool(opening),
                        has_closing=bool(closing),
                        **flows.get((period_id, product_id), {}),
                    )
                )
                meta.append((product_id, opening, closing))
            line_vals[period_id] = (flows_list, meta)
        self._write_numbers(line_vals, sales)
        self.env["boh.menu.engineering.line"]._compute_for_periods(
            self, {k: v for k, v in params.items() if k != "zones"}
        )

    def _unit_costs(self, product_ids):
        """``{(company id, product id): cost}`` of these products in the periods' companies."""
        if not product_ids:
            return {}
        self.env["product.product"].flush_model(["standard_price"])
        cost = company_field_sql(self.env["product.product"], "pp", "standard_price", SQL("c.id"))
        rows = self.env.execute_query(
            SQL(
                """
                SELECT c.id, pp.id, %(cost)s
                  FROM product_product pp, res_company c
                 WHERE pp.id = ANY(%(products)s) AND c.id = ANY(%(companies)s)
                """,
                cost=cost,
                products=list(product_ids),
                companies=self.company_id.ids,
            )
        )
        return {(company, product): cost for company, product, cost in rows}

    def _write_numbers(self, line_vals, sales):
        """Replace the lines of each period (one DELETE, one bulk INSERT: thousands of lines
        for a group's weeks) and write each period's totals and KPIs."""
        self.env["boh.store.period.line"].flush_model()
        self.env.cr.execute(
            SQL("DELETE FROM boh_store_period_line WHERE period_id = ANY(%s)", self.ids)
        )
        rows = defaultdict(list)  # currency -> rows of its periods' lines
        for period in self:
            flows_list, meta = line_vals[period.id]
            results = avt_lines(flows_list)
            rows[period.currency_id] += period._line_rows(results, flows_list, meta)
            complete = [r for r in results if r.complete]
            revenue, covers, orders, no_recipe_items, no_recipe_revenue = sales.get(
                period.id, (0.0, 0, 0, 0, 0.0)
            )
            totals = PeriodTotals(
                days=period.days,
                net_sales=float(revenue or 0.0),
                covers=int(covers or 0),
                orders=int(orders or 0),
                theoretical_cost=sum(r.theoretical_value for r in results),
                actual_cost=sum(r.actual_value for r in complete)
                + sum(r.theoretical_value for r in results if not r.complete),
                loss_waste_value=sum(r.loss_waste_value for r in results),
                variance_value=sum(r.variance_value for r in complete),
                opening_value=sum(r.opening_value for r in results),
                closing_value=sum(r.closing_value for r in results),
            )
            period.sudo().write(
                {
                    "computed_date": fields.Datetime.now(),
                    **period._count_dates(meta, no_recipe_items or 0),
                    "no_recipe_revenue": float(no_recipe_revenue or 0.0),
                    "no_recipe_item_count": no_recipe_items or 0,
                    **_total_values(totals, kpis(totals), complete),
                }
            )
        digits = self.env["decimal.precision"].precision_get("Product Unit of Measure")
        for currency, currency_rows in rows.items():
            money = {}
            if rounds_to_decimals(currency):
                # the database rounds the money too (half away from zero, as currency.round)
                money = dict.fromkeys(VALUE_COLUMNS, currency.decimal_places)
            bulk_insert(
                self.env,
                "boh_store_period_line",
                LINE_COLUMNS,
                currency_rows,
                digits={
                    **{name: digits for name, _type in LINE_COLUMNS if name.endswith("_qty")},
                    "unit_cost": self.env["decimal.precision"].precision_get("Product Price"),
                    **money,
                },
            )
        self.env["boh.store.period.line"].invalidate_model()
        self.invalidate_recordset(["line_ids"])

    def _line_rows(self, results, flows_list, meta):
        """The rows of this period's lines (``LINE_COLUMNS``), ranked: lines with both
        counts first (the others' variance is not known), largest unexplained value first."""
        ranks = order_by_unexplained(results)
        ranks.sort(key=lambda i: not results[i].complete)
        rank_of = {index: rank for rank, index in enumerate(ranks, 1)}
        # the period's own values once, not once a line (thousands of lines)
        head = (self.id, self.warehouse_id.id, self.company_id.id)
        # money the database cannot round to decimals is rounded here, by the currency
        money = None if rounds_to_decimals(self.currency_id) else self.currency_id.round
        return [
            _line_row(head, money, result, flows, product_id, opening, closing) + (rank_of[index],)
            for index, (result, flows, (product_id, opening, closing)) in enumerate(
                zip(results, flows_list, meta, strict=True)
            )
        ]

    def _count_dates(self, meta, no_recipe_items=0):
        """Opening and closing count days of the period, and what is missing, in words."""
        openings = [opening[0] for _p, opening, _c in meta if opening]
        closings = [closing[0] for _p, _o, closing in meta if closing]
        warnings = []
        if not openings:
            warnings.append(
                self.env._(
                    "No opening count: no approved count of %(store)s before %(day)s. The "
                    "opening quantities are zero; take the first count of the period as the "
                    "opening by starting the period the day after it.",
                    store=self.warehouse_id.display_name,
                    day=self.date_from,
                )
            )
        if not closings:
            warnings.append(
                self.env._(
                    "No closing count: no approved count of %(store)s between %(from)s and "
                    "%(to)s, so actual usage is not known yet.",
                    store=self.warehouse_id.display_name,
                    to=self.date_to,
                    **{"from": self.date_from},
                )
            )
        missing = sum(1 for _p, opening, closing in meta if not (opening and closing))
        if missing and openings and closings:
            warnings.append(
                self.env._(
                    "%(count)s ingredients lack an opening or closing count: their actual "
                    "usage is taken as theoretical.",
                    count=missing,
                )
            )
        if no_recipe_items:
            warnings.append(
                self.env._(
                    "%(count)s menu items were sold without a recipe: their ingredients are not "
                    "in the theoretical usage, so what they used shows as unexplained. Give them "
                    "a recipe (Back of House > Recipes).",
                    count=no_recipe_items,
                )
            )
        return {
            "opening_count_date": max(openings) if openings else False,
            "closing_count_date": max(closings) if closings else False,
            "warning": "\n".join(warnings) or False,
        }


def _line_row(head, money, result, flows, product_id, opening, closing):
    """One row of ``LINE_COLUMNS`` but its last (the rank): ``head`` is the period's
    (id, store id, company id), ``money`` its currency's rounding (``None``: the database
    rounds the values)."""
    # without both counts, actual usage and what follows from it are not known: left empty
    # (NULL, which sums skip), not the flows' arithmetic with a missing count taken as zero
    known = result.complete
    values = (
        result.actual_value if known else None,
        result.theoretical_value,
        result.variance_value if known else None,
        result.loss_waste_value,
        result.unexplained_value if known else None,
    )
    if money:
        values = tuple(None if value is None else money(value) for value in values)
    return (
        *head,
        product_id,
        opening[0] if opening else None,
        closing[0] if closing else None,
        flows.has_opening,
        flows.has_closing,
        flows.opening if flows.has_opening else None,
        flows.received,
        flows.transfers_in,
        flows.transfers_out,
        flows.production_consumed,
        flows.production_made,
        flows.closing if flows.has_closing else None,
        result.actual if known else None,
        result.theoretical,
        result.variance if known else None,
        result.loss_waste,
        result.unexplained if known else None,
        flows.unit_cost,
        *values,
    )


def _total_values(totals, figures, complete):
    return {
        "net_sales": totals.net_sales,
        "covers": totals.covers,
        "orders": totals.orders,
        "average_check": figures.average_check or 0.0,
        "theoretical_cost": totals.theoretical_cost,
        "actual_cost": totals.actual_cost,
        "variance_value": totals.variance_value,
        "loss_waste_value": totals.loss_waste_value,
        "unexplained_value": sum(r.unexplained_value for r in complete),
        "opening_value": totals.opening_value,
        "closing_value": totals.closing_value,
        "gross_margin": figures.gross_margin,
        "food_cost_pct_theoretical": figures.food_cost_pct_theoretical or 0.0,
        "food_cost_pct_actual": figures.food_cost_pct_actual or 0.0,
        "waste_pct": figures.waste_pct or 0.0,
        "variance_pct": figures.variance_pct or 0.0,
        "gross_margin_pct": figures.gross_margin_pct or 0.0,
        "turnover_days": figures.inventory_turnover_days or 0.0,
    }
