"""The AvT and KPI computation of store periods: a few batched queries, the arithmetic in
``boh_core.numbers``, one batched write (see ``boh_store_period.py`` for the model)."""

from collections import defaultdict
from datetime import timedelta

from odoo import fields, models
from odoo.tools import SQL, float_is_zero

from boh_core.numbers.avt import IngredientFlows, avt_lines, order_by_unexplained
from boh_core.numbers.kpi import PeriodTotals, kpis

from ..tools.bulk import bulk_insert

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

#: What the approved counts of the stores in ``params`` found, per store, product and business
#: day (counted plus moved since counted): the AvT's flows and its counts both start from it.
COUNTED_CTE = """counted AS (
    SELECT c.warehouse_id AS wh, l.product_id, c.count_date AS day,
           SUM(l.counted_qty + COALESCE(l.moved_qty, 0)) AS qty
      FROM boh_stock_count_line l
      JOIN boh_stock_count c ON c.id = l.count_id
     WHERE c.state = 'approved' AND l.is_counted
       AND c.warehouse_id IN (SELECT wh FROM params)
     GROUP BY 1, 2, 3
)"""

#: Flows of one store between its counts, by business day (local date of the move), from
#: the usage of the two locations of each done move that touches the store's internal
#: locations. Moves inside the store, count adjustments, waste and sales are no flow: what
#: they took is in the closing count, hence in actual usage.
FLOWS_QUERY = (
    """
WITH params AS (
    SELECT * FROM unnest(%(periods)s::int[], %(stores)s::int[], %(starts)s::date[],
                         %(ends)s::date[], %(zones)s::text[])
           AS p(period_id, wh, dfrom, dto, tz)
),
"""
    + COUNTED_CTE
    + """,
opening AS (
    SELECT DISTINCT ON (p.period_id, k.product_id) p.period_id, k.product_id, k.day, k.qty
      FROM params p JOIN counted k ON k.wh = p.wh AND k.day < p.dfrom
     ORDER BY p.period_id, k.product_id, k.day DESC
),
bounds AS (
    SELECT p.period_id, p.wh, p.tz, p.dfrom, p.dto,
           LEAST(p.dfrom - 1, MIN(o.day)) AS lo
      FROM params p LEFT JOIN opening o ON o.period_id = p.period_id
     GROUP BY p.period_id, p.wh, p.tz, p.dfrom, p.dto
),
-- each store's moves are read once for all its periods (a store-week each, usually), then
-- handed to the periods whose days they fall in
store_bounds AS (
    SELECT wh, tz, MIN(lo) AS lo, MAX(dto) AS dto FROM bounds GROUP BY wh, tz
),
here AS (
    SELECT sb.wh, loc.id AS location_id
      FROM store_bounds sb
      JOIN stock_location loc ON loc.warehouse_id = sb.wh AND loc.usage = 'internal'
),
touching AS (
    SELECT h.wh, sm.id, 1 AS sign FROM here h
      JOIN stock_move sm ON sm.location_dest_id = h.location_id
    UNION ALL
    SELECT h.wh, sm.id, -1 FROM here h
      JOIN stock_move sm ON sm.location_id = h.location_id
),
store_moves AS (
    SELECT t.wh, sm.product_id, t.sign, sm.product_qty AS qty,
           (sm.date AT TIME ZONE 'UTC' AT TIME ZONE sb.tz)::date AS day,
           CASE WHEN t.sign = 1 THEN other_src.usage ELSE other_dst.usage END AS usage,
           CASE WHEN t.sign = 1 THEN other_src.warehouse_id ELSE other_dst.warehouse_id END
               AS other_wh
      FROM touching t
      JOIN store_bounds sb ON sb.wh = t.wh
      JOIN stock_move sm ON sm.id = t.id
      JOIN stock_location other_src ON other_src.id = sm.location_id
      JOIN stock_location other_dst ON other_dst.id = sm.location_dest_id
     WHERE sm.state = 'done' AND NOT COALESCE(sm.is_inventory, FALSE)
       AND sm.date >= ((sb.lo + 1)::timestamp AT TIME ZONE sb.tz) AT TIME ZONE 'UTC'
       AND sm.date < ((sb.dto + 1)::timestamp AT TIME ZONE sb.tz) AT TIME ZONE 'UTC'
),
moves AS (
    SELECT b.period_id, m.product_id, m.sign, m.qty, m.day, m.usage, m.other_wh, m.wh
      FROM store_moves m
      JOIN bounds b ON b.wh = m.wh AND m.day > b.lo AND m.day <= b.dto
)
SELECT period_id, product_id, day,
       SUM(CASE WHEN usage = 'supplier' THEN sign * qty ELSE 0 END) AS received,
       SUM(CASE WHEN sign = 1 AND usage IN ('internal', 'transit')
                 AND COALESCE(other_wh, 0) != wh THEN qty ELSE 0 END) AS transfer_in,
       SUM(CASE WHEN sign = -1 AND usage IN ('internal', 'transit')
                 AND COALESCE(other_wh, 0) != wh THEN qty ELSE 0 END) AS transfer_out,
       SUM(CASE WHEN sign = -1 AND usage = 'production' THEN qty ELSE 0 END) AS consumed,
       SUM(CASE WHEN sign = 1 AND usage = 'production' THEN qty ELSE 0 END) AS made
  FROM moves
 WHERE usage IN ('supplier', 'internal', 'transit', 'production')
 GROUP BY 1, 2, 3
"""
)

