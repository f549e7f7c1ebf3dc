"""The suite's inbox: work that arrived and is kept before, while and after it is done."""

import json
from datetime import timedelta

from odoo import api, fields, models
from odoo.exceptions import AccessError, UserError

#: The most text an inbox keeps of one payload or one answer (a push of 1,000 orders of
#: 500 lines fits); the rest is cut with a note saying how much.
MAX_TEXT = 5_000_000
#: Processed payloads are purged after this many days unless the settings say otherwise;
#: 0 keeps them for ever.
KEEP_DAYS_PARAM = "boh_inventory.inbox_keep_days"
KEEP_DAYS = 90


class BohInboxMixin(models.AbstractModel):
    """One mechanism for the suite's deferred work: POS pushes (``boh.pos.batch``), sensor
    pushes (``boh.sensor.batch``), QR repair reports (``boh.maintenance.intake.report``),
    store-days whose depletion must be posted (``boh.pos.depletion.todo``) and the partitions
    of the nightly forecast run (``boh.forecast.run.partition``).

    Each item is *Received* (kept, not processed yet), *Processed* or *Failed* (with the
    reason and the number of failed attempts); it belongs to a company; a BOH Manager
    retries a failed one (``action_retry``, which each inbox implements in
    ``_inbox_retry``); the payloads of processed items are purged after the number of days
    set in *Back of House > Configuration > Settings* (``_cron_purge_processed``), while
    failed ones are never purged: their work is not done yet.
    """

    _name = "boh.inbox.mixin"
    _description = "BOH Inbox Item"
    #: the states whose payload is purged once old enough (never *Failed*)
    _inbox_purged_states = ("done",)

    state = fields.Selection(
        [("received", "Received"), ("done", "Processed"), ("failed", "Failed")],
        default="received",
        required=True,
        readonly=True,
        index=True,
    )
    company_id = fields.Many2one(
        "res.company", readonly=True, index=True, default=lambda self: self.env.company
    )
    payload = fields.Text(readonly=True, help="What was received, exactly (JSON).")
    result = fields.Text(readonly=True, help="The answer sent back (JSON).")
    error = fields.Text(readonly=True, help="Why it could not be processed.")
    attempt_count = fields.Integer(
        string="Failed Attempts", readonly=True, help="How many times processing it failed."
    )
    processed_date = fields.Datetime(string="Processed On", readonly=True)
    payload_purged = fields.Boolean(
        readonly=True,
        help="The payload and the answer were deleted, the set number of days after it was "
        "processed; what became of it is still here.",
    )

    # ------------------------------------------------------------------ recording outcomes
    @api.model
    def _inbox_text(self, value, limit=MAX_TEXT):
        """``value`` as JSON text (its repr where it is not JSON), cut to ``limit``
        characters (``None``: whole, as payloads are kept: a retry needs all of it)."""
        if isinstance(value, str):
            text = value
        else:
            try:
                text = json.dumps(value, ensure_ascii=False, default=repr)
            except (TypeError, ValueError, RecursionError):
                text = repr(value)
        if limit is not None and len(text) > limit:
            cut = self.env._("[... %(more)s more characters not kept]", more=len(text) - limit)
            text = f"{text[:limit]}\n{cut}"
        return text

    def _inbox_done(self, answer=None, **values):
        """Record these items as processed, with ``answer`` (the reply, if any)."""
        values.update(state="done", error=False, processed_date=fields.Datetime.now())
        if answer is not None:
            values["result"] = self._inbox_text(answer)
        self.sudo().write(values)

    def _inbox_failed(self, error, **values):
        """Record these items as failed with ``error`` (text), one more failed attempt."""
        for item in self:
            item.sudo().write(
                dict(
                    values,
                    state="failed",
                    error=str(error)[:10_000],
                    attempt_count=item.attempt_count + 1,
                )
            )

    # ------------------------------------------------------------------ retry
    def action_retry(self):
        """Process these failed items again."""
        self._inbox_check_retry_access()
        not_failed = self.filtered(lambda item: item.state != "failed")
        if not_failed:
            raise UserError(
                self.env._(
                    "Only a failed item can be retried; %(items)s is not failed.",
                    items=", ".join(not_failed.mapped("display_name")),
                )
            )
        return self._inbox_retry()

    def _inbox_check_retry_access(self):
        """A retry does the work as the server: only a BOH Manager who may read these
        items (their record rules keep a store manager in their stores) retries them."""
        self.check_access("read")
        if not (self.env.su or self.env.user.has_group("boh_inventory.group_boh_manager")):
            raise AccessError(
                self.env._("Only a BOH Manager can retry %(what)s.", what=self._description)
            )

    def _inbox_retry(self):
        """Do the work of these failed items again (each inbox says how)."""
        raise NotImplementedError(self._name)

    # ------------------------------------------------------------------ purge
    @api.model
    def _inbox_keep_days(self):
        param = self.env["ir.config_parameter"].sudo().get_param(KEEP_DAYS_PARAM, KEEP_DAYS)
        try:
            return int(param)
        except (TypeError, ValueError):
            return KEEP_DAYS

    def _inbox_purge_values(self):
        """What purging a processed item deletes: its payload and answer (an inbox with
        more bulky fields adds them)."""
        return {"payload": False, "result": False, "payload_purged": True}

    @api.model
    def _cron_purge_processed(self, limit=1000):
        """Delete the payloads of items processed more than the kept number of days ago,
        by chunks; failed and waiting items keep theirs."""
        days = self._inbox_keep_days()
        if days <= 0:
            return
        domain = [
            ("state", "in", self._inbox_purged_states),
            ("payload_purged", "=", False),
            ("processed_date", "<", fields.Datetime.now() - timedelta(days=days)),
        ]
        items = self.sudo().search(domain, limit=limit, order="id")
        items.write(self._inbox_purge_values())
        remaining = self.sudo().search_count(domain) if len(items) == limit else 0
        self.env["ir.cron"]._notify_progress(done=len(items), remaining=remaining)
