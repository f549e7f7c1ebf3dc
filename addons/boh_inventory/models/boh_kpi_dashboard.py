from datetime import timedelta

from odoo import api, fields, models
from odoo.exceptions import AccessError
from odoo.tools import SQL

from boh_core.numbers.kpi import PeriodTotals, kpis
from boh_core.numbers.menu_engineering import MenuItemSales, classify

#: Money among ``SUMMED``: converted into the viewer's company currency for the group.
MONEY = frozenset(
    {
        "net_sales",
        "theoretical_cost",
        "actual_cost",
        "loss_waste_value",
        "variance_value",
        "opening_value",
        "closing_value",
    }
)

#: Totals of ``boh.store.period`` that add up over stores and periods.
SUMMED = (
    "days",
    "net_sales",
    "covers",
    "orders",
    "theoretical_cost",
    "actual_cost",
    "loss_waste_value",
    "variance_value",
    "opening_value",
    "closing_value",
)


class BohKpiDashboard(models.AbstractModel):
    """The data of the KPI dashboard (the ``boh_inventory.kpi_dashboard`` client action).

    The figures come from the computed store periods that end in the range asked for: per
    store, for the group, and as a trend per period. Other modules add their figures by
    extending :meth:`_boh_kpi_slots` (labour: sales per labour hour, labour cost %, prime
    cost %; maintenance: open repairs, MTTR).
    """

    _name = "boh.kpi.dashboard"
    _description = "KPI Dashboard"

    @api.model
    def get_dashboard_data(self, date_from=None, date_to=None):
        """KPIs per store and for the group, the trend, and the modules' slots (managers)."""
        if not (self.env.su or self.env.user.has_group("boh_inventory.group_boh_manager")):
            raise AccessError(self.env._("Only a BOH Manager sees the KPI dashboard."))
        date_to = fields.Date.to_date(date_to) or fields.Date.context_today(self)
        date_from = fields.Date.to_date(date_from) or date_to - timedelta(days=83)
        periods = self.env["boh.store.period"].search_fetch(
            [
                ("date_to", ">=", date_from),
                ("date_to", "<=", date_to),
                ("computed_date", "!=", False),
            ],
            ["warehouse_id", "date_from", "date_to", "currency_id", *SUMMED],
            order="date_to, warehouse_id",
        )
        stores = periods.warehouse_id
        by_store = {
            store.id: periods.filtered(lambda p, s=store: p.warehouse_id == s) for store in stores
        }
        currency = self.env.company.currency_id
        rows = [
            {"id": store.id, "name": store.name, **_figures(by_store[store.id], currency)}
            for store in stores.sorted("name")
        ]
        return {
            "date_from": fields.Date.to_string(date_from),
            "date_to": fields.Date.to_string(date_to),
            "currency": self.env.company.currency_id.symbol,
            "stores": rows,
            "group": {"id": False, "name": self.env._("Group"), **_figures(periods, currency)},
            "trend": [
                {
                    "store": period.warehouse_id.name,
                    "date_to": fields.Date.to_string(period.date_to),
                    **_figures(period, currency),
                }
                for period in periods
            ],
            "slots": self._boh_kpi_slots(stores, date_from, date_to),
            "menu": self._group_menu_engineering(stores, date_from, date_to),
        }

    @api.model
    def _group_menu_engineering(self, stores, date_from, date_to):
        """Menu engineering of these stores together over the range, per menu category:
        ``[{"name", "category", "menu_mix_pct", "unit_margin", "quadrant"}]``."""
        if not stores:
            return []
        self.env["boh.sales.fact"].flush_model()
        self.env["boh.recipe"].flush_model(["portion_cost", "product_id", "company_id", "active"])
        rows = self.env.execute_query(
            SQL(
                """
                WITH sold AS (
                    SELECT d.product_id, d.company_id, SUM(d.qty - d.component_qty) AS qty,
                           SUM(d.revenue - d.component_revenue) AS revenue
                      FROM boh_sales_daily d
                     WHERE d.warehouse_id = ANY(%(stores)s) AND d.date BETWEEN %(lo)s AND %(hi)s
                     GROUP BY d.product_id, d.company_id
                    HAVING SUM(d.fact_count - d.component_count) > 0
                )
                SELECT s.product_id, pt.categ_id, SUM(s.qty), SUM(s.revenue),
                       SUM(s.qty * COALESCE(
                           (SELECT r.portion_cost FROM boh_recipe r
                             WHERE r.product_id = s.product_id AND r.company_id = s.company_id
                               AND r.active ORDER BY r.id LIMIT 1), 0))
                  FROM sold s
                  JOIN product_product pp ON pp.id = s.product_id
                  JOIN product_template pt ON pt.id = pp.product_tmpl_id
                 GROUP BY s.product_id, pt.categ_id
                """,
                stores=stores.ids,
                lo=date_from,
                hi=date_to,
            )
        )
        items = [
            MenuItemSales(
                key=product_id,
                category=categ_id,
                qty=float(qty or 0.0),
                revenue=float(revenue or 0.0),
                unit_cost=float(cost or 0.0) / float(qty) if qty else 0.0,
            )
            for product_id, categ_id, qty, revenue, cost in rows
        ]
        classes = classify(items)
        products = self.env["product.product"].browse([c.key for c in classes])
        categories = self.env["product.category"].browse(
            {c.category for c in classes if c.category}
        )
        names = dict(zip(products.ids, products.mapped("display_name"), strict=True))
        categ_names = dict(zip(categories.ids, categories.mapped("display_name"), strict=True))
        return [
            {
                "name": names[c.key],
                "category": categ_names.get(c.category, ""),
                "menu_mix_pct": c.menu_mix_pct,
                "unit_margin": c.unit_margin,
                "quadrant": c.quadrant,
            }
            for c in classes
        ]

    @api.model
    def _boh_kpi_slots(self, stores, date_from, date_to):
        """Extension hook: figures other modules add to the dashboard.

        Returns a list of ``{"key", "label", "unit", "group": value, "stores": {store id:
        value}}``; ``unit`` is ``"pct"``, ``"money"``, ``"hours"`` or ``""``. Extend it and
        add to ``super()``'s list.
        """
        return []


