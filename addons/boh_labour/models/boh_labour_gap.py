import pytz

from odoo import fields, models

REASONS = [
    ("no_job", "Nobody holds this job"),
    ("unavailable", "Nobody qualified is available then"),
    ("limits", "Those qualified are at their hours, rest or shift limits"),
]


class BohLabourGap(models.Model):
    """Need a week's schedule could not cover, and why."""

    _name = "boh.labour.gap"
    _description = "Uncovered Need"
    _order = "start, job_id"

    week_id = fields.Many2one("boh.labour.week", required=True, index=True, ondelete="cascade")
    company_id = fields.Many2one(related="week_id.company_id", store=True, index=True)
    warehouse_id = fields.Many2one(related="week_id.warehouse_id", store=True, string="Store")
    job_id = fields.Many2one("hr.job", required=True)
    start = fields.Datetime(required=True)
    stop = fields.Datetime(required=True)
    missing = fields.Integer("People Short", help="The most people short at once in this span.")
    person_hours = fields.Float("Hours Short", digits=(16, 2))
    reason = fields.Selection(REASONS, required=True)

    def _local_label(self):
        self.ensure_one()
        tz = self.warehouse_id._boh_store_time()[self.warehouse_id.id].tz
        zone = pytz.timezone(tz)
        start = pytz.utc.localize(self.start).astimezone(zone)
        stop = pytz.utc.localize(self.stop).astimezone(zone)
        return f"{start:%a %d/%m %H:%M}-{stop:%H:%M}"
