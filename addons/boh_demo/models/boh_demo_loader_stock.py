"""The living demo's stock: what the stores hold, what they buy each week from the vendors,
and what the central kitchen makes and ships to them."""

import math
from datetime import datetime, time, timedelta

from odoo import Command, models
from odoo.tools import float_round

from .boh_demo_loader import _rng

#: The price rise of the demo's injected anomaly (see ``_purchase``).
PRICE_JUMP = 1.3


class BohDemoLoader(models.AbstractModel):
    # one model over files a concern each, as Odoo's own addons do (CONTRIBUTING.md)
    _inherit = "boh.demo.loader"  # pylint: disable=consider-merging-classes-inherited

    def _on_hand(self, stores):
        """On-hand of storable products per (warehouse, product) in the stores' stock."""
        out = {}
        for store in stores:
            groups = self.env["stock.quant"]._read_group(
                [
                    ("location_id", "child_of", store.lot_stock_id.id),
                    ("product_id.is_storable", "=", True),
                ],
                ["product_id"],
                ["quantity:sum"],
            )
            for product, qty in groups:
                out[(store.id, product.id)] = qty
        return out

    def _receive_lots(self, picking, arrived):
        """Perishables are tracked by lot (use first): each delivery is a lot of its own,
        expiring the product's shelf life after it arrived."""
        for line in picking.move_ids.move_line_ids:
            product = line.product_id
            if product.tracking != "lot":
                continue
            days = getattr(product, "expiration_time", 0) or 0
            values = {
                "lot_name": f"{product.default_code or product.id}-{arrived:%y%m%d}-{picking.id}"
            }
            if days and "expiration_date" in line._fields:
                values["expiration_date"] = arrived + timedelta(days=days)
            line.write(values)

    def _purchase(self, stores, used, on_hand, day, week, on_time=False, price_jump_from=None):
        """Order what ``week`` weeks of the last use need beyond on-hand; receive it the next day.

        One purchase order per store and vendor. About one delivery in twelve comes a day or
        two late (none when ``on_time``), one line in fifteen short (85% of what was ordered,
        the rest cancelled). From ``price_jump_from`` on, the first product the first store buys
        from a vendor's price list costs ``PRICE_JUMP`` times its price, at every store: the
        anomaly the demo's price flag finds.

        Long because it builds, confirms and receives a day's purchase orders for every store in
        one batch, late and short deliveries included.
        """
        rng = _rng(day.toordinal())
        Product = self.env["product.product"]
        default_vendor = self.env.ref("boh_inventory.vendor_golden_harvest")
        orders = []
        jump = bool(price_jump_from) and day >= price_jump_from
        jumped = Product
        for store in stores:
            per_vendor = {}
            for (wh_id, product_id), qty in used.items():
                if wh_id != store.id or qty <= 0:
                    continue
                product = Product.browse(product_id)
                if product.boh_supplied_by_kitchen:
                    continue  # the central kitchen makes and ships it (_supply_from_kitchen)
                need = qty * week - on_hand.get((wh_id, product_id), 0.0)
                if need <= 0:
                    continue
                seller = product.seller_ids.filtered(
                    lambda s, c=store.company_id: s.company_id in (c, c.browse())
                )[:1]
                vendor = seller.partner_id or default_vendor
                uom = product.uom_po_id or product.uom_id
                packs = math.ceil(product.uom_id._compute_quantity(need, uom, round=False))
                price = seller.price if seller else product.standard_price * uom.factor_inv
                if seller and jump and not jumped and store == stores[0]:
                    jumped = product
                if product == jumped:
                    price *= PRICE_JUMP
                per_vendor.setdefault(vendor, []).append(
                    Command.create(
                        {
                            "product_id": product.id,
                            "product_qty": max(packs, 1),
                            "product_uom": uom.id,
                            "price_unit": price,
                            "date_planned": datetime.combine(day + timedelta(1), time(8)),
                        }
                    )
                )
            for vendor, lines in per_vendor.items():
                orders.append(
                    {
                        "partner_id": vendor.id,
                        "company_id": store.company_id.id,
                        "picking_type_id": store.in_type_id.id,
                        "date_order": datetime.combine(day, time(15)),
                        "order_line": lines,
                    }
                )
        if not orders:
            return
        purchases = self.env["purchase.order"].create(orders)
        purchases.button_confirm()
        purchases.write({"date_approve": datetime.combine(day, time(15))})
        pickings = purchases.picking_ids
        arrivals = {}
        for k, picking in enumerate(pickings):
            # about one delivery in twelve is late, and at least one of each week's
            late = not on_time and (rng.random() < 1 / 12 or k == len(pickings) - 1)
            arrived = datetime.combine(
                day + timedelta(1 + (int(rng.integers(1, 3)) if late else 0)), time(9)
            )
            for n, move in enumerate(picking.move_ids):
                short = rng.random() < 1 / 15 or (k == 0 and n == 0)
                move.quantity = move.product_uom_qty * (0.85 if short else 1.0)
            self._receive_lots(picking, arrived)
            arrivals[arrived] = arrivals.get(arrived, picking.browse()) | picking
        # validated together: one pass of Odoo's stock and valuation work for the day's
        # receipts instead of one per receipt
        pickings.move_ids.picked = True
        pickings.with_context(cancel_backorder=True)._action_done()
        for arrived, received in arrivals.items():
            # Odoo dates a validated receipt now: put it back on its day (its deadline stays
            # the promised delivery, so a late one shows).
            received.write({"date_done": arrived})
            received.move_ids.write({"date": arrived})
            received.move_ids.move_line_ids.write({"date": arrived})

    def _restock(
        self, company, stores, used, on_hand, day, week, on_time=False, price_jump_from=None
    ):
        """``week`` weeks of the last use, ordered on ``day`` after its count and received the
        next morning: from the central kitchen what it supplies, the rest from the vendors."""
        self._supply_from_kitchen(company, stores, used, on_hand, day, week)
        self._purchase(stores, used, on_hand, day, week, on_time, price_jump_from)

    def _supply_from_kitchen(self, company, stores, used, on_hand, day, week):
        """What the central kitchen supplies: it buys the ingredients, makes one batch of each
        item for all the stores the day before ``day``, and ships every store its share,
        received the morning after ``day``."""
        kitchen = self._kitchens(company)[:1]
        Product = self.env["product.product"]
        needs = {}
        for (wh_id, product_id), qty in used.items():
            if qty <= 0 or not Product.browse(product_id).boh_supplied_by_kitchen:
                continue
            need = qty * week - on_hand.get((wh_id, product_id), 0.0)
            if need > 0 and wh_id in stores.ids:
                needs[(wh_id, product_id)] = float_round(
                    need, precision_digits=1, rounding_method="UP"
                )
        if not kitchen or not needs:
            return
        totals = {}
        for (_wh_id, product_id), qty in needs.items():
            totals[product_id] = totals.get(product_id, 0.0) + qty
        recipes = self.env["boh.recipe"].search(
            [("product_id", "in", list(totals)), ("company_id", "=", company.id)]
        )
        made_at = datetime.combine(day - timedelta(1), time(7))
        self._buy_for_batches(kitchen, recipes, totals, day - timedelta(2))
        productions = self.env["boh.production"].create(
            [
                {
                    "warehouse_id": kitchen.id,
                    "recipe_id": recipe.id,
                    "qty": totals[recipe.product_id.id],
                    "date": made_at,
                }
                for recipe in recipes
            ]
        )
        productions.action_confirm()
        made = {recipe.product_id.id for recipe in recipes}
        # received the next morning: on the count's own day it would be in that count
        self._ship_to_stores(kitchen, stores, needs, made, day + timedelta(1))

    def _buy_for_batches(self, kitchen, recipes, totals, day):
        """Buy at the kitchen what the batches take beyond its stock (received ``day`` + 1),
        a fifth more: a delivery may come short."""
        book, _products, converter = self.env["boh.costing"]._load_book(kitchen.company_id)
        used = {}
        for recipe in recipes:
            product = recipe.product_id
            batch = converter.convert(
                totals[product.id], product.uom_id.id, recipe.output_uom_id.id, product.id
            )
            for ingredient, per_unit in book.ingredients_per_unit(recipe.id).items():
                key = (kitchen.id, ingredient)
                used[key] = used.get(key, 0.0) + per_unit * batch * 1.2
        self._purchase(kitchen, used, self._on_hand(kitchen), day, week=1.0)

    def _ship_to_stores(self, kitchen, stores, needs, made, day):
        """One requisition per store, shipped in full and received the morning of ``day``."""
        vals_list = []
        for store in stores:
            lines = [
                Command.create({"product_id": product_id, "qty": qty})
                for (wh_id, product_id), qty in needs.items()
                if wh_id == store.id and product_id in made
            ]
            if lines:
                vals_list.append(
                    {
                        "warehouse_id": store.id,
                        "supplier_id": kitchen.id,
                        "date_needed": day,
                        "line_ids": lines,
                    }
                )
        if not vals_list:
            return
        requisitions = self.env["boh.requisition"].create(vals_list)
        # sent before the cut-off, back then: the history skips the check of today's clock
        requisitions.write({"state": "accepted"})
        for line in requisitions.line_ids:
            line.qty_shipped = line.qty
        requisitions.action_ship()
        requisitions.action_receive()
        moves = requisitions.move_ids
        received = datetime.combine(day, time(8))
        moves.write({"date": received})
        moves.move_line_ids.write({"date": received})
