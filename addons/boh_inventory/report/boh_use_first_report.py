from datetime import timedelta

from odoo import api, fields, models
from odoo.exceptions import UserError
from odoo.tools import SQL

from ..tools.orm_reader import company_field_sql


class BohUseFirstReport(models.Model):
    """What to use first: stock with an expiry date in the stores, soonest first, valued.

    One row per quant with a lot that expires (``product_expiry``), in the internal
    locations of a store; days left and value are worked out when the list is read. The
    *Use First* menu opens it on the company's horizon (*Use First Within*, in days), and
    expired stock is moved to waste in one action (:meth:`action_waste_expired`).
    """

    _name = "boh.use.first.report"
    _description = "Use First"
    _auto = False
    _order = "expiration_date, warehouse_id, product_id, id"
    # what the view reads: flushed before it is queried
    _depends = {
        "stock.quant": [
            "company_id",
            "location_id",
            "product_id",
            "lot_id",
            "quantity",
            "expiration_date",
        ],
        "stock.location": ["usage", "warehouse_id"],
        "product.product": ["standard_price", "product_tmpl_id"],
        "product.template": ["uom_id"],
    }

    company_id = fields.Many2one("res.company", readonly=True)
    warehouse_id = fields.Many2one("stock.warehouse", string="Store", readonly=True)
    location_id = fields.Many2one("stock.location", readonly=True)
    product_id = fields.Many2one("product.product", readonly=True)
    lot_id = fields.Many2one("stock.lot", readonly=True)
    expiration_date = fields.Datetime(readonly=True)
    days_left = fields.Integer(
        readonly=True, help="Days until the lot expires (negative: expired that long ago)."
    )
    quantity = fields.Float(digits="Product Unit of Measure", readonly=True)
    uom_id = fields.Many2one("uom.uom", string="Unit", readonly=True)
    currency_id = fields.Many2one(related="company_id.currency_id")
    unit_cost = fields.Float(
        digits="Product Price", readonly=True, groups="boh_inventory.group_boh_manager"
    )
    value = fields.Monetary(readonly=True, groups="boh_inventory.group_boh_manager")

    @property
    def _table_query(self):
        # the cost of the quant's company, read as the ORM reads it (tools.orm_reader)
        cost = company_field_sql(
            self.env["product.product"], "pp", "standard_price", SQL("q.company_id")
        )
        return SQL(
            """
            SELECT q.id, q.company_id, l.warehouse_id, q.location_id, q.product_id, q.lot_id,
                   q.expiration_date,
                   (q.expiration_date::date - (now() AT TIME ZONE 'UTC')::date) AS days_left,
                   q.quantity, pt.uom_id,
                   %(cost)s AS unit_cost,
                   q.quantity * %(cost)s AS value
              FROM stock_quant q
              JOIN stock_location l ON l.id = q.location_id
              JOIN product_product pp ON pp.id = q.product_id
              JOIN product_template pt ON pt.id = pp.product_tmpl_id
             WHERE l.usage = 'internal'
               AND l.warehouse_id IS NOT NULL
               AND q.expiration_date IS NOT NULL
               AND q.quantity > 0
            """,
            cost=cost,
        )

    @api.model
    def action_open(self):
        """Open the list on what expires within the company's horizon (expired included)."""
        self.check_access("read")
        days = self.env.company.boh_use_first_days
        limit = fields.Datetime.to_string(
            fields.Datetime.now().replace(hour=23, minute=59, second=59) + timedelta(days=days)
        )
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "boh_inventory.action_boh_use_first_report"
        )
        action["domain"] = [("expiration_date", "<=", limit)]
        action["name"] = self.env._("Use First (next %(days)s days)", days=days)
        return action

    def action_waste_expired(self):
        """Move the expired stock among these rows to waste, reason *Expired*: one waste
        entry per lot and location, all created in one batch. Entries within the approval
        limit post at once; a BOH manager's action approves the others too."""
        self.env["boh.waste.entry"].check_access("create")
        now = fields.Datetime.now()
        expired = self.filtered(lambda row: row.expiration_date <= now)
        if not expired:
            raise UserError(
                self.env._(
                    "None of the selected stock has expired (the earliest expires on "
                    "%(date)s); nothing was moved to waste.",
                    date=min(self.mapped("expiration_date"), default="-"),
                )
            )
        Reason = self.env["boh.waste.reason"]
        entries = self.env["boh.waste.entry"].create(
            [
                {
                    "warehouse_id": row.warehouse_id.id,
                    "location_id": row.location_id.id,
                    "product_id": row.product_id.id,
                    "lot_id": row.lot_id.id,
                    "qty": row.quantity,
                    "uom_id": row.uom_id.id,
                    "reason_id": Reason._reason_of_kind(row.company_id, "expired").id,
                    "note": self.env._(
                        "Lot %(lot)s expired on %(date)s.",
                        lot=row.lot_id.name,
                        date=fields.Date.to_string(row.expiration_date.date()),
                    ),
                }
                for row in expired
            ]
        )
        waiting = entries.filtered(lambda entry: entry.state == "to_approve")
        # a counter's entries wait for a manager, as any waste does
        if waiting and self.env.user.has_group("boh_inventory.group_boh_manager"):
            waiting.action_approve()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "boh_inventory.action_boh_waste_entry"
        )
        action["domain"] = [("id", "in", entries.ids)]
        action["context"] = {}
        return action
