"""The sales feed's writer: orders locked, flagged, written in bulk and answered
(see ``boh_pos_feed.py`` for the map of the feed)."""

import json
import logging
from datetime import timezone

from psycopg2 import errors as pg_errors

from odoo import models
from odoo.addons.boh_inventory.tools.bulk import bulk_insert
from odoo.exceptions import UserError, ValidationError
from odoo.service.model import PG_CONCURRENCY_EXCEPTIONS_TO_RETRY
from odoo.tools import SQL

from boh_core.sales.payload import order_content

from .boh_pos_feed import ConcurrentOrderError

_logger = logging.getLogger(__name__)

#: What the facts of a feed order name as their origin.
ORIGIN = "boh.pos.order"
LINE_COLUMNS = (
    ("order_id", "int"),
    ("line_ref", "varchar"),
    ("item_code", "varchar"),
    ("product_id", "int"),
    ("qty", "numeric"),
    ("unit_price", "numeric"),
    ("modifiers", "varchar"),
    ("void", "bool"),
    ("restock", "bool"),
    ("parent_line_ref", "varchar"),
)
ORDER_COLUMNS = (
    ("source", "varchar"),
    ("order_ref", "varchar"),
    ("warehouse_id", "int"),
    ("company_id", "int"),
    ("business_date", "date"),
    ("closed_at", "timestamp"),
    ("covers", "int"),
    ("fingerprint", "varchar"),
    ("content", "text"),
    ("state", "varchar"),
    ("note", "varchar"),
    ("batch_id", "int"),
    ("amount_total", "numeric"),
    ("version", "int"),
    ("late_count_id", "int"),
)
CONSUMPTION_COLUMNS = (
    ("order_id", "int"),
    ("company_id", "int"),
    ("warehouse_id", "int"),
    ("date", "date"),
    ("product_id", "int"),
    ("kind", "varchar"),
    ("qty", "numeric"),
)


