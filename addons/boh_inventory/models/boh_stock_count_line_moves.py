"""Count lines and stock: what moved since a line was counted, the expected quantity, the
inventory adjustments an approval posts and the late sales set against approved counts."""

from collections import defaultdict

from markupsafe import Markup

from odoo import Command, models
from odoo.tools import float_is_zero


class BohStockCountLine(models.Model):
    # one model over files a concern each, as Odoo's own addons do (CONTRIBUTING.md)
    _inherit = "boh.stock.count.line"  # pylint: disable=consider-merging-classes-inherited

    def _record_moves_since_counted(self):
        """Set *Moved Since Counted* on these lines from the done moves of their product,
        location and lot dated after the line was counted, in one read; list them in the
        count's chatter.

        Count adjustments and late-sale offsets of counts are left out (they restate
        counts), and so are moves of a business day up to the count's (sales of the
        counted day posted late were already off the shelf).

        Long because it reads, nets and records the moves of every counted line in one batched
        pass.
        """
        lines = self.filtered("counted_at")
        if not lines:
            return
        Move = self.env["stock.move.line"].sudo()
        domain = [
            ("state", "=", "done"),
            ("product_id", "in", lines.product_id.ids),
            "|",
            ("location_id", "in", lines.location_id.ids),
            ("location_dest_id", "in", lines.location_id.ids),
            ("date", ">", min(lines.mapped("counted_at"))),
            ("move_id.boh_count_id", "=", False),
        ]
        move_lines = Move.search_fetch(
            domain,
            [
                "product_id",
                "location_id",
                "location_dest_id",
                "lot_id",
                "quantity_product_uom",
                "date",
                "move_id",
                "reference",
            ],
        )
        has_business_date = "boh_business_date" in self.env["stock.move"]._fields
        by_key = defaultdict(list)
        for move_line in move_lines:
            by_key[(move_line.product_id.id, move_line.lot_id.id)].append(move_line)
        moved = {}
        for line in lines:
            total = 0.0
            refs = []
            for move_line in by_key.get((line.product_id.id, line.lot_id.id), ()):
                if move_line.date <= line.counted_at:
                    continue
                if has_business_date:
                    day = move_line.move_id.boh_business_date
                    if day and day <= line.count_id.count_date:
                        continue
                sign = 0
                if move_line.location_dest_id == line.location_id:
                    sign += 1
                if move_line.location_id == line.location_id:
                    sign -= 1
                if sign:
                    total += sign * move_line.quantity_product_uom
                    refs.append(move_line.reference or move_line.move_id.display_name)
            if total or line.moved_qty:
                moved[line] = (total, refs)
        for line, (total, _refs) in moved.items():
            line.sudo().moved_qty = total
        for count in lines.count_id:
            notes = [
                self.env._(
                    "%(product)s in %(location)s: %(qty)s %(uom)s (%(refs)s)",
                    product=line.product_id.display_name,
                    location=line.location_id.display_name,
                    qty=f"{total:+g}",
                    uom=line.uom_id.name,
                    refs=", ".join(sorted(set(refs))),
                )
                for line, (total, refs) in moved.items()
                if line.count_id == count and total
            ]
            if notes:
                count.message_post(
                    body=Markup("<p>%s</p><ul>%s</ul>")
                    % (
                        self.env._(
                            "Stock moved after these lines were counted; approval counts "
                            "it on top of the count:"
                        ),
                        Markup("").join(Markup("<li>%s</li>") % note for note in notes),
                    )
                )

    def _boh_key(self):
        self.ensure_one()
        return (self.product_id.id, self.location_id.id, self.lot_id.id)

    def _refresh_theoretical_qty(self):
        """Read on-hand again for these lines, with one query for all of them (as the
        system: counters of a blind count do not see stock)."""
        if not self:
            return
        groups = (
            self.env["stock.quant"]
            .sudo()
            ._read_group(
                [
                    ("product_id", "in", self.product_id.ids),
                    ("location_id", "in", self.location_id.ids),
                ],
                ["product_id", "location_id", "lot_id"],
                ["quantity:sum"],
            )
        )
        on_hand = {
            (product.id, location.id, lot.id): quantity
            for product, location, lot, quantity in groups
        }
        for line in self.sudo():
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
        # only approved counts have late sales (set against them after approval)
        counts = self.count_id.filtered(lambda count: count.id and count.state == "approved")
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
