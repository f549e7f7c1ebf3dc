from odoo import api, fields, models


class BohForecastRun(models.Model):
    """One night's forecast run of a company, split into partitions
    (``boh.forecast.run.partition``) that the cron workers take one by one."""

    _name = "boh.forecast.run"
    _description = "Nightly Forecast Run"
    _order = "date desc, id desc"

    company_id = fields.Many2one("res.company", required=True, readonly=True, index=True)
    date = fields.Date(string="Night of", required=True, readonly=True)
    partition_ids = fields.One2many(
        "boh.forecast.run.partition", "run_id", string="Partitions", readonly=True
    )
    state = fields.Selection(
        [("running", "In Progress"), ("done", "Done"), ("failed", "Done with Failures")],
        compute="_compute_state",
    )
    waiting_count = fields.Integer(string="Waiting", compute="_compute_state")
    failed_count = fields.Integer(string="Failed", compute="_compute_state")

    _sql_constraints = [
        ("company_date_unique", "unique(company_id, date)", "A company has one run a night.")
    ]

    @api.depends("partition_ids.state")
    def _compute_state(self):
        for run in self:
            states = run.partition_ids.mapped("state")
            run.waiting_count = states.count("received")
            run.failed_count = states.count("failed")
            if run.waiting_count:
                run.state = "running"
            else:
                run.state = "failed" if run.failed_count else "done"

    def _compute_display_name(self):
        for run in self:
            run.display_name = f"{run.company_id.name} {run.date}"
