from odoo import Command, api, fields, models
from odoo.addons.boh_inventory.tools.server_context import (
    beyond_writable,
    check_server_fields,
)

#: What a person may change on a review by hand: the decision. The rest is the server's.
WRITABLE = frozenset({"note"})


class BohStockReview(models.Model):
    """Stock held by a cold storage whose temperature went out of range: to be checked."""

    _name = "boh.stock.review"
    _description = "Stock Review after a Cold-Chain Breach"
    _inherit = ["mail.thread", "mail.activity.mixin"]
    _order = "id desc"
    _check_company_auto = True

    name = fields.Char(required=True, readonly=True)
    company_id = fields.Many2one("res.company", required=True, readonly=True, index=True)
    equipment_id = fields.Many2one(
        "maintenance.equipment", required=True, readonly=True, index=True, ondelete="cascade"
    )
    store_id = fields.Many2one(related="equipment_id.boh_store_id", store=True, string="Store")
    location_id = fields.Many2one(
        "stock.location", required=True, readonly=True, check_company=True
    )
    episode_id = fields.Many2one(
        "boh.sensor.episode", string="Sensor Alarm", readonly=True, ondelete="set null"
    )
    request_id = fields.Many2one("maintenance.request", string="Repair Request", readonly=True)
    line_ids = fields.One2many("boh.stock.review.line", "review_id", string="Products")
    state = fields.Selection(
        [("to_review", "To Review"), ("reviewed", "Reviewed")],
        default="to_review",
        required=True,
        readonly=True,
        tracking=True,
        index=True,
    )
    reviewed_by_id = fields.Many2one("res.users", readonly=True)
    reviewed_at = fields.Datetime(readonly=True)
    note = fields.Html("Decision", help="What was kept or thrown away, and why.")

    def write(self, vals):
        """People write the decision (and the chatter); *Mark Reviewed* records who and when."""
        check_server_fields(self, [vals], beyond_writable(self, vals, WRITABLE))
        return super().write(vals)

    def action_mark_reviewed(self):
        """Record that a person checked the stock of these reviews."""
        self.check_access("write")
        self.sudo().write(
            {
                "state": "reviewed",
                "reviewed_by_id": self.env.uid,
                "reviewed_at": fields.Datetime.now(),
            }
        )
        return True

    @api.model
    def _on_hand(self, locations):
        """``{location id: {product: quantity}}`` held in each location and below, in one read.

        A cold room may hold shelves as sub-locations: they count in.
        """
        quants = (
            self.env["stock.quant"]
            .sudo()
            ._read_group(
                [("location_id", "child_of", locations.ids), ("quantity", ">", 0)],
                ["location_id", "product_id"],
                ["quantity:sum"],
            )
        )
        on_hand = {location.id: {} for location in locations}
        for location, product, quantity in quants:
            for root in locations:
                if location.parent_path.startswith(root.parent_path):
                    stock = on_hand[root.id]
                    stock[product] = stock.get(product, 0.0) + quantity
        return on_hand

    @api.model
    def _flag_from_episodes(self, episodes):
        """Open a review of the stock held by each cold storage whose breach just began.

        Only equipment linked to a stock location is concerned; the review lists the
        products on hand there (and below). The store manager's to-do is the breach's flag
        (``boh.sensor.episode._raise_breach_flags``), whose evidence is the review.
        """
        episodes = episodes.filtered(lambda e: e.equipment_id.boh_stock_location_id)
        if not episodes:
            return self.browse()
        on_hand = self._on_hand(episodes.equipment_id.boh_stock_location_id)
        vals_list = []
        for episode in episodes:
            machine = episode.equipment_id
            location = machine.boh_stock_location_id
            vals_list.append(
                {
                    "name": self.env._(
                        "Check the stock of %(equipment)s", equipment=machine.display_name
                    ),
                    "company_id": (machine.company_id or self.env.user.company_id).id,
                    "equipment_id": machine.id,
                    "location_id": location.id,
                    "episode_id": episode.id,
                    "request_id": episode.request_id.id,
                    "line_ids": [
                        Command.create(
                            {
                                "product_id": product.id,
                                "quantity": quantity,
                                "uom_id": product.uom_id.id,
                            }
                        )
                        for product, quantity in sorted(
                            on_hand[location.id].items(), key=lambda item: item[0].display_name
                        )
                    ],
                }
            )
        return self.sudo().create(vals_list)