class BohPosFeed(models.AbstractModel):
    # one model over files a concern each, as Odoo's own addons do (CONTRIBUTING.md)
    _inherit = "boh.pos.feed"  # pylint: disable=consider-merging-classes-inherited

    def _write_entries(self, entries):
        """Write all orders in one go; if that fails, one by one so only the bad one fails."""
        todo = [e for e in entries if not e.errors]
        for entry in entries:
            if entry.errors:
                entry.answer["status"] = "error"
                entry.answer["errors"] = entry.errors
        if not todo:
            return
        self._lock_orders(todo)
        self._flag_late_orders(todo)
        try:
            with self.env.cr.savepoint():
                keys = self._write_batch(todo)
        except PG_CONCURRENCY_EXCEPTIONS_TO_RETRY:
            raise
        except Exception:  # noqa: BLE001 - isolate the culprit order below
            keys = self._write_one_by_one(todo)
        self._schedule_depletion(keys)

    def _write_one_by_one(self, entries):
        """Write each order in its own savepoint; a failing one is answered as an error."""
        keys = set()
        for entry in entries:
            try:
                with self.env.cr.savepoint():
                    keys |= self._write_batch([entry])
            except pg_errors.UniqueViolation as error:
                raise ConcurrentOrderError(str(error)) from None
            except PG_CONCURRENCY_EXCEPTIONS_TO_RETRY:
                raise
            except (UserError, ValidationError) as error:
                # a message written for people: it names the field and the value
                _logger.info("POS order %s refused: %s", entry.order.order_ref, error)
                message = self.env._("The order could not be stored: %(error)s", error=error)
                entry.refuse(message, "order", code="feed.order.not_stored")
                entry.answer.update(status="error", errors=entry.errors)
            except Exception:  # noqa: BLE001 - answered as data, without internals
                # database or program text stays in the server log, never in the answer
                _logger.info(
                    "POS order %s could not be stored", entry.order.order_ref, exc_info=True
                )
                entry.refuse(
                    self.env._(
                        "The order could not be stored because of a server problem; the server "
                        "log has the details. Send it again later or ask the BOH manager."
                    ),
                    "order",
                    code="feed.order.server_problem",
                )
                entry.answer.update(status="error", errors=entry.errors)
        return keys

    def _flag_late_orders(self, entries):
        """Mark the orders written for a store and business day that an approved stock count
        already covers (``late_count_id``), with one query for all of them.

        An amended order that no count covers any more keeps its flag: its earlier version
        was depleted against the count, and the amendment's correction is a late sale too.
        """
        covering = (
            self.env["boh.stock.count"]
            .sudo()
            ._first_approved_counts(
                {(entry.warehouse.id, entry.order.business_date, None) for entry in entries}
            )
        )
        for entry in entries:
            count = covering.get((entry.warehouse.id, entry.order.business_date, None))
            if not count and entry.record:
                count = entry.record.late_count_id
            entry.late_count_id = count.id if count else False

    def _lock_orders(self, entries):
        """Serialize concurrent pushes of the same orders, and detect a lost race.

        Each order key is locked for the rest of the transaction (in one statement, in a
        fixed order, so two pushes never deadlock); then the committed state of these
        orders is read through a fresh cursor. If another push stored or amended one of
        them after this transaction started, the whole call is retried by Odoo (and, if it
        keeps losing, the client retries it), and the retry answers ``duplicate``.
        """
        keys = sorted({"\x1f".join(map(str, entry.key)) for entry in entries})
        self.env.cr.execute(
            SQL(
                """
                SELECT pg_advisory_xact_lock(h)
                  FROM (SELECT hashtextextended(k, 0) AS h
                          FROM unnest(%s::text[]) AS k ORDER BY 1) AS keys
                """,
                keys,
            )
        )
        with self.env.registry.cursor() as cr:
            cr.execute(
                SQL(
                    """
                    SELECT source, warehouse_id, order_ref, fingerprint, version
                      FROM boh_pos_order
                     WHERE source = ANY(%s) AND warehouse_id = ANY(%s) AND order_ref = ANY(%s)
                    """,
                    list({e.order.source for e in entries}),
                    list({e.warehouse.id for e in entries}),
                    list({e.order.order_ref for e in entries}),
                )
            )
            committed = {
                (source, warehouse_id, ref): (fingerprint, version)
                for source, warehouse_id, ref, fingerprint, version in cr.fetchall()
            }
        for entry in entries:
            record = entry.record
            seen = (record.fingerprint, record.version) if record else None
            if committed.get(entry.key) != seen:
                raise ConcurrentOrderError(
                    f"could not serialize access: order {entry.order.order_ref!r} was "
                    "stored by a concurrent push; retrying"
                )

    def _write_batch(self, entries):
        """Create or replace orders, lines, consumption and facts with batched creates."""
        keys, old_ids = self._write_headers(entries)
        if old_ids:
            self.env.flush_all()
            for table in ("boh_pos_order_line", "boh_pos_consumption"):
                self.env.cr.execute(
                    SQL("DELETE FROM %s WHERE order_id = ANY(%s)", SQL.identifier(table), old_ids)
                )
        lines, consumption, facts = [], [], []
        for entry in entries:
            lines += _line_rows(entry)
            consumption += _consumption_rows(entry)
            facts += [
                dict(vals, origin_model=ORIGIN, origin_id=entry.record.id) for vals in entry.facts
            ]
        qty_digits = self.env["decimal.precision"].precision_get("Product Unit of Measure")
        price_digits = self.env["decimal.precision"].precision_get("Product Price")
        bulk_insert(
            self.env,
            "boh_pos_order_line",
            LINE_COLUMNS,
            lines,
            digits={"qty": qty_digits, "unit_price": price_digits},
        )
        bulk_insert(
            self.env,
            "boh_pos_consumption",
            CONSUMPTION_COLUMNS,
            consumption,
            digits={"qty": qty_digits},
        )
        self.env["boh.pos.order.line"].invalidate_model()
        self.env["boh.pos.consumption"].invalidate_model()
        self.env["boh.pos.order"].invalidate_model(["line_ids", "consumption_ids"])
        self.env["boh.sales.fact"].sudo()._replace_origin_facts(ORIGIN, old_ids, facts)
        self._register_unmapped(entries)
        return keys

    def _write_headers(self, entries):
        """Create the new order headers, update the stored ones and answer each entry.

        :return: the ``(warehouse id, business day)`` pairs to deplete, and the ids of the
            orders written again (whose lines, consumption and facts are replaced)
        """
        new_vals, new_entries, old_entries = [], [], []
        keys = set()
        for entry in entries:
            header = self._order_vals(entry)
            if entry.record:
                old_entries.append((entry, header))
                keys.add((entry.record.warehouse_id.id, entry.record.business_date))
            else:
                new_vals.append(header)
                new_entries.append(entry)
            keys.add((entry.warehouse.id, entry.order.business_date))
        records = self._insert_orders(new_vals) if new_vals else ()
        for entry, record in zip(new_entries, records, strict=True):
            entry.record = record
            entry.answer["status"] = "created"
        for entry, header in old_entries:
            if not entry.reprocess:
                header["version"] = entry.record.version + 1
                entry.answer["status"] = "amended"
            entry.record.write(header)
        return keys, [e.record.id for e, _h in old_entries]

    def _insert_orders(self, vals_list):
        """Create new order headers in one statement (``_order_vals`` rows, in order):
        thousands per push, where the ORM's per-record work would dominate."""
        Order = self.env["boh.pos.order"].sudo()
        Order.flush_model()
        currencies = {
            company.id: company.currency_id
            for company in self.env["res.company"].browse({v["company_id"] for v in vals_list})
        }
        rows = []
        for vals in vals_list:
            row = dict(vals, version=1)
            row["amount_total"] = currencies[row["company_id"]].round(row["amount_total"])
            rows.append(tuple(row[name] for name, _type in ORDER_COLUMNS))
        bulk_insert(self.env, "boh_pos_order", ORDER_COLUMNS, rows)
        self.env.cr.execute(
            SQL(
                """
                SELECT id, source, warehouse_id, order_ref
                  FROM boh_pos_order
                 WHERE source = ANY(%s) AND warehouse_id = ANY(%s) AND order_ref = ANY(%s)
                """,
                list({v["source"] for v in vals_list}),
                list({v["warehouse_id"] for v in vals_list}),
                list({v["order_ref"] for v in vals_list}),
            )
        )
        ids = {(src, wh, ref): id_ for id_, src, wh, ref in self.env.cr.fetchall()}
        Order.invalidate_model()
        return Order.browse(
            [ids[(v["source"], v["warehouse_id"], v["order_ref"])] for v in vals_list]
        )

    def _order_vals(self, entry):
        order = entry.order
        warehouse = entry.warehouse
        return {
            "source": order.source,
            "order_ref": order.order_ref,
            "warehouse_id": warehouse.id,
            "company_id": warehouse.company_id.id,
            "business_date": order.business_date,
            "closed_at": order.closed_at.astimezone(timezone.utc).replace(tzinfo=None),
            "covers": order.covers,
            "fingerprint": entry.fingerprint,
            "content": json.dumps(order_content(order), ensure_ascii=False),
            "state": "unmapped" if entry.unmapped else "done",
            "note": entry.note or False,
            "batch_id": entry.batch.id if entry.batch else False,
            "amount_total": float(sum(ln.unit_price * ln.qty for ln in order.lines if not ln.void)),
            "late_count_id": entry.late_count_id or False,
        }

    def _register_unmapped(self, entries):
        """Put the codes that made orders wait in the queue, once per code."""
        wanted = {}
        for entry in entries:
            for kind, code in entry.unmapped:
                company = entry.warehouse.company_id.id
                wanted[(company, entry.order.source, kind, code)] = True
        if not wanted:
            return
        Unmapped = self.env["boh.pos.unmapped"].sudo()
        known = Unmapped.search_fetch(
            [
                ("state", "=", "open"),
                ("code", "in", list({k[3] for k in wanted})),
            ],
            ["company_id", "source", "kind", "code"],
        )
        for row in known:
            wanted.pop((row.company_id.id, row.source, row.kind, row.code), None)
        Unmapped.create(
            [
                {"company_id": company, "source": source, "kind": kind, "code": code}
                for company, source, kind, code in wanted
            ]
        )


def _line_rows(entry):
    """``LINE_COLUMNS`` rows of an entry's order lines."""
    item_map = entry.item_map
    return [
        (
            entry.record.id,
            line.line_ref,
            line.item_code,
            (item_map.get(line.item_code) or (None,))[0],
            float(line.qty),
            float(line.unit_price),
            ", ".join(f"{m.code} x{m.qty}" for m in line.modifiers) or None,
            line.void,
            line.restock,
            line.parent_line_ref or None,
        )
        for line in entry.order.lines
    ]


def _consumption_rows(entry):
    """``CONSUMPTION_COLUMNS`` rows of what an entry's order consumes (zeros left out)."""
    warehouse = entry.warehouse
    return [
        (
            entry.record.id,
            warehouse.company_id.id,
            warehouse.id,
            entry.order.business_date,
            product_id,
            kind,
            qty,
        )
        for (product_id, kind), qty in entry.consumption.items()
        if abs(qty) > 1e-9
    ]
