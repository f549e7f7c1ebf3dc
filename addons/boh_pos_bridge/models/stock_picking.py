from odoo import api, models
from odoo.addons.boh_inventory.tools.server_context import switched_on


class StockPicking(models.Model):
    _inherit = "stock.picking"

    @api.model
    def _create_picking_from_pos_order_lines(
        self, location_dest_id, lines, picking_type, partner=False
    ):
        """Leave out the items that have a BOH recipe: the sales feed depletes their
        ingredients, so Odoo's picking (or a kit BoM of the same dish) must not move them too.
        """
        if switched_on(self.env, "boh_pos_skip_feed"):
            return super()._create_picking_from_pos_order_lines(
                location_dest_id, lines, picking_type, partner=partner
            )
        with_recipe = self._boh_products_with_recipe(lines.product_id)
        if with_recipe:
            lines = lines.filtered(lambda line: line.product_id not in with_recipe)
        return super()._create_picking_from_pos_order_lines(
            location_dest_id, lines, picking_type, partner=partner
        )

    @api.model
    def _boh_products_with_recipe(self, products):
        """The products among ``products`` that an active BOH recipe makes."""
        if not products:
            return products
        made = (
            self.env["boh.recipe"]
            .sudo()
            ._read_group([("product_id", "in", products.ids)], ["product_id"])
        )
        return products.browse([product.id for (product,) in made])
