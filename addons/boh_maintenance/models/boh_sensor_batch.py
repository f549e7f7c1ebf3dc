import json
from functools import partial

from odoo import SUPERUSER_ID, api, fields, models

#: The raw text kept of one push (a full batch of readings fits with room to spare).
MAX_STORED_TEXT = 5_000_000


class BohSensorBatch(models.Model):
    """One raw push of sensor readings, stored before it is processed: nothing is lost."""

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
                    answer = Reading._boh_process_readings(readings)
            except Exception as error:  # noqa: BLE001 -- shown on the batch, not raised
                batch.sudo().write({"state": "failed", "error": str(error)[:2000]})
                continue
            batch.sudo().write(self._boh_outcome(answer))
        return True

    @api.model
    def _boh_store_raw(self, readings):
        """Keep the raw push in its own transaction, committed before any processing."""
        try:
            text = json.dumps(readings, ensure_ascii=False, default=repr)
        except (TypeError, ValueError, RecursionError):
            text = repr(readings)
        with self.env.registry.cursor() as cr:
            env = api.Environment(cr, SUPERUSER_ID, {})
            batch = env["boh.sensor.batch"].create(
                {
                    "payload": text[:MAX_STORED_TEXT],
                    "user_id": self.env.uid,
                    "company_id": self.env.company.id,
                    "reading_count": len(readings) if isinstance(readings, list | tuple) else 0,
                }
            )
            return batch.id

    @api.model
    def _boh_mark(self, batch_id, vals):
        """Write a batch's outcome in its own transaction (the caller's may roll back)."""
        with self.env.registry.cursor() as cr:
            api.Environment(cr, SUPERUSER_ID, {})["boh.sensor.batch"].browse(batch_id).write(vals)

    @api.model
    def _boh_mark_after_commit(self, batch_id, vals):
        """Record a successful outcome once the readings themselves are committed."""
        if self.env.registry.in_test_mode():
            # Test cursors share one transaction: there is no commit to wait for.
            self._boh_mark(batch_id, vals)
        else:
            self.env.cr.postcommit.add(partial(self._boh_mark, batch_id, vals))

    @api.model
    def _boh_outcome(self, answer):
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
