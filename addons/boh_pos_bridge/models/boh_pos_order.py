from odoo import fields, models


class BohPosOrder(models.Model):
    """A sales order as a POS sent it, keyed by (source, location, order_ref)."""

    _name = "boh.pos.order"
    _description = "POS Sales Order"
    _order = "business_date desc, id desc"
    _check_company_auto = True
    _rec_name = "order_ref"

    source = fields.Char(required=True, index=True, readonly=True)
    order_ref = fields.Char(string="Order Reference", required=True, index=True, readonly=True)
    warehouse_id = fields.Many2one(
        "stock.warehouse", string="Location", required=True, index=True, readonly=True
    )
    company_id = fields.Many2one("res.company", required=True, index=True, readonly=True)
    business_date = fields.Date(required=True, index=True, readonly=True)
    closed_at = fields.Datetime(readonly=True)
    covers = fields.Integer(readonly=True)
    fingerprint = fields.Char(readonly=True, help="Hash of the normalized content.")
    content = fields.Text(readonly=True, help="Normalized content (JSON).")
    version = fields.Integer(default=1, readonly=True, help="1, then +1 per amendment.")
    state = fields.Selection(
        [("done", "Processed"), ("unmapped", "Waiting for mapping")],
        default="done",
        required=True,
        index=True,
        readonly=True,
    )
    note = fields.Char(readonly=True)
    batch_id = fields.Many2one("boh.pos.batch", string="Last Batch", readonly=True, index=True)
    line_ids = fields.One2many("boh.pos.order.line", "order_id", string="Lines", readonly=True)
    consumption_ids = fields.One2many(
        "boh.pos.consumption", "order_id", string="Ingredients Used", readonly=True
    )
    amount_total = fields.Monetary(readonly=True, string="Total (tax incl.)")
    currency_id = fields.Many2one(related="company_id.currency_id")
    late_count_id = fields.Many2one(
        "boh.stock.count",
        string="Arrived After Count",
        readonly=True,
        index="btree_not_null",
        check_company=True,
        help="The approved stock count of this store that already covered the order's "
        "business day when the order was received: its depletion was set against the count "
        "as a late sale, so on-hand stays as counted.",
    )

    _sql_constraints = [
        (
            "order_key_unique",
            "unique(source, warehouse_id, order_ref)",
            "An order is stored once per source and location.",
        ),
    ]
