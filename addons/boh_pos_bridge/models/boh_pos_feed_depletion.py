"""The sales feed's depletion: what the stored orders consume, posted to stock as one move
per store, business day, ingredient and kind, now or deferred (see ``boh_pos_feed.py``
for the map of the feed)."""

import time
from collections import defaultdict
from datetime import datetime, timedelta

from odoo import Command, models
from odoo.addons.boh_inventory.tools.bulk import bulk_insert
from odoo.tools import SQL, float_is_zero, float_round

from ..tools.feed_entry import DepletionDelta

TODO_COLUMNS = (("warehouse_id", "int"), ("date", "date"))


class BohPosFeed(models.AbstractModel):
    # one model over files a concern each, as Odoo's own addons do (CONTRIBUTING.md)
    _inherit = "boh.pos.feed"  # pylint: disable=consider-merging-classes-inherited

    def _schedule_depletion(self, keys):
        """Post depletion now, or (``boh_pos_bridge.depletion_mode`` = ``deferred``) queue
        the store-days for the cron, so back-to-back pushes post one move per ingredient
        and day instead of one delta per push."""
        if not keys:
            return
        mode = self.env["ir.config_parameter"].sudo().get_param("boh_pos_bridge.depletion_mode")
        if mode != "deferred":
            self._post_depletion(keys)
            return
        # stamped when the push is written (clock time, close to its commit), not when its
        # transaction began: a long push must not look quiet already when it commits
        bulk_insert(self.env, "boh_pos_depletion_todo", TODO_COLUMNS, sorted(keys), clock=True)
        # now, not later: only a due trigger wakes the cron threads at once
        self.env.ref("boh_pos_bridge.ir_cron_boh_post_depletion")._trigger()

    def _depletion_quiet_seconds(self):
        """How long a store-day must go without pushes before its queued depletion is posted
        (``boh_pos_bridge.depletion_quiet_seconds``, default 10): a burst of pushes is posted
        once, after the burst."""
        value = (
            self.env["ir.config_parameter"]
            .sudo()
            .get_param("boh_pos_bridge.depletion_quiet_seconds", "10")
        )
        try:
            return max(0, int(value))
        except ValueError:
            return 10

    def _post_depletion(self, keys):
        """Bring stock in line with the orders of each (warehouse, business day).

        Posts the difference between what the stored orders consume and what earlier moves
        already took out, as one move per ingredient and kind: running it twice posts
        nothing the second time, and an amended order is corrected by a delta move.
        Lot-tracked ingredients are taken first-expired-first-out and put back into the lots
        their day took (:meth:`_allocate_lots`). A delta of a day that an approved stock
        count already covers is offset by a late-sale inventory move linked to the count
        (:meth:`_late_sale_move_vals`): on-hand stays as counted.
        """
        plan = self._depletion_plan(keys)
        if not plan:
            return self.env["stock.move"]
        lots = self._allocate_lots(plan)
        covering = (
            self.env["boh.stock.count"]
            .sudo()
            ._first_approved_counts({(d.warehouse.id, d.day, d.product.id) for d in plan})
        )
        outside = {
            "sale": self.env.ref("boh_pos_bridge.stock_location_boh_consumption"),
            "waste": self.env.ref("boh_pos_bridge.stock_location_boh_waste"),
        }
        no_lot = self.env["stock.lot"]
        vals_list = []
        for index, delta in enumerate(plan):
            # (lot, location in the store, quantity) of each move line
            parts = lots.get(index) or [(no_lot, delta.warehouse.lot_stock_id, abs(delta.delta))]
            out = outside["waste" if delta.kind == "waste" else "sale"]
            vals_list.append(self._depletion_move_vals(delta, parts, out))
            count = covering.get((delta.warehouse.id, delta.day, delta.product.id))
            if count:
                vals_list.append(self._late_sale_move_vals(count, delta, parts))
        moves = self.env["stock.move"].sudo().create(vals_list)
        moves._action_done()
        return moves

    def _depletion_plan(self, keys):
        """What each ingredient of each store-day of ``keys`` still lacks: the orders'
        consumption less what done depletion moves took, rounded as moves carry it.

        :return: a list of :class:`DepletionDelta`
        """
        if not keys:
            return []
        warehouse_ids = list({k[0] for k in keys})
        dates = list({k[1] for k in keys})
        target = defaultdict(float)
        for warehouse, day, product, kind, qty in (
            self.env["boh.pos.consumption"]
            .sudo()
            ._read_group(
                [("warehouse_id", "in", warehouse_ids), ("date", "in", dates)],
                ["warehouse_id", "date:day", "product_id", "kind"],
                ["qty:sum"],
            )
        ):
            target[(warehouse.id, _as_date(day), product, kind)] += qty
        for warehouse, day, product, kind, qty in (
            self.env["stock.move"]
            .sudo()
            ._read_group(
                [
                    ("boh_warehouse_id", "in", warehouse_ids),
                    ("boh_business_date", "in", dates),
                    ("state", "=", "done"),
                ],
                ["boh_warehouse_id", "boh_business_date:day", "product_id", "boh_depletion_kind"],
                ["boh_depletion_qty:sum"],
            )
        ):
            target[(warehouse.id, _as_date(day), product, kind)] -= qty
        warehouses = {w.id: w for w in self.env["stock.warehouse"].sudo().browse(warehouse_ids)}
        digits = self.env["decimal.precision"].precision_get("Product Unit of Measure")
        plan = []
        for (warehouse_id, day, product, kind), delta in target.items():
            if (warehouse_id, day) not in keys or product.type != "consu":
                continue
            # moves keep the decimals of their unit's precision; the remainder is posted
            # by a later push once it adds up to something a move can carry
            delta = float_round(delta, precision_digits=digits)
            if float_is_zero(delta, precision_digits=digits):
                continue
            plan.append(DepletionDelta(warehouses[warehouse_id], day, product, kind, delta))
        return plan

    def _depletion_move_vals(self, delta, parts, out):
        """Values of the move that posts one depletion delta between the store and ``out``
        (consumption or waste), with one line per lot part."""
        warehouse = delta.warehouse
        stock = warehouse.lot_stock_id
        src, dest = (stock, out) if delta.delta > 0 else (out, stock)
        origin = f"BOH/{warehouse.code}/{delta.day.isoformat()}"
        return {
            "name": self.env._("POS sales %(origin)s", origin=origin),
            "origin": origin,
            "product_id": delta.product.id,
            "product_uom": delta.product.uom_id.id,
            "product_uom_qty": abs(delta.delta),
            "company_id": warehouse.company_id.id,
            "location_id": src.id,
            "location_dest_id": dest.id,
            "warehouse_id": warehouse.id,
            "boh_warehouse_id": warehouse.id,
            "boh_business_date": delta.day,
            "boh_depletion_kind": delta.kind,
            "boh_depletion_qty": delta.delta,
            "picked": True,
            "move_line_ids": _move_line_commands(
                delta.product, warehouse.company_id, parts, out, outward=delta.delta > 0
            ),
        }

    def _late_sale_move_vals(self, count, delta, parts):
        """Values of the move that sets a depletion delta against the approved ``count``
        that covers its day.

        The sale happened before the count, so the counted shelves already lacked what it
        used: the depletion (consumption at cost) is offset by an inventory move that
        mirrors its move lines (same lots, quantities and store locations) against the
        product's inventory-loss location, restating the count's adjustment. On-hand stays
        as counted; a put-back delta (amendment down, restocked refund) mirrors the other way.
        """
        warehouse, product = delta.warehouse, delta.product
        company = warehouse.company_id
        loss = product.with_company(company).property_stock_inventory
        stock = warehouse.lot_stock_id
        src, dest = (loss, stock) if delta.delta > 0 else (stock, loss)
        return {
            "name": self.env._("Late sale on count %(count)s", count=count.name),
            "origin": f"BOH/{warehouse.code}/{delta.day.isoformat()}",
            "product_id": product.id,
            "product_uom": product.uom_id.id,
            "product_uom_qty": abs(delta.delta),
            "company_id": company.id,
            "location_id": src.id,
            "location_dest_id": dest.id,
            "is_inventory": True,
            "picked": True,
            "boh_business_date": delta.day,
            "boh_count_id": count.id,
            "boh_count_role": "late_sale",
            # the mirror of the depletion's lines
            "move_line_ids": _move_line_commands(
                product, company, parts, loss, outward=delta.delta < 0
            ),
        }

    # ------------------------------------------------------------------ deferred mode
    def _cron_post_depletion(self, quiet_seconds=None, max_wait=60):
        """Post the depletion of the queued store-days that had no push for
        ``quiet_seconds`` (deferred mode). While pushes keep coming, wait for them (up to
        ``max_wait`` seconds, committing what is posted), then come back later."""
        if quiet_seconds is None:
            quiet_seconds = self._depletion_quiet_seconds()
        deadline = time.monotonic() + max_wait
        while True:
            self._post_quiet_depletion(quiet_seconds)
            self.env.cr.execute(
                SQL(
                    "SELECT max(create_date), clock_timestamp() at time zone 'UTC' "
                    "FROM boh_pos_depletion_todo"
                )
            )
            latest, now = self.env.cr.fetchone()
            if not latest:
                return True
            due = latest + timedelta(seconds=quiet_seconds)
            wait = (due - now).total_seconds()
            if self.env.registry.in_test_mode() or time.monotonic() + wait > deadline:
                self.env.ref("boh_pos_bridge.ir_cron_boh_post_depletion")._trigger(due)
                return True
            # a burst is still arriving: keep what is posted, sleep until it may be quiet
            self.env.cr.commit()  # pylint: disable=invalid-commit
            time.sleep(max(wait, 0.2))

    def _post_queued_depletion_until(self, limits):
        """Post the queued depletion (deferred mode) of each store up to a business day.

        ``limits`` maps warehouse ids to the last business day to post (a stock count's
        day): called before the count is approved, so that those sales are part of the
        on-hand it is compared with rather than late sales.
        """
        if not limits:
            return self.env["stock.move"]
        warehouse_ids, days = zip(*sorted(limits.items()), strict=True)
        self.env.cr.execute(
            SQL(
                """
                DELETE FROM boh_pos_depletion_todo todo
                 USING unnest(%s::int[], %s::date[]) AS upto(warehouse_id, date)
                 WHERE todo.warehouse_id = upto.warehouse_id AND todo.date <= upto.date
             RETURNING todo.warehouse_id, todo.date
                """,
                list(warehouse_ids),
                list(days),
            )
        )
        keys = {(warehouse_id, day) for warehouse_id, day in self.env.cr.fetchall()}
        return self.sudo()._post_depletion(keys)

    def _post_quiet_depletion(self, quiet_seconds):
        """Take the queued store-days without a push for ``quiet_seconds`` and post them."""
        self.env.cr.execute(
            SQL(
                """
                WITH ready AS (
                    SELECT warehouse_id, date
                      FROM boh_pos_depletion_todo
                     GROUP BY warehouse_id, date
                    HAVING max(create_date)
                           <= (clock_timestamp() at time zone 'UTC') - make_interval(secs => %s)
                )
                DELETE FROM boh_pos_depletion_todo todo
                 USING ready
                 WHERE todo.warehouse_id = ready.warehouse_id AND todo.date = ready.date
             RETURNING todo.warehouse_id, todo.date
                """,
                quiet_seconds,
            )
        )
        keys = {(warehouse_id, day) for warehouse_id, day in self.env.cr.fetchall()}
        return self.sudo()._post_depletion(keys)


def _move_line_commands(product, company, parts, outside, *, outward):
    """Move lines for ``parts`` (``(lot, location in the store, qty)``), each between its
    store location and ``outside``: out of the store when ``outward``, else into it."""
    return [
        Command.create(
            {
                "product_id": product.id,
                "product_uom_id": product.uom_id.id,
                "quantity": qty,
                "location_id": (location if outward else outside).id,
                "location_dest_id": (outside if outward else location).id,
                "company_id": company.id,
                "lot_id": lot.id,
            }
        )
        for lot, location, qty in parts
    ]


def _as_date(value):
    return value.date() if isinstance(value, datetime) else value
