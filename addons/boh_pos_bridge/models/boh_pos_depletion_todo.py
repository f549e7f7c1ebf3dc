from odoo import fields, models
from odoo.exceptions import AccessError, UserError
from odoo.tools import SQL


class BohPosDepletionTodo(models.Model):
    """A store and business day whose depletion must be brought up to date (deferred mode),
    or whose depletion could not be posted (either mode).

    Queued: one row per push and key, never updated: pushes never wait on each other here,
    and the newest row of a key tells how long the key has been quiet. Posting a key deletes
    its queued rows.

    Failed: one row per key at most (a unique index), kept with the reason and the number of
    attempts, so that a person sees it and retries it (``action_retry``); the cron retries
    it too, each failed key alone, so that one bad store-day never holds up the others. Once
    it posts, the row stays as *Posted* (the record of what went wrong and when it was put
    right).
    """

    _name = "boh.pos.depletion.todo"
    _description = "POS Depletion To Post"
    _order = "id"

    warehouse_id = fields.Many2one("stock.warehouse", required=True, ondelete="cascade", index=True)
    date = fields.Date(string="Business Date", required=True)
    state = fields.Selection(
        [("queued", "Queued"), ("failed", "Failed"), ("posted", "Posted after a failure")],
        required=True,
        default="queued",
        readonly=True,
        index=True,
    )
    error = fields.Text(
        string="Reason",
        readonly=True,
        help="Why the depletion of this store and day could not be posted to stock.",
    )
    attempt_count = fields.Integer(
        string="Failed Attempts",
        readonly=True,
        help="How many times posting this store and day has failed.",
    )

    def init(self):
        # one failed row per store-day: recording a failure again updates it in place
        self.env.cr.execute(
            SQL(
                "CREATE UNIQUE INDEX IF NOT EXISTS boh_pos_depletion_todo_failed_key "
                "ON boh_pos_depletion_todo (warehouse_id, date) WHERE state = 'failed'"
            )
        )

    def action_retry(self):
        """Post the depletion of these failed store-days again, each on its own; a store-day
        that still cannot post stays failed with its new reason."""
        self._check_retry_access()
        not_failed = self.filtered(lambda todo: todo.state != "failed")
        if not_failed:
            raise UserError(
                self.env._(
                    "Only a failed store-day can be retried; %(days)s is not failed.",
                    days=", ".join(f"{todo.warehouse_id.code} {todo.date}" for todo in not_failed),
                )
            )
        feed = self.env["boh.pos.feed"].sudo()
        # the keys still failed once locked (a cron run may have posted one meanwhile)
        keys = feed._take_depletion_todo({(todo.warehouse_id.id, todo.date) for todo in self})
        feed._post_taken_depletion(keys, alone=True)
        return True

    def _check_retry_access(self):
        """A retry posts stock moves: only a BOH Manager who may read these rows retries
        them (the rows' record rules keep a store manager inside their stores)."""
        self.check_access("read")
        if not self.env.user.has_group("boh_inventory.group_boh_manager"):
            raise AccessError(
                self.env._("Only a BOH Manager can retry the depletion of a store-day.")
            )
