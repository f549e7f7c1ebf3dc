"""Reports sent by the public repair page, kept first, filed as repair requests by a job."""

import base64
import logging

from odoo import api, fields, models
from odoo.addons.boh_inventory.tools.server_context import check_server_fields
from odoo.tools import SQL, plaintext2html

_logger = logging.getLogger(__name__)

#: How many queued reports one run of the filing job takes at a time.
FILING_BATCH = 100


class BohMaintenanceIntakeReport(models.Model):
    """What a cook sent from a QR label, stored before anything else is done with it.

    The page answers with the reference as soon as the report is stored; the filing job
    (``_cron_file_reports``, woken by the page) turns it into a ``maintenance.request`` on
    the equipment's team, dispatched, with its SLA clocks started at ``reported_at`` and
    its followers notified. A report the job cannot file stays here, failed, with the
    reason and a retry button: nothing a cook reports is lost.
    """

    _name = "boh.maintenance.intake.report"
    _inherit = ["boh.inbox.mixin"]
    _description = "Repair Report from a QR Label"
    _order = "id desc"
    _rec_name = "reference"
    _check_company_auto = True

    reference = fields.Char(required=True, readonly=True, index=True, copy=False)
    equipment_id = fields.Many2one(
        "maintenance.equipment",
        required=True,
        readonly=True,
        ondelete="cascade",
        index=True,
    )
    company_id = fields.Many2one(required=True)
    reported_at = fields.Datetime(required=True, readonly=True)
    title = fields.Char(required=True, readonly=True)
    description = fields.Text(required=True, readonly=True, help="As typed, plain text.")
    urgency = fields.Selection(
        [("normal", "Normal"), ("urgent", "Urgent")], required=True, readonly=True
    )
    reporter_name = fields.Char("Reported By", readonly=True)
    reporter_phone = fields.Char(readonly=True)
    photo = fields.Binary(
        readonly=True,
        attachment=False,
        help="Cleaned JPEG, until it moves to the request.",
    )
    request_id = fields.Many2one(
        "maintenance.request",
        string="Repair Request",
        readonly=True,
        ondelete="set null",
    )

    _sql_constraints = [
        ("reference_unique", "unique(reference)", "A report reference is used once."),
    ]

    def write(self, vals):
        """A report is what the cook sent and what the filing job made of it: every field is
        the server's (managers retry a failed one with *Retry*)."""
        check_server_fields(self, [vals], [name for name in vals if name in self._fields])
        return super().write(vals)

    # ------------------------------------------------------------------ the public page
    @api.model
    def _queue(self, equipment, values):
        """Store one report of the public page and wake the filing job; return its reference.

        One INSERT (the photo included) and one trigger: the page must stay at least as
        light as Odoo's own login page, and a burst of reports shares one filing run.
        """
        sequence_id = self.env["ir.model.data"]._xmlid_to_res_id(
            "boh_maintenance.seq_request_reference"
        )
        sequence = self.env["ir.sequence"].sudo().browse(sequence_id)
        # what numbering reads, not the whole sequence record
        sequence.fetch(
            ["implementation", "use_date_range", "prefix", "suffix", "padding", "number_increment"]
        )
        reference = sequence._next()
        self.env.cr.execute(
            SQL(
                """
                INSERT INTO boh_maintenance_intake_report
                       (reference, equipment_id, company_id, reported_at, title, description,
                        urgency, reporter_name, reporter_phone, photo, state,
                        create_uid, write_uid, create_date, write_date)
                VALUES (%(reference)s, %(equipment)s, %(company)s, %(now)s, %(title)s,
                        %(description)s, %(urgency)s, %(name)s, %(phone)s, %(photo)s,
                        'received', %(uid)s, %(uid)s, %(now)s, %(now)s)
                """,
                reference=reference,
                equipment=equipment.id,
                company=equipment.company_id.id or self.env.user.company_id.id,
                now=fields.Datetime.now(),
                title=values["title"],
                description=values["description"],
                urgency=values["urgency"],
                name=values["reporter_name"] or None,
                phone=values["reporter_phone"] or None,
                # a Binary field without attachment keeps base64 in its bytea column
                photo=base64.b64encode(values["photo"]) if values["photo"] else None,
                uid=self.env.uid,
            )
        )
        self._wake_filing_job()
        return reference

    @api.model
    def _wake_filing_job(self):
        """Have the filing job run now, unless a run is already due.

        The first report after a quiet spell adds a trigger and, after the commit, wakes
        the cron workers; the reports that follow while it is pending add nothing.
        """
        cron = self.env["ir.cron"].browse(
            self.env["ir.model.data"]._xmlid_to_res_id(
                "boh_maintenance.ir_cron_boh_file_intake_reports"
            )
        )
        self.env.cr.execute(
            SQL(
                """
                INSERT INTO ir_cron_trigger
                       (cron_id, call_at, create_uid, write_uid, create_date, write_date)
                SELECT %(cron)s, %(now)s, %(uid)s, %(uid)s, %(now)s, %(now)s
                 WHERE NOT EXISTS (
                       SELECT 1 FROM ir_cron_trigger WHERE cron_id = %(cron)s AND call_at <= %(now)s
                 )
             RETURNING id
                """,
                cron=cron.id,
                now=fields.Datetime.now(),
                uid=self.env.uid,
            )
        )
        if self.env.cr.fetchone():
            self.env.cr.postcommit.add(cron.sudo()._notifydb)

    # ------------------------------------------------------------------ the filing job
    @api.model
    def _cron_file_reports(self):
        """File every waiting report as a repair request, a batch at a time."""
        while True:
            self.flush_model(["state"])
            # SKIP LOCKED: two cron workers never file the same report twice
            self.env.cr.execute(
                SQL(
                    """
                    SELECT id FROM boh_maintenance_intake_report
                     WHERE state = 'received' ORDER BY id LIMIT %s FOR UPDATE SKIP LOCKED
                    """,
                    FILING_BATCH,
                )
            )
            reports = self.sudo().browse([row[0] for row in self.env.cr.fetchall()])
            if not reports:
                return
            reports._file()
            if self.env.registry.in_test_mode():
                continue
            remaining = self.search_count([("state", "=", "received")])
            self.env["ir.cron"]._notify_progress(done=len(reports), remaining=remaining)
            # a filed batch is kept even if a later batch of this run fails
            self.env.cr.commit()  # pylint: disable=invalid-commit

    def _file(self):
        """Create the repair requests of these reports: all at once, or one by one when the
        batch fails, so that one report that cannot be filed does not hold up the others."""
        try:
            with self.env.cr.savepoint():
                self._create_requests()
            return
        except Exception:  # noqa: BLE001 -- isolated below, report by report
            self.env.invalidate_all(flush=False)
            if len(self) == 1:
                self._fail()
                return
        for report in self:
            try:
                with self.env.cr.savepoint():
                    report._create_requests()
            except Exception:  # noqa: BLE001 -- the reason is kept on the report
                self.env.invalidate_all(flush=False)
                report._fail()

    def _fail(self):
        _logger.warning("Repair report %s could not be filed", self.reference, exc_info=True)
        self._inbox_failed(
            self.env._(
                "This report could not be filed as a repair request. Check the equipment "
                "and its maintenance team, then press Retry."
            )
        )

    def _create_requests(self):
        # each equipment's store time zone once, not once per report
        tz_of = {machine: machine._boh_store_tz() for machine in self.equipment_id}
        requests = (
            self.env["maintenance.request"]
            .sudo()
            .with_context(
                # the followers of the team, category and technician are notified; the
                # job's own user neither follows nor is the owner of a cook's report
                mail_create_nosubscribe=True,
                mail_activity_automation_skip=True,
            )
            .create([report._request_vals(tz_of[report.equipment_id]) for report in self])
        )
        for report, repair in zip(self, requests, strict=True):
            # the photo moved to the request; the report keeps what the cook typed
            report._inbox_done(repair.boh_reference, request_id=repair.id, photo=False)

    def _request_vals(self, tz):
        """The repair request of this report; ``tz`` is its store's time zone."""
        self.ensure_one()
        # the day of the report in the store's time zone
        reported = fields.Datetime.context_timestamp(self.with_context(tz=tz), self.reported_at)
        vals = {
            "name": self.title,
            "description": plaintext2html(self.description),
            "equipment_id": self.equipment_id.id,
            "company_id": self.company_id.id,
            "maintenance_type": "corrective",
            "request_date": reported.date(),
            "boh_reference": self.reference,
            "boh_reported_at": self.reported_at,
            "boh_source": "qr",
            "boh_urgency": self.urgency,
            "boh_reporter_name": self.reporter_name,
            "boh_reporter_phone": self.reporter_phone,
            "owner_user_id": False,
        }
        if "employee_id" in self.env["maintenance.request"]._fields:  # hr_maintenance
            # reported by a guest of the page, not by an employee of the company
            vals["employee_id"] = False
        if self.photo:
            vals["boh_photo"] = self.photo
        return vals

    def _inbox_retry(self):
        """File these failed reports again (the filing job takes them at once)."""
        self.sudo().write({"state": "received", "error": False})
        self._wake_filing_job()
        return True
