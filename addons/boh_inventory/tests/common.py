from odoo import Command
from odoo.tests import TransactionCase


class BohRecipeCase(TransactionCase):
    """A small kitchen: ingredients, a sauce, a dough two levels deep, dishes, a set meal."""

    @classmethod
    def setUpClass(cls):
        """The shared fixtures: units, ingredients, recipes, stores and users.

        Long because it builds the one small kitchen every costing test of this module
        shares (units, taxes, ingredients, a sauce, a dough two levels deep, dishes, a set
        meal), in the order its records depend on each other; split, its parts would only be
        called here.
        """
        super().setUpClass()
        cls.company = cls.env.company
        cls.company.boh_cost_basis = "standard"
        cls.company.boh_target_food_cost_pct = 30.0
        cls.kg = cls.env.ref("uom.product_uom_kgm")
        cls.gram = cls.env.ref("uom.product_uom_gram")
        cls.litre = cls.env.ref("uom.product_uom_litre")
        cls.ml = cls.env.ref("boh_inventory.uom_millilitre")
        cls.unit = cls.env.ref("uom.product_uom_unit")
        cls.milk = cls.env.ref("boh_inventory.allergen_milk")
        cls.gluten = cls.env.ref("boh_inventory.allergen_gluten")
        cls.eggs = cls.env.ref("boh_inventory.allergen_eggs")
        cls.tax_10 = cls.env["account.tax"].create(
            {
                "name": "VAT 10% included",
                "amount": 10.0,
                "amount_type": "percent",
                "type_tax_use": "sale",
                "price_include_override": "tax_included",
                "company_id": cls.company.id,
            }
        )

        def ingredient(name, uom, cost, allergens=()):
            return cls.env["product.product"].create(
                {
                    "name": name,
                    "boh_kind": "ingredient",
                    "is_storable": True,
                    "uom_id": uom.id,
                    "uom_po_id": uom.id,
                    "standard_price": cost,
                    "boh_allergen_ids": [Command.set([a.id for a in allergens])],
                }
            )

        cls.tomato = ingredient("Test Tomato", cls.kg, 2.0)
        cls.oil = ingredient("Test Olive Oil", cls.litre, 8.0)
        cls.egg = ingredient("Test Egg", cls.unit, 0.25, [cls.eggs])
        cls.flour = ingredient("Test Flour", cls.kg, 1.0, [cls.gluten])
        cls.cheese = ingredient("Test Cheese", cls.kg, 12.0, [cls.milk])
        cls.bun = ingredient("Test Bun", cls.unit, 0.5, [cls.gluten])
        cls.beef = ingredient("Test Beef", cls.kg, 15.0)
        cls.env["boh.uom.conversion"].create(
            {
                "product_tmpl_id": cls.egg.product_tmpl_id.id,
                "from_qty": 1.0,
                "from_uom_id": cls.unit.id,
                "to_qty": 50.0,
                "to_uom_id": cls.gram.id,
            }
        )

        def product(name, kind, uom, price=0.0, target=0.0):
            return cls.env["product.product"].create(
                {
                    "name": name,
                    "boh_kind": kind,
                    "uom_id": uom.id,
                    "uom_po_id": uom.id,
                    "list_price": price,
                    "taxes_id": [Command.set(cls.tax_10.ids)],
                    "boh_target_food_cost_pct": target,
                }
            )

        cls.sauce_product = product("Test Tomato Sauce", "prep", cls.litre)
        cls.dough_product = product("Test Pizza Dough", "prep", cls.kg)
        cls.burger_product = product("Test Burger", "menu", cls.unit, 12.1, 25.0)
        cls.pizza_product = product("Test Pizza", "menu", cls.unit, 11.0)
        cls.set_product = product("Test Set Meal A", "menu", cls.unit, 22.0)
        cls.salad_product = product("Test Salad by Weight", "menu", cls.kg, 22.0)

        Recipe = cls.env["boh.recipe"]

        def line(product, qty, uom, waste=0.0):
            return Command.create(
                {"product_id": product.id, "qty": qty, "uom_id": uom.id, "waste_pct": waste}
            )

        # 2 L batch, 90% yield: 1.8 L usable for 2 kg net tomato (10% trim) and 0.1 L oil
        cls.sauce = Recipe.create(
            {
                "product_id": cls.sauce_product.id,
                "output_qty": 2.0,
                "output_uom_id": cls.litre.id,
                "yield_pct": 90.0,
                "line_ids": [line(cls.tomato, 2.0, cls.kg, 10.0), line(cls.oil, 0.1, cls.litre)],
            }
        )
        cls.dough = Recipe.create(
            {
                "product_id": cls.dough_product.id,
                "output_qty": 1.0,
                "output_uom_id": cls.kg.id,
                "line_ids": [line(cls.flour, 600, cls.gram), line(cls.egg, 100, cls.gram)],
            }
        )
        cls.burger = Recipe.create(
            {
                "product_id": cls.burger_product.id,
                "output_qty": 1.0,
                "output_uom_id": cls.unit.id,
                "line_ids": [
                    line(cls.beef, 150, cls.gram),
                    line(cls.bun, 1, cls.unit),
                    line(cls.cheese, 20, cls.gram),
                    line(cls.sauce_product, 50, cls.ml),
                ],
            }
        )
        cls.pizza = Recipe.create(
            {
                "product_id": cls.pizza_product.id,
                "output_qty": 1.0,
                "output_uom_id": cls.unit.id,
                "line_ids": [
                    line(cls.dough_product, 250, cls.gram),
                    line(cls.sauce_product, 80, cls.ml),
                    line(cls.cheese, 100, cls.gram),
                ],
            }
        )
        cls.set_meal = Recipe.create(
            {
                "product_id": cls.set_product.id,
                "output_qty": 1.0,
                "output_uom_id": cls.unit.id,
                "line_ids": [
                    line(cls.burger_product, 1, cls.unit),
                    line(cls.pizza_product, 1, cls.unit),
                ],
            }
        )
        cls.salad = Recipe.create(
            {
                "product_id": cls.salad_product.id,
                "output_qty": 1.0,
                "output_uom_id": cls.kg.id,
                "line_ids": [line(cls.tomato, 1.0, cls.kg), line(cls.oil, 0.05, cls.litre)],
            }
        )

    # hand-computed figures of the kitchen above
    SAUCE_PER_L = (2.0 / 0.9 * 2.0 + 0.1 * 8.0) / 1.8
    DOUGH_PER_KG = 0.6 * 1.0 + 2 * 0.25
    BURGER = 0.15 * 15.0 + 0.5 + 0.02 * 12.0 + 0.05 * SAUCE_PER_L
    PIZZA = 0.25 * DOUGH_PER_KG + 0.08 * SAUCE_PER_L + 0.1 * 12.0
