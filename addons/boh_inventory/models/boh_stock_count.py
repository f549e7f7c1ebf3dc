from collections import defaultdict

from odoo import Command, api, fields, models
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tools import SQL, float_is_zero
from odoo.tools.sql import create_index

from ..tools.actions import records_action
from ..tools.refusals import refuse
from ..tools.server_context import beyond_writable, check_server_fields, server_switches

#: Header fields that stay writable once a count is approved (besides the chatter's own).
WRITABLE_WHEN_APPROVED = frozenset({"note"})
#: Shown read-only and changed only by the count's actions (approve, cancel, reset).
SERVER_FIELDS = ("state", "approved_uid", "approved_date")


class BohStockCount(models.Model):
    """A count of what is on the shelves of one store location at the close of a business day.

    Staff enter counted quantities line by line; a BOH manager approves the sheet, which
    posts one inventory adjustment move per line that differs from the on-hand quantity, so
    that on-hand equals what was counted. An approved count is read-only: it is the record
    of what the store held, and sales of its day that arrive later are set against it (see
    :meth:`_first_approved_counts`).
    """

    _name = "boh.stock.count"
    _description = "Stock Count"
    _inherit = ["mail.thread"]
    _order = "count_date desc, id desc"
    _check_company_auto = True

    name = fields.Char(string="Reference", readonly=True, copy=False, index="trigram")
    warehouse_id = fields.Many2one(
        "stock.warehouse",
        string="Store",
        required=True,
        index=True,
        default=lambda self: self._default_warehouse_id(),
    )
    company_id = fields.Many2one(
        related="warehouse_id.company_id",
        store=True,
        index=True,
        precompute=True,
        required=True,
    )
    location_id = fields.Many2one(
        "stock.location",
        string="Stock Location",
        compute="_compute_location_id",
        store=True,
        readonly=False,
        precompute=True,
        required=True,
        check_company=True,
        domain="[('warehouse_id', '=', warehouse_id), ('usage', '=', 'internal')]",
        help="Where the count is taken: the store's stock location or one of its storage "
        "areas (walk-in, freezer, dry store). Load Stock fills the sheet from this location "
        "and everything inside it.",
    )
    count_date = fields.Date(
        required=True,
        index=True,
        default=fields.Date.context_today,
        help="The business day whose close this count records: sales of this day and "
        "earlier happened before the count.",
    )
    categ_ids = fields.Many2many(
        "product.category",
        "boh_stock_count_product_category_rel",
        "count_id",
        "categ_id",
        string="Product Categories",
        help="Limit Load Stock to these categories (and their sub-categories). Empty loads "
        "every storable product on hand.",
    )
    state = fields.Selection(
        [("draft", "Draft"), ("approved", "Approved"), ("cancel", "Cancelled")],
        default="draft",
        required=True,
        readonly=True,
        copy=False,
        index=True,
        tracking=True,
    )
    scope = fields.Selection(
        [("full", "Full count"), ("daily", "Daily high-value items")],
        string="Count List",
        default="full",
        required=True,
        help="Full count: every storable item (the weekly count). Daily: only the items marked "
        "Daily Count, the few high-value ones worth counting every day.",
    )
    is_blind = fields.Boolean(
        string="Blind Count",
        compute="_compute_is_blind",
        store=True,
        precompute=True,
        readonly=True,
        help="Set from the store when the count is created: counters see neither the "
        "expected quantity nor the difference until the count is approved.",
    )
    hide_expected = fields.Boolean(
        compute="_compute_hide_expected",
        help="Whether the current user is a counter of an open blind count.",
    )
    line_ids = fields.One2many("boh.stock.count.line", "count_id", string="Lines")
    line_count = fields.Integer(compute="_compute_progress", string="To Count")
    counted_count = fields.Integer(compute="_compute_progress", string="Counted")
    progress = fields.Float(compute="_compute_progress", string="Progress (%)")
    approved_uid = fields.Many2one("res.users", string="Approved By", readonly=True, copy=False)
    approved_date = fields.Datetime(string="Approved On", readonly=True, copy=False)
    move_ids = fields.One2many(
        "stock.move",
        "boh_count_id",
        string="Stock Moves",
        readonly=True,
        help="Adjustments posted at approval, and late sales set against this count.",
    )
    move_count = fields.Integer(compute="_compute_move_count", string="Moves")
    note = fields.Text()

    def _default_warehouse_id(self):
        return self.env.user._boh_default_store(self.env.company)

    @api.depends("warehouse_id")
    def _compute_location_id(self):
        for count in self:
            count.location_id = count.warehouse_id._boh_location_in_stock(count.location_id)

    @api.depends("warehouse_id")
    def _compute_is_blind(self):
        for count in self:
            count.is_blind = count.warehouse_id.boh_blind_count

    @api.depends_context("uid")
    @api.depends("is_blind", "state")
    def _compute_hide_expected(self):
        counter = not self.env.user.has_group("boh_inventory.group_boh_manager")
        for count in self:
            count.hide_expected = counter and count.is_blind and count.state == "draft"

    @api.depends("line_ids.is_counted")
    def _compute_progress(self):
        # saved counts: one grouped read (a 300-line sheet need not be loaded for this)
        saved = self.filtered(lambda count: isinstance(count.id, int))
        totals = defaultdict(lambda: [0, 0])
        if saved:
            for count, is_counted, number in self.env["boh.stock.count.line"]._read_group(
                [("count_id", "in", saved.ids)], ["count_id", "is_counted"], ["__count"]
            ):
                totals[count.id][0] += number
                if is_counted:
                    totals[count.id][1] += number
        for count in self - saved:
            totals[count.id] = [len(count.line_ids), len(count.line_ids.filtered("is_counted"))]
        for count in self:
            count.line_count, count.counted_count = totals[count.id]
            count.progress = (
                100.0 * count.counted_count / count.line_count if count.line_count else 0.0
            )

    def _compute_move_count(self):
        groups = self.env["stock.move"]._read_group(
            [("boh_count_id", "in", self.ids)], ["boh_count_id"], ["__count"]
        )
        counts = {count.id: total for count, total in groups}
        for count in self:
            count.move_count = counts.get(count.id, 0)

    @api.constrains("location_id", "warehouse_id")
    def _check_location_id(self):
        for count in self:
            if not count.warehouse_id._boh_holds(count.location_id):
                raise ValidationError(
                    self.env._(
                        "Location: %(location)s is not in store %(store)s; a count is taken "
                        "in the store's stock location %(stock)s or a location inside it.",
                        location=count.location_id.display_name,
                        store=count.warehouse_id.display_name,
                        stock=count.warehouse_id.lot_stock_id.display_name,
                    )
                )
            outside = count.line_ids.filtered(
                lambda line, count=count: not line.location_id._child_of(count.location_id)
            )
            if outside:
                raise ValidationError(
                    self.env._(
                        "Location: count %(count)s cannot move to %(location)s, its lines "
                        "count stock outside it (%(lines)s).",
                        count=count.name,
                        location=count.location_id.display_name,
                        lines=", ".join(outside.location_id.mapped("display_name")),
                    )
                )

    def init(self):
        """Index the lookup of :meth:`_first_approved_counts`: approved counts per store."""
        create_index(
            self.env.cr,
            "boh_stock_count_approved_store_date_idx",
            self._table,
            ["warehouse_id", "count_date"],
            where="state = 'approved'",
        )

    @api.model_create_multi
    def create(self, vals_list):
        """Create the counts, each named after its store and business day."""
        check_server_fields(self, vals_list, SERVER_FIELDS)
        counts = super().create(vals_list)
        counts.filtered(lambda count: not count.name)._assign_names()
        if any(counts.mapped("is_blind")):
            counts._clear_blind_rules()
        return counts

    def write(self, vals):
        """Refuse changes to approved counts, except their note and chatter; the state and
        the approval are changed by the actions only."""
        check_server_fields(self, [vals], SERVER_FIELDS)
        if beyond_writable(self, vals, WRITABLE_WHEN_APPROVED):
            self._check_not_approved()
        blind = any(self.mapped("is_blind"))
        if vals.get("line_ids"):
            vals = self._write_line_updates(vals)
        res = super().write(vals)
        if "state" in vals and (blind or any(self.mapped("is_blind"))):
            self._clear_blind_rules()
        return res

    def _write_line_updates(self, vals):
        """Apply the line updates (``Command.update``) of ``vals`` as one batch of the lines
        (``boh.stock.count.line._write_each``) instead of a write per line, and return the
        other values. The web client saves a count sheet this way."""
        updates, others = {}, []
        for command in vals["line_ids"]:
            if isinstance(command, list | tuple) and command[0] == Command.UPDATE:
                updates[command[1]] = command[2]
            else:
                others.append(command)
        if not updates:
            return vals
        lines = self.env["boh.stock.count.line"].browse(list(updates))
        if lines.count_id - self:
            raise UserError(
                self.env._("Count lines can only be changed through their own stock count.")
            )
        lines._write_each(updates)
        vals = dict(vals)
        if others:
            vals["line_ids"] = others
        else:
            del vals["line_ids"]
        return vals

    @api.ondelete(at_uninstall=False)
    def _unlink_except_approved(self):
        refuse(
            self.filtered(lambda count: count.state == "approved"),
            lambda names: self.env._(
                "An approved stock count is kept as the record of what the store held; "
                "it cannot be deleted: %(counts)s.",
                counts=names,
            ),
        )

    def action_load_stock(self):
        """Fill the sheet with one line per product, location and lot on hand, in shelf order.

        Lines already counted are kept (with a fresh on-hand quantity); the others are
        replaced by what stock holds now in the count's location and every location inside
        it, limited to the count's product categories when it has some and to the Daily
        Count items on a daily count. The products on the shelf order of a storage area in
        the count's location get a line there even when stock holds none of them (so what
        the system lost track of is counted too). Stock is read as the system: counters of
        a blind count do not see it.

        Long because it reloads the whole sheet (kept lines, new lines, lots) in one batched
        pass.
        """
        self.check_access("write")
        self._check_state("draft", self.env._("Load Stock"))
        Quant = self.env["stock.quant"].sudo()
        Line = self.env["boh.stock.count.line"].with_context(**server_switches("boh_count_loading"))
        for count in self:
            domain = [
                ("location_id", "child_of", count.location_id.id),
                ("company_id", "=", count.company_id.id),
                ("product_id.is_storable", "=", True),
            ]
            product_domain = [("is_storable", "=", True)]
            if count.categ_ids:
                domain.append(("product_id.categ_id", "child_of", count.categ_ids.ids))
                product_domain.append(("categ_id", "child_of", count.categ_ids.ids))
            if count.scope == "daily":
                domain.append(("product_id.boh_count_daily", "=", True))
                product_domain.append(("boh_count_daily", "=", True))
            groups = Quant._read_group(
                domain, ["product_id", "location_id", "lot_id"], ["quantity:sum"]
            )
            counted = count.line_ids.filtered("is_counted")
            (count.line_ids - counted).unlink()
            kept = {line._boh_key() for line in counted}
            vals_list = [
                {
                    "count_id": count.id,
                    "product_id": product.id,
                    "location_id": location.id,
                    "lot_id": lot.id,
                    "theoretical_qty": quantity,
                }
                for product, location, lot, quantity in groups
                if (product.id, location.id, lot.id) not in kept
                and not float_is_zero(quantity, precision_rounding=product.uom_id.rounding)
            ]
            kept |= {(v["product_id"], v["location_id"], v["lot_id"]) for v in vals_list}
            on_shelf = {(product.id, location.id) for product, location, _lot, _q in groups}
            areas = self.env["boh.count.area"].search(
                [("location_id", "child_of", count.location_id.id)]
            )
            listed = areas.product_line_ids.product_id.filtered_domain(product_domain)
            for area_product in areas.product_line_ids:
                product = area_product.product_id
                location = area_product.area_id.location_id
                if (
                    product in listed
                    and product.tracking == "none"
                    and (product.id, location.id) not in on_shelf
                    and (product.id, location.id, False) not in kept
                ):
                    vals_list.append(
                        {
                            "count_id": count.id,
                            "product_id": product.id,
                            "location_id": location.id,
                            "theoretical_qty": 0.0,
                        }
                    )
            Line.sudo().create(vals_list)
            counted._refresh_theoretical_qty()
        return True

    def action_approve(self):
        """Apply the counts: on-hand becomes what was counted.

        For BOH managers. Every line must be counted. Queued sales up to the count date are
        posted first (:meth:`_boh_prepare_approval`), then on-hand is read again and one
        inventory move per line that differs is posted, in one transaction: on any error
        nothing is applied.

        Stock that moved after a line was counted (a delivery put away, a transfer, waste
        logged while the count was open) was not on the shelf when it was counted, or left
        it afterwards: the line keeps it as *Moved Since Counted* and the adjustment is
        counted minus what stock held *when the line was counted*, so on-hand becomes the
        count plus those moves, not the bare count. The moves are listed in the chatter.
        """
        if not (self.env.su or self.env.user.has_group("boh_inventory.group_boh_manager")):
            raise AccessError(
                self.env._(
                    "Only a BOH Manager can approve a stock count (%(counts)s).",
                    counts=", ".join(self.mapped("name")),
                )
            )
        self._check_state("draft", self.env._("Approve"))
        self._check_all_counted()
        with self.env.cr.savepoint():
            self._boh_prepare_approval()
            lines = self.line_ids
            lines._refresh_theoretical_qty()
            lines._record_moves_since_counted()
            lines._post_adjustments()
            for line in lines:
                line.unit_cost = line.product_id.with_company(line.company_id).standard_price
            self.sudo().write(
                {
                    "state": "approved",
                    "approved_uid": self.env.uid,
                    "approved_date": fields.Datetime.now(),
                }
            )
        return True

    def action_cancel(self):
        """Drop draft counts without applying them."""
        self.check_access("write")
        self._check_state("draft", self.env._("Cancel"))
        self.sudo().write({"state": "cancel"})
        return True

    def action_draft(self):
        """Reopen cancelled counts."""
        self.check_access("write")
        self._check_state("cancel", self.env._("Reset to Draft"))
        self.sudo().write({"state": "draft"})
        return True

    def action_view_moves(self):
        """Show the stock moves posted for these counts."""
        return records_action(self, "stock.stock_move_action", [("boh_count_id", "in", self.ids)])

    def action_open_sheet(self):
        """The count sheet: one editable row per line in shelf order, each saved as it is
        entered (type the count, Enter goes to the next line)."""
        self.check_access("read")
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "boh_inventory.action_boh_stock_count_sheet"
        )
        action["domain"] = [("count_id", "=", self.id)]
        action["context"] = {"default_count_id": self.id}
        action["name"] = self.env._("Count %(count)s", count=self.name)
        return action

    def _check_manager_review(self):
        """The differences, with their value, are for BOH managers (counters may count blind)."""
        if not self.env.user.has_group("boh_inventory.group_boh_manager"):
            raise AccessError(self.env._("Only a BOH manager reviews the differences of a count."))

    def action_review_differences(self):
        """The counted lines that differ from stock, with their value, largest first."""
        self._check_manager_review()
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "boh_inventory.action_boh_stock_count_review"
        )
        action["domain"] = [("count_id", "=", self.id), ("difference_qty", "!=", 0)]
        action["name"] = self.env._("Differences of %(count)s", count=self.name)
        return action

    def action_print_sheet(self):
        """Print the count sheet (PDF), in shelf order."""
        self.check_access("read")
        return self.env.ref("boh_inventory.action_report_boh_count_sheet").report_action(self)

    def _sheet_lines(self):
        """The lines of this count in sheet order (areas, shelf order), read afresh."""
        self.ensure_one()
        return self.env["boh.stock.count.line"].search([("count_id", "=", self.id)])

    def _clear_blind_rules(self):
        """The quant rule of counters reads the open blind counts: forget cached rules, and
        the users' cached list of locations under a blind count the rules read."""
        self.env["res.users"].invalidate_model(["boh_blind_location_ids"])
        self.env.registry.clear_cache()

    def _boh_prepare_approval(self):
        """Hook called first thing when these counts are approved, before on-hand is read.

        Does nothing here. A module that queues stock consumption overrides it to post what
        is still pending for the counted stores up to each count's ``count_date`` (the POS
        bridge posts the ingredient depletion of sales of those days), so that the counted
        quantities are compared with a complete on-hand. Runs in the approval's transaction:
        raising refuses the approval and applies nothing. Always call ``super()``.
        """
        return None

    @api.model
    def _first_approved_counts(self, keys):
        """The approved count that covers each sale, for many sales in one query.

        A sale made on ``business_date`` at a store is covered by a count when the count is
        approved, of the same store (``warehouse_id``), has ``count_date >= business_date``
        (the count recorded the close of a day when that sale had already happened) and has
        a line for the product. Stock consumed by such a sale after the approval was already
        missing from the shelves when they were counted: the caller posts the consumption
        and offsets it with a ``late_sale`` move linked to the count (see
        ``stock.move.boh_count_role``), so that on-hand stays as counted.

        :param keys: iterable of ``(warehouse_id, business_date, product_id)``, ids as ints,
            dates as ``date`` or ``"YYYY-MM-DD"``; a ``product_id`` of ``None`` asks for the
            count covering the store's day whatever products it counted.
        :return: ``{key: boh.stock.count}`` for the covered keys (as given), each mapped to
            its earliest covering count by ``(count_date, approved_date, id)``. Keys no
            approved count covers are absent.

        Reads with one SQL query and without record rules: it is meant for system processes
        (the sales feed), which decide what the counts they get may be used for.
        """
        by_norm = {}
        for key in keys:
            warehouse_id, business_date, product_id = key
            norm = (
                int(warehouse_id),
                fields.Date.to_date(business_date),
                None if product_id is None else int(product_id),
            )
            by_norm.setdefault(norm, []).append(key)
        if not by_norm:
            return {}
        self.flush_model(["warehouse_id", "count_date", "state", "approved_date"])
        self.env["boh.stock.count.line"].flush_model(["count_id", "product_id"])
        warehouse_ids, dates, product_ids = zip(*by_norm, strict=True)
        rows = self.env.execute_query(
            SQL(
                """
                SELECT k.warehouse_id, k.business_date, k.product_id, covering.id
                  FROM unnest(%s::int[], %s::date[], %s::int[])
                       AS k(warehouse_id, business_date, product_id)
                  JOIN LATERAL (
                        SELECT sc.id
                          FROM boh_stock_count sc
                         WHERE sc.warehouse_id = k.warehouse_id
                           AND sc.state = 'approved'
                           AND sc.count_date >= k.business_date
                           AND (k.product_id IS NULL OR EXISTS (
                                SELECT 1
                                  FROM boh_stock_count_line scl
                                 WHERE scl.count_id = sc.id
                                   AND scl.product_id = k.product_id
                           ))
                      ORDER BY sc.count_date, sc.approved_date, sc.id
                         LIMIT 1
                       ) covering ON TRUE
                """,
                list(warehouse_ids),
                list(dates),
                list(product_ids),
            )
        )
        count_ids = [row[3] for row in rows]
        result = {}
        for warehouse_id, business_date, product_id, count_id in rows:
            count = self.browse(count_id).with_prefetch(count_ids)
            for key in by_norm[(warehouse_id, business_date, product_id)]:
                result[key] = count
        return result

    def _assign_names(self):
        """Name counts ``CNT/<store code>/<count date>``, with ``/2``, ``/3``... for the
        further counts of the same store and day."""
        taken = set(
            self.sudo()
            .search_fetch(
                [
                    ("warehouse_id", "in", self.warehouse_id.ids),
                    ("count_date", "in", list(set(self.mapped("count_date")))),
                    ("name", "!=", False),
                ],
                ["name"],
            )
            .mapped("name")
        )
        for count in self:
            base = f"CNT/{count.warehouse_id.code}/{fields.Date.to_string(count.count_date)}"
            name, seq = base, 1
            while name in taken:
                seq += 1
                name = f"{base}/{seq}"
            taken.add(name)
            count.name = name

    def _check_state(self, state, action):
        wrong = self.filtered(lambda count: count.state != state)
        if wrong:
            labels = dict(self._fields["state"]._description_selection(self.env))
            raise UserError(
                self.env._(
                    "%(action)s works on stock counts in state %(state)s only, not on %(counts)s.",
                    action=action,
                    state=labels[state],
                    counts=", ".join(f"{c.name} ({labels[c.state]})" for c in wrong),
                )
            )

    def _check_not_approved(self):
        refuse(
            self.filtered(lambda count: count.state == "approved"),
            lambda names: self.env._(
                "Stock count %(counts)s is approved and can no longer be changed; "
                "only its note can.",
                counts=names,
            ),
        )

    def _check_all_counted(self):
        for count in self:
            if not count.line_ids:
                raise UserError(
                    self.env._(
                        "Stock count %(count)s has no lines: load the stock or add the "
                        "products counted before approving.",
                        count=count.name,
                    )
                )
            uncounted = count.line_ids.filtered(lambda line: not line.is_counted)
            if uncounted:
                raise UserError(
                    self.env._(
                        "Stock count %(count)s has lines not counted yet: %(products)s. Enter "
                        "their counted quantity, or tick Counted to confirm a zero.",
                        count=count.name,
                        products=", ".join(
                            sorted(set(uncounted.mapped("product_id.display_name")))
                        ),
                    )
                )
