from odoo import fields, models
from odoo.tools import SQL


class BohPosDepletionTodo(models.Model):
    """A store and business day whose depletion must be brought up to date (deferred mode),
    or whose depletion could not be posted (either mode).

    An item of the suite's inbox (``boh.inbox.mixin``), with no payload: the store-day is
    the work.

    Received: one row per push and key, never updated: pushes never wait on each other
    here, and the newest row of a key tells how long the key has been quiet. Posting a key
    deletes its received rows.

    Failed: one row per key at most (a unique index), kept with the reason and the number of
    attempts, so that a person sees it and retries it (``action_retry``); the cron retries
    it too, each failed key alone, so that one bad store-day never holds up the others. Once
    it posts, the row stays as *Processed* (the record of what went wrong and when it was
    put right).
    """

    _name = "boh.pos.depletion.todo"
    _inherit = ["boh.inbox.mixin"]
    _description = "POS Depletion To Post"
    _order = "id"

    warehouse_id = fields.Many2one("stock.warehouse", required=True, ondelete="cascade", index=True)
    date = fields.Date(string="Business Date", required=True)
    error = fields.Text(
        string="Reason",
        help="Why the depletion of this store and day could not be posted to stock.",
    )
    attempt_count = fields.Integer(help="How many times posting this store and day has failed.")

    def _compute_display_name(self):
        for todo in self:
            todo.display_name = f"{todo.warehouse_id.code} {todo.date}"

    def init(self):
        # one failed row per store-day: recording a failure again updates it in place
        self.env.cr.execute(
            SQL(
                "CREATE UNIQUE INDEX IF NOT EXISTS boh_pos_depletion_todo_failed_key "
                "ON boh_pos_depletion_todo (warehouse_id, date) WHERE state = 'failed'"
            )
        )

    def _inbox_retry(self):
        """Post the depletion of these failed store-days again, each on its own; a store-day
        that still cannot post stays failed with its new reason."""
        feed = self.env["boh.pos.feed"].sudo()
        # the keys still failed once locked (a cron run may have posted one meanwhile)
        keys = feed._take_depletion_todo({(todo.warehouse_id.id, todo.date) for todo in self})
        feed._post_taken_depletion(keys, alone=True)
        return True
