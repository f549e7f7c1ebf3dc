"""The sales feed's pipeline: from a validated push to orders that know what they sold
and what they consume (see ``boh_pos_feed.py`` for the map of the feed)."""

import json
from collections import defaultdict
from datetime import timezone

import pytz

from odoo import models
from odoo.addons.boh_inventory.models.boh_costing import _plain_taxes
from odoo.addons.boh_inventory.tools.core_messages import translate_core_error, translated_dict
from odoo.addons.boh_inventory.tools.server_context import switched_on
from odoo.exceptions import ValidationError

from boh_core.errors import BohError
from boh_core.sales import demand_rows, order_fingerprint, validate_push
from boh_core.sales.modifiers import STOCK_EFFECT
from boh_core.sales.revenue import item_sales

from ..tools.feed_entry import FeedEntry, order_from_content
from .boh_pos_feed import ODOO_POS_SOURCE


class BohPosFeed(models.AbstractModel):
    # one model over files a concern each, as Odoo's own addons do (CONTRIBUTING.md)
    _inherit = "boh.pos.feed"  # pylint: disable=consider-merging-classes-inherited

    def _process_payload(self, payload, batch):
        """Validate, classify, compute and write every order of one push."""
        result = validate_push(payload)
        if result.error is not None:
            raise ValidationError(translate_core_error(self.env, result.error))
        if result.source == ODOO_POS_SOURCE and not switched_on(self.env, "boh_odoo_pos_feed"):
            raise ValidationError(
                self.env._(
                    "source %(name)s is reserved for Odoo's own point of sale; name your POS "
                    "differently.",
                    name=repr(ODOO_POS_SOURCE),
                )
            )
        if not switched_on(self.env, "boh_odoo_pos_feed") and not (
            self.env.user._boh_may_push_source(result.source)
        ):
            raise ValidationError(
                self.env._(
                    "source %(name)s is not one of the POS sources this integration user may "
                    "send; an administrator grants sources in Back of House > Configuration > "
                    "Integration Access.",
                    name=repr(result.source)[:80],
                )
            )
        warehouses = self._find_warehouses({r.order.location for r in result.results if r.ok})
        pushable = self._pushable_warehouses()
        existing = self._stored_orders(result, warehouses)
        answers, entries = [], []
        for res in result.results:
            answer = {"order_ref": res.order_ref, "status": "error", "errors": []}
            answers.append(answer)
            if not res.ok:
                answer["errors"] = [translated_dict(self.env, issue) for issue in res.issues]
                continue
            order = res.order
            warehouse = warehouses.get(order.location)
            if not warehouse:
                answer["errors"] = [self._unknown_location_error(order.location)]
                continue
            if pushable is not None and warehouse not in pushable:
                answer["errors"] = [self._not_your_store_error(order.location)]
                continue
            fingerprint = order_fingerprint(order)
            stored = existing.get((warehouse.id, order.order_ref))
            if stored and stored.fingerprint == fingerprint:
                answer["status"] = "duplicate"
                continue
            refusal = stored and self._amendment_refusal(stored, batch)
            if refusal:
                answer["errors"] = [refusal]
                continue
            entries.append(FeedEntry(order, warehouse, answer, fingerprint, stored, batch))
        self._compute_effects(entries)
        self._write_entries(entries)
        return {"orders": answers}

    def _stored_orders(self, result, warehouses):
        """The stored orders a push names, by ``(warehouse id, order ref)``, in one read."""
        refs = [r.order.order_ref for r in result.results if r.ok]
        if not (refs and warehouses):
            return {}
        stored = (
            self.env["boh.pos.order"]
            .sudo()
            .search_fetch(
                [
                    ("source", "=", result.source),
                    ("warehouse_id", "in", [w.id for w in warehouses.values()]),
                    ("order_ref", "in", refs),
                ],
                ["warehouse_id", "order_ref", "fingerprint", "business_date", "state", "batch_id"],
            )
        )
        return {(o.warehouse_id.id, o.order_ref): o for o in stored}

    def _pushable_warehouses(self):
        """The stores the caller may push sales for, or None for any store (the suite's own
        Odoo POS feed). ``res.users._boh_store_scope`` says which stores a user works in."""
        if switched_on(self.env, "boh_odoo_pos_feed"):
            return None
        return self.env.user._boh_store_scope()

    def _amendment_refusal(self, stored, batch):
        """Why ``stored`` may not be changed by this push, as an answer error, or None.

        One integration user cannot amend another's orders (a BOH manager can), and a retried
        batch never puts back content older than what a later push stored.
        """
        user = self.env.user
        owner = stored.batch_id.user_id
        if (
            owner
            and owner != user
            and not switched_on(self.env, "boh_odoo_pos_feed")
            and not user.has_group("boh_inventory.group_boh_manager")
        ):
            message = self.env._(
                "order %(ref)s was sent by another integration user; only they or a BOH "
                "manager may change it.",
                ref=repr(stored.order_ref),
            )
            return {
                "line_ref": "",
                "field": "order_ref",
                "code": "feed.order.other_sender",
                "message": message,
            }
        if batch and stored.batch_id and stored.batch_id.id > batch.id:
            message = self.env._(
                "order %(ref)s was changed by a later push (batch %(later)s) after batch "
                "%(batch)s; retrying the older batch would undo that change, so it is skipped.",
                ref=repr(stored.order_ref),
                later=stored.batch_id.id,
                batch=batch.id,
            )
            return {
                "line_ref": "",
                "field": "order_ref",
                "code": "feed.order.changed_later",
                "message": message,
            }
        return None

    def _not_your_store_error(self, code):
        return {
            "line_ref": "",
            "field": "location",
            "code": "feed.location.not_allowed",
            "message": self.env._(
                "location %(code)s is not one of the stores you may send sales for (your "
                "user's BOH Stores).",
                code=repr(code)[:80],
            ),
        }

    def _unknown_location_error(self, code):
        return {
            "line_ref": "",
            "field": "location",
            "code": "feed.location.unknown",
            "message": self.env._(
                "location %(code)s is not a known location (the code of a warehouse).",
                code=repr(code),
            ),
        }

    def _reprocess_orders(self, orders):
        """Run stored orders through mapping, depletion and facts again (after a mapping)."""
        entries = [
            FeedEntry(
                order=order_from_content(json.loads(record.content)),
                warehouse=record.warehouse_id,
                answer={"order_ref": record.order_ref, "status": "amended", "errors": []},
                fingerprint=record.fingerprint,
                record=record,
                batch=record.batch_id,
                reprocess=True,
            )
            for record in orders
        ]
        self._compute_effects(entries)
        self._write_entries(entries)
        return entries

    def _load_maps(self, company, sources):
        """Item and modifier maps of a company, per source, in two reads."""

        def by_source(model, fname, value):
            """``{source: {code: value(row)}}`` of the company's rows of ``model``."""
            maps = defaultdict(dict)
            rows = (
                self.env[model]
                .sudo()
                .search_fetch(
                    [("company_id", "=", company.id), ("source", "in", list(sources))],
                    ["source", "code", fname],
                )
            )
            for row in rows:
                maps[row.source][row.code] = value(row)
            return maps

        item_maps = by_source(
            "boh.pos.item.map",
            "product_id",
            lambda row: (row.product_id.id, row.product_id.uom_id.id),
        )
        mod_maps = by_source(
            "boh.pos.modifier.map",
            "line_ids",
            lambda row: [(line.product_id.id, line.qty, line.uom_id.id) for line in row.line_ids],
        )
        return item_maps, mod_maps

    def _add_odoo_pos_items(self, item_maps, entries):
        """Odoo POS products are menu items: their code is the product id, mapped to itself."""
        codes = {
            line.item_code
            for entry in entries
            if entry.order.source == ODOO_POS_SOURCE
            for line in entry.order.lines
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
            by_company[entry.warehouse.company_id].append(entry)
        for company, group in by_company.items():
            self._compute_company_effects(company, group)

    def _compute_company_effects(self, company, entries):
        item_maps, mod_maps = self._load_maps(company, {e.order.source for e in entries})
        book, book_products, _converter = self.env["boh.costing"].sudo()._load_book(company)
        # only pos.order._boh_feed speaks for Odoo's POS; a push naming that source is not
        # trusted with products by id
        odoo_pos = switched_on(self.env, "boh_odoo_pos_feed")
        if odoo_pos:
            self._add_odoo_pos_items(item_maps, entries)
        with_recipe = {recipe.product for recipe in book.recipes}
        exploded_rows = []  # (entry, demand row)
        direct_rows = []
        for entry in entries:
            order = entry.order
            try:
                rows, unmapped = demand_rows(order, item_maps[order.source], mod_maps[order.source])
            except BohError as error:
                entry.refuse(translate_core_error(self.env, error), error.field, code=error.code)
                continue
            entry.item_map = item_maps[order.source]
            if unmapped:
                entry.unmapped = sorted({(kind, code) for _ref, kind, code in unmapped})
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
        self._compute_facts(company, [e for e in entries if not e.errors])

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
                by_entry[entry].append(row)
            for entry, entry_rows in by_entry.items():
                try:
                    part = book.explode_each(
                        [(row.product, float(row.qty), int(row.unit)) for row in entry_rows]
                    )
                except BohError as error:
                    entry.refuse(
                        translate_core_error(self.env, error), error.field, code=error.code
                    )
                    continue
                for row, ingredients in zip(entry_rows, part, strict=True):
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
                    entry.note = self.env._("Some items have no recipe: nothing depleted.")
                continue
            uom = uom_by_id.get(int(row.unit))
            qty = float(row.qty)
            if uom and uom != product.uom_id:
                if uom.category_id != product.uom_id.category_id:
                    entry.refuse(
                        self._unit_error(uom, product),
                        "modifiers",
                        row.line_ref,
                        code="feed.modifier.unit_mismatch",
                    )
                    continue
                qty = uom._compute_quantity(qty, product.uom_id, round=False)
            _add_consumption(entry, row.kind, {product.id: qty})

    def _unit_error(self, uom, product):
        return self.env._(
            "The modifier mapping uses unit %(uom)s for %(product)s, "
            "which cannot be converted to %(own)s.",
            uom=uom.name,
            product=product.display_name,
            own=product.uom_id.name,
        )

    def _compute_facts(self, company, entries):
        """Fact rows per order and item: quantity, revenue net of tax, covers, hour."""
        product_ids = {target[0] for entry in entries for target in entry.item_map.values()}
        products = self.env["product.product"].sudo().with_company(company).browse(product_ids)
        taxes = {
            p.id: _plain_taxes(p.taxes_id.filtered(lambda t, c=company: t.company_id == c))
            for p in products
        }
        for entry in entries:
            if entry.unmapped:
                continue
            order = entry.order
            local = order.closed_at.astimezone(
                _store_tz(entry.warehouse, company) or order.closed_at.tzinfo
            )
            covers = order.covers
            for sales in item_sales(order, entry.item_map, taxes):
                entry.facts.append(
                    {
                        "company_id": company.id,
                        "warehouse_id": entry.warehouse.id,
                        "product_id": sales.product,
                        "date": order.business_date,
                        "hour": local.hour,
                        "closed_at": order.closed_at.astimezone(timezone.utc).replace(tzinfo=None),
                        "qty": sales.qty,
                        "revenue": company.currency_id.round(sales.revenue),
                        "covers": covers,
                        "is_component": sales.is_component,
                        "source": order.source,
                        "order_ref": order.order_ref,
                    }
                )
                covers = 0


def _add_consumption(entry, kind, ingredients):
    """Add what a demand row of ``kind`` takes (or puts back) to the entry's consumption."""
    sign, bucket = STOCK_EFFECT[kind]
    for product_id, qty in ingredients.items():
        entry.consumption[(product_id, bucket)] += sign * qty


def _store_tz(warehouse, company):
    """The store's time zone (its address, else the company's); None when unset or unknown."""
    name = warehouse.partner_id.tz or company.partner_id.tz
    try:
        return pytz.timezone(name) if name else None
    except pytz.UnknownTimeZoneError:
        return None
