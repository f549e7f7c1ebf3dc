from odoo import api, fields, models
from odoo.addons.boh_inventory.tools.server_context import check_server_fields

#: What the sales feed records on its moves; an Inventory user edits moves, not these.
DEPLETION_FIELDS = (
    "boh_warehouse_id",
    "boh_business_date",
    "boh_depletion_kind",
    "boh_depletion_qty",
)


class StockMove(models.Model):
    _inherit = "stock.move"

    boh_warehouse_id = fields.Many2one(
        "stock.warehouse",
        string="BOH Sales Location",
        index="btree_not_null",
        readonly=True,
        copy=False,
    )
    boh_business_date = fields.Date(
        string="BOH Business Date",
        readonly=True,
        copy=False,
        help="Business day of the sales this move depletes, or whose late sale it sets "
        "against a stock count.",
    )
    boh_depletion_kind = fields.Selection(
        [("sale", "Sold"), ("waste", "Returned by guest")],
        string="BOH Depletion",
        readonly=True,
        copy=False,
    )
    boh_depletion_qty = fields.Float(
        string="BOH Depleted Quantity",
        digits="Product Unit of Measure",
        readonly=True,
        copy=False,
        help="Signed quantity this move took out of stock for sales (negative: put back).",
    )

    @api.model_create_multi
    def create(self, vals_list):
        """The depletion fields are written by the sales feed only (as superuser)."""
        # Odoo copies a move's values into the moves it makes (kits, backorders): only a
        # value actually set is a client's
        check_server_fields(
            self, [{k: v for k, v in vals.items() if v} for vals in vals_list], DEPLETION_FIELDS
        )
        return super().create(vals_list)

    def write(self, vals):
        """The depletion fields are written by the sales feed only (as superuser)."""
        check_server_fields(self, [vals], DEPLETION_FIELDS)
        return super().write(vals)

    def _should_bypass_reservation(self, forced_location=False):
        """A depletion move of the sales feed is created and done in one call, on the lots
        the feed chose (``_allocate_lots``): its move lines reserve nothing when they are
        created (Odoo asks without a location then), so that they need not be unreserved
        when done (``stock.move.line._synchronize_quant``). Asked with a location (what a
        done line took beyond the free stock), the answer is Odoo's: other moves'
        reservations of what the sales used up are freed, as for any move."""
        if not forced_location and self.boh_depletion_kind:
            return True
        return super()._should_bypass_reservation(forced_location)

    def _skip_push(self):
        """Sales consumed or wasted leave the store for good: no push rule is looked for
        from the feed's consumption and waste locations (a search per move and parent
        location). A put-back into the store follows the store's rules as usual."""
        if self.boh_depletion_kind and self.location_dest_id.usage != "internal":
            return True
        return super()._skip_push()
