from odoo import api, fields, models


class BohMaintenancePartLine(models.Model):
    """A spare part used by a repair, drawn from the store's stock when the repair is done."""

    _name = "boh.maintenance.part.line"
    _description = "Repair Spare Part"
    _check_company_auto = True

    request_id = fields.Many2one(
        "maintenance.request", required=True, ondelete="cascade", index=True
    )
    company_id = fields.Many2one(related="request_id.company_id", store=True)
    product_id = fields.Many2one(
        "product.product",
        string="Part",
        required=True,
        check_company=True,
        domain=[("is_storable", "=", True)],
    )
    quantity = fields.Float(default=1.0, required=True, digits="Product Unit of Measure")
    product_uom_id = fields.Many2one(related="product_id.uom_id")
    unit_cost = fields.Float(
        string="Cost per Unit",
        digits="Product Price",
        help="Product cost when the part was drawn from stock (until then, its current cost).",
    )
    cost = fields.Float(compute="_compute_cost", store=True, digits="Product Price")
    move_id = fields.Many2one("stock.move", string="Stock Move", readonly=True, copy=False)

    _sql_constraints = [
        ("quantity_positive", "CHECK(quantity > 0)", "A spare part quantity must be positive.")
    ]

    @api.depends("quantity", "unit_cost")
    def _compute_cost(self):
        for line in self:
            line.cost = line.quantity * line.unit_cost

    @api.onchange("product_id")
    def _onchange_product_id(self):
        self.unit_cost = self.product_id.standard_price

    def _create_stock_moves(self):
        """Post one done stock move per line, store stock to maintenance consumption."""
        destination = self.env.ref("boh_maintenance.location_maintenance_consumption")
        vals_list = []
        for line in self:
            source = line.request_id.boh_store_id.lot_stock_id
            vals_list.append(
                {
                    "name": line.request_id.boh_reference or line.request_id.name,
                    "reference": line.request_id.boh_reference,
                    "product_id": line.product_id.id,
                    "product_uom": line.product_id.uom_id.id,
                    "product_uom_qty": line.quantity,
                    "location_id": source.id,
                    "location_dest_id": destination.id,
                    "company_id": line.company_id.id,
                    "origin": line.request_id.boh_reference,
                }
            )
        moves = self.env["stock.move"].sudo().create(vals_list)
        moves._action_confirm()
        moves._action_assign()
        for move in moves:
            move.quantity = move.product_uom_qty
        moves.picked = True
        moves._action_done()
        for line, move in zip(self, moves, strict=True):
            line.write({"move_id": move.id, "unit_cost": line.product_id.standard_price})