COUNTS_QUERY = (
    """
WITH params AS (
    SELECT * FROM unnest(%(periods)s::int[], %(stores)s::int[], %(starts)s::date[],
                         %(ends)s::date[]) AS p(period_id, wh, dfrom, dto)
),
"""
    + COUNTED_CTE
    + """
SELECT DISTINCT ON (p.period_id, k.product_id, k.day < p.dfrom)
       p.period_id, k.product_id, k.day < p.dfrom AS is_opening, k.day, k.qty
  FROM params p JOIN counted k ON k.wh = p.wh AND k.day <= p.dto
 ORDER BY p.period_id, k.product_id, k.day < p.dfrom, k.day DESC
"""
)

WASTE_QUERY = """
SELECT wl.warehouse_id, wl.product_id, wl.date, SUM(wl.qty)
  FROM boh_waste_line wl
  JOIN boh_waste_reason r ON r.id = wl.reason_id
 WHERE wl.state = 'posted' AND r.counts_as_loss
   AND wl.warehouse_id = ANY(%(stores)s) AND wl.date BETWEEN %(lo)s AND %(hi)s
 GROUP BY 1, 2, 3
"""

SALES_QUERY = """
SELECT p.period_id, SUM(f.revenue), SUM(f.covers),
       COUNT(DISTINCT (f.source, f.order_ref)) FILTER (WHERE f.order_ref IS NOT NULL),
       COUNT(DISTINCT f.product_id) FILTER (WHERE NOT r.has_recipe),
       SUM(f.revenue) FILTER (WHERE NOT r.has_recipe)
  FROM unnest(%(periods)s::int[], %(stores)s::int[], %(starts)s::date[], %(ends)s::date[])
       AS p(period_id, wh, dfrom, dto)
  JOIN boh_sales_fact f ON f.warehouse_id = p.wh AND f.date BETWEEN p.dfrom AND p.dto
 CROSS JOIN LATERAL (
       SELECT EXISTS (SELECT 1 FROM boh_recipe r
                       WHERE r.product_id = f.product_id AND r.company_id = f.company_id
                         AND r.active) AS has_recipe
       ) r
 GROUP BY p.period_id
"""


