import json
from datetime import timedelta

from odoo import SUPERUSER_ID, api, fields, models

#: The raw text kept of one push (a full batch of readings fits with room to spare).
MAX_STORED_TEXT = 5_000_000
#: Processed batches (kept for their readings in error) are purged after this many days;
#: the ir.config_parameter below overrides it, 0 keeps them for ever.
KEEP_DAYS_PARAM = "boh_maintenance.sensor_batch_keep_days"
KEEP_DAYS = 90


class BohSensorBatch(models.Model):
    """A sensor push kept verbatim because some of it could not be stored.

    A push whose readings are all stored (or duplicates) leaves no batch: its readings
    are the record. One with readings answered ``error`` is kept as processed, with its
    answer, for a person to inspect; one that failed as a whole is kept as failed, to be
    retried. Processed batches are purged after a number of days (a system parameter);
    failed ones stay until they are retried.
    """

    _name = "boh.sensor.batch"
    _description = "Sensor Batch"
    _inherit = ["mail.thread"]
    _order = "id desc"

    name = fields.Char(compute="_compute_name", string="Batch")
    company_id = fields.Many2one("res.company", readonly=True, index=True)
    user_id = fields.Many2one("res.users", string="Sent By", readonly=True)
    payload = fields.Text(readonly=True, help="The readings exactly as received (JSON).")
    state = fields.Selection(
        [
            ("received", "Received"),
            ("done", "Processed"),
            ("failed", "Failed"),
            ("superseded", "Retried Automatically"),
        ],
        default="received",
        required=True,
        readonly=True,
        tracking=True,
        index=True,
    )
    error = fields.Text(readonly=True)
    reading_count = fields.Integer("Readings", readonly=True)
    stored_count = fields.Integer("Stored", readonly=True)
    duplicate_count = fields.Integer("Duplicates", readonly=True)
    error_count = fields.Integer("Errors", readonly=True)
    result = fields.Text(readonly=True, help="The answer sent back (JSON).")

    @api.depends("create_date")
    def _compute_name(self):
        for batch in self:
            batch.name = f"#{batch.id}" if batch.id else ""

    def action_retry(self):
        """Process the stored readings again (those already in are answered as duplicates)."""
        Reading = self.env["boh.sensor.reading"]
        Reading.check_access("create")
        for batch in self:
            try:
                readings = json.loads(batch.payload or "null")
            except ValueError:
                readings = None
            try:
                with self.env.cr.savepoint():
                    answer = Reading._process_readings(readings)
            except Exception as error:  # noqa: BLE001 -- shown on the batch, not raised
                batch.sudo().write({"state": "failed", "error": str(error)[:2000]})
                continue
            batch.sudo().write(self._outcome(answer))
        return True

    @api.model
    def _payload_text(self, readings):
        """The push as JSON text (its repr if it is not JSON), cut to MAX_STORED_TEXT."""
        try:
            text = json.dumps(readings, ensure_ascii=False, default=repr)
        except (TypeError, ValueError, RecursionError):
            text = repr(readings)
        return text[:MAX_STORED_TEXT]

    @api.model
    def _keep(self, readings, answer):
        """Keep a processed push that had readings in error, with its answer; its id."""
        batch = (
            self.sudo()
            .with_context(mail_create_nolog=True, tracking_disable=True)
            .create(
                dict(
                    self._outcome(answer),
                    payload=self._payload_text(readings),
                    user_id=self.env.uid,
                    company_id=self.env.user.company_id.id,  # not a company the call claims
                )
            )
        )
        return batch.id

    @api.model
    def _keep_failed(self, readings, error):
        """Keep a push that could not be processed, in a transaction of its own (the
        caller's rolls back); its id."""
        with self.env.registry.cursor() as cr:
            env = api.Environment(cr, SUPERUSER_ID, {"mail_create_nolog": True})
            batch = env["boh.sensor.batch"].create(
                {
                    "payload": self._payload_text(readings),
                    "user_id": self.env.uid,
                    "company_id": self.env.user.company_id.id,
                    "reading_count": len(readings) if isinstance(readings, list | tuple) else 0,
                    "state": "failed",
                    "error": error,
                }
            )
            return batch.id

    @api.model
    def _outcome(self, answer):
        """The batch values that sum up a push_readings answer."""
        statuses = [reading["status"] for reading in answer.get("readings", [])]
        return {
            "state": "done",
            "error": False,
            "reading_count": len(statuses),
            "stored_count": statuses.count("stored"),
            "duplicate_count": statuses.count("duplicate"),
            "error_count": statuses.count("error"),
            "result": json.dumps(answer, ensure_ascii=False)[:MAX_STORED_TEXT],
        }

    @api.model
    def _cron_purge_batches(self, limit=1000):
        """Delete processed batches older than the kept number of days, by chunks.

        Failed batches are never purged: their readings are not stored yet.
        """
        param = self.env["ir.config_parameter"].sudo().get_param(KEEP_DAYS_PARAM, KEEP_DAYS)
        try:
            days = int(param)
        except (TypeError, ValueError):
            days = KEEP_DAYS
        if days <= 0:
            return
        domain = [
            ("state", "in", ("done", "superseded")),
            ("create_date", "<", fields.Datetime.now() - timedelta(days=days)),
        ]
        batches = self.sudo().search(domain, limit=limit, order="id")
        batches.unlink()
        remaining = self.sudo().search_count(domain) if len(batches) == limit else 0
        self.env["ir.cron"]._notify_progress(done=len(batches), remaining=remaining)
