"""The forecast's plans for the kitchen and the floor: prep batches per location and day,
labour hours per role, day and day part."""

import logging
from datetime import timedelta

from odoo import api, models

from boh_core import replenishment as rp
from boh_core.errors import BohError

_logger = logging.getLogger(__name__)

#: days of labour plan the forecast run writes
LABOUR_DAYS = 7


class BohForecastEngine(models.AbstractModel):
    _inherit = "boh.forecast.engine"  # pylint: disable=consider-merging-classes-inherited

    @api.model
    def _plan_prep(self, company, warehouses, forecasts, day, recipe_book, kitchen=True):
        """Batches of each prep recipe each location makes for ``day``.

        A store leaves out the stocked items its central kitchen supplies (it requisitions
        them) and what only they are made of; the kitchen's plan makes them
        (``_plan_kitchen_prep``, left out when not ``kitchen``: a partition of the nightly run
        leaves it to the run's last step, once every store's forecast is stored).
        """
        Plan = self.env["boh.prep.plan"]
        Plan.search([("warehouse_id", "in", warehouses.ids), ("date", ">=", day)]).unlink()
        plan_kitchen = kitchen
        kitchen = self._central_kitchen(company)
        supplied = self._kitchen_supplied_preps(recipe_book) if kitchen else set()
        items = forecasts[forecasts.product_id.notna() & (forecasts.date == day)]
        if kitchen:
            items = items[items.warehouse_id != kitchen.id]
        book, products, converter = recipe_book
        recipes = {recipe.product: recipe for recipe in book.recipes}
        preps = {pid for pid, info in products.items() if info.get("kind") == "prep"}
        vals = []
        for wh_id, rows in items.groupby("warehouse_id"):
            demand = [
                (int(pid), float(qty), products[int(pid)]["uom_id"])
                for pid, qty in zip(rows.product_id, rows.yhat, strict=True)
                if int(pid) in recipes
            ]
            try:
                needs = rp.split_prep_requirements(
                    book.recipes, demand, preps, converter, supplied
                ).made
            except BohError as error:
                _logger.info("Prep plan of location %s not made: %s", wh_id, error)
                continue
            vals += self._prep_plan_vals(company, int(wh_id), day, recipes, needs)
        plans = Plan.create(vals)
        if kitchen and plan_kitchen:
            plans |= self._plan_kitchen_prep(company, kitchen, day, recipe_book, supplied)
        return plans

    @api.model
    def _prep_plan_vals(self, company, warehouse_id, day, recipes, needs):
        """Values of one location's prep plan rows: ``needs`` is ``{prep item id: qty}``."""
        vals = []
        for pid, qty in needs.items():
            recipe = recipes[pid]
            vals.append(
                {
                    "company_id": company.id,
                    "warehouse_id": warehouse_id,
                    "date": day,
                    "recipe_id": recipe.id,
                    "qty": qty,
                    "uom_id": recipe.output_unit,
                    "batch_size": recipe.output_qty,
                    "batches": rp.batches_needed(qty, recipe.output_qty, recipe.yield_pct),
                }
            )
        return vals

    @api.model
    def _plan_labour(self, company, warehouses, forecasts, profiles, today):
        """Labour hours per role, day and day part from the sales and covers forecasts."""
        Plan = self.env["boh.labour.plan"]
        Plan.search([("warehouse_id", "in", warehouses.ids), ("date", ">=", today)]).unlink()
        standards = self.env["boh.labour.standard"].search(
            [
                ("company_id", "=", company.id),
                "|",
                ("warehouse_id", "=", False),
                ("warehouse_id", "in", warehouses.ids),
            ]
        )
        if not standards or forecasts.empty:
            return Plan
        window = forecasts[
            (forecasts.date >= today) & (forecasts.date < today + timedelta(days=LABOUR_DAYS))
        ]
        sales = (
            window[window.product_id.notna()]
            .assign(sales=lambda f: f.yhat * f.price)
            .groupby(["warehouse_id", "date"])["sales"]
            .sum()
        )
        covers = window[window.product_id.isna()].groupby(["warehouse_id", "date"])["yhat"].sum()
        drivers = {"sales": sales.to_dict(), "covers": covers.to_dict()}
        vals = []
        for warehouse in warehouses:
            mine = standards.filtered(
                lambda s, w=warehouse: not s.warehouse_id or s.warehouse_id == w
            )
            profile = profiles.get(warehouse.id, {"sales": {}, "covers": {}})
            for offset in range(LABOUR_DAYS):
                day = today + timedelta(days=offset)
                for standard in mine:
                    daily = drivers[standard.driver].get((warehouse.id, day), 0.0)
                    parts = rp.spread_day_parts(daily, profile[standard.driver])
                    for part, amount in parts.items():
                        if amount <= 0:
                            continue
                        vals.append(
                            {
                                "company_id": company.id,
                                "warehouse_id": warehouse.id,
                                "date": day,
                                "day_part": part,
                                "standard_id": standard.id,
                                "role": standard.role,
                                "driver": standard.driver,
                                "driver_qty": amount,
                                "hours": rp.labour_hours(amount, standard.per_hour),
                            }
                        )
        return Plan.create(vals)
