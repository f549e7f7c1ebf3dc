"""The forecast's orders for items the central kitchen supplies: requisitions, not purchases."""

import logging
import math
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
        kitchen = self.env["stock.warehouse"].search(
            [("company_id", "=", company.id), ("boh_central_kitchen", "=", True)], limit=1
        )
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
