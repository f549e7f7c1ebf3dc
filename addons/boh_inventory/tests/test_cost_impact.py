from odoo import Command
from odoo.tests import new_test_user, tagged

from .common import BohRecipeCase


@tagged("post_install", "-at_install")
class TestCostImpact(BohRecipeCase):
    def _commit_like(self):
        # price changes are re-costed once per transaction, just before commit
        self.env.cr.flush()

    def test_price_change_recosts_every_affected_recipe(self):
        burger_before = self.burger.food_cost_pct
        pizza_before = self.pizza.food_cost_pct
        self.cheese.standard_price = 36.0  # triples: +24 per kg
        self._commit_like()
        self.assertAlmostEqual(self.burger.portion_cost, self.BURGER + 0.02 * 24.0, places=2)
        self.assertAlmostEqual(self.pizza.portion_cost, self.PIZZA + 0.1 * 24.0, places=2)
        self.assertAlmostEqual(
            self.set_meal.portion_cost, self.BURGER + self.PIZZA + 0.12 * 24.0, places=2
        )
        impacts = self.env["boh.cost.impact"].search([("cause", "ilike", "Test Cheese")])
        self.assertEqual(
            set(impacts.recipe_id.ids), {self.burger.id, self.pizza.id, self.set_meal.id}
        )
        pizza_impact = impacts.filtered(lambda i: i.recipe_id == self.pizza)
        self.assertAlmostEqual(pizza_impact.old_food_cost_pct, pizza_before, places=2)
        self.assertAlmostEqual(pizza_impact.new_food_cost_pct, self.pizza.food_cost_pct, places=2)
        # the pizza (net 10.00) goes from 17.1% to 41.1%: over its 30% target
        self.assertLess(pizza_before, 30.0)
        self.assertEqual(pizza_impact.crossed_target, "above")
        set_impact = impacts.filtered(lambda i: i.recipe_id == self.set_meal)
        self.assertEqual(set_impact.crossed_target, "above")
        burger_impact = impacts.filtered(lambda i: i.recipe_id == self.burger)
        self.assertAlmostEqual(burger_impact.old_food_cost_pct, burger_before, places=2)
        self.assertFalse(burger_impact.crossed_target, "the burger was already over target")
        # prep items are re-costed but are not menu items: no impact line
        self.assertNotIn(self.sauce, impacts.recipe_id)

    def test_unrelated_price_change_records_nothing(self):
        other = self.env["product.product"].create(
            {"name": "Test Unused Spice", "boh_kind": "ingredient", "standard_price": 3.0}
        )
        other.standard_price = 4.0
        self._commit_like()
        self.assertFalse(self.env["boh.cost.impact"].search([("cause", "ilike", "Unused Spice")]))

    def test_latest_purchase_price_basis(self):
        self.company.boh_cost_basis = "last_purchase"
        vendor = self.env["res.partner"].create({"name": "Test Dairy Vendor"})
        order = self.env["purchase.order"].create(
            {
                "partner_id": vendor.id,
                "order_line": [
                    Command.create(
                        {
                            "product_id": self.cheese.id,
                            "product_qty": 6,
                            "price_unit": 18.0,
                            "product_uom": self.kg.id,
                        }
                    )
                ],
            }
        )
        order.button_confirm()
        self._commit_like()
        self.assertAlmostEqual(self.pizza.portion_cost, self.PIZZA + 0.1 * 6.0, places=2)
        impact = self.env["boh.cost.impact"].search(
            [("recipe_id", "=", self.pizza.id), ("cause", "ilike", order.name)]
        )
        self.assertEqual(len(impact), 1)
        # ingredients never bought fall back to the product cost
        self.assertAlmostEqual(self.dough.cost_per_unit, self.DOUGH_PER_KG, places=4)

    def test_settings_change_recosts(self):
        settings = self.env["res.config.settings"].create({"boh_target_food_cost_pct": 10.0})
        settings.execute()
        self.assertEqual(self.pizza.target_food_cost_pct, 10.0)
        self.assertTrue(self.pizza.over_target)

    def test_menu_price_taxes_and_own_target_recost(self):
        self.burger_product.list_price = 24.2
        self._commit_like()
        self.assertAlmostEqual(self.burger.net_price, 22.0, places=2)
        self.assertAlmostEqual(self.burger.food_cost_pct, 100 * self.BURGER / 22.0, places=2)
        self.assertAlmostEqual(self.burger.margin, 22.0 - self.BURGER, places=2)
        self.burger_product.taxes_id = [Command.clear()]
        self._commit_like()
        self.assertAlmostEqual(self.burger.net_price, 24.2, places=2)
        self.burger_product.list_price = 12.1
        self.burger_product.boh_target_food_cost_pct = 40.0
        self._commit_like()
        self.assertAlmostEqual(self.burger.food_cost_pct, 100 * self.BURGER / 12.1, places=2)
        self.assertEqual(self.burger.target_food_cost_pct, 40.0)
        self.assertFalse(self.burger.over_target, "under its new own target")

    def test_ingredient_allergen_change_reaches_every_dish(self):
        celery = self.env.ref("boh_inventory.allergen_celery")
        self.tomato.product_tmpl_id.boh_allergen_ids = [Command.link(celery.id)]
        self._commit_like()
        self.assertIn(celery, self.sauce.allergen_ids)
        self.assertIn(celery, self.burger.allergen_ids, "through the sauce")
        self.assertIn(celery, self.set_meal.allergen_ids, "through the burger")

    def test_unit_conversion_change_recosts(self):
        dough_before = self.dough.cost_per_unit
        conversion = self.env["boh.uom.conversion"].search(
            [("product_tmpl_id", "=", self.egg.product_tmpl_id.id)]
        )
        conversion.to_qty = 100.0  # an egg weighs twice as much: half as many per gram
        self._commit_like()
        self.assertLess(self.dough.cost_per_unit, dough_before)

    def test_a_move_above_the_alert_threshold_notifies_managers_and_buyer(self):
        manager = new_test_user(
            self.env, login="cost_alert_manager", groups="boh_inventory.group_boh_manager"
        )
        self.env["ir.config_parameter"].sudo().set_param("boh_inventory.cost_alert_points", "5")
        self.cheese.standard_price = 36.0  # the pizza moves 24 points, the burger less than 5
        self._commit_like()
        messages = self.env["mail.message"].search(
            [("partner_ids", "in", manager.partner_id.ids), ("subject", "ilike", "Food cost")]
        )
        self.assertEqual(len(messages), 1)
        self.assertIn("Test Pizza", messages.body)
        self.assertIn("41.1%", messages.body)
        self.assertIn(self.env.user.partner_id, messages.partner_ids)
