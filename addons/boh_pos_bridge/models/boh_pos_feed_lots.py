"""The sales feed's lots and areas: which lots of a lot-tracked ingredient, and which storage
areas of any stored one, a depletion takes from and puts back into, first-expired-first-out
(the rule is ``boh_core.sales.lots``; this file reads the quants and earlier move lines it
needs, in one query each)."""

from collections import defaultdict
from datetime import datetime

from odoo import models

from boh_core.sales.lots import LotDelta, LotStock, allocate_fefo


class BohPosFeed(models.AbstractModel):
    # one model over files a concern each, as Odoo's own addons do (CONTRIBUTING.md)
    _inherit = "boh.pos.feed"  # pylint: disable=consider-merging-classes-inherited

    def _allocate_lots(self, plan):
        """Split the deltas of stored ingredients over the places that hold them (lots and
        storage areas), with one read of the quants (and one of the day's earlier move lines
        when something is put back) per kind of ingredient.

        ``plan`` lists ``DepletionDelta``. Taken (delta > 0): from the stock the store holds
        (its stock location or an area inside it: walk-in, freezer, ...), first-expired-
        first-out: by the lot's expiration date (lots without one last), then the quant's
        incoming date, then the quant; an ingredient without lots is taken first-in-first-out
        from the areas that hold it, so each area's on-hand stays what its shelves hold. Put
        back (delta < 0): into the lots and areas that the store-day's earlier moves of the
        same kind took, net, latest-expiring first.

        What is left (more sold than the shelves hold, more put back than was taken) goes to
        the first place in that order, whatever its quantity: stock goes negative there,
        visibly, until the next count corrects it; with no stock anywhere, an ingredient
        without lots goes to the store's stock location. Odoo refuses a done move line of a
        tracked product without a lot outside pickings and inventory adjustments, so for a
        lot-tracked one a lot-less line is not an option: a store without any quant of the
        product uses the product's newest lot, and a product without any lot gets one named
        after the store (:meth:`_fallback_lots`).

        :return: ``{index in plan: [(stock.lot, stock.location, qty)]}`` for stored rows.
        """
        result = {}
        for tracked in (True, False):
            rows = [
                (i, delta)
                for i, delta in enumerate(plan)
                if delta.product.is_storable and (delta.product.tracking == "lot") == tracked
            ]
            if rows:
                result.update(self._allocate_rows(rows, tracked))
        return result

    def _allocate_rows(self, rows, tracked):
        """:meth:`_allocate_lots` for ``rows`` (``(index, delta)``), all lot-tracked or all
        without lots."""
        digits = self.env["decimal.precision"].precision_get("Product Unit of Measure")
        pools, lots, locations = self._lot_pools([delta for _i, delta in rows], tracked)
        taken = self._lots_taken([delta for _i, delta in rows if delta.delta < 0], tracked)
        fallback = {}
        if tracked:
            fallback = self._fallback_lots(
                {(d.warehouse, d.product) for _i, d in rows if not pools.get(_pool(d))}
            )
        no_lot = self.env["stock.lot"]
        lots[no_lot.id] = no_lot
        deltas = []
        for _index, delta in rows:
            day_taken = taken.get((delta.warehouse.id, delta.day, delta.product.id, delta.kind), {})
            for (lot, location), _qty in day_taken.items():
                lots[lot.id], locations[location.id] = lot, location
            stock = delta.warehouse.lot_stock_id
            spare = fallback.get((delta.warehouse, delta.product), no_lot)
            lots[spare.id] = spare
            locations[stock.id] = stock
            deltas.append(
                LotDelta(
                    pool=_pool(delta),
                    delta=delta.delta,
                    taken={(lot.id, loc.id): qty for (lot, loc), qty in day_taken.items()},
                    fallback=(spare.id, stock.id) if spare or not tracked else None,
                )
            )
        expiry = {
            lot_id: (lot.expiration_date or datetime.max, lot_id or 0)
            for lot_id, lot in lots.items()
        }
        parts = allocate_fefo(deltas, pools, digits, expiry)
        return {
            index: [(lots[lot], locations[location], qty) for lot, location, qty in split]
            for (index, _delta), split in zip(rows, parts, strict=True)
        }

    def _lot_pools(self, deltas, tracked=True):
        """The lots (``tracked``) or, for ingredients without lots, the areas each store
        holds of each ingredient of ``deltas``, in one read.

        :return: ``({(warehouse id, product id): [LotStock]}, lots by id, locations by id)``;
            a lot's stock at a location is the sum of its quants there, ranked by its
            earliest quant (expiration date, lots without one last; incoming date; quant)
        """
        stocks = {d.warehouse.id: d.warehouse.lot_stock_id for d in deltas}
        quants = (
            self.env["stock.quant"]
            .sudo()
            .search_fetch(
                [
                    ("product_id", "in", list({d.product.id for d in deltas})),
                    ("location_id", "child_of", [s.id for s in stocks.values()]),
                    ("lot_id", "!=" if tracked else "=", False),
                ],
                ["product_id", "location_id", "lot_id", "quantity", "in_date", "expiration_date"],
            )
        )
        places = defaultdict(dict)
        lots, locations = {}, {}
        for quant in quants:
            path = quant.location_id.parent_path
            warehouse_id = next(
                (w for w, stock in stocks.items() if path.startswith(stock.parent_path)), None
            )
            if warehouse_id is None:
                continue
            rank = (
                not quant.expiration_date,
                quant.expiration_date or datetime.max,
                quant.in_date or datetime.max,
                quant.id,
            )
            lot, location = quant.lot_id, quant.location_id
            lots[lot.id], locations[location.id] = lot, location
            place = places[(warehouse_id, quant.product_id.id)].setdefault(
                (lot.id, location.id), LotStock(lot.id, location.id, 0.0, rank)
            )
            place.qty += quant.quantity
            place.rank = min(place.rank, rank)
        pools = {key: list(pool.values()) for key, pool in places.items()}
        return pools, lots, locations

    def _lots_taken(self, deltas, tracked=True):
        """Net quantity the done depletion moves of each store, day, ingredient and kind of
        ``deltas`` took from each lot (``tracked``, else from no lot) and store location, in
        one read.

        :return: ``{(warehouse id, day, product id, kind): {(lot, location): qty}}``
        """
        taken = defaultdict(lambda: defaultdict(float))
        if not deltas:
            return taken
        move_lines = (
            self.env["stock.move.line"]
            .sudo()
            .search_fetch(
                [
                    ("move_id.boh_warehouse_id", "in", list({d.warehouse.id for d in deltas})),
                    ("move_id.boh_business_date", "in", list({d.day for d in deltas})),
                    ("product_id", "in", list({d.product.id for d in deltas})),
                    ("state", "=", "done"),
                    ("lot_id", "!=" if tracked else "=", False),
                ],
                ["move_id", "product_id", "lot_id", "location_id", "location_dest_id"]
                + ["quantity_product_uom"],
            )
        )
        for line in move_lines:
            move = line.move_id
            key = (
                move.boh_warehouse_id.id,
                move.boh_business_date,
                line.product_id.id,
                move.boh_depletion_kind,
            )
            if move.boh_depletion_qty > 0:
                taken[key][(line.lot_id, line.location_id)] += line.quantity_product_uom
            else:
                taken[key][(line.lot_id, line.location_dest_id)] -= line.quantity_product_uom
        return taken

    def _fallback_lots(self, pairs):
        """The lot that takes the stock a store lacks of a tracked product it holds no
        quant of, per ``(warehouse, product)``: the product's newest lot of the company (or
        shared), else a new lot named after the store, e.g. ``TSTH-UNCOUNTED``."""
        if not pairs:
            return {}
        lots = (
            self.env["stock.lot"]
            .sudo()
            .search_fetch(
                [
                    ("product_id", "in", list({product.id for _w, product in pairs})),
                    ("company_id", "in", [False, *{w.company_id.id for w, _p in pairs}]),
                ],
                ["product_id", "company_id"],
                order="id desc",
            )
        )
        newest = {}
        for lot in lots:
            newest.setdefault((lot.company_id.id, lot.product_id.id), lot)
        result = {}
        for warehouse, product in sorted(pairs, key=lambda pair: (pair[0].id, pair[1].id)):
            company_id = warehouse.company_id.id
            lot = newest.get((company_id, product.id)) or newest.get((False, product.id))
            if not lot:
                lot = (
                    self.env["stock.lot"]
                    .sudo()
                    .create(
                        {
                            "name": f"{warehouse.code}-UNCOUNTED",
                            "product_id": product.id,
                            "company_id": company_id,
                        }
                    )
                )
                newest[(company_id, product.id)] = lot
            result[(warehouse, product)] = lot
        return result


def _pool(delta):
    return (delta.warehouse.id, delta.product.id)
