from odoo import Command
from odoo.exceptions import ValidationError
from odoo.tests import Form, tagged

from .common import BohRecipeCase


@tagged("post_install", "-at_install")
class TestRecipeCosting(BohRecipeCase):
    def test_prep_recipe_cost_with_yield_and_waste(self):
        sauce = self.sauce
        self.assertAlmostEqual(sauce.cost_total, 2.0 / 0.9 * 2.0 + 0.8, places=2)
        self.assertAlmostEqual(sauce.cost_per_unit, self.SAUCE_PER_L, places=4)
        self.assertTrue(sauce.cost_complete)
        tomato_line = sauce.line_ids.filtered(lambda line: line.product_id == self.tomato)
        self.assertAlmostEqual(tomato_line.cost, 2.0 / 0.9 * 2.0, places=2)

    def test_menu_item_food_cost_net_of_tax(self):
        burger = self.burger
        self.assertAlmostEqual(burger.portion_cost, self.BURGER, places=2)
        self.assertAlmostEqual(burger.net_price, 11.0, places=2)
        self.assertAlmostEqual(burger.food_cost_pct, 100 * self.BURGER / 11.0, places=2)
        self.assertAlmostEqual(burger.margin, 11.0 - self.BURGER, places=2)
        self.assertEqual(burger.target_food_cost_pct, 25.0)
        self.assertTrue(burger.over_target, "28.5% is over the burger's 25% target")
        # the pizza has no target of its own: the company default (30%) applies
        self.assertEqual(self.pizza.target_food_cost_pct, 30.0)
        self.assertFalse(self.pizza.over_target)

    def test_food_cost_without_a_price_is_unknown_not_zero(self):
        self.assertTrue(self.burger.food_cost_known)
        self.assertFalse(self.sauce.food_cost_known, "a prep item is not sold: no food cost %")
        self.burger_product.list_price = 0.0
        self.burger.action_recompute_cost()
        self.assertFalse(self.burger.food_cost_known, "no price: the food cost % is undefined")
        self.assertEqual(self.burger.net_price, 0.0)

    def test_sub_recipes_two_levels_deep_and_unit_bridges(self):
        # dough uses eggs counted each, in grams, through the 1 each = 50 g conversion
        self.assertAlmostEqual(self.dough.cost_per_unit, self.DOUGH_PER_KG, places=4)
        self.assertAlmostEqual(self.pizza.portion_cost, self.PIZZA, places=2)

    def test_set_meal_costs_the_sum_of_its_dishes(self):
        self.assertAlmostEqual(self.set_meal.portion_cost, self.BURGER + self.PIZZA, places=2)

    def test_dish_sold_by_weight_costs_per_kg(self):
        self.assertTrue(self.salad.sold_by_weight)
        self.assertAlmostEqual(self.salad.portion_cost, 2.0 + 0.4, places=2)
        self.assertAlmostEqual(self.salad.food_cost_pct, 100 * 2.4 / 20.0, places=2)

    def test_line_without_cost_makes_the_cost_incomplete(self):
        salt = self.env["product.product"].create(
            {
                "name": "Test Salt",
                "boh_kind": "ingredient",
                "uom_id": self.kg.id,
                "uom_po_id": self.kg.id,
                "standard_price": 0.0,
            }
        )
        self.sauce.write(
            {
                "line_ids": [
                    Command.create({"product_id": salt.id, "qty": 5, "uom_id": self.gram.id})
                ]
            }
        )
        self.assertFalse(self.sauce.cost_complete)
        self.assertIn("Test Salt", self.sauce.cost_missing)
        # the gap propagates to every dish using the sauce
        self.assertFalse(self.burger.cost_complete)
        self.assertFalse(self.set_meal.cost_complete)
        self.assertTrue(self.dough.cost_complete)

    def test_recipe_using_itself_through_a_chain_is_refused(self):
        with self.assertRaises(ValidationError) as caught:
            self.sauce.write(
                {
                    "line_ids": [
                        Command.create(
                            {"product_id": self.pizza_product.id, "qty": 1, "uom_id": self.unit.id}
                        )
                    ]
                }
            )
        message = str(caught.exception)
        self.assertIn("Test Tomato Sauce", message)
        self.assertIn("Test Pizza", message)

    def test_recipe_using_itself_directly_is_refused(self):
        with self.assertRaises(ValidationError):
            self.dough.write(
                {
                    "line_ids": [
                        Command.create(
                            {"product_id": self.dough_product.id, "qty": 10, "uom_id": self.gram.id}
                        )
                    ]
                }
            )

    def test_bad_yield_quantity_and_units_are_refused(self):
        with self.assertRaises(ValidationError) as caught:
            self.sauce.yield_pct = 0
        self.assertIn("0", str(caught.exception))
        with self.assertRaises(ValidationError) as caught:
            self.sauce.line_ids[0].qty = -1
        self.assertIn("Test Tomato", str(caught.exception))
        # grams of an ingredient counted in each, with no conversion
        with self.assertRaises(ValidationError) as caught:
            self.burger.line_ids.filtered(
                lambda line: line.product_id == self.bun
            ).uom_id = self.gram
        message = str(caught.exception)
        self.assertIn("Test Bun", message)
        self.assertIn("g", message)

    def test_form_creates_a_recipe_with_defaults_from_the_product(self):
        fries = self.env["product.product"].create(
            {
                "name": "Test Fries",
                "boh_kind": "menu",
                "uom_id": self.unit.id,
                "uom_po_id": self.unit.id,
                "list_price": 5.5,
                "taxes_id": [Command.set(self.tax_10.ids)],
            }
        )
        with Form(self.env["boh.recipe"]) as form:
            form.product_id = fries
            self.assertEqual(form.name, "Test Fries")
            self.assertEqual(form.output_uom_id, self.unit)
            with form.line_ids.new() as line:
                line.product_id = self.oil
                self.assertEqual(line.uom_id, self.litre)
                line.uom_id = self.ml
                line.qty = 30
        recipe = form.save()
        self.assertAlmostEqual(recipe.portion_cost, 0.03 * 8.0, places=2)
        self.assertAlmostEqual(recipe.food_cost_pct, 100 * 0.24 / 5.0, places=2)

    def test_allergens_roll_up_through_sub_recipes(self):
        self.assertEqual(self.dough.allergen_ids, self.gluten | self.eggs)
        self.assertEqual(self.pizza.allergen_ids, self.gluten | self.eggs | self.milk)
        self.assertEqual(self.set_meal.allergen_ids, self.gluten | self.eggs | self.milk)
        self.assertFalse(self.sauce.allergen_ids)
        self.tomato.product_tmpl_id.boh_allergen_ids = [
            Command.link(self.env.ref("boh_inventory.allergen_celery").id)
        ]
        self.env["boh.costing"]._recompute_company(self.company, "allergen change")
        self.assertIn(self.env.ref("boh_inventory.allergen_celery"), self.burger.allergen_ids)

    def test_batched_explosion_in_ingredient_units(self):
        demand = [
            (self.burger_product.id, 2, self.unit.id),
            (self.set_product.id, 1, self.unit.id),
            (self.salad_product.id, 500, self.gram.id),
        ]
        totals = self.env["boh.recipe"]._explode(demand)
        # beef: 3 burgers x 150 g, in kg
        self.assertAlmostEqual(totals[self.beef.id], 0.45, places=6)
        # eggs: the pizza's 250 g dough = 25 g egg = 0.5 each, in each
        self.assertAlmostEqual(totals[self.egg.id], 0.25 * 100 / 50, places=6)
        # tomato: sauce for 3 burgers (150 ml) + 1 pizza (80 ml) at 2/0.9 kg per 1.8 L, + salad
        sauce_l = 3 * 0.05 + 0.08
        self.assertAlmostEqual(totals[self.tomato.id], sauce_l * (2.0 / 0.9) / 1.8 + 0.5, places=6)
        each = self.env["boh.recipe"]._explode_each(demand)
        self.assertEqual(len(each), 3)
        self.assertAlmostEqual(each[0][self.beef.id], 0.3, places=6)
