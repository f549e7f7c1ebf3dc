"""The sales feed: ``push_sales`` and ``get_availability`` over XML-RPC, and the pipeline
that every source (external POS pushes, file uploads) goes through."""

import json
import logging
import math
import time
from collections import defaultdict
from datetime import date, datetime, timedelta, timezone
from decimal import Decimal
from functools import partial

import pytz
from psycopg2 import errors as pg_errors

from odoo import SUPERUSER_ID, Command, api, models
from odoo.addons.boh_inventory.models.boh_costing import _plain_taxes
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.service.model import PG_CONCURRENCY_EXCEPTIONS_TO_RETRY
from odoo.tools import SQL, float_compare, float_is_zero, float_round

from boh_core.errors import BohError
from boh_core.food_cost import net_of_tax
from boh_core.sales import Line, Modifier, Order, demand_rows, order_fingerprint, validate_push
from boh_core.sales.payload import order_content

_logger = logging.getLogger(__name__)

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
#: Orders of Odoo's own point of sale (see ``pos.order._boh_feed``).
ODOO_POS_SOURCE = "odoo-pos"


class ConcurrentOrderError(pg_errors.SerializationFailure):
    """Another transaction stored the same order first: Odoo retries the whole call."""

    pgcode = "40001"


class BohPosFeed(models.AbstractModel):
    _name = "boh.pos.feed"
    _description = "POS Sales Feed"

    # ------------------------------------------------------------------ public API
    @api.model
    def push_sales(self, payload):
        """Store the raw push, then ingest each order on its own (all or nothing).

        Answers ``{"batch": id, "orders": [{"order_ref", "status", "errors"}]}`` with status
        ``created``, ``duplicate``, ``amended`` or ``error``; a payload that cannot be read
        at all is refused with a validation error naming the field.
        """
        return self._push(payload, "xmlrpc")

    def _push(self, payload, channel):
        """Store the raw payload first (its own transaction), then process it."""
        self._check_feed_access()
        batch_id = self._store_raw_batch(payload, channel)
        if not self.env.registry.in_test_mode():
            # the raw batch was committed by another cursor after this transaction may have
            # taken its snapshot (any earlier query does): end this read-only transaction
            # so that the orders' reference to the batch sees it
            self.env.cr.commit()  # pylint: disable=invalid-commit
        batch = self.env["boh.pos.batch"].sudo().browse(batch_id)
        try:
            with self.env.cr.savepoint():
                answer = self.sudo()._process_payload(payload, batch)
        except PG_CONCURRENCY_EXCEPTIONS_TO_RETRY:
            self._mark_batch(
                batch_id,
                {
                    "state": "superseded",
                    "error": self.env._("A concurrent push touched the same data; retried."),
                },
            )
            raise
        except (UserError, ValidationError) as error:
            self._mark_batch(batch_id, {"state": "failed", "error": str(error)})
            raise
        except Exception as error:
            _logger.exception("POS batch %s could not be processed", batch_id)
            self._mark_batch(batch_id, {"state": "failed", "error": repr(error)[:2000]})
            raise UserError(
                self.env._(
                    "Batch %(batch)s was stored but could not be processed; a manager can "
                    "retry it from Back of House > Sales > Batches.",
                    batch=batch_id,
                )
            ) from None
        answer = {"batch": batch_id, "orders": answer["orders"]}
        self.env.cr.postcommit.add(partial(self._mark_batch_done, batch_id, answer))
        return answer

    @api.model
    def get_availability(self, location_code, source=None):
        """The 86 list of a location: ``[{"item_code", "portions"}]`` for its mapped items.

        ``source`` (optional) limits the answer to that POS's codes; a code that several
        sources map to different items answers the fewest portions among them.
        """
        self._check_feed_access()
        warehouse = None
        if isinstance(location_code, str):
            warehouse = self._find_warehouses([location_code]).get(location_code)
        if not warehouse:
            raise ValidationError(
                self.env._(
                    "location %(code)s is not a known location.", code=repr(location_code)[:80]
                )
            )
        domain = [("company_id", "=", warehouse.company_id.id)]
        if source is not None:
            if not isinstance(source, str | int) or isinstance(source, bool):
                raise ValidationError(self.env._("source must be the text name of your POS."))
            domain.append(("source", "=", str(source)))
        rows = self.sudo()._availability(warehouse)
        codes = self.env["boh.pos.item.map"].sudo()._read_group(domain, ["product_id", "code"])
        portions = {row["product_id"]: row["portions"] for row in rows}
        result = {}
        for product, code in codes:
            if product.id in portions:
                result[code] = min(result.get(code, portions[product.id]), portions[product.id])
        return [{"item_code": code, "portions": qty} for code, qty in sorted(result.items())]

    # ------------------------------------------------------------------ guards and batches
    def _check_feed_access(self):
        user = self.env.user
        if not (
            self.env.su
            or user.has_group("boh_pos_bridge.group_boh_integration")
            or user.has_group("boh_inventory.group_boh_manager")
        ):
            raise AccessError(
                self.env._("Only integration users and BOH managers may use the sales feed.")
            )

    def _store_raw_batch(self, payload, channel):
        """Write the raw payload in its own transaction, committed before any processing."""
        try:
            text = json.dumps(payload, ensure_ascii=False, default=repr)
        except (TypeError, ValueError, RecursionError):
            text = repr(payload)
        source = external = ""
        if isinstance(payload, dict):
            if isinstance(payload.get("source"), str | int):
                source = str(payload["source"])[:128]
            if isinstance(payload.get("batch_id"), str | int):
                external = str(payload["batch_id"])[:128]
        with self.env.registry.cursor() as cr:
            env = api.Environment(cr, SUPERUSER_ID, {})
            batch = env["boh.pos.batch"].create(
                {
                    "source": source,
                    "external_id": external,
                    "channel": channel,
                    # whole: Retry processes it again (the form shows its beginning)
                    "payload": text,
                    "user_id": self.env.uid,
                }
            )
            return batch.id

    def _mark_batch(self, batch_id, vals):
        """Record a batch's state in its own transaction (the caller's may roll back)."""
        with self.env.registry.cursor() as cr:
            env = api.Environment(cr, SUPERUSER_ID, {})
            env["boh.pos.batch"].browse(batch_id).write(vals)

    def _mark_batch_done(self, batch_id, answer):
        with self.env.registry.cursor() as cr:
            env = api.Environment(cr, SUPERUSER_ID, {})
            env["boh.pos.batch"].browse(batch_id)._record_answer(answer)

    def _find_warehouses(self, codes):
        """Warehouses of the user's companies by code (the current company wins a tie)."""
        codes = [c for c in codes if isinstance(c, str)]
        if not codes:
            return {}
        user = self.env.user
        warehouses = (
            self.env["stock.warehouse"]
            .sudo()
            .search([("code", "in", codes), ("company_id", "in", user.company_ids.ids)])
        )
        found = {}
        for warehouse in warehouses.sorted(lambda w: w.company_id != user.company_id):
            found.setdefault(warehouse.code, warehouse)
        return found

    # ------------------------------------------------------------------ pipeline
    def _process_payload(self, payload, batch):
        """Validate, classify, compute and write every order of one push."""
        result = validate_push(payload)
        if result.error is not None:
            raise ValidationError(str(result.error))
        answers = []
        warehouses = self._find_warehouses({r.order.location for r in result.results if r.ok})
        refs = [r.order.order_ref for r in result.results if r.ok]
        existing = {}
        if refs and warehouses:
            stored = (
                self.env["boh.pos.order"]
                .sudo()
                .search_fetch(
                    [
                        ("source", "=", result.source),
                        ("warehouse_id", "in", [w.id for w in warehouses.values()]),
                        ("order_ref", "in", refs),
                    ],
                    ["warehouse_id", "order_ref", "fingerprint", "business_date", "state"],
                )
            )
            existing = {(o.warehouse_id.id, o.order_ref): o for o in stored}
        entries = []
        for res in result.results:
            answer = {"order_ref": res.order_ref, "status": "error", "errors": []}
            answers.append(answer)
            if not res.ok:
                answer["errors"] = [issue.as_dict() for issue in res.issues]
                continue
            order = res.order
            warehouse = warehouses.get(order.location)
            if not warehouse:
                answer["errors"] = [
                    {
                        "line_ref": "",
                        "field": "location",
                        "message": self.env._(
                            "location %(code)s is not a known location (the code of a warehouse).",
                            code=repr(order.location),
                        ),
                    }
                ]
                continue
            fingerprint = order_fingerprint(order)
            stored = existing.get((warehouse.id, order.order_ref))
            if stored and stored.fingerprint == fingerprint:
                answer["status"] = "duplicate"
                continue
            entries.append(
                {
                    "answer": answer,
                    "order": order,
                    "warehouse": warehouse,
                    "record": stored,
                    "fingerprint": fingerprint,
                    "batch": batch,
                }
            )
        self._compute_effects(entries)
        self._write_entries(entries)
        return {"orders": answers}

    def _reprocess_orders(self, orders):
        """Run stored orders through mapping, depletion and facts again (after a mapping)."""
        entries = []
        for record in orders:
            order = _order_from_content(json.loads(record.content))
            entries.append(
                {
                    "answer": {"order_ref": record.order_ref, "status": "amended", "errors": []},
                    "order": order,
                    "warehouse": record.warehouse_id,
                    "record": record,
                    "fingerprint": record.fingerprint,
                    "batch": record.batch_id,
                    "reprocess": True,
                }
            )
        self._compute_effects(entries)
        self._write_entries(entries)
        return entries

    def _load_maps(self, company, sources):
        """Item and modifier maps of a company, per source, in two reads."""
        item_maps = defaultdict(dict)
        items = (
            self.env["boh.pos.item.map"]
            .sudo()
            .search_fetch(
                [("company_id", "=", company.id), ("source", "in", list(sources))],
                ["source", "code", "product_id"],
            )
        )
        for row in items:
            item_maps[row.source][row.code] = (row.product_id.id, row.product_id.uom_id.id)
        mod_maps = defaultdict(dict)
        mods = (
            self.env["boh.pos.modifier.map"]
            .sudo()
            .search_fetch(
                [("company_id", "=", company.id), ("source", "in", list(sources))],
                ["source", "code", "line_ids"],
            )
        )
        for row in mods:
            mod_maps[row.source][row.code] = [
                (line.product_id.id, line.qty, line.uom_id.id) for line in row.line_ids
            ]
        return item_maps, mod_maps

    def _add_odoo_pos_items(self, item_maps, entries):
        """Odoo POS products are menu items: their code is the product id, mapped to itself."""
        codes = {
            line.item_code
            for entry in entries
            if entry["order"].source == ODOO_POS_SOURCE
            for line in entry["order"].lines
            if line.item_code.isdigit()
        }
        products = self.env["product.product"].sudo().browse([int(c) for c in codes]).exists()
        own = item_maps[ODOO_POS_SOURCE]
        for product in products:
            own.setdefault(str(product.id), (product.id, product.uom_id.id))

    def _compute_effects(self, entries):
        """Demand, ingredient use and facts of every entry, one explosion per company."""
        by_company = defaultdict(list)
        for entry in entries:
            by_company[entry["warehouse"].company_id].append(entry)
        for company, group in by_company.items():
            self._compute_company_effects(company, group)

    def _compute_company_effects(self, company, entries):
        item_maps, mod_maps = self._load_maps(company, {e["order"].source for e in entries})
        book, book_products, _converter = self.env["boh.costing"].sudo()._load_book(company)
        # only pos.order._boh_feed speaks for Odoo's POS; a push naming that source is not
        # trusted with products by id
        odoo_pos = bool(self.env.context.get("boh_odoo_pos_feed"))
        if odoo_pos:
            self._add_odoo_pos_items(item_maps, entries)
        with_recipe = {recipe.product for recipe in book.recipes}
        exploded_rows = []  # (entry, kind, row)
        direct_rows = []
        for entry in entries:
            order = entry["order"]
            entry.update(consumption=defaultdict(float), facts=[], unmapped=[], note="")
            try:
                rows, unmapped = demand_rows(order, item_maps[order.source], mod_maps[order.source])
            except BohError as error:
                entry["error"] = [{"line_ref": "", "field": error.field, "message": str(error)}]
                continue
            entry["item_map"] = item_maps[order.source]
            if unmapped:
                entry["unmapped"] = sorted({(kind, code) for _ref, kind, code in unmapped})
                continue
            for row in rows:
                if odoo_pos and order.source == ODOO_POS_SOURCE and row.product not in with_recipe:
                    # Odoo's own picking moves what has no recipe: never deplete it twice
                    continue
                if row.product in book_products:
                    exploded_rows.append((entry, row))
                else:
                    direct_rows.append((entry, row))
        self._explode_rows(book, exploded_rows)
        self._direct_rows(direct_rows)
        self._compute_facts(company, [e for e in entries if not e.get("error")])

    def _explode_rows(self, book, rows):
        """One explosion for all rows; on a bad row, find the orders it belongs to."""
        if not rows:
            return
        demand = [(row.product, float(row.qty), int(row.unit)) for _entry, row in rows]
        try:
            results = book.explode_each(demand)
        except BohError:
            results = None
        if results is None:
            by_entry = defaultdict(list)
            for entry, row in rows:
                by_entry[id(entry)].append((entry, row))
            for pairs in by_entry.values():
                entry = pairs[0][0]
                try:
                    part = book.explode_each(
                        [(row.product, float(row.qty), int(row.unit)) for _e, row in pairs]
                    )
                except BohError as error:
                    entry["error"] = [{"line_ref": "", "field": error.field, "message": str(error)}]
                    continue
                for (_e, row), ingredients in zip(pairs, part, strict=True):
                    _add_consumption(entry, row.kind, ingredients)
            return
        for (entry, row), ingredients in zip(rows, results, strict=True):
            _add_consumption(entry, row.kind, ingredients)

    def _direct_rows(self, rows):
        """Rows for products the recipe book does not know: ingredients used only by
        modifiers pass through in their own unit; menu items without a recipe deplete
        nothing (noted on the order)."""
        if not rows:
            return
        products = self.env["product.product"].sudo().browse({row.product for _e, row in rows})
        uoms = self.env["uom.uom"].browse({int(row.unit) for _e, row in rows})
        by_id = {p.id: p for p in products}
        uom_by_id = {u.id: u for u in uoms}
        for entry, row in rows:
            product = by_id.get(row.product)
            if not product or product.boh_kind in ("menu", "prep") or product.type != "consu":
                if product and product.boh_kind in ("menu", "prep"):
                    entry["note"] = self.env._("Some items have no recipe: nothing depleted.")
                continue
            uom = uom_by_id.get(int(row.unit))
            qty = float(row.qty)
            if uom and uom != product.uom_id:
                if uom.category_id != product.uom_id.category_id:
                    entry["error"] = [
                        {
                            "line_ref": row.line_ref,
                            "field": "modifiers",
                            "message": self.env._(
                                "The modifier mapping uses unit %(uom)s for %(product)s, "
                                "which cannot be converted to %(own)s.",
                                uom=uom.name,
                                product=product.display_name,
                                own=product.uom_id.name,
                            ),
                        }
                    ]
                    continue
                qty = uom._compute_quantity(qty, product.uom_id, round=False)
            _add_consumption(entry, row.kind, {product.id: qty})

    def _compute_facts(self, company, entries):
        """Fact rows per order and item: quantity, revenue net of tax, covers, hour."""
        product_ids = {
            target[0] for entry in entries for target in entry.get("item_map", {}).values()
        }
        products = self.env["product.product"].sudo().with_company(company).browse(product_ids)
        taxes = {
            p.id: _plain_taxes(p.taxes_id.filtered(lambda t, c=company: t.company_id == c))
            for p in products
        }
        for entry in entries:
            if entry.get("unmapped"):
                continue
            order = entry["order"]
            warehouse = entry["warehouse"]
            item_map = entry["item_map"]
            local = order.closed_at.astimezone(
                _store_tz(warehouse, company) or order.closed_at.tzinfo
            )
            void_refs = {ln.line_ref for ln in order.lines if ln.void}
            children = defaultdict(list)
            for line in order.lines:
                if line.parent_line_ref:
                    children[line.parent_line_ref].append(line)
            sums = defaultdict(lambda: [0.0, 0.0])
            for line in order.lines:
                if line.void or line.parent_line_ref in void_refs:
                    continue
                target = item_map.get(line.item_code)
                is_component = bool(line.parent_line_ref)
                paid = float(line.unit_price * line.qty)
                if target:
                    revenue = 0.0 if is_component else _net(paid, taxes.get(target[0]))
                    cell = sums[(target[0], is_component)]
                    cell[0] += float(line.qty)
                    cell[1] += revenue
                elif children.get(line.line_ref):
                    # an unmapped set-meal parent: its price goes to its components
                    parts = [c for c in children[line.line_ref] if item_map.get(c.item_code)]
                    total = sum(abs(float(c.qty)) for c in parts) or 1.0
                    for part in parts:
                        pid = item_map[part.item_code][0]
                        share = paid * abs(float(part.qty)) / total
                        sums[(pid, True)][1] += _net(share, taxes.get(pid))
            covers = order.covers
            for (product_id, is_component), (qty, revenue) in sums.items():
                entry["facts"].append(
                    {
                        "company_id": company.id,
                        "warehouse_id": warehouse.id,
                        "product_id": product_id,
                        "date": order.business_date,
                        "hour": local.hour,
                        "closed_at": order.closed_at.astimezone(timezone.utc).replace(tzinfo=None),
                        "qty": qty,
                        "revenue": company.currency_id.round(revenue),
                        "covers": covers,
                        "is_component": is_component,
                        "source": order.source,
                        "order_ref": order.order_ref,
                    }
                )
                covers = 0

    def _write_entries(self, entries):
        """Write all orders in one go; if that fails, one by one so only the bad one fails."""
        todo = [e for e in entries if not e.get("error")]
        for entry in entries:
            if entry.get("error"):
                entry["answer"]["status"] = "error"
                entry["answer"]["errors"] = entry["error"]
        if not todo:
            return
        self._lock_orders(todo)
        self._flag_late_orders(todo)
        keys = set()
        try:
            with self.env.cr.savepoint():
                keys = self._write_batch(todo)
        except PG_CONCURRENCY_EXCEPTIONS_TO_RETRY:
            raise
        except Exception:  # noqa: BLE001 - isolate the culprit order below
            keys = set()
            for entry in todo:
                try:
                    with self.env.cr.savepoint():
                        keys |= self._write_batch([entry])
                except pg_errors.UniqueViolation as error:
                    raise ConcurrentOrderError(str(error)) from None
                except PG_CONCURRENCY_EXCEPTIONS_TO_RETRY:
                    raise
                except Exception as error:  # noqa: BLE001 - answered as data
                    _logger.info("POS order %s refused: %s", entry["order"].order_ref, error)
                    entry["answer"]["status"] = "error"
                    entry["answer"]["errors"] = [
                        {
                            "line_ref": "",
                            "field": "order",
                            "message": self.env._(
                                "The order could not be stored: %(error)s", error=str(error)
                            ),
                        }
                    ]
        self._schedule_depletion(keys)

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
        warehouse_ids, dates = zip(*sorted(keys), strict=True)
        # stamped when the push is written (clock time, close to its commit), not when its
        # transaction began: a long push must not look quiet already when it commits
        self.env.cr.execute(
            SQL(
                """
                INSERT INTO boh_pos_depletion_todo
                       (warehouse_id, date, create_uid, write_uid, create_date, write_date)
                SELECT w, d, %(uid)s, %(uid)s, clock_timestamp() at time zone 'UTC',
                       clock_timestamp() at time zone 'UTC'
                  FROM unnest(%(w)s::int[], %(d)s::date[]) AS k(w, d)
                """,
                uid=self.env.uid,
                w=list(warehouse_ids),
                d=list(dates),
            )
        )
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
                {(entry["warehouse"].id, entry["order"].business_date, None) for entry in entries}
            )
        )
        for entry in entries:
            count = covering.get((entry["warehouse"].id, entry["order"].business_date, None))
            if not count and entry["record"]:
                count = entry["record"].late_count_id
            entry["late_count_id"] = count.id if count else False

    def _lock_orders(self, entries):
        """Serialize concurrent pushes of the same orders, and detect a lost race.

        Each order key is locked for the rest of the transaction (in one statement, in a
        fixed order, so two pushes never deadlock); then the committed state of these
        orders is read through a fresh cursor. If another push stored or amended one of
        them after this transaction started, the whole call is retried by Odoo (and, if it
        keeps losing, the client retries it), and the retry answers ``duplicate``.
        """
        keys = sorted(
            {
                f"{e['order'].source}\x1f{e['warehouse'].id}\x1f{e['order'].order_ref}"
                for e in entries
            }
        )
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
                    list({e["order"].source for e in entries}),
                    list({e["warehouse"].id for e in entries}),
                    list({e["order"].order_ref for e in entries}),
                )
            )
            committed = {(row[0], row[1], row[2]): (row[3], row[4]) for row in cr.fetchall()}
        for entry in entries:
            record = entry["record"]
            seen = (record.fingerprint, record.version) if record else None
            key = (entry["order"].source, entry["warehouse"].id, entry["order"].order_ref)
            if committed.get(key) != seen:
                raise ConcurrentOrderError(
                    f"could not serialize access: order {entry['order'].order_ref!r} was "
                    "stored by a concurrent push; retrying"
                )

    def _write_batch(self, entries):
        """Create or replace orders, lines, consumption and facts with batched creates."""
        Order = self.env["boh.pos.order"].sudo()
        new_vals, new_entries, old_entries = [], [], []
        keys = set()
        for entry in entries:
            order = entry["order"]
            header = self._order_vals(entry)
            if entry["record"]:
                old_entries.append((entry, header))
                keys.add((entry["record"].warehouse_id.id, entry["record"].business_date))
            else:
                new_vals.append(header)
                new_entries.append(entry)
            keys.add((entry["warehouse"].id, order.business_date))
        records = self._insert_orders(new_vals) if new_vals else Order
        for entry, record in zip(new_entries, records, strict=True):
            entry["record"] = record
            entry["answer"]["status"] = "created"
        for entry, header in old_entries:
            if not entry.get("reprocess"):
                header["version"] = entry["record"].version + 1
                entry["answer"]["status"] = "amended"
            entry["record"].write(header)
        old_ids = [e["record"].id for e, _h in old_entries]
        if old_ids:
            self.env.flush_all()
            for table in ("boh_pos_order_line", "boh_pos_consumption"):
                self.env.cr.execute(
                    SQL("DELETE FROM %s WHERE order_id = ANY(%s)", SQL.identifier(table), old_ids)
                )
        qty_digits = self.env["decimal.precision"].precision_get("Product Unit of Measure")
        price_digits = self.env["decimal.precision"].precision_get("Product Price")
        lines, consumption, facts = [], [], []
        for entry in entries:
            record = entry["record"]
            order = entry["order"]
            item_map = entry.get("item_map") or {}
            company_id, warehouse_id = entry["warehouse"].company_id.id, entry["warehouse"].id
            for line in order.lines:
                lines.append(
                    (
                        record.id,
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
                )
            for (product_id, kind), qty in entry["consumption"].items():
                if abs(qty) > 1e-9:
                    consumption.append(
                        (
                            record.id,
                            company_id,
                            warehouse_id,
                            order.business_date,
                            product_id,
                            kind,
                            qty,
                        )
                    )
            for vals in entry["facts"]:
                facts.append(dict(vals, origin_model=ORIGIN, origin_id=record.id))
        # quantities and prices are rounded as the ORM would, by the database
        self._bulk_insert(
            "boh_pos_order_line",
            LINE_COLUMNS,
            lines,
            digits={"qty": qty_digits, "unit_price": price_digits},
        )
        self._bulk_insert(
            "boh_pos_consumption", CONSUMPTION_COLUMNS, consumption, digits={"qty": qty_digits}
        )
        self.env["boh.pos.order.line"].invalidate_model()
        self.env["boh.pos.consumption"].invalidate_model()
        self.env["boh.pos.order"].invalidate_model(["line_ids", "consumption_ids"])
        self.env["boh.sales.fact"].sudo()._replace_origin_facts(ORIGIN, old_ids, facts)
        self._register_unmapped(entries)
        return keys

    def _bulk_insert(self, table, columns, rows, digits=None):
        """Insert plain rows in one statement: order lines and consumption are written
        by the thousand per push, where the ORM's per-record work would dominate.

        ``digits`` maps numeric columns to the decimals they are rounded to (half up,
        as ``float_round`` does)."""
        if not rows:
            return
        digits = digits or {}
        names = ", ".join(name for name, _type in columns)
        arrays = ", ".join(f"%s::{sql_type}[]" for _name, sql_type in columns)
        values = ", ".join(
            f"round({name}, {int(digits[name])})" if name in digits else name
            for name, _type in columns
        )
        # the table and column names are constants of this module, never input
        query = (
            f"INSERT INTO {table} ({names}, create_uid, write_uid, create_date, write_date) "
            f"SELECT {values}, %s, %s, now() at time zone 'UTC', now() at time zone 'UTC' "
            f"FROM unnest({arrays}) AS t({names})"
        )
        arrays = [list(column) for column in zip(*rows, strict=True)]
        self.env.cr.execute(SQL(query, self.env.uid, self.env.uid, *arrays))

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
            values = (row[name] for name, _type in ORDER_COLUMNS)
            rows.append(tuple(None if value is False else value for value in values))
        self._bulk_insert("boh_pos_order", ORDER_COLUMNS, rows)
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
        order = entry["order"]
        warehouse = entry["warehouse"]
        return {
            "source": order.source,
            "order_ref": order.order_ref,
            "warehouse_id": warehouse.id,
            "company_id": warehouse.company_id.id,
            "business_date": order.business_date,
            "closed_at": order.closed_at.astimezone(timezone.utc).replace(tzinfo=None),
            "covers": order.covers,
            "fingerprint": entry["fingerprint"],
            "content": json.dumps(order_content(order), ensure_ascii=False),
            "state": "unmapped" if entry.get("unmapped") else "done",
            "note": entry.get("note") or False,
            "batch_id": entry["batch"].id if entry.get("batch") else False,
            "amount_total": float(sum(ln.unit_price * ln.qty for ln in order.lines if not ln.void)),
            "late_count_id": entry.get("late_count_id") or False,
        }

    def _register_unmapped(self, entries):
        """Put the codes that made orders wait in the queue, once per code."""
        wanted = {}
        for entry in entries:
            for kind, code in entry.get("unmapped") or ():
                company = entry["warehouse"].company_id.id
                wanted[(company, entry["order"].source, kind, code)] = True
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

    # ------------------------------------------------------------------ depletion
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
        if not keys:
            return self.env["stock.move"]
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
            plan.append((warehouses[warehouse_id], day, product, kind, delta))
        if not plan:
            return self.env["stock.move"]
        lots = self._allocate_lots(plan)
        covering = (
            self.env["boh.stock.count"]
            .sudo()
            ._first_approved_counts({(w.id, day, product.id) for w, day, product, _k, _d in plan})
        )
        consumed = self.env.ref("boh_pos_bridge.stock_location_boh_consumption")
        wasted = self.env.ref("boh_pos_bridge.stock_location_boh_waste")
        no_lot = self.env["stock.lot"]
        vals_list = []
        for index, (warehouse, day, product, kind, delta) in enumerate(plan):
            stock = warehouse.lot_stock_id
            out = wasted if kind == "waste" else consumed
            src, dest = (stock, out) if delta > 0 else (out, stock)
            qty = abs(delta)
            # (lot, location in the store, quantity) of each move line
            parts = lots.get(index) or [(no_lot, stock, qty)]
            origin = f"BOH/{warehouse.code}/{day.isoformat()}"
            vals_list.append(
                {
                    "name": self.env._("POS sales %(origin)s", origin=origin),
                    "origin": origin,
                    "product_id": product.id,
                    "product_uom": product.uom_id.id,
                    "product_uom_qty": qty,
                    "company_id": warehouse.company_id.id,
                    "location_id": src.id,
                    "location_dest_id": dest.id,
                    "warehouse_id": warehouse.id,
                    "boh_warehouse_id": warehouse.id,
                    "boh_business_date": day,
                    "boh_depletion_kind": kind,
                    "boh_depletion_qty": delta,
                    "picked": True,
                    "move_line_ids": _move_line_commands(
                        product, warehouse.company_id, parts, out, outward=delta > 0
                    ),
                }
            )
            count = covering.get((warehouse.id, day, product.id))
            if count:
                vals_list.append(
                    self._late_sale_move_vals(count, warehouse, day, product, delta, parts)
                )
        moves = self.env["stock.move"].sudo().create(vals_list)
        moves._action_done()
        return moves

    def _late_sale_move_vals(self, count, warehouse, day, product, delta, parts):
        """Values of the move that sets a depletion delta against the approved ``count``
        that covers its day.

        The sale happened before the count, so the counted shelves already lacked what it
        used: the depletion (consumption at cost) is offset by an inventory move that
        mirrors its move lines (same lots, quantities and store locations) against the
        product's inventory-loss location, restating the count's adjustment. On-hand stays
        as counted; a put-back delta (amendment down, restocked refund) mirrors the other way.
        """
        company = warehouse.company_id
        loss = product.with_company(company).property_stock_inventory
        stock = warehouse.lot_stock_id
        src, dest = (loss, stock) if delta > 0 else (stock, loss)
        return {
            "name": self.env._("Late sale on count %(count)s", count=count.name),
            "origin": f"BOH/{warehouse.code}/{day.isoformat()}",
            "product_id": product.id,
            "product_uom": product.uom_id.id,
            "product_uom_qty": abs(delta),
            "company_id": company.id,
            "location_id": src.id,
            "location_dest_id": dest.id,
            "is_inventory": True,
            "picked": True,
            "boh_business_date": day,
            "boh_count_id": count.id,
            "boh_count_role": "late_sale",
            # the mirror of the depletion's lines
            "move_line_ids": _move_line_commands(product, company, parts, loss, outward=delta < 0),
        }

    def _allocate_lots(self, plan):
        """Split the deltas of lot-tracked ingredients over lots, with one read of the quants
        (and one of the day's earlier move lines when something is put back) for all.

        ``plan`` lists ``(warehouse, day, product, kind, delta)``. Taken (delta > 0): from the
        lots with stock in the store (its stock location or one inside it),
        first-expired-first-out: by the lot's expiration date (lots without one last), then
        the quant's incoming date, then the quant. Put back (delta < 0): into the lots that
        the store-day's earlier moves of the same kind took, net, latest-expiring first.

        What is left (more sold than the shelves hold, more put back than was taken) goes to
        the store's earliest-expiring lot, whatever its quantity: stock goes negative on that
        lot, visibly, until the next count corrects it. Odoo refuses a done move line of a
        tracked product without a lot outside pickings and inventory adjustments, so a
        lot-less line is not an option. A store without any quant of the product uses the
        product's newest lot, and a product without any lot gets one named after the store
        (:meth:`_fallback_lots`).

        :return: ``{index in plan: [(stock.lot, stock.location, qty)]}`` for tracked rows.
        """
        tracked = [(i, row) for i, row in enumerate(plan) if row[2].tracking == "lot"]
        if not tracked:
            return {}
        digits = self.env["decimal.precision"].precision_get("Product Unit of Measure")
        product_ids = list({row[2].id for _i, row in tracked})
        stocks = {row[0].id: row[0].lot_stock_id for _i, row in tracked}
        quants = (
            self.env["stock.quant"]
            .sudo()
            .search_fetch(
                [
                    ("product_id", "in", product_ids),
                    ("location_id", "child_of", [s.id for s in stocks.values()]),
                    ("lot_id", "!=", False),
                ],
                ["product_id", "location_id", "lot_id", "quantity", "in_date", "expiration_date"],
            )
        )
        # (warehouse id, product id) -> {(lot id, location id): [qty, lot, location, rank]}
        pools = defaultdict(dict)
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
            entry = pools[(warehouse_id, quant.product_id.id)].setdefault(
                (quant.lot_id.id, quant.location_id.id),
                [0.0, quant.lot_id, quant.location_id, rank],
            )
            entry[0] += quant.quantity
            entry[3] = min(entry[3], rank)
        ordered = {
            key: sorted(pool.values(), key=lambda entry: entry[3]) for key, pool in pools.items()
        }
        taken = self._lots_taken([row for _i, row in tracked if row[4] < 0])
        fallback = self._fallback_lots(
            {(row[0], row[2]) for _i, row in tracked if not ordered.get((row[0].id, row[2].id))}
        )
        result = {}
        # put back first: what returns to a lot may be taken again by the same posting
        for index, (warehouse, day, product, kind, delta) in sorted(
            tracked, key=lambda pair: pair[1][4] > 0
        ):
            pool = pools.get((warehouse.id, product.id), {})
            first = ordered.get((warehouse.id, product.id))
            remaining = abs(delta)
            parts = defaultdict(float)
            if delta > 0:
                for entry in first or ():
                    if float_is_zero(remaining, precision_digits=digits):
                        break
                    if float_compare(entry[0], 0.0, precision_digits=digits) <= 0:
                        continue
                    part = float_round(min(entry[0], remaining), precision_digits=digits)
                    entry[0] -= part
                    remaining -= part
                    parts[(entry[1], entry[2])] += part
            else:
                netted = taken.get((warehouse.id, day, product.id, kind), {})
                for (lot, location), qty in sorted(
                    netted.items(),
                    key=lambda item: (item[0][0].expiration_date or datetime.max, item[0][0].id),
                    reverse=True,
                ):
                    if float_is_zero(remaining, precision_digits=digits):
                        break
                    if float_compare(qty, 0.0, precision_digits=digits) <= 0:
                        continue
                    part = float_round(min(qty, remaining), precision_digits=digits)
                    remaining -= part
                    parts[(lot, location)] += part
                    if (lot.id, location.id) in pool:
                        pool[(lot.id, location.id)][0] += part
            remaining = float_round(remaining, precision_digits=digits)
            if not float_is_zero(remaining, precision_digits=digits):
                if first:
                    first[0][0] -= math.copysign(remaining, delta)
                    lot, location = first[0][1], first[0][2]
                else:
                    lot, location = fallback[(warehouse, product)], warehouse.lot_stock_id
                parts[(lot, location)] += remaining
            result[index] = [
                (lot, location, float_round(qty, precision_digits=digits))
                for (lot, location), qty in parts.items()
            ]
        return result

    def _lots_taken(self, rows):
        """Net quantity the done depletion moves of each store, day, ingredient and kind of
        ``rows`` took from each lot and store location, in one read.

        :return: ``{(warehouse id, day, product id, kind): {(lot, location): qty}}``
        """
        taken = defaultdict(lambda: defaultdict(float))
        if not rows:
            return taken
        move_lines = (
            self.env["stock.move.line"]
            .sudo()
            .search_fetch(
                [
                    ("move_id.boh_warehouse_id", "in", list({row[0].id for row in rows})),
                    ("move_id.boh_business_date", "in", list({row[1] for row in rows})),
                    ("product_id", "in", list({row[2].id for row in rows})),
                    ("state", "=", "done"),
                    ("lot_id", "!=", False),
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

    # ------------------------------------------------------------------ availability
    def _availability(self, warehouse):
        """Portions of each menu item the ingredients on hand at ``warehouse`` allow.

        Only ingredients tracked in stock limit a dish; a dish with none is left out.
        """
        company = warehouse.company_id
        book, products, converter = self.env["boh.costing"].sudo()._load_book(company)
        menu = [r for r in book.recipes if products.get(r.product) and r.product in products]
        vectors = {}
        ingredient_ids = set()
        for recipe in menu:
            try:
                per_unit = book.ingredients_per_unit(recipe.id)
                factor = converter.factor(
                    products[recipe.product]["uom_id"], recipe.output_unit, recipe.product
                )
            except BohError:
                continue
            vectors[recipe.product] = {i: q * factor for i, q in per_unit.items() if q > 0}
            ingredient_ids.update(vectors[recipe.product])
        storable = set(
            self.env["product.product"]
            .sudo()
            .search([("id", "in", list(ingredient_ids)), ("is_storable", "=", True)])
            .ids
        )
        on_hand = {
            product.id: qty
            for product, qty in self.env["stock.quant"]
            .sudo()
            ._read_group(
                [
                    ("location_id", "child_of", warehouse.lot_stock_id.id),
                    ("product_id", "in", list(storable)),
                ],
                ["product_id"],
                ["quantity:sum"],
            )
        }
        rows = []
        for product_id, vector in vectors.items():
            limits = [
                (on_hand.get(i, 0.0) / q, i) for i, q in vector.items() if i in storable and q
            ]
            if not limits:
                continue
            portions, limiting = min(limits)
            rows.append(
                {
                    "product_id": product_id,
                    "portions": max(0, math.floor(portions + 1e-9)),
                    "limiting_product_id": limiting,
                }
            )
        return rows


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


def _add_consumption(entry, kind, ingredients):
    sign, bucket = {
        "sale": (1, "sale"),
        "modifier": (1, "sale"),
        "restock": (-1, "sale"),
        "waste": (1, "waste"),
    }[kind]
    for product_id, qty in ingredients.items():
        entry["consumption"][(product_id, bucket)] += sign * qty


def _net(paid, taxes):
    """Paid amount without the item's taxes (refunds keep their sign)."""
    if not paid:
        return 0.0
    try:
        return math.copysign(net_of_tax(abs(paid), taxes or ()), paid)
    except BohError:
        return paid


def _store_tz(warehouse, company):
    """The store's time zone (its address, else the company's); None when unset or unknown."""
    name = warehouse.partner_id.tz or company.partner_id.tz
    try:
        return pytz.timezone(name) if name else None
    except pytz.UnknownTimeZoneError:
        return None


def _as_date(value):
    return value.date() if isinstance(value, datetime) else value


def _order_from_content(content):
    """Rebuild a normalized order from its stored content (see ``order_content``)."""
    return Order(
        source=content["source"],
        location=content["location"],
        order_ref=content["order_ref"],
        business_date=date.fromisoformat(content["business_date"]),
        closed_at=datetime.fromisoformat(content["closed_at"]),
        covers=content["covers"],
        lines=tuple(
            Line(
                line_ref=line["line_ref"],
                item_code=line["item_code"],
                qty=Decimal(line["qty"]),
                unit_price=Decimal(line["unit_price"]),
                modifiers=tuple(Modifier(code, Decimal(qty)) for code, qty in line["modifiers"]),
                void=line["void"],
                restock=line["restock"],
                parent_line_ref=line["parent_line_ref"],
            )
            for line in content["lines"]
        ),
    )
