"""Requisitions: a store orders from the central kitchen (or borrows from another store); the
supplier ships through the company's transit location and the store receives."""

from datetime import timedelta

import pytz

from odoo import Command, api, fields, models
from odoo.exceptions import AccessError, UserError, ValidationError

from boh_core.errors import BohError
from boh_core.production import plan_consumption
from boh_core.transfers import cutoff_deadline, split_receipt

from ..tools.actions import records_action
from ..tools.core_messages import translate_core_error
from ..tools.refusals import refuse
from ..tools.server_context import check_server_fields

#: Recorded by the workflow (or derived), never by hand: the kind decides whether the
#: kitchen's cut-off applies.
SERVER_FIELDS = frozenset(
    {
        "name",
        "state",
        "submitted_date",
        "shipped_date",
        "received_date",
        "transfer_kind",
        "move_ids",
        "suggested",
        "site_ids",
    }
)
STATES = [
    ("draft", "Draft"),
    ("submitted", "Submitted"),
    ("accepted", "Accepted"),
    ("shipped", "Shipped"),
    ("received", "Received"),
    ("cancel", "Cancelled"),
]


class BohRequisition(models.Model):
    _name = "boh.requisition"
    _description = "Requisition"
    _inherit = ["mail.thread", "mail.activity.mixin"]
    _order = "date_needed desc, id desc"
    _check_company_auto = True

    name = fields.Char(string="Reference", readonly=True, copy=False, default="/")
    warehouse_id = fields.Many2one(
        "stock.warehouse",
        string="Store",
        required=True,
        index=True,
        default=lambda self: self.env.user._boh_default_store(self.env.company),
        tracking=True,
        help="The store that orders and receives.",
    )
    supplier_id = fields.Many2one(
        "stock.warehouse",
        string="Supplied By",
        required=True,
        index=True,
        check_company=True,
        default=lambda self: self._default_supplier_id(),
        tracking=True,
        help="The central kitchen that ships, or the store that lends.",
    )
    company_id = fields.Many2one(
        related="warehouse_id.company_id", store=True, index=True, precompute=True
    )
    site_ids = fields.Many2many(
        "stock.warehouse",
        "boh_requisition_site_rel",
        "requisition_id",
        "warehouse_id",
        string="Sites",
        compute="_compute_site_ids",
        store=True,
        help="The ordering store and its supplier: the staff of either see the requisition.",
    )
    transfer_kind = fields.Selection(
        [("requisition", "From the central kitchen"), ("store", "Store to store")],
        compute="_compute_transfer_kind",
        store=True,
        string="Kind",
    )
    date_needed = fields.Date(
        string="Needed On",
        required=True,
        default=lambda self: fields.Date.context_today(self) + timedelta(days=1),
        tracking=True,
        help="The day the store needs the goods; a requisition to the central kitchen is "
        "sent before the kitchen's cut-off the day before, in the store's time zone.",
    )
    state = fields.Selection(STATES, default="draft", required=True, readonly=True, tracking=True)
    line_ids = fields.One2many("boh.requisition.line", "requisition_id", string="Items", copy=True)
    move_ids = fields.One2many("stock.move", "boh_requisition_id", string="Stock Moves")
    picking_ids = fields.Many2many("stock.picking", compute="_compute_picking_ids")
    suggested = fields.Boolean(
        string="Suggested by Forecast",
        readonly=True,
        copy=False,
        help="Made by the nightly forecast for items the central kitchen supplies; "
        "replaced by the next run while still a draft.",
    )
    submitted_date = fields.Datetime(readonly=True, copy=False)
    shipped_date = fields.Datetime(readonly=True, copy=False)
    received_date = fields.Datetime(readonly=True, copy=False)
    note = fields.Text()

    def _default_supplier_id(self):
        return self.env["stock.warehouse"].search(
            [("company_id", "=", self.env.company.id), ("boh_central_kitchen", "=", True)],
            limit=1,
        )

    @api.depends("warehouse_id", "supplier_id")
    def _compute_site_ids(self):
        for requisition in self:
            requisition.site_ids = requisition.warehouse_id | requisition.supplier_id

    @api.depends("supplier_id.boh_central_kitchen")
    def _compute_transfer_kind(self):
        for requisition in self:
            central = requisition.supplier_id.boh_central_kitchen
            requisition.transfer_kind = "requisition" if central else "store"

    @api.depends("move_ids.picking_id")
    def _compute_picking_ids(self):
        for requisition in self:
            requisition.picking_ids = requisition.move_ids.picking_id

    @api.constrains("warehouse_id", "supplier_id")
    def _check_sites(self):
        for requisition in self:
            if requisition.warehouse_id == requisition.supplier_id:
                raise ValidationError(
                    self.env._(
                        "Supplied By: %(site)s cannot supply itself; pick the central kitchen "
                        "or another store.",
                        site=requisition.supplier_id.name,
                    )
                )

    @api.model_create_multi
    def create(self, vals_list):
        """Number the requisitions; their state and dates are the workflow's."""
        check_server_fields(self, vals_list, SERVER_FIELDS)
        requisitions = super().create(vals_list)
        Sequence = self.env["ir.sequence"].sudo()
        for requisition in requisitions:
            requisition.sudo().name = Sequence.next_by_code("boh.requisition") or "/"
        return requisitions

    def write(self, vals):
        """Only drafts change their store, supplier and day."""
        check_server_fields(self, [vals], SERVER_FIELDS)
        header = {"warehouse_id", "supplier_id", "date_needed"} & set(vals)
        closed = self.filtered(lambda requisition: requisition.state != "draft")
        if header and closed:
            raise UserError(
                self.env._(
                    "Requisition %(names)s was sent: its store, supplier and day no longer "
                    "change. Cancel it and send a new one.",
                    names=", ".join(closed.mapped("name")),
                )
            )
        return super().write(vals)

    @api.ondelete(at_uninstall=False)
    def _unlink_except_sent(self):
        refuse(
            self.filtered(lambda requisition: requisition.state not in ("draft", "cancel")),
            lambda names: self.env._(
                "Requisition %(names)s was sent and is kept; cancel it instead.", names=names
            ),
        )

    # ------------------------------------------------------------------ actions
    def action_submit(self):
        """Send the requisitions to their supplier, before the kitchen's cut-off."""
        self._check_state("draft", self.env._("Submit"))
        self._check_site("warehouse_id", self.env._("submit"))
        for requisition in self:
            if not requisition.line_ids:
                raise UserError(
                    self.env._(
                        "Requisition %(name)s has no items; add what the store needs.",
                        name=requisition.name,
                    )
                )
        self._check_cutoff(fields.Datetime.now())
        self.sudo().write({"state": "submitted", "submitted_date": fields.Datetime.now()})
        for line in self.sudo().line_ids:
            line.qty_shipped = line.qty
        return True

    def action_accept(self):
        """The supplier takes the requisitions on: it will ship them."""
        self._check_state("submitted", self.env._("Accept"))
        self._check_site("supplier_id", self.env._("accept"))
        self.sudo().write({"state": "accepted"})
        return True

    def action_ship(self):
        """Ship what the supplier has: lots first-expired-first-out, into transit."""
        self._check_state("accepted", self.env._("Ship"))
        self._check_site("supplier_id", self.env._("ship"))
        for requisition in self:
            requisition.sudo()._ship()
        return True

    def action_receive(self):
        """Receive what arrived: the good into the store's stock, the damaged to scrap."""
        self._check_state("shipped", self.env._("Receive"))
        self._check_site("warehouse_id", self.env._("receive"))
        for requisition in self:
            requisition.sudo()._receive()
        return True

    def action_cancel(self):
        """Cancel requisitions not shipped yet: nothing moved."""
        self._check_state(("draft", "submitted", "accepted"), self.env._("Cancel"))
        self.check_access("write")
        self.sudo().write({"state": "cancel"})
        return True

    def action_view_pickings(self):
        """Show the shipment and receipt of these requisitions."""
        return records_action(
            self, "stock.action_picking_tree_all", [("id", "in", self.picking_ids.ids)]
        )

    # ------------------------------------------------------------------ checks
    def _check_state(self, states, action):
        states = (states,) if isinstance(states, str) else states
        wrong = self.filtered(lambda requisition: requisition.state not in states)
        if wrong:
            labels = dict(self._fields["state"]._description_selection(self.env))
            raise UserError(
                self.env._(
                    "%(action)s does not apply to %(names)s.",
                    action=action,
                    names=", ".join(f"{r.name} ({labels[r.state]})" for r in wrong),
                )
            )

    def _check_site(self, fname, action):
        """Only staff of the site (the store, or the supplier) take its steps."""
        self.check_access("write")
        user = self.env.user
        if self.env.su or user.boh_all_stores:
            return
        for requisition in self:
            site = requisition[fname]
            if site not in user.boh_store_ids:
                raise AccessError(
                    self.env._(
                        "Only staff of %(site)s can %(action)s requisition %(name)s.",
                        site=site.name,
                        action=action,
                        name=requisition.name,
                    )
                )

    def _check_cutoff(self, now):
        """Refuse requisitions to a central kitchen sent after its cut-off (store's time)."""
        to_kitchen = self.filtered(lambda r: r.transfer_kind == "requisition")
        times = to_kitchen.warehouse_id._boh_store_time(now)
        for requisition in to_kitchen:
            tz = times[requisition.warehouse_id.id].tz
            local_now = pytz.utc.localize(now).astimezone(pytz.timezone(tz)).replace(tzinfo=None)
            try:
                deadline = cutoff_deadline(
                    requisition.date_needed, requisition.supplier_id.boh_requisition_cutoff
                )
            except BohError as error:
                raise ValidationError(translate_core_error(self.env, error)) from error
            if local_now > deadline:
                raise UserError(
                    self.env._(
                        "Needed On: %(day)s is past %(kitchen)s's cut-off (%(deadline)s, "
                        "%(tz)s time); it is now %(now)s. Ask for a later day, or call the "
                        "kitchen.",
                        day=requisition.date_needed,
                        kitchen=requisition.supplier_id.name,
                        deadline=deadline.strftime("%Y-%m-%d %H:%M"),
                        tz=tz,
                        now=local_now.strftime("%Y-%m-%d %H:%M"),
                    )
                )

    # ------------------------------------------------------------------ stock
    def _transit(self):
        transit = self.company_id.internal_transit_location_id
        if not transit:
            raise UserError(
                self.env._(
                    "%(company)s has no inter-warehouse transit location; set one in the "
                    "inventory settings.",
                    company=self.company_id.name,
                )
            )
        return transit

    def _ship(self):
        """One done picking supplier stock -> transit for what is shipped; short refused."""
        lines = self.line_ids.filtered(lambda line: line.qty_shipped > 0)
        digits = self.env["decimal.precision"].precision_get("Product Unit of Measure")
        source = self.supplier_id.lot_stock_id
        pools = self.env["boh.production"]._stock_pools_at(source, lines.product_id.ids)
        needed = {}
        for line in lines:
            needed[line.product_id.id] = needed.get(line.product_id.id, 0.0) + line.qty_shipped
        plan = plan_consumption(needed, 1.0, pools, digits) if needed else None
        if plan and plan.short:
            self._raise_short(plan.short, lines.product_id)
        if plan and plan.parts:
            self._post_picking(
                self.supplier_id.out_type_id,
                source,
                self._transit(),
                [(product_id, None, parts) for product_id, parts in plan.parts.items()],
            )
        self.write({"state": "shipped", "shipped_date": fields.Datetime.now()})
        for line in self.line_ids:
            line.qty_received = line.qty_shipped

    def _raise_short(self, short, products):
        """Refuse a shipment of more than the supplier holds, naming each item."""
        products = {p.id: p for p in products}
        raise UserError(
            self.env._(
                "Requisition %(name)s cannot ship more than %(site)s holds: %(short)s. "
                "Ship less (a short shipment) or make more first.",
                name=self.name,
                site=self.supplier_id.name,
                short="; ".join(
                    self.env._(
                        "%(product)s %(needed)s %(uom)s asked, %(available)s on hand",
                        product=products[s.product].display_name,
                        needed=s.needed,
                        uom=products[s.product].uom_id.name,
                        available=s.available,
                    )
                    for s in short
                ),
            )
        )

    def _receive(self):
        """The good parts transit -> store stock, the damaged transit -> scrap."""
        digits = self.env["decimal.precision"].precision_get("Product Unit of Measure")
        shipped = self.move_ids.filtered(lambda m: m.location_id == self.supplier_id.lot_stock_id)
        lots_of = {}
        for move_line in shipped.move_line_ids:
            lots_of.setdefault(move_line.product_id.id, []).append(
                (move_line.lot_id.id, move_line.quantity)
            )
        good, damaged = [], []
        for product_id, line in self._received_per_product().items():
            try:
                good_parts, bad_parts, _missing = split_receipt(
                    lots_of.get(product_id, []),
                    line["received"],
                    line["damaged"],
                    digits,
                    line["name"],
                )
            except BohError as error:
                raise ValidationError(translate_core_error(self.env, error)) from error
            if good_parts:
                good.append((product_id, None, [(lot, None, qty) for lot, qty in good_parts]))
            if bad_parts:
                damaged.append((product_id, None, [(lot, None, qty) for lot, qty in bad_parts]))
        transit = self._transit()
        if good:
            self._post_picking(
                self.warehouse_id.in_type_id, transit, self.warehouse_id.lot_stock_id, good
            )
        if damaged:
            scrap = self.env["boh.waste.line"]._scrap_locations(self.company_id)[self.company_id.id]
            self._post_picking(self.warehouse_id.in_type_id, transit, scrap, damaged)
        self.write({"state": "received", "received_date": fields.Datetime.now()})

    def _received_per_product(self):
        result = {}
        for line in self.line_ids:
            entry = result.setdefault(
                line.product_id.id,
                {"received": 0.0, "damaged": 0.0, "name": line.product_id.display_name},
            )
            entry["received"] += line.qty_received
            entry["damaged"] += line.qty_damaged
        return result

    def _post_picking(self, picking_type, source, destination, items):
        """A done picking of ``items`` = ``[(product id, _, [(lot id, location id, qty)])]``;
        each move carries its lots' production cost and its requisition (hence the kind)."""
        products = self.env["product.product"].browse([product_id for product_id, _u, _p in items])
        by_id = {product.id: product for product in products}
        lot_ids = {lot for _p, _u, parts in items for lot, _loc, _qty in parts if lot}
        lot_cost = {lot.id: lot.boh_unit_cost for lot in self.env["stock.lot"].browse(lot_ids)}
        picking = self.env["stock.picking"].create(
            {
                "picking_type_id": picking_type.id,
                "location_id": source.id,
                "location_dest_id": destination.id,
                "origin": self.name,
                "company_id": self.company_id.id,
            }
        )
        vals_list = [
            self._transfer_move_values(picking, by_id[product_id], parts, lot_cost)
            for product_id, _unused, parts in items
        ]
        self.env["stock.move"].create(vals_list)._action_done()
        return picking

    def _transfer_move_values(self, picking, product, parts, lot_cost):
        """One move of ``picking``, valued at its lots' production cost (no markup)."""
        source, destination = picking.location_id, picking.location_dest_id
        product_id = product.id
        qty = sum(part_qty for _lot, _loc, part_qty in parts)
        costs = [lot_cost.get(lot) or 0.0 for lot, _loc, _qty in parts]
        price = (
            sum(c * q for c, (_l, _o, q) in zip(costs, parts, strict=True)) / qty
            if qty and all(costs)
            else product.with_company(self.company_id).standard_price
        )
        return {
            "name": self.name,
            "origin": self.name,
            "picking_id": picking.id,
            "product_id": product_id,
            "product_uom": product.uom_id.id,
            "product_uom_qty": qty,
            "company_id": self.company_id.id,
            "location_id": source.id,
            "location_dest_id": destination.id,
            "price_unit": price,
            "picked": True,
            "boh_requisition_id": self.id,
            "move_line_ids": [
                Command.create(
                    {
                        "product_id": product_id,
                        "product_uom_id": product.uom_id.id,
                        "quantity": part_qty,
                        "location_id": location or source.id,
                        "location_dest_id": destination.id,
                        "company_id": self.company_id.id,
                        "lot_id": lot or False,
                        "picking_id": picking.id,
                    }
                )
                for lot, location, part_qty in parts
            ],
        }
