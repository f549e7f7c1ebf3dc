"""The forecast's orders for items the central kitchen supplies: requisitions, not purchases."""

import logging
import math
from collections import defaultdict
from datetime import timedelta

from odoo import Command, api, models
from odoo.tools import float_round

from boh_core import replenishment as rp
from boh_core.errors import BohError
from boh_core.transfers import cutoff_deadline

_logger = logging.getLogger(__name__)

#: requisitions still to arrive count as incoming
OPEN_REQUISITION_STATES = ("submitted", "accepted", "shipped")


class BohForecastEngine(models.AbstractModel):
    _inherit = "boh.forecast.engine"  # pylint: disable=consider-merging-classes-inherited

    @api.model
    def _suggest_orders(self, company, warehouses, forecasts, now, recipe_book):
        """Purchase orders as before, for everything but what the central kitchen supplies;
        that becomes one draft requisition per store to the kitchen."""
        orders = super()._suggest_orders(company, warehouses, forecasts, now, recipe_book)
        self._suggest_requisitions(company, warehouses, forecasts, now, recipe_book)
        return orders

    @api.model
    def _suggest_requisitions(self, company, warehouses, forecasts, now, recipe_book):
        """Replace the stores' suggested draft requisitions with tonight's.

        Each covers the demand from today to the day it arrives (tomorrow when the kitchen's
        cut-off has not passed, else the day after) plus the safety stock of that many days,
        less what the store holds and what its open requisitions bring.
        """
        Requisition = self.env["boh.requisition"]
        Requisition.search(
            [
                ("suggested", "=", True),
                ("state", "=", "draft"),
                ("warehouse_id", "in", warehouses.ids),
            ]
        ).unlink()
        kitchen = self._central_kitchen(company)
        stores = warehouses.filtered(lambda warehouse: not warehouse.boh_central_kitchen)
        demand = self._ingredient_demand(forecasts, recipe_book)
        if not kitchen or not stores or demand.empty:
            return Requisition
        products = (
            self.env["product.product"]
            .with_company(company)
            .browse(demand.ingredient.unique().astype(int).tolist())
            .filtered(lambda p: p.boh_supplied_by_kitchen and p.is_storable)
        )
        if not products:
            return Requisition
        today = now.date()
        needed = today + timedelta(days=1)
        try:
            if now.replace(tzinfo=None) > cutoff_deadline(needed, kitchen.boh_requisition_cutoff):
                needed += timedelta(days=1)
        except BohError as error:
            # a kitchen with a broken cut-off takes orders for tomorrow
            _logger.info("Forecast: %s's cut-off ignored: %s", kitchen.name, error)
        demand = demand.set_index(["warehouse_id", "ingredient", "date"]).sort_index()
        incoming = self._open_requisition_qty(stores, products)
        service = company.boh_forecast_service_level or 95.0
        vals_list = []
        for store in stores:
            lines = self._requisition_lines(
                store, products, demand, today, needed, service, incoming
            )
            if lines:
                vals_list.append(
                    {
                        "warehouse_id": store.id,
                        "supplier_id": kitchen.id,
                        "date_needed": needed,
                        "suggested": True,
                        "line_ids": [Command.create(line) for line in lines],
                    }
                )
        return Requisition.create(vals_list)

    @api.model
    def _requisition_lines(self, store, products, demand, today, needed, service, incoming):
        """Line values of one store's suggested requisition."""
        levels = {
            p["id"]: p["qty_available"]
            for p in products.with_context(warehouse_id=store.id).read(["qty_available"])
        }
        days = (needed - today).days + 1
        lines = []
        for product in products:
            try:
                rows = demand.loc[(store.id, product.id)]
            except KeyError:
                continue
            window = rows.loc[(rows.index >= today) & (rows.index <= needed)]
            if window.empty:
                continue
            sigma = math.sqrt(float(window["var"].mean()))
            safety = rp.safety_stock(sigma, days, service)
            qty = rp.order_up_to(
                float(window.qty.sum()),
                safety,
                max(0.0, levels[product.id]),
                incoming.get((store.id, product.id), 0.0),
            )
            qty = float_round(qty, precision_rounding=product.uom_id.rounding)
            if qty > 0:
                lines.append({"product_id": product.id, "qty": qty})
        return lines

    @api.model
    def _open_requisition_qty(self, stores, products):
        """``{(store id, product id): qty}`` asked in requisitions not yet received."""
        rows = self.env["boh.requisition.line"]._read_group(
            [
                ("warehouse_id", "in", stores.ids),
                ("product_id", "in", products.ids),
                ("requisition_id.state", "in", OPEN_REQUISITION_STATES),
            ],
            ["warehouse_id", "product_id"],
            ["qty:sum"],
        )
        return {(store.id, product.id): qty for store, product, qty in rows}

    # -- the central kitchen's prep plan --------------------------------------------------

    @api.model
    def _central_kitchen(self, company):
        """The company's central kitchen (the one requisitions go to), or no record."""
        return self.env["stock.warehouse"].search(
            [("company_id", "=", company.id), ("boh_central_kitchen", "=", True)], limit=1
        )

    @api.model
    def _kitchen_supplied_preps(self, recipe_book):
        """Ids of the stocked prep items of ``recipe_book`` the central kitchen supplies."""
        _book, products, _converter = recipe_book
        stocked = [
            pid
            for pid, info in products.items()
            if info.get("kind") == "prep" and info.get("stocked")
        ]
        supplied = self.env["product.product"].search(
            [("id", "in", stocked), ("boh_supplied_by_kitchen", "=", True)]
        )
        return set(supplied.ids)

    @api.model
    def _plan_kitchen_prep(self, company, kitchen, day, recipe_book, supplied):
        """Replace the kitchen's prep plan for ``day`` and after: the sum of every store's
        forecast demand for the items it supplies (through the recipes, with the prep items
        they are made of), plus what its own sales need.

        Read from the stored forecasts of all the company's locations for ``day``, so that a
        run for one store keeps the other stores' share.
        """
        Plan = self.env["boh.prep.plan"]
        Plan.search([("warehouse_id", "=", kitchen.id), ("date", ">=", day)]).unlink()
        book, products, converter = recipe_book
        recipes = {recipe.product: recipe for recipe in book.recipes}
        preps = {pid for pid, info in products.items() if info.get("kind") == "prep"}
        demand = defaultdict(list)
        for warehouse, product, qty in self.env["boh.forecast"]._read_group(
            [
                ("company_id", "=", company.id),
                ("kind", "=", "item"),
                ("date", "=", day),
                ("product_id", "in", list(recipes)),
            ],
            ["warehouse_id", "product_id"],
            ["qty:sum"],
        ):
            demand[warehouse.id].append((product.id, qty, products[product.id]["uom_id"]))
        store_needs = []
        for wh_id, rows in demand.items():
            if wh_id == kitchen.id:
                continue
            try:
                split = rp.split_prep_requirements(book.recipes, rows, preps, converter, supplied)
            except BohError as error:
                _logger.info("Kitchen prep plan leaves out location %s: %s", wh_id, error)
                continue
            store_needs.append(split.supplied)
        try:
            needs = rp.kitchen_prep_requirements(
                book.recipes, demand.get(kitchen.id, []), store_needs, preps, converter
            )
        except BohError as error:
            _logger.info("Prep plan of %s not made: %s", kitchen.name, error)
            return Plan
        return Plan.create(self._prep_plan_vals(company, kitchen.id, day, recipes, needs))
