from odoo import api, fields, models

from ..tools.server_context import switched_on

#: Fields of a recipe line whose changes are kept in the recipe's history.
AUDITED = ["product_id", "qty", "uom_id", "waste_pct"]


class BohRecipeLine(models.Model):
    _name = "boh.recipe.line"
    _description = "Recipe Line"
    _order = "sequence, id"
    _check_company_auto = True

    recipe_id = fields.Many2one("boh.recipe", required=True, ondelete="cascade", index=True)
    company_id = fields.Many2one(related="recipe_id.company_id", store=True, index=True)
    sequence = fields.Integer(default=10)
    product_id = fields.Many2one(
        "product.product",
        string="Ingredient or Prep Item",
        required=True,
        index=True,
        check_company=True,
        domain="[('boh_kind', 'in', ('ingredient', 'prep', 'menu'))]",
    )
    sub_recipe_id = fields.Many2one(
        "boh.recipe",
        compute="_compute_sub_recipe_id",
        string="Sub-recipe",
        help="The recipe that makes this component, when it is a prep item or a dish.",
    )
    qty = fields.Float(
        string="Quantity",
        default=1.0,
        required=True,
        digits="Product Unit of Measure",
        help="Net quantity that goes into the recipe, after trim.",
    )
    uom_id = fields.Many2one(
        "uom.uom",
        string="Unit",
        compute="_compute_uom_id",
        store=True,
        readonly=False,
        precompute=True,
        required=True,
    )
    waste_pct = fields.Float(
        string="Waste %",
        help="Trim or waste lost before use: 100 g net of onion at 10% waste uses 111.1 g.",
    )
    currency_id = fields.Many2one(related="recipe_id.currency_id")
    cost = fields.Monetary(
        readonly=True,
        groups="boh_inventory.group_boh_manager",
        help="Cost of this line for one batch, waste included.",
    )

    @api.depends("product_id")
    def _compute_uom_id(self):
        for line in self:
            if line.product_id and not line.uom_id:
                line.uom_id = line.product_id.uom_id

    @api.depends("product_id", "recipe_id.company_id")
    def _compute_sub_recipe_id(self):
        recipes = self.env["boh.recipe"].search_fetch(
            [("product_id", "in", self.product_id.ids)], ["product_id", "company_id"]
        )
        by_key = {(r.product_id.id, r.company_id.id): r for r in recipes}
        for line in self:
            line.sub_recipe_id = by_key.get((line.product_id.id, line.recipe_id.company_id.id))

    @api.constrains("product_id", "qty", "uom_id", "waste_pct")
    def _check_line(self):
        if switched_on(self.env, "boh_lines_via_recipe"):
            return  # the recipe's own constraint checks it with all its lines
        self.env["boh.costing"]._validate_recipes(self.recipe_id)

    @api.model_create_multi
    def create(self, vals_list):
        """Create the lines, then re-cost their recipes; lines added to an existing recipe
        go to its change history."""
        lines = super().create(vals_list)
        if not switched_on(self.env, "boh_recipe_creating"):
            self.env["boh.change.log"]._log(lines, AUDITED, {}, "create", parent="recipe_id")
        if not switched_on(self.env, "boh_skip_recost"):
            self.env["boh.costing"]._recost_recipes(lines.recipe_id, self.env._("Recipe changed"))
        return lines

    def write(self, vals):
        """Re-cost the recipes whose lines changed; log the changes (who, when, before and
        after) in the recipe's history and chatter."""
        audited = [fname for fname in AUDITED if fname in vals]
        Log = self.env["boh.change.log"]
        before = Log._snapshot(self, audited) if audited else {}
        res = super().write(vals)
        if audited:
            Log._log(self, audited, before, "write", parent="recipe_id")
        if not switched_on(self.env, "boh_skip_recost") and {
            "product_id",
            "qty",
            "uom_id",
            "waste_pct",
        } & set(vals):
            self.env["boh.costing"]._recost_recipes(self.recipe_id, self.env._("Recipe changed"))
        return res

    def unlink(self):
        """Re-cost the recipes that lost lines."""
        recipes = self.recipe_id
        Log = self.env["boh.change.log"]
        Log._log(self, AUDITED, Log._snapshot(self, AUDITED), "unlink", parent="recipe_id")
        res = super().unlink()
        recipes = recipes.exists()
        if recipes and not switched_on(self.env, "boh_skip_recost"):
            self.env["boh.costing"]._recost_recipes(recipes, self.env._("Recipe changed"))
        return res
