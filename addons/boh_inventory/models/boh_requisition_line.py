from odoo import api, fields, models
from odoo.exceptions import UserError, ValidationError

#: What each state of the requisition lets its lines change: the store asks, the supplier
#: ships, the store receives.
WRITABLE = {
    "draft": frozenset({"product_id", "qty", "sequence"}),
    "accepted": frozenset({"qty_shipped"}),
    "shipped": frozenset({"qty_received", "qty_damaged"}),
}


class BohRequisitionLine(models.Model):
    _name = "boh.requisition.line"
    _description = "Requisition Line"
    _order = "sequence, id"
    _check_company_auto = True

    requisition_id = fields.Many2one(
        "boh.requisition", required=True, ondelete="cascade", index=True
    )
    company_id = fields.Many2one(related="requisition_id.company_id", store=True, index=True)
    warehouse_id = fields.Many2one(related="requisition_id.warehouse_id", store=True, index=True)
    supplier_id = fields.Many2one(related="requisition_id.supplier_id", store=True, index=True)
    state = fields.Selection(related="requisition_id.state")
    sequence = fields.Integer(default=10)
    product_id = fields.Many2one(
        "product.product",
        string="Item",
        required=True,
        check_company=True,
        domain="[('is_storable', '=', True), ('boh_kind', 'in', ('prep', 'ingredient'))]",
    )
    uom_id = fields.Many2one(related="product_id.uom_id", string="Unit")
    qty = fields.Float(string="Asked", required=True, default=1.0, digits="Product Unit of Measure")
    qty_shipped = fields.Float(
        string="Shipped",
        digits="Product Unit of Measure",
        help="What the supplier ships; less than asked is a short shipment.",
    )
    qty_received = fields.Float(
        string="Received",
        digits="Product Unit of Measure",
        help="What arrived in good condition and goes into the store's stock.",
    )
    qty_damaged = fields.Float(
        string="Damaged",
        digits="Product Unit of Measure",
        help="What arrived damaged: recorded and scrapped, not put in stock.",
    )
    qty_short = fields.Float(
        string="Short",
        compute="_compute_gaps",
        digits="Product Unit of Measure",
        help="Asked but not shipped.",
    )
    qty_missing = fields.Float(
        string="Missing",
        compute="_compute_gaps",
        digits="Product Unit of Measure",
        help="Shipped but neither received nor reported damaged: it stays in transit.",
    )

    @api.depends("qty", "qty_shipped", "qty_received", "qty_damaged", "state")
    def _compute_gaps(self):
        for line in self:
            shipped = line.state in ("shipped", "received")
            line.qty_short = max(0.0, line.qty - line.qty_shipped) if shipped else 0.0
            line.qty_missing = (
                max(0.0, line.qty_shipped - line.qty_received - line.qty_damaged)
                if line.state == "received"
                else 0.0
            )

    @api.constrains("qty", "qty_shipped", "qty_received", "qty_damaged")
    def _check_quantities(self):
        for line in self:
            for fname in ("qty", "qty_shipped", "qty_received", "qty_damaged"):
                if line[fname] < 0:
                    raise ValidationError(
                        self.env._(
                            "%(field)s: %(value)s of %(product)s is negative; enter 0 or more.",
                            field=self._fields[fname]._description_string(self.env),
                            value=line[fname],
                            product=line.product_id.display_name,
                        )
                    )

    @api.model_create_multi
    def create(self, vals_list):
        """Items are added to draft requisitions only."""
        lines = super().create(vals_list)
        if not self.env.su:
            lines._check_writable(WRITABLE["draft"])
        return lines

    def write(self, vals):
        """Each step changes its own quantities only (see :data:`WRITABLE`)."""
        if not self.env.su:
            self._check_writable(set(vals))
        return super().write(vals)

    def _check_writable(self, fnames):
        for line in self:
            allowed = WRITABLE.get(line.requisition_id.state, frozenset())
            refused = set(fnames) - allowed
            if refused:
                raise UserError(
                    self.env._(
                        "Requisition %(name)s is %(state)s: %(fields)s of its items can no "
                        "longer change.",
                        name=line.requisition_id.name,
                        state=dict(
                            line.requisition_id._fields["state"]._description_selection(self.env)
                        )[line.requisition_id.state],
                        fields=", ".join(
                            self._fields[f]._description_string(self.env) for f in sorted(refused)
                        ),
                    )
                )

    @api.ondelete(at_uninstall=False)
    def _unlink_only_draft(self):
        if not self.env.su:
            self._check_writable({"product_id"})