def _money(period, name, currency):
    """``period[name]``, in ``currency`` at the rate of the period's last day."""
    value = period[name]
    if name not in MONEY or period.currency_id == currency or not value:
        return value
    return period.currency_id._convert(value, currency, period.company_id, period.date_to)


def _figures(periods, currency):
    """The KPIs of the sum of these periods' totals (ratios of sums, not sums of ratios), money
    in ``currency`` (the viewer's company's: a second company's stores are converted).

    Inventory is a level, not a flow: each store's average inventory is the mean over its
    periods, and the stores' averages add up; the days are the calendar days covered.
    """
    if not periods:
        return {"net_sales": 0.0, "covers": 0}
    sums = {name: sum(_money(period, name, currency) for period in periods) for name in SUMMED}
    sums["days"] = (max(periods.mapped("date_to")) - min(periods.mapped("date_from"))).days + 1
    inventory = 0.0
    for store in periods.warehouse_id:
        own = periods.filtered(lambda period, store=store: period.warehouse_id == store)
        inventory += sum(
            (_money(p, "opening_value", currency) + _money(p, "closing_value", currency)) / 2.0
            for p in own
        ) / len(own)
    sums["opening_value"] = sums["closing_value"] = inventory
    figures = kpis(PeriodTotals(**sums))
    return {
        "net_sales": figures.net_sales,
        "covers": figures.covers,
        "average_check": figures.average_check,
        "food_cost_pct_theoretical": figures.food_cost_pct_theoretical,
        "food_cost_pct_actual": figures.food_cost_pct_actual,
        "waste_pct": figures.waste_pct,
        "variance_pct": figures.variance_pct,
        "gross_margin": figures.gross_margin,
        "turnover_days": figures.inventory_turnover_days,
        "actual_cost": sums["actual_cost"],
    }
