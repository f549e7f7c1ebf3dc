import json
from collections import defaultdict

from odoo import Command, fields, models
from odoo.exceptions import UserError


class BohPosUnmapped(models.Model):
    """A POS code nobody has mapped yet; orders using it wait until a manager maps it."""

    _name = "boh.pos.unmapped"
    _description = "Unmapped POS Code"
    _order = "state, id desc"
    _rec_name = "code"

    source = fields.Char(required=True, index=True, readonly=True)
    kind = fields.Selection(
        [("item", "Item"), ("modifier", "Modifier")], required=True, readonly=True
    )
    code = fields.Char(required=True, index=True, readonly=True)
    company_id = fields.Many2one("res.company", required=True, index=True, readonly=True)
    state = fields.Selection(
        [("open", "To map"), ("done", "Mapped")], default="open", required=True, index=True
    )
    product_id = fields.Many2one(
        "product.product",
        string="Map To",
        help="Item: the menu item this code sells. Modifier: the ingredient it adds "
        "(negative quantity: removes); leave empty for a modifier without stock effect.",
    )
    qty = fields.Float(string="Quantity per Unit", default=1.0, digits="Product Unit of Measure")
    uom_id = fields.Many2one("uom.uom", string="Unit")
    waiting_count = fields.Integer(string="Orders Waiting", compute="_compute_waiting_count")

    def _compute_waiting_count(self):
        # one read of the waiting orders' lines for the whole list, not a count per code
        lines = (
            self.env["boh.pos.order.line"]
            .sudo()
            .search_fetch(
                [
                    ("order_id.state", "=", "unmapped"),
                    ("order_id.source", "in", list(set(self.mapped("source")))),
                    ("order_id.company_id", "in", self.company_id.ids),
                ],
                ["order_id", "item_code", "modifiers"],
            )
        )
        waiting = defaultdict(set)  # (source, company, kind, code) -> waiting order ids
        with_modifiers = set()
        for line in lines:
            order = line.order_id
            waiting[(order.source, order.company_id.id, "item", line.item_code)].add(order.id)
            if line.modifiers:
                with_modifiers.add(order.id)
        if with_modifiers and "modifier" in self.mapped("kind"):
            # the codes exactly as sent, from the stored content: the display text of a
            # line's modifiers ("CODE x1, ...") cannot tell "CHEESE" inside "XCHEESE" or
            # a code that itself holds ", " apart
            orders = self.env["boh.pos.order"].sudo().browse(sorted(with_modifiers))
            for order in orders:
                key = (order.source, order.company_id.id, "modifier")
                for code in _modifier_codes(order.content):
                    waiting[(*key, code)].add(order.id)
        for entry in self:
            key = (entry.source, entry.company_id.id, entry.kind, entry.code)
            entry.waiting_count = len(waiting.get(key, ()))

    def action_resolve(self):
        """Create the mapping, then process every order that was waiting for it."""
        self.check_access("write")
        for entry in self.filtered(lambda e: e.state == "open"):
            key = [
                ("company_id", "=", entry.company_id.id),
                ("source", "=", entry.source),
                ("code", "=", entry.code),
            ]
            entry._create_mapping(key)
            self.search(key + [("kind", "=", entry.kind), ("state", "=", "open")]).write(
                {"state": "done"}
            )
        self.write({"state": "done"})
        waiting = (
            self.env["boh.pos.order"]
            .sudo()
            .search(
                [
                    ("state", "=", "unmapped"),
                    ("company_id", "in", self.company_id.ids),
                    ("source", "in", self.mapped("source")),
                ]
            )
        )
        if waiting:
            self.env["boh.pos.feed"].sudo()._reprocess_orders(waiting)
        return True

    def _create_mapping(self, key):
        """Map this waiting code as the manager chose, unless a mapping (``key``) exists."""
        self.ensure_one()
        if self.kind == "item":
            if not self.product_id:
                raise UserError(
                    self.env._("Choose the menu item that POS code %(code)s sells.", code=self.code)
                )
            ItemMap = self.env["boh.pos.item.map"].sudo()
            if not ItemMap.search_count(key):
                ItemMap.create(
                    {
                        "company_id": self.company_id.id,
                        "source": self.source,
                        "code": self.code,
                        "product_id": self.product_id.id,
                    }
                )
            return
        ModMap = self.env["boh.pos.modifier.map"].sudo()
        if ModMap.search_count(key):
            return
        effects = []
        if self.product_id:
            uom = self.uom_id or self.product_id.uom_id
            effects = [
                Command.create(
                    {"product_id": self.product_id.id, "qty": self.qty, "uom_id": uom.id}
                )
            ]
        ModMap.create(
            {
                "company_id": self.company_id.id,
                "source": self.source,
                "code": self.code,
                "line_ids": effects,
            }
        )


def _modifier_codes(content):
    """Modifier codes of a stored order's normalized content (see ``order_content``)."""
    try:
        data = json.loads(content or "{}")
    except ValueError:
        return set()
    codes = set()
    for line in data.get("lines") or ():
        for modifier in line.get("modifiers") or ():
            if modifier:
                codes.add(modifier[0])
    return codes