class BohStorePeriod(models.Model):
    # one model over files a concern each, as Odoo's own addons do (CONTRIBUTING.md)
    _inherit = "boh.store.period"  # pylint: disable=consider-merging-classes-inherited

    def _avt_depletion_query(self, store_ids, date_lo, date_hi):
        """Extension hook: the theoretical usage of the stores, as an SQL query.

        Rows ``(warehouse_id, product_id, day, sold_qty, returned_qty)``: per store,
        ingredient and business day, what sales consumed through their recipes and what
        dishes returned by guests took (a recorded loss). The POS bridge, which records
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
        """What each ingredient did, as ``{(period id, product id): [(business day, flow
        name, qty)]}`` (filtered to each ingredient's window by the caller), and the counts as
        ``{(period id, product id, is opening): (day, qty)}``: five queries for all periods."""
        for model in ("stock.move", "boh.stock.count", "boh.stock.count.line", "boh.waste.line"):
            self.env[model].flush_model()
        counts = {}
        count_params = {k: v for k, v in params.items() if k != "zones"}
        for period_id, product_id, is_opening, day, qty in self.env.execute_query(
            SQL(COUNTS_QUERY, **count_params)
        ):
            counts[(period_id, product_id, is_opening)] = (day, qty)
        daily = defaultdict(list)  # (period, product) -> [(day, field, qty)]
        for period_id, product_id, day, *qtys in self.env.execute_query(SQL(FLOWS_QUERY, **params)):
            names = ("received", "transfers_in", "transfers_out", "production_consumed")
            for name, qty in zip((*names, "production_made"), qtys, strict=True):
                if qty:
                    daily[(period_id, product_id)].append((day, name, float(qty)))
        lo = min(
            [day for (_p, _prod, is_opening), (day, _q) in counts.items() if is_opening]
            + [min(params["starts"]) - timedelta(days=1)]
        )
        hi = max(params["ends"])
        by_store = defaultdict(list)  # store id -> its period ids
        for period in self:
            by_store[period.warehouse_id.id].append(period.id)
        extra = [
            (row, "theoretical", "loss_waste")
            for row in self.env.execute_query(self._avt_depletion_query(list(by_store), lo, hi))
        ] + [
            ((*row, 0.0), "loss_waste", None)
            for row in self.env.execute_query(SQL(WASTE_QUERY, stores=list(by_store), lo=lo, hi=hi))
        ]
        for (store_id, product_id, day, qty, second), name, second_name in extra:
            entry = (day, name, float(qty or 0.0))
            for period_id in by_store[store_id]:
                daily[(period_id, product_id)].append(entry)
                if second_name and second:
                    daily[(period_id, product_id)].append((day, second_name, float(second)))
        return daily, counts

    def _compute_numbers(self):
        """Compute the AvT lines and the totals of these periods and store them.

        Long because it is the one pass from the batched reads to the batched write: the
        window of each ingredient (its own two counts), the flows in it, the core's
        arithmetic, then the lines and totals of every period.
        """
        if not self:
            return
        params = self._period_params()
        daily, counts = self._read_flows(params)
        sales = {
            row[0]: row[1:]
            for row in self.env.execute_query(
                SQL(SALES_QUERY, **{k: v for k, v in params.items() if k != "zones"})
            )
        }
        keys = {key for key in daily} | {(p, prod) for p, prod, _o in counts}
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
        line_vals = defaultdict(list)
        for period in self:
            flows_list, meta = [], []
            # the period's own values once, not once an ingredient
            period_id, company_id = period.id, period.company_id.id
            date_before, date_to = period.date_from - timedelta(days=1), period.date_to
            for product_id in products_of[period_id]:
                opening = counts.get((period_id, product_id, True))
                closing = counts.get((period_id, product_id, False))
                lo = opening[0] if opening else date_before
                hi = closing[0] if closing else date_to
                totals = defaultdict(float)
                for day, name, qty in daily.get((period_id, product_id), ()):
                    if lo < day <= hi:
                        totals[name] += qty
                flows_list.append(
                    IngredientFlows(
                        opening=float(opening[1]) if opening else 0.0,
                        closing=float(closing[1]) if closing else 0.0,
                        unit_cost=costs.get((company_id, product_id), 0.0),
                        has_opening=bool(opening),
                        has_closing=bool(closing),
                        **totals,
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
        rows = self.env.execute_query(
            SQL(
                """
                SELECT c.id, pp.id, COALESCE((pp.standard_price->>c.id::text)::float8, 0.0)
                  FROM product_product pp, res_company c
                 WHERE pp.id = ANY(%(products)s) AND c.id = ANY(%(companies)s)
                """,
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
            if _rounds_to_decimals(currency):
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
        money = None if _rounds_to_decimals(self.currency_id) else self.currency_id.round
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


def _rounds_to_decimals(currency):
    """Whether ``currency`` rounds to a number of decimals (0.01, 1, 0.001: nearly all do),
    which the database's ``round`` then does as ``currency.round`` would."""
    return float_is_zero(currency.rounding - 10**-currency.decimal_places, precision_digits=12)


def _line_row(head, money, result, flows, product_id, opening, closing):
    """One row of ``LINE_COLUMNS`` but its last (the rank): ``head`` is the period's
    (id, store id, company id), ``money`` its currency's rounding (``None``: the database
    rounds the values)."""
    values = (
        result.actual_value,
        result.theoretical_value,
        result.variance_value,
        result.loss_waste_value,
        result.unexplained_value,
    )
    if money:
        values = tuple(money(value) for value in values)
    return (
        *head,
        product_id,
        opening[0] if opening else None,
        closing[0] if closing else None,
        flows.has_opening,
        flows.has_closing,
        flows.opening,
        flows.received,
        flows.transfers_in,
        flows.transfers_out,
        flows.production_consumed,
        flows.production_made,
        flows.closing,
        result.actual,
        result.theoretical,
        result.variance,
        result.loss_waste,
        result.unexplained,
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
