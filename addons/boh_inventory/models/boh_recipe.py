from odoo import api, fields, models

from ..tools.server_context import server_switches, switched_on

# Context of line changes made through their recipe's create/write: the recipe validates and
# re-costs once for all of them.
LINES_VIA_RECIPE = server_switches("boh_skip_recost", "boh_lines_via_recipe")


class BohRecipe(models.Model):
    _name = "boh.recipe"
    _description = "Recipe"
    _inherit = ["mail.thread", "mail.activity.mixin"]
    _order = "kind, name, id"
    _check_company_auto = True

    name = fields.Char(
        compute="_compute_name", store=True, readonly=False, precompute=True, required=True
    )
    product_id = fields.Many2one(
        "product.product",
        string="Makes",
        required=True,
        index=True,
        check_company=True,
        domain="[('boh_kind', 'in', ('prep', 'menu'))]",
        tracking=True,
        help="The menu item or prep item this recipe makes.",
    )
    product_tmpl_id = fields.Many2one(
        related="product_id.product_tmpl_id", store=True, index=True, string="Product Template"
    )
    kind = fields.Selection(related="product_id.boh_kind", store=True, string="Role")
    company_id = fields.Many2one(
        "res.company", required=True, index=True, default=lambda self: self.env.company
    )
    active = fields.Boolean(default=True)
    output_qty = fields.Float(
        string="Batch Size",
        default=1.0,
        required=True,
        digits="Product Unit of Measure",
        tracking=True,
        help="How much one batch of this recipe makes, before yield: 10 kg, or 1 portion.",
    )
    output_uom_id = fields.Many2one(
        "uom.uom",
        string="Batch Unit",
        compute="_compute_output_uom_id",
        store=True,
        readonly=False,
        precompute=True,
        required=True,
    )
    yield_pct = fields.Float(
        string="Yield %",
        default=100.0,
        required=True,
        tracking=True,
        help="Usable output as a percentage of the batch size: 85 when 10 kg trimmed and "
        "cooked gives 8.5 kg, 260 when 1 kg of rice gives 2.6 kg cooked.",
    )
    stocked = fields.Boolean(
        related="product_id.boh_stocked",
        readonly=False,
        help="A prep item made ahead and kept in stock in lots: sales, waste and the "
        "forecast use the item itself; only its production uses these ingredients.",
    )
    shelf_life_hours = fields.Float(
        string="Shelf Life (hours)",
        tracking=True,
        help="How long a batch keeps once made: its lot's use-by date is the production "
        "time plus this. Production refuses a stocked recipe without one.",
    )
    line_ids = fields.One2many("boh.recipe.line", "recipe_id", string="Ingredients", copy=True)
    instructions = fields.Html(translate=True)
    currency_id = fields.Many2one(related="company_id.currency_id")
    sold_by_weight = fields.Boolean(
        compute="_compute_sold_by_weight",
        help="The batch unit is a weight: cost and price are per weight unit (per kg).",
    )

    # Written in batches by boh.costing, never by @api.depends: a price change ripples
    # through thousands of recipes and is costed in one pass over the recipe graph.
    cost_total = fields.Monetary(
        string="Batch Cost", readonly=True, groups="boh_inventory.group_boh_manager"
    )
    cost_per_unit = fields.Float(
        string="Cost per Batch Unit",
        digits="Product Price",
        readonly=True,
        groups="boh_inventory.group_boh_manager",
        help="Cost of one unit of usable output, after yield.",
    )
    portion_cost = fields.Monetary(
        string="Cost per Sale Unit",
        readonly=True,
        groups="boh_inventory.group_boh_manager",
        help="Cost of one unit of the product as it is sold (a portion, a kg).",
    )
    cost_complete = fields.Boolean(readonly=True, groups="boh_inventory.group_boh_manager")
    cost_missing = fields.Char(
        string="Missing Costs",
        readonly=True,
        groups="boh_inventory.group_boh_manager",
        help="Ingredients without a cost: the recipe cost is incomplete until they get one.",
    )
    menu_price = fields.Float(
        related="product_tmpl_id.list_price", string="Menu Price", digits="Product Price"
    )
    net_price = fields.Monetary(
        string="Price Net of Tax", readonly=True, groups="boh_inventory.group_boh_manager"
    )
    food_cost_pct = fields.Float(
        string="Food Cost %",
        readonly=True,
        aggregator="avg",
        groups="boh_inventory.group_boh_manager",
    )
    food_cost_known = fields.Boolean(
        compute="_compute_food_cost_known",
        groups="boh_inventory.group_boh_manager",
        help="Whether the food cost % is defined: it needs a price net of tax above zero "
        "(a prep item, or a menu item without a price, has none, which is not 0 %).",
    )
    margin = fields.Monetary(readonly=True, groups="boh_inventory.group_boh_manager")
    target_food_cost_pct = fields.Float(
        string="Target Food Cost %", readonly=True, groups="boh_inventory.group_boh_manager"
    )
    over_target = fields.Boolean(readonly=True, groups="boh_inventory.group_boh_manager")
    cost_date = fields.Datetime(
        string="Costed On", readonly=True, groups="boh_inventory.group_boh_manager"
    )
    allergen_ids = fields.Many2many(
        "boh.allergen",
        "boh_allergen_recipe_rel",
        "recipe_id",
        "allergen_id",
        string="Allergens",
        readonly=True,
        help="Allergens of every ingredient, through sub-recipes at any depth.",
    )

    _sql_constraints = [
        (
            "product_company_unique",
            "unique(product_id, company_id)",
            "A product has one recipe per company.",
        ),
    ]

    @api.depends("product_id")
    def _compute_name(self):
        for recipe in self:
            if recipe.product_id and not recipe.name:
                recipe.name = recipe.product_id.name

    @api.depends("product_id")
    def _compute_output_uom_id(self):
        for recipe in self:
            if recipe.product_id and not recipe.output_uom_id:
                recipe.output_uom_id = recipe.product_id.uom_id

    @api.depends("output_uom_id")
    def _compute_sold_by_weight(self):
        weight = self.env.ref("uom.product_uom_categ_kgm", raise_if_not_found=False)
        for recipe in self:
            recipe.sold_by_weight = bool(weight) and recipe.output_uom_id.category_id == weight

    @api.depends("net_price")
    def _compute_food_cost_known(self):
        for recipe in self:
            recipe.food_cost_known = recipe.net_price > 0

    @api.constrains("output_qty", "output_uom_id", "yield_pct", "product_id", "line_ids")
    def _check_recipe(self):
        # one check of the whole recipe graph, lines included, per create or write
        self.env["boh.costing"]._validate_recipes(self)

    @api.model_create_multi
    def create(self, vals_list):
        """Create the recipes, then cost them (and anything that already uses their product)."""
        # lines created with the recipes must not each validate and re-cost the book: the
        # recipe does both once, after
        # (their lines are part of the new recipe, not changes to log: boh_recipe_creating)
        recipes = super(
            BohRecipe,
            self.with_context(**LINES_VIA_RECIPE, **server_switches("boh_recipe_creating")),
        ).create(vals_list)
        recipes = recipes.with_env(self.env)
        if not switched_on(self.env, "boh_skip_recost"):
            self.env["boh.costing"]._recost_recipes(recipes, self.env._("Recipe created"))
        return recipes

    def write(self, vals):
        """Re-cost after any change that moves the cost."""
        res = super(BohRecipe, self.with_context(**LINES_VIA_RECIPE)).write(vals)
        if not switched_on(self.env, "boh_skip_recost") and {
            "output_qty",
            "output_uom_id",
            "yield_pct",
            "line_ids",
            "product_id",
            "active",
        } & set(vals):
            self.env["boh.costing"]._recost_recipes(self, self.env._("Recipe changed"))
        return res

    def action_recompute_cost(self):
        """Re-cost these recipes now (and every recipe that uses them)."""
        self.check_access("write")
        self.env["boh.costing"]._recost_recipes(self, self.env._("Re-costed by hand"))
        return True

    def action_open_cost_impact(self):
        """Show the cost impact history of this recipe."""
        self.env["boh.cost.impact"].check_access("read")
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "boh_inventory.action_boh_cost_impact"
        )
        action["domain"] = [("recipe_id", "=", self.id)]
        return action

    def _explode(self, demand, company=None):
        """Ingredient quantities, in each ingredient's own unit, for many sold items at once.

        ``demand`` is a list of ``(product_id, qty, uom_id)``; the answer maps ingredient
        product ids to quantities with yield and waste applied at every level.
        """
        return self.env["boh.costing"]._explode(company or self.env.company, demand)

    def _explode_each(self, demand, company=None):
        """Like :meth:`_explode`, one dict per demand row."""
        return self.env["boh.costing"]._explode(company or self.env.company, demand, each=True)
