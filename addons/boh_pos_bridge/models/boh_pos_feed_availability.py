"""The sales feed's 86 list: portions of each menu item that the ingredients on hand at a
store allow (the maths is ``boh_core.sales.availability``; see ``boh_pos_feed.py`` for the
map of the feed)."""

from odoo import models

from boh_core.errors import BohError
from boh_core.sales.availability import portion_vector, portions_available


class BohPosFeed(models.AbstractModel):
    # one model over files a concern each, as Odoo's own addons do (CONTRIBUTING.md)
    _inherit = "boh.pos.feed"  # pylint: disable=consider-merging-classes-inherited

    def _availability(self, warehouse):
        """Portions of each menu item the ingredients on hand at ``warehouse`` allow, as
        ``[{"product_id", "portions", "limiting_product_id"}]``.

        Only ingredients tracked in stock limit a dish; a dish with none is left out.
        """
        company = warehouse.company_id
        book, products, converter = self.env["boh.costing"].sudo()._load_book(company)
        menu = [r for r in book.recipes if products.get(r.product) and r.product in products]
        vectors = {}
        for recipe in menu:
            try:
                per_unit = book.ingredients_per_unit(recipe.id)
                factor = converter.factor(
                    products[recipe.product]["uom_id"], recipe.output_unit, recipe.product
                )
            except BohError:
                continue
            vectors[recipe.product] = portion_vector(per_unit, factor)
        ingredient_ids = {i for vector in vectors.values() for i in vector}
        storable = set(
            self.env["product.product"]
            .sudo()
            .search([("id", "in", list(ingredient_ids)), ("is_storable", "=", True)])
            .ids
        )
        on_hand = {
            product.id: qty
            for product, qty in self.env["stock.quant"]
            .sudo()
            ._read_group(
                [
                    ("location_id", "child_of", warehouse.lot_stock_id.id),
                    ("product_id", "in", list(storable)),
                ],
                ["product_id"],
                ["quantity:sum"],
            )
        }
        return [
            {
                "product_id": row.product,
                "portions": row.portions,
                "limiting_product_id": row.limiting,
            }
            for row in portions_available(vectors, on_hand, storable)
        ]
