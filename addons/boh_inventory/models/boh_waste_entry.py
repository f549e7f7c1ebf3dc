from collections import defaultdict

from odoo import api, fields, models
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tools import float_compare, float_is_zero

from boh_core.errors import BohError

from ..tools.actions import records_action
from ..tools.core_messages import translate_core_error
from ..tools.refusals import refuse
from ..tools.server_context import beyond_writable

#: Fields that decide what an entry takes out of stock: changing them explodes it again.
EXPLOSION_FIELDS = frozenset({"product_id", "qty", "uom_id", "lot_id", "location_id", "company_id"})
#: Fields that stay writable once an entry is posted or rejected (besides the chatter's own).
WRITABLE_WHEN_CLOSED = frozenset({"note", "photo"})


class BohWasteEntry(models.Model):
    """Food thrown away (or eaten by staff) at a store: what, how much, why, who and when.

    The item wasted is an ingredient, a prep item or a menu item, in any unit the product
    converts to; prep and menu items are exploded through their recipes into the ingredients
    that leave stock (:class:`boh.waste.line`, one per ingredient, valued at cost). An entry
    worth at most the company's *Waste Approval Limit* is posted to stock when it is saved;
    a dearer one waits in *To Approve*, stock unchanged, until a BOH manager approves it.

    Dishes that guests sent back are already in the POS feed (voids and refunds, restocked or
    not): an entry whose reason is *Returned by guest* is refused when the feed has the
    refund (:meth:`_check_pos_feed`).
    """

    _name = "boh.waste.entry"
    _description = "Waste Entry"
    _inherit = ["mail.thread", "mail.activity.mixin"]
    _order = "date desc, id desc"
    _check_company_auto = True

    name = fields.Char(string="Reference", readonly=True, copy=False, index="trigram")
    warehouse_id = fields.Many2one(
        "stock.warehouse",
        string="Store",
        required=True,
        index=True,
        default=lambda self: self._default_warehouse_id(),
        tracking=True,
    )
    company_id = fields.Many2one(
        related="warehouse_id.company_id", store=True, index=True, precompute=True
    )
    location_id = fields.Many2one(
        "stock.location",
        string="Taken From",
        compute="_compute_location_id",
        store=True,
        readonly=False,
        precompute=True,
        required=True,
        check_company=True,
        domain="[('warehouse_id', '=', warehouse_id), ('usage', '=', 'internal')]",
        help="The store location the waste leaves: the store's stock or a storage area in it.",
    )
    date = fields.Date(
        required=True,
        index=True,
        default=fields.Date.context_today,
        tracking=True,
        help="The business day the food was wasted.",
    )
    user_id = fields.Many2one(
        "res.users",
        string="Logged By",
        required=True,
        readonly=True,
        default=lambda self: self.env.user,
        index=True,
    )
    reason_id = fields.Many2one(
        "boh.waste.reason",
        required=True,
        check_company=True,
        index=True,
        tracking=True,
        domain="[('company_id', '=', company_id)]",
    )
    reason_kind = fields.Selection(related="reason_id.kind")
    product_id = fields.Many2one(
        "product.product",
        string="Item",
        required=True,
        index=True,
        check_company=True,
        tracking=True,
        domain="[('boh_kind', '!=', False)]",
        help="An ingredient, a prep item or a menu item; prep and menu items take their "
        "ingredients out of stock through their recipes.",
    )
    product_kind = fields.Selection(related="product_id.boh_kind", string="Role")
    qty = fields.Float(
        string="Quantity",
        required=True,
        default=1.0,
        digits="Product Unit of Measure",
        tracking=True,
    )
    uom_id = fields.Many2one(
        "uom.uom",
        string="Unit",
        compute="_compute_uom_id",
        store=True,
        readonly=False,
        precompute=True,
        required=True,
        tracking=True,
        help="Any unit of the item: its own, one of the same kind, or one its conversions "
        "reach (eggs counted by the piece, weighed in grams).",
    )
    lot_id = fields.Many2one(
        "stock.lot",
        check_company=True,
        domain="[('product_id', '=', product_id)]",
        help="The lot wasted, for a lot-tracked ingredient; empty takes the lots that "
        "expire first.",
    )
    photo = fields.Image(max_width=1280, max_height=1280, attachment=True)
    note = fields.Text()
    state = fields.Selection(
        [("to_approve", "To Approve"), ("posted", "Posted"), ("rejected", "Rejected")],
        required=True,
        readonly=True,
        copy=False,
        index=True,
        default="to_approve",
        tracking=True,
    )
    line_ids = fields.One2many("boh.waste.line", "entry_id", string="Ingredients", readonly=True)
    move_ids = fields.One2many("stock.move", "boh_waste_id", string="Stock Moves", readonly=True)
    currency_id = fields.Many2one(related="company_id.currency_id")
    value = fields.Monetary(
        string="Value at Cost",
        readonly=True,
        copy=False,
        groups="boh_inventory.group_boh_manager",
        tracking=True,
        help="The ingredients' cost when the entry was saved.",
    )
    approved_uid = fields.Many2one("res.users", string="Approved By", readonly=True, copy=False)
    approved_date = fields.Datetime(string="Approved On", readonly=True, copy=False)

    def _default_warehouse_id(self):
        return self.env.user._boh_default_store(self.env.company)

    @api.depends("warehouse_id")
    def _compute_location_id(self):
        for entry in self:
            entry.location_id = entry.warehouse_id._boh_location_in_stock(entry.location_id)

    @api.depends("product_id")
    def _compute_uom_id(self):
        for entry in self:
            if entry.product_id and (
                not entry.uom_id or entry.uom_id.category_id != entry.product_id.uom_id.category_id
            ):
                entry.uom_id = entry.product_id.uom_id

    @api.constrains("qty")
    def _check_qty(self):
        for entry in self:
            if float_compare(entry.qty, 0.0, precision_digits=6) <= 0:
                raise ValidationError(
                    self.env._(
                        "Quantity: waste of %(product)s must be above zero (got %(qty)s).",
                        product=entry.product_id.display_name,
                        qty=entry.qty,
                    )
                )

    @api.constrains("location_id", "warehouse_id")
    def _check_location_id(self):
        for entry in self:
            if not entry.warehouse_id._boh_holds(entry.location_id):
                raise ValidationError(
                    self.env._(
                        "Taken From: %(location)s is not in store %(store)s.",
                        location=entry.location_id.display_name,
                        store=entry.warehouse_id.display_name,
                    )
                )

    @api.constrains("lot_id", "product_id")
    def _check_lot_id(self):
        for entry in self:
            entry.lot_id._boh_check_product(entry.product_id)

    @api.model_create_multi
    def create(self, vals_list):
        """Log the entries: explode them, refuse what the POS feed already has, then post
        those within the approval limit; the others wait for a manager."""
        for vals in vals_list:
            # who and when are the logger's; approval is a manager action
            for fname in ("user_id", "state", "approved_uid", "approved_date"):
                vals.pop(fname, None)
        entries = super().create(vals_list)
        for entry in entries:
            entry.name = self.env["ir.sequence"].sudo().next_by_code("boh.waste.entry") or "/"
        entries._explode()
        entries._check_pos_feed()
        entries._post_within_limit()
        return entries

    def write(self, vals):
        """Entries waiting for approval may change (and are exploded again); posted and
        rejected ones keep everything but their note and photo."""
        if not self.env.su:
            for fname in ("user_id", "state", "approved_uid", "approved_date", "value"):
                vals.pop(fname, None)
        closed = self.filtered(lambda entry: entry.state != "to_approve")
        if closed and beyond_writable(self, vals, WRITABLE_WHEN_CLOSED):
            raise UserError(
                self.env._(
                    "Waste entry %(entries)s is %(state)s and can no longer be changed; only "
                    "its note and photo can. Log a new entry instead.",
                    entries=", ".join(closed.mapped("name")),
                    state=closed[0]._state_label(),
                )
            )
        res = super().write(vals)
        if EXPLOSION_FIELDS & set(vals) or "reason_id" in vals or "date" in vals:
            self._explode()
            self._check_pos_feed()
            self._post_within_limit()
        return res

    @api.ondelete(at_uninstall=False)
    def _unlink_except_posted(self):
        refuse(
            self.filtered(lambda entry: entry.state == "posted"),
            lambda names: self.env._(
                "Waste entry %(entries)s is posted to stock and is kept as its record; it "
                "cannot be deleted.",
                entries=names,
            ),
        )

    def action_approve(self):
        """Post entries waiting for approval: their ingredients leave stock now."""
        self._check_manager(self.env._("approve"))
        self._check_state("to_approve", self.env._("Approve"))
        self._post({"approved_uid": self.env.uid, "approved_date": fields.Datetime.now()})
        return True

    def action_reject(self):
        """Refuse entries waiting for approval; stock is left as it is."""
        self._check_manager(self.env._("reject"))
        self._check_state("to_approve", self.env._("Reject"))
        self.sudo().write({"state": "rejected"})
        return True

    def action_view_moves(self):
        """Show the stock moves posted for these entries."""
        return records_action(self, "stock.stock_move_action", [("boh_waste_id", "in", self.ids)])

    # ------------------------------------------------------------------ explosion
    def _explode(self):
        """Replace the lines of these entries with the ingredients they take out of stock.

        One recipe book per company and one explosion for all entries of it; ingredients
        wasted as such are converted to their own unit. The lines of every entry are
        written with one ``create``.
        """
        if not self:
            return
        Line = self.env["boh.waste.line"].sudo()
        Line.search([("entry_id", "in", self.ids)]).unlink()
        vals_list = []
        for company in self.company_id:
            entries = self.filtered(lambda entry, company=company: entry.company_id == company)
            vals_list += entries._explosion_line_values(company)
        costs = self._unit_costs(
            self.env["product.product"].browse({vals["product_id"] for vals in vals_list})
        )
        by_id = {entry.id: entry for entry in self}
        values = defaultdict(float)
        for vals in vals_list:
            entry = by_id[vals["entry_id"]]
            vals["unit_cost"] = costs.get((entry.company_id.id, vals["product_id"]), 0.0)
            vals["value"] = entry.currency_id.round(vals["qty"] * vals["unit_cost"])
            values[entry.id] += vals["value"]
        Line.create(vals_list)
        for entry in self:
            entry.sudo().value = values[entry.id]

    def _explosion_line_values(self, company):
        """Values of the lines of these entries (all of ``company``), from one explosion."""
        book, _products, converter = self.env["boh.costing"].sudo()._load_book(company)
        by_recipe, direct = [], []
        for entry in self:
            product = entry.product_id
            if book.recipe_for_product(product.id):
                by_recipe.append(entry)
            elif product.boh_kind in ("menu", "prep") or product.type != "consu":
                raise ValidationError(
                    self.env._(
                        "Item: %(product)s has no recipe, so the waste of %(qty)s %(uom)s "
                        "cannot say which ingredients left stock. Create its recipe, or log "
                        "the ingredients themselves.",
                        product=product.display_name,
                        qty=entry.qty,
                        uom=entry.uom_id.name,
                    )
                )
            else:
                direct.append(entry)
        try:
            exploded = book.explode_each(
                [(entry.product_id.id, entry.qty, entry.uom_id.id) for entry in by_recipe]
            )
            for entry in direct:
                product = entry.product_id
                qty = converter.convert(
                    entry.qty,
                    entry.uom_id.id,
                    product.uom_id.id,
                    product.id,
                    product_name=product.display_name,
                )
                exploded.append({product.id: qty})
                by_recipe.append(entry)
        except BohError as error:
            raise ValidationError(translate_core_error(self.env, error)) from error
        ingredients = self.env["product.product"].browse(
            {pid for quantities in exploded for pid in quantities}
        )
        uoms = {product.id: product.uom_id.id for product in ingredients}
        return [
            {
                "entry_id": entry.id,
                "product_id": product_id,
                "qty": qty,
                "uom_id": uoms[product_id],
                "lot_id": entry.lot_id.id if product_id == entry.product_id.id else False,
            }
            for entry, quantities in zip(by_recipe, exploded, strict=True)
            for product_id, qty in sorted(quantities.items())
            if not float_is_zero(qty, precision_digits=9)
        ]

    def _unit_costs(self, products):
        """``{(company id, product id): cost per unit}`` under each company's product cost."""
        costs = {}
        for company in self.company_id:
            for product in products.sudo().with_company(company):
                costs[(company.id, product.id)] = product.standard_price
        return costs

    # ------------------------------------------------------------------ POS feed
    def _check_pos_feed(self):
        """Refuse entries of returned dishes that the POS feed already has.

        The feed (``boh_pos_bridge``, when installed) takes refunded dishes out of stock
        itself: to its waste when not restocked, back on the shelf when restocked; a voided
        line never left the kitchen as a sale. Logging the same dish here would count it a
        second time. Matched on store, business day and item, with one read of the feed.
        """
        returned = self.filtered(lambda entry: entry.reason_id.kind == "returned")
        if not returned or "boh.pos.order.line" not in self.env:
            return
        feed_lines = self._pos_feed_returns(returned)
        for entry in returned:
            found = feed_lines.get((entry.warehouse_id.id, entry.date, entry.product_id.id))
            if found:
                raise ValidationError(
                    self.env._(
                        "Reason: %(product)s returned on %(date)s at %(store)s is already in "
                        "the POS feed as a refund or void (%(orders)s), which took it out of "
                        "stock (or put it back when restocked). It is not logged twice; log "
                        "only waste the POS did not record.",
                        product=entry.product_id.display_name,
                        date=entry.date,
                        store=entry.warehouse_id.display_name,
                        orders=", ".join(sorted(found)),
                    )
                )

    def _pos_feed_returns(self, entries):
        """``{(store id, date, product id): {order refs}}`` of refunded or voided lines in
        the POS feed for the stores, days and items of ``entries`` (one read)."""
        lines = (
            self.env["boh.pos.order.line"]
            .sudo()
            .search_fetch(
                [
                    ("order_id.warehouse_id", "in", entries.warehouse_id.ids),
                    ("order_id.business_date", "in", list(set(entries.mapped("date")))),
                    ("product_id", "in", entries.product_id.ids),
                    "|",
                    ("qty", "<", 0),
                    ("void", "=", True),
                ],
                ["order_id", "product_id"],
            )
        )
        found = defaultdict(set)
        for line in lines:
            order = line.order_id
            found[(order.warehouse_id.id, order.business_date, line.product_id.id)].add(
                order.order_ref
            )
        return found

    # ------------------------------------------------------------------ posting
    def _post_within_limit(self):
        """Post the entries within their company's approval limit; the others wait."""
        to_post = self.filtered(
            lambda entry: (
                entry.state == "to_approve"
                and entry.currency_id.compare_amounts(
                    entry.sudo().value, entry.company_id.boh_waste_approval_limit
                )
                <= 0
            )
        )
        to_post._post()

    def _post(self, extra_vals=None):
        """Take the entries' ingredients out of stock: one move per line into the company's
        scrap location, lots first-expired-first-out, created and done in one batch; then
        mark them posted (with ``extra_vals``)."""
        lines = self.sudo().line_ids.filtered(lambda line: line.product_id.type == "consu")
        if lines:
            lots = lines._allocate_stock()
            scrap = lines._scrap_locations(lines.company_id)
            moves = (
                self.env["stock.move"]
                .sudo()
                .create(
                    [
                        line._move_values(lots.get(line.id), scrap[line.company_id.id])
                        for line in lines
                    ]
                )
            )
            moves._action_done()
        self.sudo().write({"state": "posted", **(extra_vals or {})})

    # ------------------------------------------------------------------ helpers
    def _check_manager(self, action):
        if not (self.env.su or self.env.user.has_group("boh_inventory.group_boh_manager")):
            raise AccessError(
                self.env._(
                    "Only a BOH Manager can %(action)s a waste entry (%(entries)s).",
                    action=action,
                    entries=", ".join(self.mapped("name")),
                )
            )

    def _check_state(self, state, action):
        wrong = self.filtered(lambda entry: entry.state != state)
        if wrong:
            raise UserError(
                self.env._(
                    "%(action)s works on waste entries to approve only, not on %(entries)s.",
                    action=action,
                    entries=", ".join(f"{e.name} ({e._state_label()})" for e in wrong),
                )
            )

    def _state_label(self):
        self.ensure_one()
        return dict(self._fields["state"]._description_selection(self.env))[self.state]
