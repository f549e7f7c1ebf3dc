from odoo import Command
from odoo.exceptions import AccessError
from odoo.tests import new_test_user, tagged

from .common import BohRecipeCase


@tagged("post_install", "-at_install")
class TestBohAccess(BohRecipeCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.cook = new_test_user(
            cls.env, login="boh_cook", groups="boh_inventory.group_boh_user", boh_all_stores=True
        )
        cls.manager = new_test_user(
            cls.env,
            login="boh_manager",
            groups="boh_inventory.group_boh_manager",
            boh_all_stores=True,
        )
        cls.company_b = cls.env["res.company"].create({"name": "Test Restaurant Group B"})
        cls.manager_b = new_test_user(
            cls.env,
            login="boh_manager_b",
            groups="boh_inventory.group_boh_manager",
            company_id=cls.company_b.id,
            company_ids=[Command.set(cls.company_b.ids)],
            boh_all_stores=True,
        )

    def test_boh_user_sees_recipes_but_not_costs(self):
        recipe = self.burger.with_user(self.cook)
        self.assertEqual(recipe.name, "Test Burger")
        self.assertEqual(len(recipe.line_ids), 4)
        for fname in ("portion_cost", "cost_total", "food_cost_pct", "margin", "net_price"):
            with self.assertRaises(AccessError):
                recipe.read([fname])
        fields = self.env["boh.recipe"].with_user(self.cook).fields_get()
        self.assertNotIn("portion_cost", fields)
        self.assertNotIn("cost", self.env["boh.recipe.line"].with_user(self.cook).fields_get())
        # and the form the cook gets has no cost field in it
        arch = self.env["boh.recipe"].with_user(self.cook).get_views([(False, "form")])
        form_arch = arch["views"]["form"]["arch"]
        self.assertNotIn('name="portion_cost"', form_arch)
        self.assertIn('name="line_ids"', form_arch)

    def test_boh_user_cannot_change_recipes(self):
        with self.assertRaises(AccessError):
            self.burger.with_user(self.cook).write({"yield_pct": 90})

    def test_manager_sees_costs(self):
        recipe = self.burger.with_user(self.manager)
        self.assertAlmostEqual(recipe.portion_cost, self.BURGER, places=2)
        recipe.write({"yield_pct": 50})
        self.assertAlmostEqual(recipe.portion_cost, self.BURGER * 2, places=2)

    def test_manager_of_company_b_cannot_see_company_a_recipes(self):
        Recipe = self.env["boh.recipe"].with_user(self.manager_b)
        self.assertFalse(Recipe.search([("id", "in", self.burger.ids)]))
        with self.assertRaises(AccessError):
            self.burger.with_user(self.manager_b).read(["name"])
        # their own company's recipes work as usual
        b_product = (
            self.env["product.product"]
            .with_user(self.manager_b)
            .create({"name": "Test B Soup", "boh_kind": "menu", "list_price": 8.0})
        )
        b_recipe = Recipe.create({"product_id": b_product.id, "output_qty": 1})
        self.assertEqual(b_recipe.company_id, self.company_b)
        self.assertEqual(Recipe.search([]), b_recipe)
