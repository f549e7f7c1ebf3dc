"""The sales feed's public API: ``push_sales`` and ``get_availability`` over XML-RPC.

``boh.pos.feed`` is one abstract model spread over files a concern each, as Odoo's own
addons extend a model across files:

* here, the API, its access check and the raw batches (stored first, in their own
  transaction);
* ``boh_pos_feed_pipeline.py``: validate, map, explode and count every order of a push;
* ``boh_pos_feed_store.py``: lock, write and answer the orders, in bulk;
* ``boh_pos_feed_depletion.py``: post what the orders consume to stock (now or deferred);
* ``boh_pos_feed_lots.py``: which lots a depletion takes (first-expired-first-out);
* ``boh_pos_feed_availability.py``: the 86 list.

An order travels through them as a ``FeedEntry`` (``tools/feed_entry.py``).
"""

import logging
from functools import partial

from psycopg2 import errors as pg_errors

from odoo import SUPERUSER_ID, api, fields, models
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.service.model import PG_CONCURRENCY_EXCEPTIONS_TO_RETRY

_logger = logging.getLogger(__name__)

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
                "superseded",
                self.env._("A concurrent push touched the same data; retried."),
            )
            raise
        except (UserError, ValidationError) as error:
            self._mark_batch(batch_id, "failed", str(error))
            raise
        except Exception as error:
            _logger.exception("POS batch %s could not be processed", batch_id)
            self._mark_batch(batch_id, "failed", repr(error)[:2000])
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
        if warehouse not in self.env.user._boh_store_scope():
            raise ValidationError(
                self.env._(
                    "location %(code)s is not one of your stores (your user's BOH Stores).",
                    code=repr(location_code)[:80],
                )
            )
        domain = [("company_id", "=", warehouse.company_id.id)]
        if source is not None:
            if not isinstance(source, str | int) or isinstance(source, bool):
                raise ValidationError(self.env._("source must be the text name of your POS."))
            domain.append(("source", "=", str(source)))
        try:
            rows = self.sudo()._availability(warehouse)
        except Exception:
            # the detail stays in the server log: an integrator gets an answer, not internals
            _logger.exception("The 86 list of %s could not be computed", warehouse.code)
            raise UserError(
                self.env._(
                    "The availability of %(code)s cannot be computed right now; try again "
                    "later or ask the BOH manager.",
                    code=warehouse.code,
                )
            ) from None
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
        text = self.env["boh.pos.batch"]._inbox_text(payload, limit=None)
        source = external = ""
        if isinstance(payload, dict):
            if isinstance(payload.get("source"), str | int):
                source = str(payload["source"])[:128]
            if isinstance(payload.get("batch_id"), str | int):
                external = str(payload["batch_id"])[:128]
        company, warehouse = self._batch_scope(payload)
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
                    "company_id": company.id,
                    "warehouse_id": warehouse.id,
                }
            )
            return batch.id

    def _batch_scope(self, payload):
        """The company and store a raw push belongs to, for the batch's record rules.

        The company is the one of the stores its orders name (the pushing user's own when
        they name none of the user's stores, or stores of several companies); the store is
        set only when every order names the same one of the user's stores, so that a push
        for several stores is read only by managers of all stores.
        """
        orders = payload.get("orders") if isinstance(payload, dict) else None
        # any value may come in a location (a list, a dict): only text names a store; the
        # payload's checks answer the rest, after the raw batch is stored
        locations = (
            [o.get("location") for o in orders if isinstance(o, dict)]
            if isinstance(orders, list)
            else []
        )
        codes = {location if isinstance(location, str) else None for location in locations}
        found = self._find_warehouses(sorted(c for c in codes if c is not None))
        warehouses = self.env["stock.warehouse"].sudo().browse({w.id for w in found.values()})
        company = self.env.user.company_id
        if len(warehouses.company_id) == 1:
            company = warehouses.company_id
        single = len(codes) == 1 and len(warehouses) == 1
        return company, warehouses if single else self.env["stock.warehouse"]

    def _mark_batch(self, batch_id, state, error):
        """Record that a batch failed (or was superseded by the sender's retry of a
        concurrent push), in its own transaction: the caller's rolls back."""
        with self.env.registry.cursor() as cr:
            env = api.Environment(cr, SUPERUSER_ID, {})
            batch = env["boh.pos.batch"].browse(batch_id)
            if state == "failed":
                batch._inbox_failed(error)
            else:
                batch.write(
                    {"state": state, "error": error, "processed_date": fields.Datetime.now()}
                )

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
