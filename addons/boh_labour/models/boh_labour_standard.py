from odoo import api, fields, models
from odoo.exceptions import ValidationError


class BohLabourStandard(models.Model):
    _inherit = "boh.labour.standard"

    job_id = fields.Many2one(
        "hr.job",
        check_company=True,
        index=True,
        help="The job position this standard staffs; schedules assign its shifts to "
        "employees holding it.",
    )
    min_staff = fields.Integer(
        "Minimum While Open", default=0, help="People of this job whenever the store is open."
    )

    @api.constrains("min_staff")
    def _check_min_staff(self):
        for standard in self:
            if standard.min_staff < 0:
                raise ValidationError(
                    self.env._(
                        "The minimum staff of %(role)s cannot be negative (%(value)s).",
                        role=standard.role,
                        value=standard.min_staff,
                    )
                )

    @api.onchange("job_id")
    def _onchange_job_id(self):
        if self.job_id and not self.role:
            self.role = self.job_id.name

    def _boh_link_jobs(self):
        """Link these standards to the job their role names, creating missing jobs in one go."""
        if not self:
            return
        Job = self.env["hr.job"].sudo()
        names = {(s.company_id.id, (s.role or "").strip()) for s in self if (s.role or "").strip()}
        existing = Job.search(
            [("name", "in", [n for _c, n in names]), ("company_id", "in", [c for c, _n in names])]
        )
        by_key = {(job.company_id.id, job.name): job for job in existing}
        missing = [{"name": n, "company_id": c} for c, n in sorted(names) if (c, n) not in by_key]
        for job in Job.create(missing):
            by_key[(job.company_id.id, job.name)] = job
        for standard in self:
            job = by_key.get((standard.company_id.id, (standard.role or "").strip()))
            if job:
                standard.job_id = job
