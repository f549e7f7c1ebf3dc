"""Production of stocked prep items (no ``mrp``): ingredients out through the production
location, the item in, in a new lot with its use-by date."""

from datetime import datetime

from odoo import Command, api, fields, models
from odoo.exceptions import UserError, ValidationError
from odoo.tools import float_is_zero

from boh_core.errors import BohError
from boh_core.labels import DateLabelCaptions, date_label, labels_pdf
from boh_core.production import batches_to_make, plan_consumption, use_by, yield_variance
from boh_core.sales.lots import LotStock

from ..tools.actions import records_action
from ..tools.core_messages import translate_core_error
from ..tools.refusals import refuse
from ..tools.server_context import beyond_writable, check_server_fields

#: Recorded by the confirmation, never by hand.
SERVER_FIELDS = frozenset(
    {
        "name",
        "state",
        "lot_id",
        "expiration_date",
        "yield_variance_qty",
        "yield_variance_pct",
        "cost",
        "unit_cost",
        "move_ids",
    }
)
#: What a done production still lets change.
WRITABLE_WHEN_DONE = frozenset({"note"})


class BohProduction(models.Model):
    _name = "boh.production"
    _description = "Production"
    _inherit = ["mail.thread", "mail.activity.mixin"]
    _order = "date desc, id desc"
    _check_company_auto = True

    name = fields.Char(string="Reference", readonly=True, copy=False, default="/")
    warehouse_id = fields.Many2one(
        "stock.warehouse",
        string="Made At",
        required=True,
        index=True,
        default=lambda self: self.env.user._boh_default_store(self.env.company),
        tracking=True,
        help="The central kitchen or store that makes the batch, from its own stock.",
    )
    company_id = fields.Many2one(
        related="warehouse_id.company_id", store=True, index=True, precompute=True
    )
    recipe_id = fields.Many2one(
        "boh.recipe",
        required=True,
        index=True,
        check_company=True,
        domain="[('stocked', '=', True)]",
        tracking=True,
        help="The recipe of the stocked prep item made.",
    )
    product_id = fields.Many2one(related="recipe_id.product_id", store=True, index=True)
    uom_id = fields.Many2one(related="product_id.uom_id", string="Unit")
    qty = fields.Float(
        string="Planned Quantity",
        required=True,
        default=1.0,
        digits="Product Unit of Measure",
        tracking=True,
        help="Usable output planned, in the item's unit: the ingredients taken are the "
        "recipe's for this much, yield and waste included.",
    )
    actual_qty = fields.Float(
        string="Actual Yield",
        compute="_compute_actual_qty",
        store=True,
        readonly=False,
        precompute=True,
        digits="Product Unit of Measure",
        tracking=True,
        help="What the batch actually gave, in the item's unit: this goes into stock.",
    )
    yield_variance_qty = fields.Float(
        string="Yield Variance",
        readonly=True,
        digits="Product Unit of Measure",
        help="Actual yield minus planned quantity: negative when the batch gave less.",
    )
    yield_variance_pct = fields.Float(string="Yield Variance %", readonly=True)
    date = fields.Datetime(
        string="Prepared At",
        required=True,
        default=fields.Datetime.now,
        help="When the batch was made: its use-by date counts from here.",
    )
    expiration_date = fields.Datetime(string="Use By", readonly=True, copy=False)
    user_id = fields.Many2one(
        "res.users", string="Made By", required=True, default=lambda self: self.env.user
    )
    lot_id = fields.Many2one("stock.lot", readonly=True, copy=False)
    state = fields.Selection(
        [("draft", "Draft"), ("done", "Done"), ("cancel", "Cancelled")],
        default="draft",
        required=True,
        readonly=True,
        copy=False,
        tracking=True,
    )
    move_ids = fields.One2many("stock.move", "boh_production_id", string="Stock Moves")
    allergen_ids = fields.Many2many(related="recipe_id.allergen_ids")
    currency_id = fields.Many2one(related="company_id.currency_id")
    cost = fields.Monetary(
        readonly=True,
        copy=False,
        groups="boh_inventory.group_boh_manager",
        help="Cost of the ingredients the batch took.",
    )
    unit_cost = fields.Float(
        string="Cost per Unit",
        readonly=True,
        copy=False,
        digits="Product Price",
        groups="boh_inventory.group_boh_manager",
        help="Cost of the batch per unit of actual yield: the value of its lot.",
    )
    note = fields.Text()

    @api.depends("qty")
    def _compute_actual_qty(self):
        for production in self:
            if production.state == "draft":
                production.actual_qty = production.qty

    @api.constrains("warehouse_id", "recipe_id")
    def _check_recipe_company(self):
        for production in self:
            if production.recipe_id.company_id != production.company_id:
                raise ValidationError(
                    self.env._(
                        "Recipe: %(recipe)s belongs to %(company)s, not to %(store)s's company.",
                        recipe=production.recipe_id.display_name,
                        company=production.recipe_id.company_id.name,
                        store=production.warehouse_id.name,
                    )
                )

    @api.model_create_multi
    def create(self, vals_list):
        """Number the productions; what the confirmation records is not the caller's."""
        check_server_fields(self, vals_list, SERVER_FIELDS)
        productions = super().create(vals_list)
        Sequence = self.env["ir.sequence"].sudo()
        for production in productions:
            production.sudo().name = Sequence.next_by_code("boh.production") or "/"
        return productions

    def write(self, vals):
        """Draft productions may change; done and cancelled ones keep all but their note."""
        check_server_fields(self, [vals], SERVER_FIELDS)
        closed = self.filtered(lambda production: production.state != "draft")
        if closed and beyond_writable(self, vals, WRITABLE_WHEN_DONE):
            raise UserError(
                self.env._(
                    "Production %(productions)s is no longer a draft and keeps what it "
                    "recorded; only its note can change.",
                    productions=", ".join(closed.mapped("name")),
                )
            )
        return super().write(vals)

    @api.ondelete(at_uninstall=False)
    def _unlink_except_done(self):
        refuse(
            self.filtered(lambda production: production.state == "done"),
            lambda names: self.env._(
                "Production %(productions)s is in stock and is kept as its record; it "
                "cannot be deleted.",
                productions=names,
            ),
        )

    def action_confirm(self):
        """Make the batches: ingredients out (lots first-expired-first-out), the item in, in
        a new lot with its use-by date and cost. All or nothing."""
        self.check_access("write")
        refuse(
            self.filtered(lambda production: production.state != "draft"),
            lambda names: self.env._(
                "Production %(productions)s is not a draft; only drafts can be made.",
                productions=names,
            ),
        )
        # one recipe book per company for all the batches
        books = {
            company: self.env["boh.costing"].sudo()._load_book(company)
            for company in self.company_id
        }
        for production in self:
            book, _products, converter = books[production.company_id]
            production._make(book, converter)
        return True

    def action_cancel(self):
        """Cancel draft productions: nothing was taken from stock."""
        self.check_access("write")
        refuse(
            self.filtered(lambda production: production.state == "done"),
            lambda names: self.env._(
                "Production %(productions)s is done: its batch is in stock. Waste or "
                "adjust the lot instead of cancelling.",
                productions=names,
            ),
        )
        self.sudo().write({"state": "cancel"})
        return True

    @api.model
    def action_plan_from_requisitions(self):
        """Draft productions at the user's central kitchens for the stocked items that open
        requisitions ask beyond the kitchen's stock and its draft productions."""
        self.check_access("create")
        user = self.env.user
        kitchens = self.env["stock.warehouse"].search(
            [("boh_central_kitchen", "=", True), ("company_id", "in", self.env.companies.ids)]
        )
        if not (self.env.su or user.boh_all_stores):
            kitchens &= user.boh_store_ids
        vals_list = []
        for kitchen in kitchens:
            vals_list += self._plan_kitchen(kitchen)
        productions = self.create(vals_list)
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "boh_inventory.action_boh_production"
        )
        action["domain"] = [("id", "in", productions.ids)]
        return action

    def _plan_kitchen(self, kitchen):
        """Values of the draft productions a kitchen needs for its open requisitions (and,
        with the forecast, its prep plan: ``_kitchen_needs``)."""
        requested = self._kitchen_needs(kitchen)
        if not requested:
            return []
        on_hand = {
            product.id: qty
            for product, qty in self.env["stock.quant"]
            .sudo()
            ._read_group(
                [
                    ("product_id", "in", list(requested)),
                    ("location_id", "child_of", kitchen.lot_stock_id.id),
                ],
                ["product_id"],
                ["quantity:sum"],
            )
        }
        planned = {
            product.id: qty
            for product, qty in self.sudo()._read_group(
                [("warehouse_id", "=", kitchen.id), ("state", "=", "draft")],
                ["product_id"],
                ["qty:sum"],
            )
        }
        digits = self.env["decimal.precision"].precision_get("Product Unit of Measure")
        to_make = batches_to_make(requested, on_hand, planned, digits)
        recipes = self.env["boh.recipe"].search(
            [("product_id", "in", list(to_make)), ("company_id", "=", kitchen.company_id.id)]
        )
        return [
            {
                "warehouse_id": kitchen.id,
                "recipe_id": recipe.id,
                "qty": to_make[recipe.product_id.id],
            }
            for recipe in recipes
        ]

    def _kitchen_needs(self, kitchen):
        """``{stocked item id: qty}`` the kitchen has to provide: its open requisitions."""
        return self._kitchen_requested(kitchen)

    def _kitchen_requested(self, kitchen, domain=()):
        """``{stocked item id: qty}`` asked of the kitchen by open (submitted or accepted)
        requisitions, those of ``domain`` (on the requisition line) only."""
        Line = self.env["boh.requisition.line"].sudo()
        return {
            product.id: qty
            for product, qty in Line._read_group(
                [
                    ("supplier_id", "=", kitchen.id),
                    ("requisition_id.state", "in", ("submitted", "accepted")),
                    ("product_id.boh_stocked", "=", True),
                    *domain,
                ],
                ["product_id"],
                ["qty:sum"],
            )
        }

    def action_view_moves(self):
        """Show the stock moves of these productions."""
        return records_action(
            self, "stock.stock_move_action", [("boh_production_id", "in", self.ids)]
        )

    def action_print_labels(self):
        """Print the date labels of these batches, one 50 x 30 mm label each."""
        return self._print_labels("roll")

    def action_print_label_sheet(self):
        """Print the date labels of these batches on A4 sheets (12 a page)."""
        return self._print_labels("sheet")

    # ------------------------------------------------------------------ labels
    def _print_labels(self, layout):
        """Render the labels, keep them as an attachment of the first batch, download."""
        self.check_access("read")
        pdf = self._labels_pdf(layout)
        name = self.env._("labels-%(name)s.pdf", name=self[:1].name.replace("/", "-"))
        attachment = (
            self.env["ir.attachment"]
            .sudo()
            .create(
                {
                    "name": name,
                    "raw": pdf,
                    "mimetype": "application/pdf",
                    "res_model": self._name,
                    "res_id": self[:1].id,
                }
            )
        )
        return {
            "type": "ir.actions.act_url",
            "url": f"/web/content/{attachment.id}?download=true",
            "target": "self",
        }

    def _labels_pdf(self, layout):
        """The PDF of these batches' date labels, in the user's language."""
        not_done = self.filtered(lambda production: production.state != "done")
        if not self or not_done:
            raise UserError(
                self.env._(
                    "Only made batches have labels: %(productions)s has no lot yet.",
                    productions=", ".join(not_done.mapped("name")) or "-",
                )
            )
        try:
            return labels_pdf(
                self._date_labels(),
                layout=layout,
                title=self.env._("Date labels"),
            )
        except BohError as error:
            raise UserError(translate_core_error(self.env, error)) from error

    def _date_labels(self):
        """One :class:`PrintLabel` per batch, times in its site's time zone (one read)."""
        times = self.warehouse_id._boh_store_time()
        captions = DateLabelCaptions(
            prepared=self.env._("Prepared"),
            use_by=self.env._("Use by"),
            made_by=self.env._("By"),
            allergens=self.env._("Allergens"),
            none=self.env._("none"),
        )
        base_url = self.get_base_url().rstrip("/")
        return [
            date_label(
                production.product_id.display_name,
                production.date,
                production.expiration_date,
                times[production.warehouse_id.id].tz,
                production.user_id.name or "",
                production.allergen_ids.mapped("name"),
                f"{base_url}/odoo/stock.lot/{production.lot_id.id}",
                captions,
            )
            for production in self
        ]

    # ------------------------------------------------------------------ making
    def _make(self, book, converter):
        """Post one production: check, consume, produce, record."""
        self.ensure_one()
        recipe = self.recipe_id
        if not recipe.stocked:
            raise UserError(
                self.env._(
                    "Recipe: %(recipe)s is not a stocked prep item; only stocked items are "
                    "produced into stock (the others are exploded where they are used).",
                    recipe=recipe.display_name,
                )
            )
        try:
            expiry = use_by(self.date, recipe.shelf_life_hours, recipe.display_name)
            difference, difference_pct = yield_variance(self.qty, self.actual_qty)
        except BohError as error:
            raise ValidationError(translate_core_error(self.env, error)) from error
        plan = self._plan_consumption(book, converter)
        production = self.sudo()
        consumed = production._consume(plan)
        cost = production._consumed_cost(consumed, plan)
        unit_cost = cost / self.actual_qty
        lot = production._produce(expiry, unit_cost)
        production.write(
            {
                "state": "done",
                "lot_id": lot.id,
                "expiration_date": expiry,
                "yield_variance_qty": difference,
                "yield_variance_pct": difference_pct,
                "cost": cost,
                "unit_cost": unit_cost,
            }
        )

    def _plan_consumption(self, book, converter):
        """What the batch takes, from which lots; refused when an ingredient is short."""
        recipe = self.recipe_id
        product = self.product_id
        try:
            per_unit = book.ingredients_per_unit(recipe.id)
            batch = converter.convert(
                self.qty,
                product.uom_id.id,
                recipe.output_uom_id.id,
                product.id,
                product_name=product.display_name,
            )
        except BohError as error:
            raise ValidationError(translate_core_error(self.env, error)) from error
        digits = self.env["decimal.precision"].precision_get("Product Unit of Measure")
        pools = self._stock_pools_at(self.warehouse_id.lot_stock_id, list(per_unit))
        try:
            plan = plan_consumption(per_unit, batch, pools, digits)
        except BohError as error:
            raise ValidationError(translate_core_error(self.env, error)) from error
        if plan.short:
            products = self.env["product.product"].browse([s.product for s in plan.short])
            by_id = {p.id: p for p in products}
            raise UserError(
                self.env._(
                    "Production %(production)s of %(qty)s %(uom)s %(item)s cannot be made at "
                    "%(store)s: not enough %(short)s. Nothing was taken from stock; receive "
                    "or transfer the missing stock, or plan a smaller batch.",
                    production=self.name,
                    qty=self.qty,
                    uom=product.uom_id.name,
                    item=product.display_name,
                    store=self.warehouse_id.name,
                    short="; ".join(
                        self.env._(
                            "%(product)s (needs %(needed)s %(uom)s, %(available)s on hand)",
                            product=by_id[s.product].display_name,
                            needed=s.needed,
                            uom=by_id[s.product].uom_id.name,
                            available=s.available,
                        )
                        for s in plan.short
                    ),
                )
            )
        return plan

    @api.model
    def _stock_pools_at(self, location, product_ids):
        """``{product id: [LotStock]}`` of the stock in ``location`` and the locations inside
        it, FEFO-ranked (one read)."""
        quants = (
            self.env["stock.quant"]
            .sudo()
            .search_fetch(
                [
                    ("product_id", "in", product_ids),
                    ("location_id", "child_of", location.id),
                    ("quantity", ">", 0),
                ],
                ["product_id", "location_id", "lot_id", "quantity", "in_date", "expiration_date"],
            )
        )
        pools = {}
        for quant in quants:
            rank = (
                not quant.expiration_date,
                quant.expiration_date or datetime.max,
                quant.in_date or datetime.max,
                quant.id,
            )
            pools.setdefault(quant.product_id.id, []).append(
                LotStock(quant.lot_id.id, quant.location_id.id, quant.quantity, rank)
            )
        return pools

    def _production_location(self):
        return self.product_id.with_company(self.company_id).property_stock_production

    def _consume(self, plan):
        """One done move per ingredient, stock -> production location, over the plan's lots."""
        products = self.env["product.product"].browse(list(plan.parts))
        by_id = {product.id: product for product in products}
        production_location = self._production_location()
        vals_list = []
        for product_id, parts in plan.parts.items():
            product = by_id[product_id]
            vals_list.append(
                {
                    "name": self.env._("Production %(name)s", name=self.name),
                    "origin": self.name,
                    "product_id": product_id,
                    "product_uom": product.uom_id.id,
                    "product_uom_qty": plan.needed[product_id],
                    "company_id": self.company_id.id,
                    "location_id": self.warehouse_id.lot_stock_id.id,
                    "location_dest_id": production_location.id,
                    "warehouse_id": self.warehouse_id.id,
                    "picked": True,
                    "boh_production_id": self.id,
                    "move_line_ids": [
                        Command.create(
                            {
                                "product_id": product_id,
                                "product_uom_id": product.uom_id.id,
                                "quantity": qty,
                                "location_id": location_id,
                                "location_dest_id": production_location.id,
                                "company_id": self.company_id.id,
                                "lot_id": lot_id or False,
                            }
                        )
                        for lot_id, location_id, qty in parts
                    ],
                }
            )
        moves = self.env["stock.move"].create(vals_list)
        moves._action_done()
        return moves

    def _consumed_cost(self, moves, plan):
        """Value of what the batch took: the stock valuation layers' where stock is valued
        (``stock_account``), else each lot's production cost or the product's cost."""
        if "stock_valuation_layer_ids" in moves._fields:
            layers = moves.sudo().stock_valuation_layer_ids
            if layers:
                return -sum(layers.mapped("value"))
        lots = self.env["stock.lot"].browse(
            {lot_id for parts in plan.parts.values() for lot_id, _loc, _qty in parts if lot_id}
        )
        lot_cost = {lot.id: lot.boh_unit_cost for lot in lots}
        products = self.env["product.product"].browse(list(plan.parts))
        product_cost = {p.id: p.with_company(self.company_id).standard_price for p in products}
        total = 0.0
        for product_id, parts in plan.parts.items():
            for lot_id, _location_id, qty in parts:
                total += qty * (lot_cost.get(lot_id) or product_cost[product_id])
        return self.currency_id.round(total)

    def _produce(self, expiry, unit_cost):
        """The batch into stock from the production location, in a new lot."""
        product = self.product_id
        lot = self.env["stock.lot"].create(
            {
                "name": self.name,
                "product_id": product.id,
                "company_id": self.company_id.id,
                "expiration_date": expiry,
                "boh_unit_cost": unit_cost,
                "boh_production_id": self.id,
            }
        )
        if float_is_zero(self.actual_qty, precision_rounding=product.uom_id.rounding):
            return lot
        production_location = self._production_location()
        stock = self.warehouse_id.lot_stock_id
        move = self.env["stock.move"].create(
            {
                "name": self.env._("Production %(name)s", name=self.name),
                "origin": self.name,
                "product_id": product.id,
                "product_uom": product.uom_id.id,
                "product_uom_qty": self.actual_qty,
                "company_id": self.company_id.id,
                "location_id": production_location.id,
                "location_dest_id": stock.id,
                "warehouse_id": self.warehouse_id.id,
                "price_unit": unit_cost,
                "picked": True,
                "boh_production_id": self.id,
                "move_line_ids": [
                    Command.create(
                        {
                            "product_id": product.id,
                            "product_uom_id": product.uom_id.id,
                            "quantity": self.actual_qty,
                            "location_id": production_location.id,
                            "location_dest_id": stock.id,
                            "company_id": self.company_id.id,
                            "lot_id": lot.id,
                        }
                    )
                ],
            }
        )
        move._action_done()
        return lot
