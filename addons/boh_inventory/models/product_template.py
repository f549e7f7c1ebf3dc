from odoo import api, fields, models
from odoo.exceptions import ValidationError

#: What a recipe's figures read from its products besides their cost (product.product):
#: the menu price and its taxes (food cost %, margin), the item's own target (over-target
#: flag) and an ingredient's allergens (rolled up to every dish using it).
RECOST_FIELDS = frozenset(
    {"list_price", "taxes_id", "boh_target_food_cost_pct", "boh_allergen_ids"}
)

BOH_KINDS = [
    ("ingredient", "Ingredient"),
    ("prep", "Prep item"),
    ("menu", "Menu item"),
]


class ProductTemplate(models.Model):
    _inherit = "product.template"

    boh_kind = fields.Selection(
        BOH_KINDS,
        string="Back of House Role",
        index=True,
        help="Ingredients are bought and counted; prep items (sauces, doughs, stocks) are made "
        "from a recipe and used by other recipes; menu items, set meals included, are sold.",
    )
    boh_storage_type = fields.Selection(
        [("dry", "Dry"), ("chilled", "Chilled"), ("frozen", "Frozen"), ("beverage", "Beverage")],
        string="Storage",
    )
    boh_count_daily = fields.Boolean(
        string="Daily Count",
        help="A high-value item counted every day (the short daily count list); every "
        "storable item is on the weekly full count.",
    )
    boh_allergen_ids = fields.Many2many(
        "boh.allergen",
        "boh_allergen_product_template_rel",
        "product_tmpl_id",
        "allergen_id",
        string="Allergens",
        help="Allergens this ingredient contains. Recipes roll them up to every dish using it.",
    )
    boh_target_food_cost_pct = fields.Float(
        string="Target Food Cost %",
        groups="boh_inventory.group_boh_manager",
        help="Menu items over this food cost % are flagged. Zero uses the company default.",
    )
    boh_conversion_ids = fields.One2many(
        "boh.uom.conversion",
        "product_tmpl_id",
        string="Unit Conversions",
        help="Conversions between kinds of unit for this ingredient, e.g. 1 each = 55 g.",
    )
    boh_stocked = fields.Boolean(
        string="Stocked Prep Item",
        copy=False,
        tracking=True,
        help="Made ahead (at the central kitchen or in a store) and kept in stock in lots: "
        "sales, waste and the forecast's demand use this item itself, and only its "
        "production uses its ingredients. It needs a recipe.",
    )
    boh_supplied_by_kitchen = fields.Boolean(
        string="Supplied by Central Kitchen",
        help="Stores get this item from the central kitchen: the forecast's suggested "
        "orders for it become requisitions to the kitchen, not purchase orders.",
    )
    boh_recipe_ids = fields.One2many("boh.recipe", "product_tmpl_id", string="Recipes")
    boh_recipe_count = fields.Integer(compute="_compute_boh_recipe_count", string="Recipe Count")

    @api.constrains("boh_stocked")
    def _check_boh_stocked(self):
        """A stocked prep item is produced by its recipe: it must have one."""
        stocked = self.filtered("boh_stocked")
        if not stocked:
            return
        with_recipe = {
            template.id
            for [template] in self.env["boh.recipe"]
            .sudo()
            ._read_group([("product_tmpl_id", "in", stocked.ids)], ["product_tmpl_id"])
        }
        for template in stocked:
            if template.id not in with_recipe:
                raise ValidationError(
                    self.env._(
                        "Stocked Prep Item: %(product)s has no recipe. A stocked prep item is "
                        "made by production from its recipe; create the recipe and mark it "
                        "stocked there.",
                        product=template.display_name,
                    )
                )

    def write(self, vals):
        """Re-cost the recipes these products make or go into when a figure they read from
        the product changes (:data:`RECOST_FIELDS`), once, before the commit."""
        if "boh_stocked" in vals:
            self._boh_check_no_stock(vals["boh_stocked"])
            if vals["boh_stocked"]:
                # production makes lots with a use-by date
                vals = dict(vals, is_storable=True, tracking="lot", use_expiration_date=True)
        res = super().write(vals)
        if RECOST_FIELDS & set(vals):
            self.env["boh.costing"]._schedule_recost(
                self.env.company,
                self.product_variant_ids.ids,
                self.env._(
                    "Price, taxes, target or allergens of %(products)s changed",
                    products=", ".join(self.mapped("name")),
                ),
            )
        return res

    def _boh_check_no_stock(self, stocked):
        """Refuse to switch ``boh_stocked`` on items with stock on hand (one read).

        Stock made before the switch was never produced (its ingredients were depleted by
        each sale), so counting it again as an item would take them twice.
        """
        changing = self.filtered(lambda template: template.boh_stocked != bool(stocked))
        if not changing:
            return
        rows = (
            self.env["stock.quant"]
            .sudo()
            ._read_group(
                [
                    ("product_id.product_tmpl_id", "in", changing.ids),
                    ("location_id.usage", "=", "internal"),
                    ("quantity", "!=", 0),
                ],
                ["product_id"],
                ["quantity:sum"],
            )
        )
        for product, qty in rows:
            if not qty:
                continue
            raise ValidationError(
                self.env._(
                    "Stocked Prep Item: %(product)s has %(qty)s %(uom)s in stock. Its stock "
                    "would be counted %(how)s; use it up, waste it or adjust it to zero "
                    "before changing whether it is stocked.",
                    product=product.display_name,
                    qty=qty,
                    uom=product.uom_id.name,
                    how=self.env._("as made from its ingredients")
                    if stocked
                    else self.env._("without its production"),
                )
            )

    @api.depends("boh_recipe_ids")
    def _compute_boh_recipe_count(self):
        counts = dict(
            self.env["boh.recipe"]._read_group(
                [("product_tmpl_id", "in", self.ids)], ["product_tmpl_id"], ["__count"]
            )
        )
        for template in self:
            template.boh_recipe_count = counts.get(template, 0)

    def action_open_boh_recipe(self):
        """Open this product's recipe, or a new one for it."""
        self.env["boh.recipe"].check_access("read")
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id("boh_inventory.action_boh_recipe")
        recipe = self.boh_recipe_ids.filtered(lambda r: r.company_id == self.env.company)[:1]
        if recipe:
            action.update(res_id=recipe.id, view_mode="form", views=[(False, "form")])
        else:
            action.update(
                view_mode="form",
                views=[(False, "form")],
                context={"default_product_id": self.product_variant_id.id},
            )
        return action
