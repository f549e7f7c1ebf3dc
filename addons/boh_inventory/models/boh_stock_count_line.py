from collections import defaultdict

from odoo import Command, api, fields, models
from odoo.exceptions import ValidationError
from odoo.tools import float_compare, float_is_zero


class BohStockCountLine(models.Model):
    """What was counted of one product (and lot) in one location of a stock count."""

    _name = "boh.stock.count.line"
    _description = "Stock Count Line"
    _order = "count_id, location_id, product_id, lot_id, id"
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
    uom_id = fields.Many2one(related="product_id.uom_id", string="Unit")
    theoretical_qty = fields.Float(
        string="On Hand",
        digits="Product Unit of Measure",
        readonly=True,
        help="What stock holds of this product and lot in exactly this location: read by "
        "Load Stock and again at approval.",
    )
    counted_qty = fields.Float(string="Counted Quantity", digits="Product Unit of Measure")
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
        help="Counted minus on hand, for counted lines: what approval adds (or takes away).",
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

    @api.depends("counted_qty", "theoretical_qty", "is_counted")
    def _compute_difference_qty(self):
        for line in self:
            line.difference_qty = line.counted_qty - line.theoretical_qty if line.is_counted else 0

    @api.depends("product_id", "company_id")
    def _compute_unit_cost(self):
        for line in self:
            line.unit_cost = line.product_id.with_company(line.company_id).standard_price

    @api.depends("difference_qty", "unit_cost")
    def _compute_difference_value(self):
        for line in self:
            line.difference_value = line.difference_qty * line.unit_cost

    @api.depends(
        "count_id.move_ids.state",
        "count_id.move_ids.move_line_ids.quantity",
        "difference_qty",
    )
    def _compute_late_sale_qty(self):
        late = self._late_sale_quantities()
        for line in self:
            line.late_sale_qty = late.get(line.id, 0.0)
            line.unexplained_qty = line.difference_qty + line.late_sale_qty

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
            if line.lot_id and line.lot_id.product_id != line.product_id:
                raise ValidationError(
                    self.env._(
                        "Lot: %(lot)s is a lot of %(lot_product)s, not of %(product)s.",
                        lot=line.lot_id.name,
                        lot_product=line.lot_id.product_id.display_name,
                        product=line.product_id.display_name,
                    )
                )
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

    @api.model_create_multi
    def create(self, vals_list):
        """Create lines of draft counts; a line created with a quantity is counted."""
        for vals in vals_list:
            self._mark_counted(vals)
        lines = super().create(vals_list)
        lines.count_id._check_not_approved()
        return lines

    def write(self, vals):
        """Refuse changes on approved counts; a quantity entered marks the line counted."""
        self.count_id._check_not_approved()
        self._mark_counted(vals)
        res = super().write(vals)
        if "count_id" in vals:
            self.count_id._check_not_approved()
        return res

    @api.ondelete(at_uninstall=False)
    def _unlink_except_approved(self):
        self.count_id._check_not_approved()

    def _mark_counted(self, vals):
        if vals.get("counted_qty"):
            vals["is_counted"] = True

    def _boh_key(self):
        self.ensure_one()
        return (self.product_id.id, self.location_id.id, self.lot_id.id)

    def _refresh_theoretical_qty(self):
        """Read on-hand again for these lines, with one query for all of them."""
        if not self:
            return
        groups = self.env["stock.quant"]._read_group(
            [
                ("product_id", "in", self.product_id.ids),
                ("location_id", "in", self.location_id.ids),
            ],
            ["product_id", "location_id", "lot_id"],
            ["quantity:sum"],
        )
        on_hand = {
            (product.id, location.id, lot.id): quantity
            for product, location, lot, quantity in groups
        }
        for line in self:
            line.theoretical_qty = on_hand.get(line._boh_key(), 0.0)

    def _post_adjustments(self):
        """Post the inventory moves that make on-hand equal the counted quantity, batched."""
        to_adjust = self.filtered(
            lambda line: (
                not float_is_zero(
                    line.difference_qty, precision_rounding=line.product_id.uom_id.rounding
                )
            )
        )
        if not to_adjust:
            return self.env["stock.move"]
        moves = (
            self.env["stock.move"]
            .with_context(inventory_mode=False)
            .create([line._adjustment_move_values() for line in to_adjust])
        )
        moves._action_done()
        return moves

    def _adjustment_move_values(self):
        """Values of the inventory move of this line, as ``stock.quant`` builds them for an
        inventory adjustment (``_get_inventory_move_values``), linked to the count."""
        self.ensure_one()
        company = self.company_id
        inventory_loss = self.product_id.with_company(company).property_stock_inventory
        qty = self.difference_qty
        if qty > 0:
            source, destination = inventory_loss, self.location_id
        else:
            source, destination, qty = self.location_id, inventory_loss, -qty
        return {
            "name": self.env._("Count %(count)s", count=self.count_id.name),
            "origin": self.count_id.name,
            "product_id": self.product_id.id,
            "product_uom": self.product_id.uom_id.id,
            "product_uom_qty": qty,
            "company_id": company.id,
            "state": "confirmed",
            "location_id": source.id,
            "location_dest_id": destination.id,
            "is_inventory": True,
            "picked": True,
            "boh_count_id": self.count_id.id,
            "boh_count_role": "adjustment",
            "move_line_ids": [
                Command.create(
                    {
                        "product_id": self.product_id.id,
                        "product_uom_id": self.product_id.uom_id.id,
                        "quantity": qty,
                        "location_id": source.id,
                        "location_dest_id": destination.id,
                        "company_id": company.id,
                        "lot_id": self.lot_id.id,
                    }
                )
            ],
        }

    def _late_sale_quantities(self):
        """Quantity put back by ``late_sale`` moves of the counts, per line id.

        Matched on product, location and lot; what was put back into a lot that has no line
        of its own goes to the first line of that product and location, so that the sheet
        shows every late sale.
        """
        counts = self.count_id.filtered("id")
        if not counts:
            return {}
        move_lines = self.env["stock.move.line"].search_fetch(
            [
                ("move_id.boh_count_id", "in", counts.ids),
                ("move_id.boh_count_role", "=", "late_sale"),
                ("state", "=", "done"),
            ],
            [
                "move_id",
                "product_id",
                "location_id",
                "location_dest_id",
                "lot_id",
                "quantity_product_uom",
            ],
        )
        if not move_lines:
            return {}
        line_by_key = {}
        first_by_product = {}
        for line in self.filtered("id").sorted("id"):
            key = (line.count_id.id, line.product_id.id, line.location_id.id)
            line_by_key[(*key, line.lot_id.id)] = line.id
            first_by_product.setdefault(key, line.id)
        late = defaultdict(float)
        for move_line in move_lines:
            count_id = move_line.move_id.boh_count_id.id
            qty = move_line.quantity_product_uom
            for location, sign in ((move_line.location_dest_id, 1), (move_line.location_id, -1)):
                key = (count_id, move_line.product_id.id, location.id)
                line_id = line_by_key.get((*key, move_line.lot_id.id)) or first_by_product.get(key)
                if line_id:
                    late[line_id] += sign * qty
        return late
