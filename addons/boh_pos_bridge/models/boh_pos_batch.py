import json

from odoo import api, fields, models

#: How much of a raw payload the form shows (a push may hold 1,000 orders of 500 lines).
PREVIEW_CHARS = 100_000


class BohPosBatch(models.Model):
    """One raw push, stored before anything else so that nothing is ever lost (an item of
    the suite's inbox, ``boh.inbox.mixin``)."""

    _name = "boh.pos.batch"
    _description = "POS Sales Batch"
    _inherit = ["boh.inbox.mixin", "mail.thread"]
    _order = "id desc"
    _inbox_purged_states = ("done", "superseded")

    name = fields.Char(compute="_compute_name", string="Batch")
    source = fields.Char(index=True, readonly=True)
    external_id = fields.Char(string="Sender Batch ID", readonly=True)
    channel = fields.Selection(
        [("xmlrpc", "XML-RPC push"), ("csv", "File upload"), ("odoo_pos", "Odoo POS")],
        default="xmlrpc",
        readonly=True,
    )
    payload_preview = fields.Text(
        string="Raw Payload",
        compute="_compute_payload_preview",
        help="The beginning of the payload as received; the whole of it is kept and used by Retry.",
    )
    user_id = fields.Many2one("res.users", string="Sent By", readonly=True)
    company_id = fields.Many2one(help="The company of the stores the push is for.")
    warehouse_id = fields.Many2one(
        "stock.warehouse",
        string="Store",
        readonly=True,
        index=True,
        help="The store of every order in the push; empty when the push is for several stores "
        "(then only managers of all stores read it).",
    )
    state = fields.Selection(
        selection_add=[("superseded", "Retried")],
        ondelete={"superseded": "set default"},
        tracking=True,
    )
    order_count = fields.Integer(string="Orders", readonly=True)
    created_count = fields.Integer(string="Created", readonly=True)
    duplicate_count = fields.Integer(string="Duplicates", readonly=True)
    amended_count = fields.Integer(string="Amended", readonly=True)
    error_count = fields.Integer(string="Errors", readonly=True)

    @api.depends("payload")
    def _compute_payload_preview(self):
        for batch in self:
            text = batch.payload or ""
            if len(text) > PREVIEW_CHARS:
                text = self.env._(
                    "%(start)s\n[... %(more)s more characters, kept in full]",
                    start=text[:PREVIEW_CHARS],
                    more=len(text) - PREVIEW_CHARS,
                )
            batch.payload_preview = text

    @api.depends("source")
    def _compute_name(self):
        for batch in self:
            batch.name = f"#{batch.id} {batch.source or ''}".strip()

    def _inbox_retry(self):
        """Process failed pushes again: orders already in are answered as duplicates, and an
        order that a later push changed is left as it is."""
        feed = self.env["boh.pos.feed"].sudo()
        for batch in self:
            try:
                payload = json.loads(batch.payload or "null")
            except ValueError:
                payload = None
            answer = feed._process_payload(payload, batch.sudo())
            batch.sudo()._record_answer(answer)
        return True

    def _record_answer(self, answer):
        """Store the outcome of processing in this batch."""
        counts = {"created": 0, "duplicate": 0, "amended": 0, "error": 0}
        for order in answer.get("orders", []):
            counts[order["status"]] = counts.get(order["status"], 0) + 1
        self._inbox_done(
            answer,
            order_count=len(answer.get("orders", [])),
            created_count=counts["created"],
            duplicate_count=counts["duplicate"],
            amended_count=counts["amended"],
            error_count=counts["error"],
        )
