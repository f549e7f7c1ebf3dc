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


class BohPosOrderLine(models.Model):
    _name = "boh.pos.order.line"
    _description = "POS Sales Order Line"
    _order = "order_id, id"

    order_id = fields.Many2one("boh.pos.order", required=True, ondelete="cascade", index=True)
    line_ref = fields.Char(required=True)
    item_code = fields.Char(required=True)
    product_id = fields.Many2one("product.product", string="Menu Item")
    qty = fields.Float(string="Quantity", digits="Product Unit of Measure")
    unit_price = fields.Float(digits="Product Price", help="Paid per unit, tax included.")
    modifiers = fields.Char(help="Modifier codes and quantities per unit.")
    void = fields.Boolean()
    restock = fields.Boolean()
    parent_line_ref = fields.Char(string="Set Meal Line")


class BohPosConsumption(models.Model):
    """Ingredients an order takes out of stock, in each ingredient's own unit."""

    _name = "boh.pos.consumption"
    _description = "POS Ingredient Consumption"

    order_id = fields.Many2one("boh.pos.order", required=True, ondelete="cascade", index=True)
    company_id = fields.Many2one("res.company", required=True, index=True)
    warehouse_id = fields.Many2one("stock.warehouse", required=True, index=True)
    date = fields.Date(string="Business Date", required=True, index=True)
    product_id = fields.Many2one("product.product", string="Ingredient", required=True)
    kind = fields.Selection(
        [("sale", "Sold"), ("waste", "Returned by guest")], required=True, default="sale"
    )
    qty = fields.Float(string="Quantity", digits="Product Unit of Measure")
    uom_id = fields.Many2one(related="product_id.uom_id")
