import pandas as pd

from odoo import api, fields, models
from odoo.exceptions import UserError, ValidationError

from boh_core.forecast.inputs import forecast_value_added


class BohForecastOverride(models.Model):
    """A manager's own number for an item at a store on a day (a party booked, a road closed).

    The nightly run puts it in the forecast used for ordering and keeps the statistical
    forecast beside it (``boh.forecast.qty_stat``); once the day is past, the actual sales tell
    whether the override helped (forecast value added).
    """

    _name = "boh.forecast.override"
    _description = "Forecast Override"
    _order = "date desc, warehouse_id, product_id"
    _check_company_auto = True
    _rec_name = "product_id"

    company_id = fields.Many2one(
        "res.company", required=True, index=True, default=lambda self: self.env.company
    )
    warehouse_id = fields.Many2one(
        "stock.warehouse", string="Store", required=True, index=True, check_company=True
    )
    product_id = fields.Many2one(
        "product.product",
        string="Menu Item",
        required=True,
        index=True,
        check_company=True,
        domain=[("boh_kind", "=", "menu")],
    )
    date = fields.Date(required=True, index=True)
    qty = fields.Float(string="Quantity", required=True, digits="Product Unit of Measure")
    note = fields.Char(string="Why", translate=True)
    qty_stat = fields.Float(
        string="Statistical Forecast",
        digits="Product Unit of Measure",
        readonly=True,
        help="The statistical forecast of that day at the last run, before the override.",
    )
    qty_actual = fields.Float(
        string="Actual",
        digits="Product Unit of Measure",
        compute="_compute_qty_actual",
        help="Sales of the item at the store that day (once the day is past).",
    )

    _sql_constraints = [
        (
            "override_unique",
            "unique(warehouse_id, product_id, date)",
            "An item has one override per store and day.",
        ),
    ]

    def _compute_qty_actual(self):
        if not self:
            return
        rows = self.env["boh.sales.daily"]._read_group(
            [
                ("warehouse_id", "in", self.warehouse_id.ids),
                ("product_id", "in", self.product_id.ids),
                ("date", "in", list(set(self.mapped("date")))),
            ],
            ["warehouse_id", "product_id", "date:day"],
            ["qty:sum"],
        )
        sold = {(wh.id, product.id, day): qty for wh, product, day, qty in rows}
        for override in self:
            key = (override.warehouse_id.id, override.product_id.id, override.date)
            override.qty_actual = sold.get(key, 0.0)

    @api.constrains("qty", "date", "warehouse_id")
    def _check_qty_and_open_day(self):
        for override in self:
            if override.qty < 0:
                raise ValidationError(
                    self.env._(
                        "An override of %(item)s must be 0 or more, not %(qty)s.",
                        item=override.product_id.display_name,
                        qty=override.qty,
                    )
                )
        closures = (
            self.env["boh.forecast.closure"]
            .sudo()
            .search_fetch(
                [
                    ("warehouse_id", "in", self.warehouse_id.ids),
                    ("whole_day", "=", True),
                    ("date_from", "<=", max(self.mapped("date"))),
                    ("date_to", ">=", min(self.mapped("date"))),
                ],
                ["warehouse_id", "date_from", "date_to", "name"],
            )
        )
        for override in self:
            for closure in closures:
                if (
                    closure.warehouse_id == override.warehouse_id
                    and closure.date_from <= override.date <= closure.date_to
                ):
                    raise ValidationError(
                        self.env._(
                            "%(store)s is closed on %(date)s (%(reason)s): an override of "
                            "%(item)s that day would never be sold. Change the closure first.",
                            store=override.warehouse_id.name,
                            date=override.date,
                            reason=closure.name,
                            item=override.product_id.display_name,
                        )
                    )

    def action_show_value_added(self):
        """Whether the selected overrides of past days helped: WAPE with and without them."""
        self.check_access("read")
        past = self.filtered(lambda o: o.date < fields.Date.context_today(o))
        if not past:
            raise UserError(self.env._("Select overrides of days that are already past."))
        rows = [
            {
                "y": o.qty_actual,
                "yhat": o.qty,
                "yhat_stat": o.qty_stat,
                "overridden": True,
            }
            for o in past
        ]
        fva = forecast_value_added(pd.DataFrame(rows))
        if fva["days"] == 0 or fva["fva"] != fva["fva"]:
            message = self.env._("Nothing was sold on those days: value added cannot be told.")
        else:
            message = self.env._(
                "%(days)s override(s): error %(stat).1f%% without them, %(final).1f%% with "
                "them; value added %(fva)+.1f points.",
                days=fva["days"],
                stat=fva["wape_stat"] * 100,
                final=fva["wape_final"] * 100,
                fva=fva["fva"] * 100,
            )
        return {
            "type": "ir.actions.client",
            "tag": "display_notification",
            "params": {
                "title": self.env._("Forecast value added"),
                "message": message,
                "sticky": False,
            },
        }
