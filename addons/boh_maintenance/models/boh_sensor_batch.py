import json

from odoo import SUPERUSER_ID, api, fields, models


class BohSensorBatch(models.Model):
    """A sensor push kept verbatim because some of it could not be stored (an item of the
    suite's inbox, ``boh.inbox.mixin``).

    A push whose readings are all stored (or duplicates) leaves no batch: its readings
    are the record. One with readings answered ``error`` is kept as processed, with its
    answer, for a person to inspect; one that failed as a whole is kept as failed, to be
    retried. The payloads of processed batches are purged after the days set for the
    inbox; failed ones stay until they are retried.
    """

    _name = "boh.sensor.batch"
    _description = "Sensor Batch"
    _inherit = ["boh.inbox.mixin", "mail.thread"]
    _order = "id desc"
    _inbox_purged_states = ("done", "superseded")

    name = fields.Char(compute="_compute_name", string="Batch")
    user_id = fields.Many2one("res.users", string="Sent By", readonly=True)
    payload = fields.Text(help="The readings exactly as received (JSON).")
    state = fields.Selection(
        selection_add=[("superseded", "Retried Automatically")],
        ondelete={"superseded": "set default"},
        tracking=True,
    )
    reading_count = fields.Integer("Readings", readonly=True)
    stored_count = fields.Integer("Stored", readonly=True)
    duplicate_count = fields.Integer("Duplicates", readonly=True)
    error_count = fields.Integer("Errors", readonly=True)

    @api.depends("create_date")
    def _compute_name(self):
        for batch in self:
            batch.name = f"#{batch.id}" if batch.id else ""

    def _inbox_retry(self):
        """Process the stored readings again (those already in are answered as duplicates)."""
        Reading = self.env["boh.sensor.reading"]
        for batch in self:
            try:
                readings = json.loads(batch.payload or "null")
            except ValueError:
                readings = None
            try:
                with self.env.cr.savepoint():
                    answer = Reading._process_readings(readings)
            except Exception as error:  # noqa: BLE001 -- shown on the batch, not raised
                batch._inbox_failed(error)
                continue
            batch._inbox_done(answer, **self._counts(answer))
        return True

    @api.model
    def _keep(self, readings, answer):
        """Keep a processed push that had readings in error, with its answer; its id."""
        batch = (
            self.sudo()
            .with_context(mail_create_nolog=True, tracking_disable=True)
            .create(
                dict(
                    self._counts(answer),
                    payload=self._inbox_text(readings, limit=None),
                    user_id=self.env.uid,
                    company_id=self.env.user.company_id.id,  # not a company the call claims
                )
            )
        )
        batch._inbox_done(answer)
        return batch.id

    @api.model
    def _keep_failed(self, readings, error):
        """Keep a push that could not be processed, in a transaction of its own (the
        caller's rolls back); its id."""
        with self.env.registry.cursor() as cr:
            env = api.Environment(cr, SUPERUSER_ID, {"mail_create_nolog": True})
            batch = env["boh.sensor.batch"].create(
                {
                    "payload": self._inbox_text(readings, limit=None),
                    "user_id": self.env.uid,
                    "company_id": self.env.user.company_id.id,
                    "reading_count": len(readings) if isinstance(readings, list | tuple) else 0,
                    "state": "failed",
                    "error": error,
                    "attempt_count": 1,
                }
            )
            return batch.id

    @api.model
    def _counts(self, answer):
        """The batch's counts of a push_readings answer."""
        statuses = [reading["status"] for reading in answer.get("readings", [])]
        return {
            "reading_count": len(statuses),
            "stored_count": statuses.count("stored"),
            "duplicate_count": statuses.count("duplicate"),
            "error_count": statuses.count("error"),
        }
