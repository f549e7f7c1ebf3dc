from collections import defaultdict
from datetime import timedelta

from odoo import api, fields, models
from odoo.exceptions import ValidationError
from odoo.tools import float_compare, float_is_zero, float_round

from boh_core.counting import count_total
from boh_core.errors import BohError

from ..tools.core_messages import translate_core_error
from ..tools.server_context import switched_on

#: How old a count typed offline may say it is (``boh_counted_at``); an older time is not
#: believed and the time it reaches the server is kept instead.
OFFLINE_COUNT_MAX_AGE = timedelta(days=1)

#: Fields of a count line whose changes are kept in the change history.
AUDITED = ["product_id", "location_id", "lot_id", "counted_entry", "counted_qty", "is_counted"]


class BohStockCountLine(models.Model):
    """What was counted of one product (and lot) in one location of a stock count."""

    _name = "boh.stock.count.line"
    _description = "Stock Count Line"
    _order = "count_id, area_sequence, shelf_sequence, location_id, product_id, lot_id, id"
    _check_company_auto = True

    count_id = fields.Many2one("boh.stock.count", required=True, ondelete="cascade", index=True)
    company_id = fields.Many2one(
        related="count_id.company_id", store=True, index=True, precompute=True
    )
    product_id = fields.Many2one(
        "product.product",
        required=True,
        index=True,
        check_company=True,
        domain="[('is_storable', '=', True)]",
    )
    tracking = fields.Selection(related="product_id.tracking")
    location_id = fields.Many2one(
        "stock.location",
        string="Stock Location",
        compute="_compute_location_id",
        store=True,
        readonly=False,
        precompute=True,
        required=True,
        index=True,
        check_company=True,
        domain="[('usage', '=', 'internal')]",
    )
    lot_id = fields.Many2one(
        "stock.lot",
        index="btree_not_null",
        check_company=True,
        domain="[('product_id', '=', product_id)]",
    )
    expiration_date = fields.Datetime(related="lot_id.expiration_date")
    area_id = fields.Many2one(
        "boh.count.area",
        string="Storage Area",
        compute="_compute_area_id",
        store=True,
        precompute=True,
        index="btree_not_null",
        help="The storage area whose location (or a location inside it) this line counts.",
    )
    area_sequence = fields.Integer(compute="_compute_shelf_sequence", store=True, precompute=True)
    shelf_sequence = fields.Integer(
        compute="_compute_shelf_sequence",
        store=True,
        precompute=True,
        help="Place of the product in its area's shelf order; products not on it come last.",
    )
    uom_id = fields.Many2one(related="product_id.uom_id", string="Unit")
    theoretical_qty = fields.Float(
        string="On Hand",
        digits="Product Unit of Measure",
        readonly=True,
        groups="boh_inventory.group_boh_manager",
        help="What stock holds of this product and lot in exactly this location: read by "
        "Load Stock and again at approval.",
    )
    counted_qty = fields.Float(string="Counted Quantity", digits="Product Unit of Measure")
    counted_entry = fields.Char(
        string="Counted As",
        help="What was counted, in the units on the shelf, mixed if need be: '3 case + 4', "
        "'2.5 kg', or a number in the product's unit. The units are the product's purchase "
        "unit and the units of its kind, its packagings and its unit conversions.",
    )
    counted_at = fields.Datetime(
        readonly=True,
        copy=False,
        help="When the counted quantity was last entered: stock that moves after it is "
        "set apart at approval (Moved Since Counted).",
    )
    counted_uid = fields.Many2one("res.users", string="Counted By", readonly=True, copy=False)
    moved_qty = fields.Float(
        string="Moved Since Counted",
        digits="Product Unit of Measure",
        readonly=True,
        copy=False,
        help="Net stock moved into this location (positive) or out of it after the line was "
        "counted and before approval: approval adds it to the count instead of erasing it.",
    )
    is_counted = fields.Boolean(
        string="Counted",
        compute="_compute_is_counted",
        store=True,
        readonly=False,
        precompute=True,
        help="Ticked by itself when a quantity is entered; tick it to confirm that none is "
        "left. A count is approved only when every line is counted.",
    )
    difference_qty = fields.Float(
        string="Difference",
        digits="Product Unit of Measure",
        compute="_compute_difference_qty",
        store=True,
        groups="boh_inventory.group_boh_manager",
        help="Counted minus what stock held when the line was counted (on hand less what "
        "moved since), for counted lines: what approval adds (or takes away).",
    )
    hide_expected = fields.Boolean(related="count_id.hide_expected")
    expected_qty = fields.Float(
        string="Expected",
        digits="Product Unit of Measure",
        compute="_compute_expected_qty",
        compute_sudo=False,
        help="What stock holds here; empty for counters of a blind count.",
    )
    expected_difference_qty = fields.Float(
        string="Difference ",
        digits="Product Unit of Measure",
        compute="_compute_expected_qty",
        compute_sudo=False,
        help="Counted minus expected; empty for counters of a blind count.",
    )
    currency_id = fields.Many2one(related="company_id.currency_id")
    unit_cost = fields.Float(
        digits="Product Price",
        compute="_compute_unit_cost",
        store=True,
        groups="boh_inventory.group_boh_manager",
        help="Product cost per unit: the current one until approval, then the one at approval.",
    )
    difference_value = fields.Monetary(
        compute="_compute_difference_value",
        store=True,
        groups="boh_inventory.group_boh_manager",
    )
    difference_abs_value = fields.Monetary(
        string="Size of Difference",
        compute="_compute_difference_value",
        store=True,
        groups="boh_inventory.group_boh_manager",
        help="The difference's value, whatever its sign: the review sorts on it.",
    )
    late_sale_qty = fields.Float(
        string="Late Sales",
        digits="Product Unit of Measure",
        compute="_compute_late_sale_qty",
        help="Consumption of sales of the count's day or earlier that arrived after approval "
        "and was put back so that on-hand stays as counted (positive: put back).",
    )
    unexplained_qty = fields.Float(
        string="Unexplained",
        digits="Product Unit of Measure",
        compute="_compute_late_sale_qty",
        help="The difference that late sales do not explain: difference plus late sales.",
    )

    @api.depends("count_id.location_id")
    def _compute_location_id(self):
        for line in self:
            if not line.location_id:
                line.location_id = line.count_id.location_id

    @api.depends("counted_qty")
    def _compute_is_counted(self):
        for line in self:
            line.is_counted = line.is_counted or not float_is_zero(
                line.counted_qty, precision_rounding=line.product_id.uom_id.rounding or 0.001
            )

    @api.depends("count_id.location_id", "location_id")
    def _compute_area_id(self):
        locations = self.location_id | self.count_id.location_id
        areas = (
            self.env["boh.count.area"].sudo().search([("location_id", "parent_of", locations.ids)])
        )
        for line in self:
            # the closest area around the line's location
            containing = areas.filtered(
                lambda area, line=line: (
                    line.location_id
                    and line.location_id.parent_path.startswith(area.location_id.parent_path)
                )
            )
            line.area_id = containing.sorted(lambda a: len(a.location_id.parent_path))[-1:]

    @api.depends(
        "area_id.sequence",
        "area_id.product_line_ids.sequence",
        "area_id.product_line_ids.product_id",
        "product_id",
    )
    def _compute_shelf_sequence(self):
        for line in self:
            # sorted here: a cached shelf order is not re-sorted when a product is dragged
            shelf = line.area_id.product_line_ids.sorted(lambda p: (p.sequence, p.id))
            place = {product_line.product_id.id: index for index, product_line in enumerate(shelf)}
            line.area_sequence = line.area_id.sequence if line.area_id else 10**6
            line.shelf_sequence = place.get(line.product_id.id, 10**6)

    @api.depends("counted_qty", "theoretical_qty", "is_counted", "moved_qty")
    def _compute_difference_qty(self):
        for line in self:
            line.difference_qty = (
                line.counted_qty + line.moved_qty - line.theoretical_qty if line.is_counted else 0
            )

    @api.depends_context("uid")
    @api.depends(
        "count_id.hide_expected", "theoretical_qty", "counted_qty", "moved_qty", "is_counted"
    )
    def _compute_expected_qty(self):
        hidden = {count.id for count in self.count_id if count.hide_expected}
        for line, system in zip(self, self.sudo(), strict=True):
            if line.count_id.id in hidden:
                line.expected_qty = 0.0
                line.expected_difference_qty = 0.0
                continue
            line.expected_qty = system.theoretical_qty
            line.expected_difference_qty = system.difference_qty

    @api.depends("product_id", "company_id")
    def _compute_unit_cost(self):
        for line in self:
            line.unit_cost = line.product_id.with_company(line.company_id).standard_price

    @api.depends("difference_qty", "unit_cost")
    def _compute_difference_value(self):
        for line in self:
            line.difference_value = line.difference_qty * line.unit_cost
            line.difference_abs_value = abs(line.difference_value)

    @api.depends(
        "count_id.move_ids.state",
        "count_id.move_ids.move_line_ids.quantity",
        "difference_qty",
    )
    def _compute_late_sale_qty(self):
        late = self._late_sale_quantities()
        hidden = {count.id for count in self.count_id if count.hide_expected}
        for line, system in zip(self, self.sudo(), strict=True):
            line.late_sale_qty = late.get(line.id, 0.0)
            if line.count_id.id in hidden:
                line.unexplained_qty = 0.0
                continue
            line.unexplained_qty = system.difference_qty + line.late_sale_qty

    @api.constrains("product_id")
    def _check_product_id(self):
        for line in self:
            if not line.product_id.is_storable:
                raise ValidationError(
                    self.env._(
                        "Product: %(product)s does not track its stock (it is not storable), "
                        "so it cannot be counted.",
                        product=line.product_id.display_name,
                    )
                )

    @api.constrains("product_id", "lot_id")
    def _check_lot_id(self):
        for line in self:
            line.lot_id._boh_check_product(line.product_id)
            if not line.lot_id and line.product_id.tracking != "none":
                raise ValidationError(
                    self.env._(
                        "Lot: %(product)s is tracked by lot, so each line needs its lot "
                        "(got none).",
                        product=line.product_id.display_name,
                    )
                )

    @api.constrains("counted_qty")
    def _check_counted_qty(self):
        for line in self:
            if float_compare(line.counted_qty, 0.0, precision_digits=6) < 0:
                raise ValidationError(
                    self.env._(
                        "Counted Quantity: the quantity of %(product)s cannot be negative "
                        "(got %(qty)s).",
                        product=line.product_id.display_name,
                        qty=line.counted_qty,
                    )
                )

    @api.constrains("location_id", "count_id")
    def _check_location_id(self):
        for line in self:
            if not line.location_id._child_of(line.count_id.location_id):
                raise ValidationError(
                    self.env._(
                        "Location: %(location)s is outside the location of count %(count)s "
                        "(%(count_location)s).",
                        location=line.location_id.display_name,
                        count=line.count_id.name,
                        count_location=line.count_id.location_id.display_name,
                    )
                )

    @api.constrains("count_id", "product_id", "location_id", "lot_id")
    def _check_unique_key(self):
        groups = self._read_group(
            [("count_id", "in", self.count_id.ids)],
            ["count_id", "product_id", "location_id", "lot_id"],
            having=[("__count", ">", 1)],
        )
        if groups:
            count, product, location, lot = groups[0]
            lot_suffix = f" ({lot.name})" if lot else ""
            raise ValidationError(
                self.env._(
                    "Stock count %(count)s has %(product)s%(lot)s in %(location)s on more than "
                    "one line; count it on one line.",
                    count=count.name,
                    product=product.display_name,
                    lot=lot_suffix,
                    location=location.display_name,
                )
            )

    @api.onchange("counted_entry")
    def _onchange_counted_entry(self):
        if self.counted_entry and self.product_id:
            self.counted_qty = self._quantities_from_entries({self: self.counted_entry})[self]

    @api.model_create_multi
    def create(self, vals_list):
        """Create lines of draft counts; a line created with a quantity is counted. Lines
        added by hand must count a product stored where they count it."""
        for vals in vals_list:
            vals.pop("moved_qty", None)
            self._mark_counted(vals)
        lines = super().create(vals_list)
        lines.count_id._check_not_approved()
        with_entry = lines.filtered("counted_entry")
        if with_entry:
            with_entry._apply_entries()
        if not switched_on(self.env, "boh_count_loading"):
            lines._check_stored_in_area()
        return lines

    def write(self, vals):  # pylint: disable=method-required-super
        """Refuse changes on approved counts; a quantity entered (as a number or in shelf
        units) marks the line counted, by whom and when. (``super().write`` is called by
        :meth:`_write_each`, which this delegates to.)"""
        return self._write_each({line.id: vals for line in self})

    def _write_each(self, vals_by_id):
        """Write different values on each of these lines, as one batch: one approval check,
        one change-history snapshot and log, one conversion of the shelf-unit entries and
        one ORM write per group of lines with the same values. A count form saved with
        hundreds of lines counted goes through here once (see ``boh.stock.count.write``).
        """
        self.count_id._check_not_approved()
        groups = {}
        for line in self:
            vals = dict(vals_by_id[line.id])
            if not self.env.su:
                vals.pop("moved_qty", None)
            if "counted_qty" in vals and "counted_entry" not in vals:
                vals["counted_entry"] = False  # the number typed wins over an older entry
            self._mark_counted(vals)
            key = tuple(sorted((k, repr(v)) for k, v in vals.items()))
            groups.setdefault(key, (vals, []))[1].append(line.id)
        touched = {fname for vals, _ids in groups.values() for fname in vals}
        audited = [fname for fname in AUDITED if fname in touched]
        if "counted_entry" in touched and "counted_qty" not in audited:
            audited.append("counted_qty")  # set from the entry below
        Log = self.env["boh.change.log"]
        before = Log._snapshot(self, audited) if audited else {}
        for vals, ids in groups.values():
            super(BohStockCountLine, self.browse(ids)).write(vals)  # pylint: disable=super-method-mismatch
        with_entry = self.filtered(lambda line: vals_by_id[line.id].get("counted_entry"))
        if with_entry:
            with_entry._apply_entries(log=False)
        if audited:
            # the history list only: a chatter note per line typed would bury the count's
            Log._log(self, audited, before, "write", parent="count_id", post=False)
        if "count_id" in touched:
            self.count_id._check_not_approved()
        if {"product_id", "location_id"} & touched:
            self._check_stored_in_area()
        return True

    @api.ondelete(at_uninstall=False)
    def _unlink_except_approved(self):
        self.count_id._check_not_approved()

    def unlink(self):
        """Removed counted lines go to the change history."""
        counted = self.filtered("is_counted")
        Log = self.env["boh.change.log"]
        Log._log(
            counted, AUDITED, Log._snapshot(counted, AUDITED), "unlink", "count_id", post=False
        )
        return super().unlink()

    def _mark_counted(self, vals):
        if vals.get("counted_qty") or vals.get("counted_entry"):
            vals["is_counted"] = True
        if {"counted_qty", "counted_entry", "is_counted"} & set(vals):
            vals["counted_at"] = self._counted_at()
            vals["counted_uid"] = self.env.uid

    def _counted_at(self):
        """When the line was counted: now, or when the counter typed it if the count sheet
        kept it on the phone while offline and sends it later (``boh_counted_at`` in the
        context, UTC). A time in the future or over OFFLINE_COUNT_MAX_AGE old is not
        believed."""
        now = fields.Datetime.now()
        typed = self.env.context.get("boh_counted_at")
        if not typed:
            return now
        try:
            typed = fields.Datetime.to_datetime(typed)
        except (TypeError, ValueError):
            return now
        if now - OFFLINE_COUNT_MAX_AGE <= typed <= now:
            return typed
        return now

    def _apply_entries(self, log=True):
        """Set the counted quantity of these lines from their entries in shelf units."""
        quantities = self._quantities_from_entries({line: line.counted_entry for line in self})
        Log = self.env["boh.change.log"]
        before = Log._snapshot(self, ["counted_qty"]) if log else {}
        by_qty = defaultdict(list)
        for line, qty in quantities.items():
            by_qty[qty].append(line.id)
        for qty, ids in by_qty.items():
            # the super() write: keep the entry as typed
            super(BohStockCountLine, self.browse(ids)).write(  # pylint: disable=super-method-mismatch
                {"counted_qty": qty}
            )
        if log:
            Log._log(self, ["counted_qty"], before, "write", parent="count_id", post=False)
        return True

    def _quantities_from_entries(self, entries):
        """``{line: quantity in the product's unit}`` for ``{line: text typed}``, exactly
        (:func:`boh_core.counting.count_total`), rounded to the unit's rounding at the end."""
        # a bare number needs no unit table (most lines of a count are typed so)
        with_units = [line for line, text in entries.items() if _has_unit(text)]
        tables = defaultdict(dict)
        tables.update(
            self._unit_tables(
                self.env["product.product"].union(*(line.product_id for line in with_units))
            )
        )
        result = {}
        for line, text in entries.items():
            product = line.product_id
            try:
                total = count_total(text, tables[product.id], product.display_name)
            except BohError as error:
                raise ValidationError(
                    self.env._("Count: %(error)s", error=translate_core_error(self.env, error))
                ) from error
            result[line] = float_round(float(total), precision_rounding=product.uom_id.rounding)
        return result

    def _unit_tables(self, products):
        """``{product id: {unit name: product units per unit}}``: the units each product is
        counted in. Its unit and every unit of its kind (its purchase unit among them), the
        units its conversions reach (``boh.uom.conversion``, through ``boh_core.units``),
        and its packagings, which win over a unit of the same name."""
        if not products:
            return {}
        company = self.env.company
        converter = self.env["boh.costing"].sudo()._load_converter(company)
        # the units of the products' kinds and of the kinds their conversions reach
        conversions = (
            self.env["boh.uom.conversion"]
            .sudo()
            .search([("product_tmpl_id", "in", products.product_tmpl_id.ids)])
        )
        categories = (
            products.uom_id.category_id
            | conversions.from_uom_id.category_id
            | conversions.to_uom_id.category_id
        )
        uoms = self.env["uom.uom"].sudo().search([("category_id", "in", categories.ids)])
        packagings = (
            self.env["product.packaging"]
            .sudo()
            .search_fetch(
                [("product_id", "in", products.ids), ("qty", ">", 0)], ["product_id", "name", "qty"]
            )
        )
        tables = {}
        for product in products:
            table = {}
            for uom in uoms:
                if converter.can_convert(uom.id, product.uom_id.id, product.id):
                    table[uom.name] = converter.factor(uom.id, product.uom_id.id, product.id)
            tables[product.id] = table
        for packaging in packagings:
            tables[packaging.product_id.id][packaging.name] = packaging.qty
        return tables

    def _check_stored_in_area(self):
        """Refuse lines counting a product in a storage area where it is not stored:
        neither on the area's shelf order nor on hand in the line's location."""
        in_areas = self.filtered(lambda line: line.area_id.product_line_ids)
        if not in_areas:
            return
        on_hand = {
            (product.id, location.id)
            for product, location in self.env["stock.quant"]
            .sudo()
            ._read_group(
                [
                    ("product_id", "in", in_areas.product_id.ids),
                    ("location_id", "in", in_areas.location_id.ids),
                ],
                ["product_id", "location_id"],
            )
        }
        for line in in_areas:
            area = line.area_id
            if line.product_id in area.product_line_ids.product_id:
                continue
            if (line.product_id.id, line.location_id.id) in on_hand:
                continue
            raise ValidationError(
                self.env._(
                    "Product: %(product)s is not stored in %(area)s (%(location)s): it is "
                    "neither on the area's shelf order nor on hand there. Count it in the "
                    "area where it is stored, or add it to this area's shelf order.",
                    product=line.product_id.display_name,
                    area=area.name,
                    location=line.location_id.display_name,
                )
            )


def _has_unit(text):
    """Whether a typed count names a unit (anything but digits, separators and spaces)."""
    return any(ch.isalpha() for ch in text or "")
