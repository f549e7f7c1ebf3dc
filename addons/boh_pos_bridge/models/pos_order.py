import logging

import pytz

from odoo import api, fields, models
from odoo.addons.boh_inventory.tools.server_context import server_switches, switched_on
from odoo.service.model import PG_CONCURRENCY_EXCEPTIONS_TO_RETRY
from odoo.tools import float_is_zero

from boh_core.sales.payload import MAX_ORDERS

from .boh_pos_feed import ODOO_POS_SOURCE

_logger = logging.getLogger(__name__)

FED_STATES = ("paid", "done", "invoiced")


class PosOrder(models.Model):
    _inherit = "pos.order"

    boh_feed_state = fields.Selection(
        [("pending", "Waiting"), ("done", "Fed"), ("error", "Failed")],
        string="BOH Sales Feed",
        copy=False,
        index="btree_not_null",
        readonly=True,
        help="Whether this order reached the BOH sales facts and ingredient depletion.",
    )
    boh_feed_error = fields.Text(string="BOH Feed Error", copy=False, readonly=True)

    @api.model
    def sync_from_ui(self, orders):
        """Feed the orders this sync paid to the BOH pipeline in one batch."""
        if switched_on(self.env, "boh_pos_skip_feed"):
            return super().sync_from_ui(orders)
        result = super(
            PosOrder, self.with_context(**server_switches("boh_pos_defer_feed"))
        ).sync_from_ui(orders)
        ids = [row["id"] for row in (result or {}).get("pos.order", []) if row.get("id")]
        if ids:
            self.browse(ids).filtered(lambda o: o.boh_feed_state == "pending")._boh_feed()
        return result

    def _process_saved_order(self, draft):
        """A paid order goes to the BOH feed: at once, or at the end of its sync batch."""
        order_id = super()._process_saved_order(draft)
        if switched_on(self.env, "boh_pos_skip_feed"):
            return order_id
        if not draft and self.state in FED_STATES and self.boh_feed_state != "done":
            self.boh_feed_state = "pending"
            if not switched_on(self.env, "boh_pos_defer_feed"):
                self._boh_feed()
        return order_id

    # ------------------------------------------------------------------ business methods
    def _boh_feed(self):
        """Push these paid orders through the sales pipeline of ``boh.pos.feed``.

        The POS order is its own raw record, so nothing is stored twice; a failure leaves
        the order ``error`` with the reason (visible on the order, retried once per run of
        the cron *BOH: feed waiting and failed Odoo POS orders* and by *Retry BOH Feed*) and never
        blocks the sale itself.
        """
        orders = self.filtered(lambda o: o.state in FED_STATES and o.lines)
        (self - orders).write({"boh_feed_state": False, "boh_feed_error": False})
        feed = self.env["boh.pos.feed"].sudo().with_context(**server_switches("boh_odoo_pos_feed"))
        for company in orders.company_id:
            todo = orders.filtered(lambda o, c=company: o.company_id == c)
            for start in range(0, len(todo), MAX_ORDERS):
                chunk = todo[start : start + MAX_ORDERS]
                payload = {"source": ODOO_POS_SOURCE, "orders": chunk._boh_feed_payload()}
                try:
                    with self.env.cr.savepoint():
                        answer = feed.with_company(company)._process_payload(
                            payload, self.env["boh.pos.batch"]
                        )
                except PG_CONCURRENCY_EXCEPTIONS_TO_RETRY:
                    raise
                except Exception as error:  # noqa: BLE001 - kept on the orders, retried later
                    _logger.warning("BOH feed of POS orders %s failed: %s", chunk.ids, error)
                    chunk.sudo().write({"boh_feed_state": "error", "boh_feed_error": str(error)})
                    continue
                for order, result in zip(chunk, answer["orders"], strict=True):
                    if result["status"] == "error":
                        message = "\n".join(
                            f"{e.get('field')}: {e.get('message')}" for e in result["errors"]
                        )
                        vals = {"boh_feed_state": "error", "boh_feed_error": message}
                    else:
                        vals = {"boh_feed_state": "done", "boh_feed_error": False}
                    order.sudo().write(vals)
        return True

    def _boh_feed_payload(self):
        """These orders as normalized sales orders of source ``odoo-pos``."""
        payload = []
        for order in self:
            warehouse = order.config_id.warehouse_id or order.config_id.picking_type_id.warehouse_id
            tz_name = (
                warehouse.partner_id.tz
                or order.company_id.partner_id.tz
                or order.user_id.tz
                or order.env.user.tz
                or "UTC"
            )
            try:
                tz = pytz.timezone(tz_name)
            except pytz.UnknownTimeZoneError:
                tz = pytz.utc
            closed = pytz.utc.localize(order.date_order).astimezone(tz)
            lines = []
            combo_totals = {}
            for line in order.lines:
                if line.combo_parent_id:
                    combo_totals[line.combo_parent_id.id] = (
                        combo_totals.get(line.combo_parent_id.id, 0.0) + line.price_subtotal_incl
                    )
            for line in order.lines:
                if float_is_zero(line.qty, precision_rounding=line.product_id.uom_id.rounding):
                    continue
                # a combo's price is spread on its components by Odoo; the feed wants it
                # on the parent (the components deplete, the set is what was sold)
                if line.combo_parent_id:
                    paid = 0.0
                else:
                    paid = line.price_subtotal_incl + combo_totals.get(line.id, 0.0)
                unit_price = abs(paid / line.qty)
                lines.append(
                    {
                        "line_ref": str(line.id),
                        "item_code": str(line.product_id.id),
                        "qty": f"{line.qty:.6f}",
                        "unit_price": f"{unit_price:.6f}",
                        "parent_line_ref": (
                            str(line.combo_parent_id.id) if line.combo_parent_id else None
                        ),
                    }
                )
            payload.append(
                {
                    "order_ref": f"{order.id}:{order.name}"[:128],
                    "location": warehouse.code,
                    "business_date": closed.date().isoformat(),
                    "closed_at": closed.isoformat(),
                    # guests are counted by pos_restaurant (customer_count) when installed
                    "covers": order["customer_count"] if "customer_count" in order._fields else 0,
                    "lines": lines,
                }
            )
        return payload

    @api.model
    def _cron_boh_feed_pending(self, limit=2000, retry_limit=200):
        """Feed the paid orders that are still waiting, and retry the failed ones (a
        safety net).

        Each failed order is retried once per run, on its own so that one that keeps
        failing cannot fail the others; the failed ones are chosen before this run feeds
        the waiting ones, so an order that fails now is retried by the next run. An order
        that fails again stays ``error`` with the new reason. Waiting orders beyond
        ``limit`` are left for the next run, which is asked for at once.
        """
        failed = self.search([("boh_feed_state", "=", "error")], order="id", limit=retry_limit)
        pending = self.search([("boh_feed_state", "=", "pending")], order="id", limit=limit)
        remaining = self.search_count([("boh_feed_state", "=", "pending")]) - len(pending)
        pending._boh_feed()
        for order in failed:
            order._boh_feed()
        self.env["ir.cron"]._notify_progress(
            done=len(failed) + len(pending), remaining=max(remaining, 0)
        )
        return True

    def action_boh_feed_retry(self):
        """Feed these orders again (after fixing what the error named)."""
        self.env["boh.pos.batch"].check_access("read")  # BOH managers
        self.filtered(lambda o: o.state in FED_STATES)._boh_feed()
        return True
