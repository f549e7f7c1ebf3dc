from odoo import fields, models


class BohPosDepletionTodo(models.Model):
    """A store and business day whose depletion must be brought up to date (deferred mode).

    One row per push and key, never updated: pushes never wait on each other here, and the
    newest row of a key tells how long the key has been quiet.
    """

    _name = "boh.pos.depletion.todo"
    _description = "POS Depletion To Post"
    _order = "id"

    warehouse_id = fields.Many2one("stock.warehouse", required=True, ondelete="cascade", index=True)
    date = fields.Date(string="Business Date", required=True)
