from odoo import api, fields, models
from odoo.tools import SQL

from .boh_forecast_engine_partitions import PARTITION_LOCK_CLASS


class BohForecastRunPartition(models.Model):
    """A group of stores of a nightly run (``boh.forecast.run``), forecast, ordered for and
    planned in one transaction by whichever cron worker takes it.

    An item of the suite's inbox (``boh.inbox.mixin``): *Waiting* until a worker has run it,
    then *Done* (the result says what it made) or *Failed* with the reason and the number of
    failed attempts; a BOH Manager retries a failed one (it waits again, for the workers).
    A partition being run is locked by its worker's transaction: *Running* is that lock, seen
    by any session, not a state a dead worker could leave behind.
    """

    _name = "boh.forecast.run.partition"
    _inherit = ["boh.inbox.mixin"]
    _description = "Forecast Run Partition"
    _order = "date desc, run_id desc, sequence, id"

    state = fields.Selection(
        selection=[("received", "Waiting"), ("done", "Done"), ("failed", "Failed")]
    )
    run_id = fields.Many2one(
        "boh.forecast.run", required=True, readonly=True, ondelete="cascade", index=True
    )
    date = fields.Date(related="run_id.date", store=True, string="Night of")
    sequence = fields.Integer(readonly=True)
    kind = fields.Selection(
        [("stores", "Stores"), ("kitchen", "Central Kitchen Plan")],
        required=True,
        default="stores",
        readonly=True,
        help="Stores: forecasts, suggested orders and plans of these stores. Central Kitchen "
        "Plan: the kitchen's prep plan, the sum of every store's forecast; it waits until "
        "the run's store partitions have run.",
    )
    warehouse_ids = fields.Many2many("stock.warehouse", string="Stores", readonly=True)
    store_count = fields.Integer(string="Number of Stores", compute="_compute_store_count")
    started_date = fields.Datetime(string="Started", readonly=True)
    duration = fields.Float(string="Duration (s)", readonly=True, digits=(16, 1))
    running = fields.Boolean(
        compute="_compute_running", help="A worker is running this partition right now."
    )
    error = fields.Text(string="Reason", help="Why this partition could not be run.")
    attempt_count = fields.Integer(help="How many times running this partition has failed.")
    note = fields.Text(
        readonly=True,
        help="What the last run of this partition should tell: the Dask cluster set in the "
        "settings could not be used, why, and that the partition was forecast on the Odoo "
        "server instead.",
    )

    @api.depends("warehouse_ids")
    def _compute_store_count(self):
        for partition in self:
            partition.store_count = len(partition.warehouse_ids)

    def _compute_running(self):
        """Whether a worker holds the partition's advisory lock (``pg_locks`` is readable by
        any session, in a read-only transaction too)."""
        waiting = [p.id for p in self if p.id and p.state == "received"]
        held = set()
        if waiting:
            rows = self.env.execute_query(
                SQL(
                    """
                    SELECT objid FROM pg_locks
                     WHERE locktype = 'advisory' AND granted AND objsubid = 2
                       AND database = (SELECT oid FROM pg_database
                                        WHERE datname = current_database())
                       AND classid = %s AND objid = ANY(%s)
                    """,
                    PARTITION_LOCK_CLASS,
                    waiting,
                )
            )
            held = {row[0] for row in rows}
        for partition in self:
            partition.running = partition.id in held

    def _compute_display_name(self):
        for partition in self:
            partition.display_name = f"{partition.run_id.display_name} #{partition.sequence}"

    def _inbox_retry(self):
        """Put these failed partitions back to wait and wake the workers: a partition runs
        for many seconds, in a cron worker rather than in this request."""
        self.sudo().write({"state": "received"})
        self.env["boh.forecast.engine"].sudo()._wake_partition_workers()
        return True
