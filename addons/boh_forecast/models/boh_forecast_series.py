from odoo import fields, models


class BohForecastSeries(models.Model):
    """One forecast series (an item or the covers at a location): state and accuracy."""

    _name = "boh.forecast.series"
    _description = "Forecast Series"
    _order = "state desc, warehouse_id, product_id"
    _check_company_auto = True
    _rec_name = "product_id"

    company_id = fields.Many2one(
        "res.company", required=True, index=True, default=lambda self: self.env.company
    )
    warehouse_id = fields.Many2one(
        "stock.warehouse", string="Location", required=True, index=True, check_company=True
    )
    product_id = fields.Many2one(
        "product.product", string="Menu Item", index=True, check_company=True
    )
    kind = fields.Selection(
        [("item", "Menu item"), ("covers", "Covers")], required=True, default="item"
    )
    state = fields.Selection(
        [("ok", "Forecast"), ("failed", "Failed")], required=True, default="ok", index=True
    )
    message = fields.Text(help="Why this series could not be forecast.")
    model = fields.Char(help="The forecasting model the backtest chose most.")
    wape = fields.Float(
        string="WAPE %", aggregator="avg", help="Weighted absolute percentage error."
    )
    wape_known = fields.Boolean(
        string="WAPE Known",
        readonly=True,
        help="Whether a backtest measured the WAPE: a series never backtested, or whose "
        "actual sales were all zero, has none (which is not a perfect 0 %).",
    )
    mase = fields.Float(
        string="MASE", aggregator="avg", help="Error relative to a seasonal naive forecast."
    )
    coverage = fields.Float(
        string="Interval Coverage %",
        aggregator="avg",
        help="How often the actual fell inside the 80% interval.",
    )
    backtest_days = fields.Integer(help="Days the accuracy was measured on.", aggregator="sum")
    accuracy_date = fields.Date(
        string="Accuracy Measured On",
        readonly=True,
        index=True,
        help="The night the accuracy of this series' store was last measured: once a week "
        "per group of stores, on a night of its own (a new store on its first night).",
    )
    sigma = fields.Float(
        string="Daily Error",
        digits="Product Unit of Measure",
        help="Standard error of the daily forecast, from the width of its interval.",
    )
    last_run = fields.Datetime()

    _sql_constraints = [
        (
            "series_unique",
            "unique(warehouse_id, product_id, kind)",
            "A series exists once per location, item and kind.",
        ),
    ]

    def action_open_forecast_vs_actual(self):
        """Forecast against actual for this series."""
        self.check_access("read")
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "boh_forecast.action_boh_forecast_report"
        )
        domain = [("warehouse_id", "=", self.warehouse_id.id), ("kind", "=", self.kind)]
        if self.product_id:
            domain.append(("product_id", "=", self.product_id.id))
        action["domain"] = domain
        return action
