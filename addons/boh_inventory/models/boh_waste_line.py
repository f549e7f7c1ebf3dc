from collections import defaultdict
from datetime import datetime

from odoo import Command, api, fields, models
from odoo.tools import float_is_zero, float_round


class BohWasteLine(models.Model):
    """One ingredient a waste entry takes out of stock, in the ingredient's own unit.

    The row reports sum: store, business day, reason and state are stored on the line, so
    that waste per store, day and reason is one ``GROUP BY`` over this table (join
    ``boh_waste_reason`` for ``counts_as_loss``; only ``state = 'posted'`` left stock).
    """

    _name = "boh.waste.line"
    _description = "Waste Entry Ingredient"
    _order = "entry_id, id"
    _check_company_auto = True

    entry_id = fields.Many2one("boh.waste.entry", required=True, ondelete="cascade", index=True)
    company_id = fields.Many2one(
        related="entry_id.company_id", store=True, index=True, precompute=True
    )
    warehouse_id = fields.Many2one(
        related="entry_id.warehouse_id", store=True, index=True, precompute=True, string="Store"
    )
    date = fields.Date(related="entry_id.date", store=True, index=True, precompute=True)
    reason_id = fields.Many2one(
        related="entry_id.reason_id", store=True, index=True, precompute=True
    )
    state = fields.Selection(related="entry_id.state", store=True, index=True, precompute=True)
    product_id = fields.Many2one(
        "product.product", string="Ingredient", required=True, index=True, check_company=True
    )
    # not rounded: the exact share of the entry (a move rounds it to its unit when posted)
    qty = fields.Float(string="Quantity", required=True)
    uom_id = fields.Many2one("uom.uom", string="Unit", required=True)
    lot_id = fields.Many2one("stock.lot", check_company=True)
    currency_id = fields.Many2one(related="company_id.currency_id")
    unit_cost = fields.Float(
        digits="Product Price",
        groups="boh_inventory.group_boh_manager",
        help="The ingredient's cost per unit when the entry was saved.",
    )
    value = fields.Monetary(
        string="Value at Cost", groups="boh_inventory.group_boh_manager", aggregator="sum"
    )

    @api.model
    def _scrap_locations(self, companies):
        """``{company id: scrap location}``: each company's own, else a shared one."""
        locations = (
            self.env["stock.location"]
            .sudo()
            .search(
                [("scrap_location", "=", True), ("company_id", "in", [*companies.ids, False])],
                order="company_id, id",
            )
        )
        shared = locations.filtered(lambda loc: not loc.company_id)[:1]
        result = {}
        for company in companies:
            own = locations.filtered(lambda loc, company=company: loc.company_id == company)[:1]
            result[company.id] = own or shared
        return result

    def _allocate_stock(self):
        """Split the lines over the quants they take, with one read of the quants for all.

        Each line takes the stock of its product in the entry's location and the locations
        inside it (the walk-in, the freezer of the store's stock), first-expired-first-out,
        only from the lot the entry names when it names one. What is left (more wasted than
        the system holds) is taken from the first location and lot found, or the entry's
        location, which then shows negative stock until the next count. A lot-tracked product
        needs a lot on every move line: with no stock at all it takes its newest lot (or a
        new one named after the store).

        :return: ``{line id: [(stock.lot, stock.location, qty)]}``

        Long because it allocates every line over storage areas and lots, first-expired-first-
        out, from one read of the quants.
        """
        if not self:
            return {}
        digits = self.env["decimal.precision"].precision_get("Product Unit of Measure")
        quants = (
            self.env["stock.quant"]
            .sudo()
            .search_fetch(
                [
                    ("product_id", "in", self.product_id.ids),
                    ("location_id", "child_of", self.entry_id.location_id.ids),
                    ("quantity", ">", 0),
                ],
                ["product_id", "location_id", "lot_id", "quantity", "in_date", "expiration_date"],
            )
            .sorted(_fefo_rank)
        )
        tracked = self.filtered(lambda line: line.product_id.tracking != "none")
        newest = {}
        if tracked:
            for lot in (
                self.env["stock.lot"]
                .sudo()
                .search_fetch(
                    [("product_id", "in", tracked.product_id.ids)], ["product_id"], order="id"
                )
            ):
                newest[lot.product_id.id] = lot
        no_lot = self.env["stock.lot"]
        # what earlier lines of this batch already took, per quant
        used = defaultdict(float)
        result = {}
        for line in self:
            location = line.entry_id.location_id
            is_tracked = line.product_id.tracking != "none"
            pool = [
                quant
                for quant in quants
                if quant.product_id == line.product_id
                and quant.location_id.parent_path.startswith(location.parent_path)
                and (
                    quant.lot_id == line.lot_id if line.lot_id else bool(quant.lot_id) == is_tracked
                )
            ]
            remaining = line.qty
            parts = []
            for quant in pool:
                if float_is_zero(remaining, precision_digits=digits):
                    break
                available = quant.quantity - used[quant.id]
                if available <= 0:
                    continue
                take = min(available, remaining)
                parts.append((quant.lot_id, quant.location_id, take))
                used[quant.id] += take
                remaining = float_round(remaining - take, precision_digits=digits)
            if not float_is_zero(remaining, precision_digits=digits):
                if pool:
                    parts.append((pool[0].lot_id, pool[0].location_id, remaining))
                elif line.lot_id or not is_tracked:
                    parts.append((line.lot_id or no_lot, location, remaining))
                else:
                    lot = newest.get(line.product_id.id) or self._fallback_lot(line)
                    parts.append((lot, location, remaining))
            result[line.id] = parts
        return result

    def _fallback_lot(self, line):
        """A lot for a tracked product that has none yet, named after the store."""
        return (
            self.env["stock.lot"]
            .sudo()
            .create(
                {
                    "name": f"{line.warehouse_id.code}-WASTE",
                    "product_id": line.product_id.id,
                    "company_id": line.company_id.id,
                }
            )
        )

    def _move_values(self, parts, scrap):
        """Values of the stock move taking this line out of stock into ``scrap``; ``parts``
        are its ``(lot, location, qty)`` (:meth:`_allocate_stock`)."""
        self.ensure_one()
        entry = self.entry_id
        return {
            "name": self.env._("Waste %(entry)s", entry=entry.name),
            "origin": entry.name,
            "product_id": self.product_id.id,
            "product_uom": self.uom_id.id,
            "product_uom_qty": self.qty,
            "company_id": self.company_id.id,
            "location_id": entry.location_id.id,
            "location_dest_id": scrap.id,
            "warehouse_id": entry.warehouse_id.id,
            "picked": True,
            "boh_waste_id": entry.id,
            "move_line_ids": [
                Command.create(
                    {
                        "product_id": self.product_id.id,
                        "product_uom_id": self.uom_id.id,
                        "quantity": qty,
                        "location_id": location.id,
                        "location_dest_id": scrap.id,
                        "company_id": self.company_id.id,
                        "lot_id": lot.id,
                    }
                )
                for lot, location, qty in parts
            ],
        }


def _fefo_rank(quant):
    """Sort key of a quant for first-expired-first-out: lots without a date last."""
    return (
        not quant.expiration_date,
        quant.expiration_date or datetime.max,
        quant.in_date or datetime.max,
        quant.id,
    )
