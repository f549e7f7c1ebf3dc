from datetime import datetime, time, timedelta

import pytz

from odoo import fields, models

MANAGER = "boh_inventory.group_boh_manager"


class BohStorePeriodLine(models.Model):
    """Actual vs theoretical usage of one ingredient at one store over one period.

    Written by :meth:`boh.store.period._compute_numbers`, never by hand. Quantities are in
    the ingredient's own unit; values at the ingredient's cost when the period was computed.
    ``rank`` orders the lines the largest unexplained value first (lines without both
    counts last), so that a kitchen user who sees no values still sees what to look at.
    """

    _name = "boh.store.period.line"
    _description = "Store Period Ingredient (AvT)"
    _order = "period_id, rank, id"
    _check_company_auto = True

    period_id = fields.Many2one(
        "boh.store.period", required=True, ondelete="cascade", index=True, readonly=True
    )
    warehouse_id = fields.Many2one(
        related="period_id.warehouse_id", store=True, index=True, string="Store"
    )
    company_id = fields.Many2one(related="period_id.company_id", store=True, index=True)
    currency_id = fields.Many2one(related="company_id.currency_id")
    date_from = fields.Date(related="period_id.date_from")
    date_to = fields.Date(related="period_id.date_to")
    product_id = fields.Many2one(
        "product.product", string="Ingredient", required=True, index=True, readonly=True
    )
    uom_id = fields.Many2one(related="product_id.uom_id", string="Unit")
    rank = fields.Integer(readonly=True, aggregator=None)
    opening_day = fields.Date(
        string="Opening Count", readonly=True, help="Business day of the opening count."
    )
    closing_day = fields.Date(
        string="Closing Count", readonly=True, help="Business day of the closing count."
    )
    has_opening = fields.Boolean(string="Opening Counted", readonly=True)
    has_closing = fields.Boolean(string="Closing Counted", readonly=True)
    opening_qty = fields.Float(string="Opening", digits="Product Unit of Measure", readonly=True)
    received_qty = fields.Float(
        string="Received",
        digits="Product Unit of Measure",
        readonly=True,
        help="Received from vendors, less what went back to them.",
    )
    transfer_in_qty = fields.Float(
        string="Transfers In", digits="Product Unit of Measure", readonly=True
    )
    transfer_out_qty = fields.Float(
        string="Transfers Out", digits="Product Unit of Measure", readonly=True
    )
    production_consumed_qty = fields.Float(
        string="Production Consumed", digits="Product Unit of Measure", readonly=True
    )
    production_made_qty = fields.Float(
        string="Production Made", digits="Product Unit of Measure", readonly=True
    )
    closing_qty = fields.Float(string="Closing", digits="Product Unit of Measure", readonly=True)
    actual_qty = fields.Float(string="Actual", digits="Product Unit of Measure", readonly=True)
    theoretical_qty = fields.Float(
        string="Theoretical", digits="Product Unit of Measure", readonly=True
    )
    variance_qty = fields.Float(string="Variance", digits="Product Unit of Measure", readonly=True)
    loss_waste_qty = fields.Float(
        string="Loss Waste", digits="Product Unit of Measure", readonly=True
    )
    unexplained_qty = fields.Float(
        string="Unexplained", digits="Product Unit of Measure", readonly=True
    )
    unit_cost = fields.Float(digits="Product Price", readonly=True, groups=MANAGER)
    actual_value = fields.Monetary(readonly=True, groups=MANAGER)
    theoretical_value = fields.Monetary(readonly=True, groups=MANAGER)
    variance_value = fields.Monetary(readonly=True, groups=MANAGER)
    loss_waste_value = fields.Monetary(readonly=True, groups=MANAGER)
    unexplained_value = fields.Monetary(readonly=True, groups=MANAGER)

    def action_view_moves(self):
        """The done stock moves of this ingredient at this store between its two counts."""
        self.check_access("read")
        self.ensure_one()
        store = self.warehouse_id.sudo()
        tz = store._boh_store_time()[store.id].tz
        start = (self.opening_day or self.date_from - timedelta(days=1)) + timedelta(days=1)
        end = (self.closing_day or self.date_to) + timedelta(days=1)
        zone = pytz.timezone(tz)

        def utc(day):
            local = zone.localize(datetime.combine(day, time.min))
            return local.astimezone(pytz.utc).replace(tzinfo=None)

        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Moves of %(product)s", product=self.product_id.display_name),
            "res_model": "stock.move",
            "view_mode": "list,form",
            "domain": [
                ("product_id", "=", self.product_id.id),
                ("state", "=", "done"),
                ("date", ">=", utc(start)),
                ("date", "<", utc(end)),
                "|",
                ("location_id.warehouse_id", "=", store.id),
                ("location_dest_id.warehouse_id", "=", store.id),
            ],
            "context": {"create": False},
        }

    def action_view_waste(self):
        """The posted waste of this ingredient at this store between its two counts."""
        self.check_access("read")
        self.ensure_one()
        start = self.opening_day or self.date_from - timedelta(days=1)
        end = self.closing_day or self.date_to
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Waste of %(product)s", product=self.product_id.display_name),
            "res_model": "boh.waste.line",
            "view_mode": "list",
            "views": [(self.env.ref("boh_inventory.boh_waste_line_view_list_avt").id, "list")],
            "domain": [
                ("product_id", "=", self.product_id.id),
                ("warehouse_id", "=", self.warehouse_id.id),
                ("state", "=", "posted"),
                ("date", ">", start),
                ("date", "<=", end),
            ],
            "context": {"create": False},
        }
