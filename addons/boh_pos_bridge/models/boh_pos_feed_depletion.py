"""The sales feed's depletion: what the stored orders consume, posted to stock as one move
per store, business day, ingredient and kind, now or deferred (see ``boh_pos_feed.py``
for the map of the feed)."""

import logging
import time
from collections import defaultdict
from datetime import datetime, timedelta

from odoo import Command, models
from odoo.addons.boh_inventory.tools.bulk import bulk_insert, insert_query
from odoo.exceptions import UserError, ValidationError
from odoo.service.model import PG_CONCURRENCY_EXCEPTIONS_TO_RETRY
from odoo.tools import SQL, float_is_zero, float_round

from ..tools.feed_entry import DepletionDelta

_logger = logging.getLogger(__name__)

TODO_COLUMNS = (
    ("warehouse_id", "int"),
    ("company_id", "int"),
    ("date", "date"),
    ("state", "varchar"),
)
FAILED_COLUMNS = (
    ("warehouse_id", "int"),
    ("company_id", "int"),
    ("date", "date"),
    ("state", "varchar"),
    ("error", "text"),
    ("attempt_count", "int"),
)
#: a store-day has one failed row: failing again updates it (see the queue's unique index)
FAILED_AGAIN = (
    "(warehouse_id, date) WHERE state = 'failed' DO UPDATE SET "
    "error = EXCLUDED.error, "
    "attempt_count = boh_pos_depletion_todo.attempt_count + 1, "
    "write_uid = EXCLUDED.write_uid, write_date = EXCLUDED.write_date"
)


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
            # a store-day that cannot post is kept as failed: the push and the other
            # store-days go on
            self._post_taken_depletion(keys)
            return
        # stamped when the push is written (clock time, close to its commit), not when its
        # transaction began: a long push must not look quiet already when it commits
        companies = self._store_companies({warehouse_id for warehouse_id, _day in keys})
        rows = [(w, companies[w], day, "received") for w, day in sorted(keys)]
        bulk_insert(self.env, "boh_pos_depletion_todo", TODO_COLUMNS, rows, clock=True)
        # now, not later: only a due trigger wakes the cron threads at once
        self.env.ref("boh_pos_bridge.ir_cron_boh_post_depletion")._trigger()

    def _store_companies(self, warehouse_ids):
        """``{warehouse id: company id}`` of these stores, in one read."""
        warehouses = self.env["stock.warehouse"].sudo().browse(sorted(warehouse_ids))
        return {w.id: w.company_id.id for w in warehouses}

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

    # ------------------------------------------------------------------ failure isolation
    def _post_taken_depletion(self, keys, alone=False):
        """Post the depletion of the store-days ``keys`` (already taken off the queue) so
        that one that cannot post never holds up the others.

        The keys are posted together (one plan, one batch of moves); only if that fails are
        they halved, and halved again, until each store-day that fails is on its own in a
        savepoint: a few more tries for one bad store-day among hundreds, not one per key.
        ``alone`` posts each key on its own straight away (what a person retries). A
        store-day that fails is kept as failed with its reason
        (:meth:`_record_depletion_outcome`); a failed one that posts now is marked posted.
        """
        failures = {}
        ordered = sorted(keys)
        if alone:
            moves = self.env["stock.move"]
            for key in ordered:
                moves |= self._post_isolated([key], failures)
        else:
            moves = self._post_isolated(ordered, failures)
        self._record_depletion_outcome(keys, failures)
        return moves

    def _post_isolated(self, keys, failures):
        """Post ``keys`` (a sorted list) in a savepoint; on failure halve them, and put the
        reason of each single key that fails into ``failures``."""
        try:
            with self.env.cr.savepoint():
                return self._post_depletion(set(keys))
        except PG_CONCURRENCY_EXCEPTIONS_TO_RETRY:
            raise
        except Exception as error:  # noqa: BLE001 - kept as the store-day's reason below
            if len(keys) == 1:
                failures[keys[0]] = self._depletion_failure_reason(keys[0], error)
                return self.env["stock.move"]
        half = len(keys) // 2
        return self._post_isolated(keys[:half], failures) | self._post_isolated(
            keys[half:], failures
        )

    def _depletion_failure_reason(self, key, error):
        """What a person reads about a store-day whose depletion failed; the server log
        keeps the detail (with the traceback when the error was not a business one)."""
        warehouse_id, day = key
        if isinstance(error, UserError | ValidationError):
            reason = str(error.args[0]) if error.args else str(error)
            _logger.warning(
                "Depletion of store %s on %s could not be posted: %s", warehouse_id, day, reason
            )
            return reason
        _logger.warning(
            "Depletion of store %s on %s could not be posted", warehouse_id, day, exc_info=error
        )
        return self.env._(
            "A server problem (%(kind)s) stopped it; the server log has the details.",
            kind=type(error).__name__,
        )

    def _record_depletion_outcome(self, keys, failures):
        """Keep the store-days of ``failures`` (``{key: reason}``) as failed, one row each
        (failing again updates the reason and counts the attempt), and mark the failed rows
        of the other ``keys`` posted: two statements whatever the number of keys."""
        posted = sorted(set(keys) - set(failures))
        if posted:
            warehouse_ids, days = zip(*posted, strict=True)
            self.env.cr.execute(
                SQL(
                    """
                    UPDATE boh_pos_depletion_todo todo
                       SET state = 'done', write_uid = %s,
                           write_date = clock_timestamp() at time zone 'UTC',
                           processed_date = clock_timestamp() at time zone 'UTC'
                      FROM unnest(%s::int[], %s::date[]) AS posted(warehouse_id, date)
                     WHERE todo.state = 'failed'
                       AND todo.warehouse_id = posted.warehouse_id
                       AND todo.date = posted.date
                    """,
                    self.env.uid,
                    list(warehouse_ids),
                    list(days),
                )
            )
        if failures:
            companies = self._store_companies({w for w, _day in failures})
            rows = [
                (w, companies[w], d, "failed", reason, 1)
                for (w, d), reason in sorted(failures.items())
            ]
            self.env.cr.execute(
                insert_query(
                    "boh_pos_depletion_todo",
                    FAILED_COLUMNS,
                    rows,
                    uid=self.env.uid,
                    clock=True,
                    on_conflict=FAILED_AGAIN,
                )
            )
        self.env["boh.pos.depletion.todo"].invalidate_model()

    def _take_depletion_todo(self, keys):
        """Take the store-days ``keys`` off the queue (their queued rows go) and lock their
        failed rows, in that order (the order of the cron: no deadlock between them).

        :return: the keys among ``keys`` that have a failed row
        """
        if not keys:
            return set()
        warehouse_ids, days = zip(*sorted(keys), strict=True)
        params = (list(warehouse_ids), list(days))
        self.env.cr.execute(
            SQL(
                """
                DELETE FROM boh_pos_depletion_todo todo
                 USING unnest(%s::int[], %s::date[]) AS taken(warehouse_id, date)
                 WHERE todo.state = 'received'
                   AND todo.warehouse_id = taken.warehouse_id AND todo.date = taken.date
                """,
                *params,
            )
        )
        self.env.cr.execute(
            SQL(
                """
                SELECT todo.warehouse_id, todo.date
                  FROM boh_pos_depletion_todo todo
                  JOIN unnest(%s::int[], %s::date[]) AS taken(warehouse_id, date)
                    ON todo.warehouse_id = taken.warehouse_id AND todo.date = taken.date
                 WHERE todo.state = 'failed'
                   FOR UPDATE OF todo
                """,
                *params,
            )
        )
        return set(self.env.cr.fetchall())

    def _retry_failed_depletion(self):
        """Post every failed store-day again (once per cron run): together while they post,
        halved down to single store-days where they still fail (most often the reason was
        fixed, and they all post in one go)."""
        self.env.cr.execute(
            SQL("SELECT warehouse_id, date FROM boh_pos_depletion_todo WHERE state = 'failed'")
        )
        keys = self._take_depletion_todo(set(self.env.cr.fetchall()))
        return self._post_taken_depletion(keys)

    def _failed_depletion_keys_until(self, limits):
        """The failed store-days of each store of ``limits`` up to its business day."""
        warehouse_ids, days = zip(*sorted(limits.items()), strict=True)
        self.env.cr.execute(
            SQL(
                """
                SELECT todo.warehouse_id, todo.date
                  FROM boh_pos_depletion_todo todo
                  JOIN unnest(%s::int[], %s::date[]) AS upto(warehouse_id, date)
                    ON todo.warehouse_id = upto.warehouse_id AND todo.date <= upto.date
                 WHERE todo.state = 'failed'
                """,
                list(warehouse_ids),
                list(days),
            )
        )
        return set(self.env.cr.fetchall())

    # ------------------------------------------------------------------ deferred mode
    def _cron_post_depletion(self, quiet_seconds=None, max_wait=60):
        """Post the depletion of the queued store-days that had no push for
        ``quiet_seconds`` (deferred mode). While pushes keep coming, wait for them (up to
        ``max_wait`` seconds, committing what is posted), then come back later.

        First, each failed store-day is tried again on its own: one that still fails stays
        failed (with its new reason) and holds up nothing else.
        """
        if quiet_seconds is None:
            quiet_seconds = self._depletion_quiet_seconds()
        self._retry_failed_depletion()
        deadline = time.monotonic() + max_wait
        while True:
            self._post_quiet_depletion(quiet_seconds)
            self.env.cr.execute(
                SQL(
                    "SELECT max(create_date), clock_timestamp() at time zone 'UTC' "
                    "FROM boh_pos_depletion_todo WHERE state = 'received'"
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
        on-hand it is compared with rather than late sales. Failed store-days up to that
        day are tried again; one that still fails stays failed, and its sales count as late
        sales once it posts.
        """
        if not limits:
            return self.env["stock.move"]
        warehouse_ids, days = zip(*sorted(limits.items()), strict=True)
        self.env.cr.execute(
            SQL(
                """
                DELETE FROM boh_pos_depletion_todo todo
                 USING unnest(%s::int[], %s::date[]) AS upto(warehouse_id, date)
                 WHERE todo.state = 'received'
                   AND todo.warehouse_id = upto.warehouse_id AND todo.date <= upto.date
             RETURNING todo.warehouse_id, todo.date
                """,
                list(warehouse_ids),
                list(days),
            )
        )
        keys = {(warehouse_id, day) for warehouse_id, day in self.env.cr.fetchall()}
        keys |= self._take_depletion_todo(self._failed_depletion_keys_until(limits))
        return self.sudo()._post_taken_depletion(keys)

    def _post_quiet_depletion(self, quiet_seconds):
        """Take the queued store-days without a push for ``quiet_seconds`` and post them."""
        self.env.cr.execute(
            SQL(
                """
                WITH ready AS (
                    SELECT warehouse_id, date
                      FROM boh_pos_depletion_todo
                     WHERE state = 'received'
                     GROUP BY warehouse_id, date
                    HAVING max(create_date)
                           <= (clock_timestamp() at time zone 'UTC') - make_interval(secs => %s)
                )
                DELETE FROM boh_pos_depletion_todo todo
                 USING ready
                 WHERE todo.state = 'received'
                   AND todo.warehouse_id = ready.warehouse_id AND todo.date = ready.date
             RETURNING todo.warehouse_id, todo.date
                """,
                quiet_seconds,
            )
        )
        keys = {(warehouse_id, day) for warehouse_id, day in self.env.cr.fetchall()}
        # their failed rows, if any, are locked after the queued ones (as everywhere)
        self._take_depletion_todo(keys)
        return self.sudo()._post_taken_depletion(keys)


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
