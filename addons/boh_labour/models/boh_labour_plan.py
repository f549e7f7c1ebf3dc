from odoo import fields, models


class BohLabourPlan(models.Model):
    """The forecast's labour plan by job: each line's free-text role becomes the job of its
    standard (stored, so that existing lines get it on install and after the roles of
    earlier versions are linked to jobs)."""

    _inherit = "boh.labour.plan"

    job_id = fields.Many2one(
        "hr.job",
        string="Job",
        related="standard_id.job_id",
        store=True,
        index=True,
        readonly=True,
    )
