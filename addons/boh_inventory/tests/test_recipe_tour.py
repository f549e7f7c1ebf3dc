from odoo import Command
from odoo.tests import HttpCase, new_test_user, tagged


@tagged("post_install", "-at_install")
class TestRecipeTour(HttpCase):
    def test_manager_creates_recipe_with_sub_recipe(self):
        """A manager builds a recipe with a sub-recipe in the web client, and its cost rolls up.

        Long because a browser tour is one story: the records it needs, the tour itself and the
        checks of what it left behind read best in one place.
        """
        kg = self.env.ref("uom.product_uom_kgm")
        unit = self.env.ref("uom.product_uom_unit")
        company = self.env.company
        tax = self.env["account.tax"].create(
            {
                "name": "Tour VAT 10% included",
                "amount": 10.0,
                "type_tax_use": "sale",
                "price_include_override": "tax_included",
                "company_id": company.id,
            }
        )
        Product = self.env["product.product"]
        tomato = Product.create(
            {
                "name": "Tour Tomato",
                "boh_kind": "ingredient",
                "uom_id": kg.id,
                "uom_po_id": kg.id,
                "standard_price": 4.0,
            }
        )
        Product.create(
            {
                "name": "Tour Bun",
                "boh_kind": "ingredient",
                "uom_id": unit.id,
                "uom_po_id": unit.id,
                "standard_price": 0.5,
            }
        )
        sauce = Product.create(
            {"name": "Tour Sauce", "boh_kind": "prep", "uom_id": kg.id, "uom_po_id": kg.id}
        )
        burger = Product.create(
            {
                "name": "Tour Burger",
                "boh_kind": "menu",
                "uom_id": unit.id,
                "uom_po_id": unit.id,
                "list_price": 11.0,
                "taxes_id": [Command.set(tax.ids)],
                "boh_target_food_cost_pct": 20.0,
            }
        )
        self.env["boh.recipe"].create(
            {
                "product_id": sauce.id,
                "output_qty": 1.0,
                "line_ids": [Command.create({"product_id": tomato.id, "qty": 1.0})],
            }
        )
        new_test_user(
            self.env,
            login="boh_tour_manager",
            groups="base.group_user,boh_inventory.group_boh_manager",
            boh_all_stores=True,
        )
        self.start_tour(
            "/odoo/action-boh_inventory.action_boh_recipe",
            "boh_recipe_cost_tour",
            login="boh_tour_manager",
        )
        recipe = self.env["boh.recipe"].search([("product_id", "=", burger.id)])
        self.assertEqual(len(recipe.line_ids), 2)
        self.assertAlmostEqual(recipe.portion_cost, 2.5, places=2)
        self.assertAlmostEqual(recipe.food_cost_pct, 25.0, places=2)
