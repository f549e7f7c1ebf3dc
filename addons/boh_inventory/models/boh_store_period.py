from odoo import api, fields, models
from odoo.exceptions import AccessError, UserError, ValidationError

from ..tools.refusals import refuse

#: Header fields that stay writable once a period is closed.
WRITABLE_WHEN_CLOSED = frozenset({"note"})


class BohStorePeriod(models.Model):
    """The numbers of one store over one business-day range: AvT per ingredient and KPIs.

    A BOH manager creates a period (store, first and last business day) and computes it:
    the AvT lines (:class:`boh.store.period.line`) and the totals and KPIs here are worked
    out in a few batched queries (``boh_store_period_avt.py``) and stored, so that the list
    sorts by unexplained value and the dashboard reads them. Closing the period freezes its
    figures: a closed period is never computed again.
    """

    _name = "boh.store.period"
    _description = "Store Period"
    _inherit = ["mail.thread"]
    _order = "date_to desc, warehouse_id, id desc"
    _check_company_auto = True

    name = fields.Char(compute="_compute_name", store=True)
    warehouse_id = fields.Many2one(
        "stock.warehouse",
        string="Store",
        required=True,
        index=True,
        default=lambda self: self.env.user._boh_default_store(self.env.company),
        tracking=True,
    )
    company_id = fields.Many2one(
        related="warehouse_id.company_id", store=True, index=True, precompute=True
    )
    currency_id = fields.Many2one(related="company_id.currency_id")
    date_from = fields.Date(string="First Business Day", required=True, index=True, tracking=True)
    date_to = fields.Date(string="Last Business Day", required=True, index=True, tracking=True)
    days = fields.Integer(compute="_compute_days", store=True)
    state = fields.Selection(
        [("open", "Open"), ("closed", "Closed")],
        default="open",
        required=True,
        readonly=True,
        copy=False,
        index=True,
        tracking=True,
    )
    computed_date = fields.Datetime(string="Computed On", readonly=True, copy=False)
    closed_uid = fields.Many2one("res.users", string="Closed By", readonly=True, copy=False)
    closed_date = fields.Datetime(string="Closed On", readonly=True, copy=False)
    line_ids = fields.One2many(
        "boh.store.period.line", "period_id", string="Ingredients", readonly=True
    )
    menu_line_ids = fields.One2many(
        "boh.menu.engineering.line", "period_id", string="Menu Engineering", readonly=True
    )
    line_count = fields.Integer(compute="_compute_line_count", string="Ingredients Counted")
    opening_count_date = fields.Date(
        readonly=True,
        copy=False,
        help="The latest business day before the period with an approved count of this "
        "store: its counts open the period.",
    )
    closing_count_date = fields.Date(
        readonly=True,
        copy=False,
        help="The latest business day of the period with an approved count of this store.",
    )
    warning = fields.Text(readonly=True, copy=False)
    no_recipe_item_count = fields.Integer(
        string="Items Sold without Recipe",
        readonly=True,
        copy=False,
        help="Menu items sold in the period that have no recipe: their usage is not in the "
        "theoretical usage (it is not dropped: it shows as unexplained).",
    )
    no_recipe_revenue = fields.Monetary(
        string="Sales without Recipe",
        readonly=True,
        copy=False,
        groups="boh_inventory.group_boh_manager",
    )
    late_sales_value = fields.Monetary(
        string="Late Sales",
        compute="_compute_late_sales_value",
        groups="boh_inventory.group_boh_manager",
        help="Net sales of the period's days posted after it was closed (sales are never "
        "refused): the current net sales less the frozen figure.",
    )
    note = fields.Text()
    # totals and KPIs: costs and margins, for BOH managers only
    net_sales = fields.Monetary(readonly=True, copy=False, groups="boh_inventory.group_boh_manager")
    covers = fields.Integer(readonly=True, copy=False)
    orders = fields.Integer(readonly=True, copy=False)
    average_check = fields.Monetary(
        readonly=True, copy=False, groups="boh_inventory.group_boh_manager"
    )
    theoretical_cost = fields.Monetary(
        readonly=True,
        copy=False,
        groups="boh_inventory.group_boh_manager",
    )
    actual_cost = fields.Monetary(
        readonly=True,
        copy=False,
        groups="boh_inventory.group_boh_manager",
        help="Cost of actual usage of the ingredients with both counts, and of theoretical "
        "usage of those without (no count, no evidence of a variance).",
    )
    variance_value = fields.Monetary(
        string="Variance", readonly=True, copy=False, groups="boh_inventory.group_boh_manager"
    )
    loss_waste_value = fields.Monetary(
        string="Recorded Loss Waste",
        readonly=True,
        copy=False,
        groups="boh_inventory.group_boh_manager",
    )
    unexplained_value = fields.Monetary(
        string="Unexplained", readonly=True, copy=False, groups="boh_inventory.group_boh_manager"
    )
    opening_value = fields.Monetary(
        string="Opening Inventory",
        readonly=True,
        copy=False,
        groups="boh_inventory.group_boh_manager",
    )
    closing_value = fields.Monetary(
        string="Closing Inventory",
        readonly=True,
        copy=False,
        groups="boh_inventory.group_boh_manager",
    )
    gross_margin = fields.Monetary(
        readonly=True, copy=False, groups="boh_inventory.group_boh_manager"
    )
    food_cost_pct_theoretical = fields.Float(
        string="Theoretical Food Cost %",
        digits=(16, 2),
        readonly=True,
        copy=False,
        aggregator="avg",
        groups="boh_inventory.group_boh_manager",
    )
    food_cost_pct_actual = fields.Float(
        string="Actual Food Cost %",
        digits=(16, 2),
        readonly=True,
        copy=False,
        aggregator="avg",
        groups="boh_inventory.group_boh_manager",
    )
    waste_pct = fields.Float(
        string="Waste %",
        digits=(16, 2),
        readonly=True,
        copy=False,
        aggregator="avg",
        groups="boh_inventory.group_boh_manager",
    )
    variance_pct = fields.Float(
        string="AvT Variance %",
        digits=(16, 2),
        readonly=True,
        copy=False,
        aggregator="avg",
        groups="boh_inventory.group_boh_manager",
    )
    gross_margin_pct = fields.Float(
        string="Gross Margin %",
        digits=(16, 2),
        readonly=True,
        copy=False,
        aggregator="avg",
        groups="boh_inventory.group_boh_manager",
    )
    turnover_days = fields.Float(
        string="Inventory Turnover (days)",
        digits=(16, 1),
        readonly=True,
        copy=False,
        aggregator="avg",
        groups="boh_inventory.group_boh_manager",
    )

    @api.depends("warehouse_id", "date_from", "date_to")
    def _compute_name(self):
        for period in self:
            code = period.warehouse_id.code or ""
            period.name = f"{code} {period.date_from or ''} - {period.date_to or ''}"

    @api.depends("date_from", "date_to")
    def _compute_days(self):
        for period in self:
            if period.date_from and period.date_to:
                period.days = (period.date_to - period.date_from).days + 1
            else:
                period.days = 0

    def _compute_line_count(self):
        counts = dict(
            self.env["boh.store.period.line"]._read_group(
                [("period_id", "in", self.ids)], ["period_id"], ["__count"]
            )
        )
        for period in self:
            period.line_count = counts.get(period, 0)

    def _compute_late_sales_value(self):
        closed = self.filtered(lambda period: period.state == "closed")
        (self - closed).late_sales_value = 0.0
        if not closed:
            return
        # the daily sums, not the facts: the archive of old facts keeps them
        daily = self.env["boh.sales.daily"].sudo()
        for period in closed:
            # one grouped read per closed period shown (a form, a short list)
            ((revenue,),) = daily._read_group(
                [
                    ("warehouse_id", "=", period.warehouse_id.id),
                    ("date", ">=", period.date_from),
                    ("date", "<=", period.date_to),
                ],
                [],
                ["revenue:sum"],
            )
            period.late_sales_value = period.currency_id.round((revenue or 0.0) - period.net_sales)

    @api.constrains("date_from", "date_to")
    def _check_dates(self):
        for period in self:
            if period.date_to < period.date_from:
                raise ValidationError(
                    self.env._(
                        "Last Business Day: %(to)s is before the first business day %(from)s.",
                        to=period.date_to,
                        **{"from": period.date_from},
                    )
                )

    def write(self, vals):
        """A closed period keeps its figures; only its note changes."""
        closed = self.filtered(lambda period: period.state == "closed")
        if closed and any(
            fname not in WRITABLE_WHEN_CLOSED and not fname.startswith("message_") for fname in vals
        ):
            raise UserError(
                self.env._(
                    "Period %(periods)s is closed: its figures are frozen. Only its note "
                    "can change.",
                    periods=", ".join(closed.mapped("name")),
                )
            )
        return super().write(vals)

    @api.ondelete(at_uninstall=False)
    def _unlink_except_closed(self):
        refuse(
            self.filtered(lambda period: period.state == "closed"),
            lambda names: self.env._(
                "Period %(periods)s is closed and is kept as the record of its figures.",
                periods=names,
            ),
        )

    def _check_manager(self, message):
        if not (self.env.su or self.env.user.has_group("boh_inventory.group_boh_manager")):
            raise AccessError(message)
        self.check_access("write")

    @api.model
    def _check_open_days(self, store_days, what):
        """Refuse ``what`` on any ``(store, day)`` of ``store_days`` that a closed period
        covers, naming the period (one search for all)."""
        store_days = [(store, day) for store, day in store_days if store and day]
        if not store_days:
            return
        closed = (
            self.sudo()
            .with_context(active_test=False)
            .search(
                [
                    ("state", "=", "closed"),
                    ("warehouse_id", "in", list({store.id for store, _day in store_days})),
                    ("date_from", "<=", max(day for _store, day in store_days)),
                    ("date_to", ">=", min(day for _store, day in store_days)),
                ]
            )
        )
        for store, day in store_days:
            for period in closed:
                if period.warehouse_id == store and period.date_from <= day <= period.date_to:
                    raise UserError(
                        self.env._(
                            "%(what)s of %(store)s on %(day)s: the store period %(period)s is "
                            "closed and its figures are frozen. Ask a BOH manager to record it "
                            "on a day of an open period.",
                            what=what,
                            store=store.display_name,
                            day=day,
                            period=period.name,
                        )
                    )

    def action_compute(self):
        """Work out the AvT lines, totals and KPIs of these open periods (BOH managers)."""
        self._check_manager(self.env._("Only a BOH Manager can compute a store period."))
        closed = self.filtered(lambda period: period.state == "closed")
        if closed:
            raise UserError(
                self.env._(
                    "Period %(periods)s is closed: its figures are frozen.",
                    periods=", ".join(closed.mapped("name")),
                )
            )
        self._compute_numbers()
        return True

    def action_close(self):
        """Compute these periods one last time and freeze their figures (BOH managers)."""
        self._check_manager(self.env._("Only a BOH Manager can close a store period."))
        periods = self.filtered(lambda period: period.state == "open")
        periods.action_compute()
        no_count = periods.filtered(lambda period: not period.closing_count_date)
        if no_count:
            raise UserError(
                self.env._(
                    "Period %(periods)s has no approved count in it: a period closes at an "
                    "approved count. Approve the closing count first.",
                    periods=", ".join(no_count.mapped("name")),
                )
            )
        periods.write(
            {"state": "closed", "closed_uid": self.env.uid, "closed_date": fields.Datetime.now()}
        )
        return True

    def action_view_menu_engineering(self):
        """Menu engineering of this period: each menu item's quadrant in its category."""
        self.env["boh.menu.engineering.line"].check_access("read")
        self.check_access("read")
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "boh_inventory.action_boh_menu_engineering_line"
        )
        action["domain"] = [("period_id", "=", self.id)]
        action["name"] = self.env._("Menu Engineering %(period)s", period=self.name)
        return action

    def action_view_lines(self):
        """The AvT of this period, the largest unexplained value first."""
        self.check_access("read")
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "boh_inventory.action_boh_store_period_line"
        )
        action["domain"] = [("period_id", "=", self.id)]
        action["context"] = {"search_default_group_by_nothing": 1}
        action["name"] = self.env._("AvT %(period)s", period=self.name)
        return action
