"""Context switches a client sends with a call change nothing: only server code sets them."""

from odoo.exceptions import ValidationError
from odoo.tests import tagged

from ..tools.server_context import server_switches, switched_on
from .common import BohRecipeCase


@tagged("post_install", "-at_install")
class TestServerSwitches(BohRecipeCase):
    def test_a_plain_value_never_turns_a_switch_on(self):
        for value in (True, 1, "1", "True", {"x": 1}):
            env = self.env(context=dict(self.env.context, boh_skip_recost=value))
            self.assertFalse(switched_on(env, "boh_skip_recost"), value)
        env = self.env(context=dict(self.env.context, **server_switches("boh_skip_recost")))
        self.assertTrue(switched_on(env, "boh_skip_recost"))

    def test_a_recipe_line_sent_with_the_skip_switches_is_still_checked(self):
        lines = self.env["boh.recipe.line"].with_context(
            boh_lines_via_recipe=True, boh_skip_recost=True
        )
        with self.assertRaises(ValidationError):
            lines.create(
                {
                    "recipe_id": self.burger.id,
                    "product_id": self.beef.id,
                    "qty": -5,
                    "uom_id": self.gram.id,
                }
            )

    def test_a_line_change_sent_with_skip_recost_is_still_costed(self):
        before = self.burger.cost_total
        line = self.burger.line_ids.filtered(lambda line: line.product_id == self.beef)
        line.with_context(boh_skip_recost=True).qty = line.qty * 2
        self.assertGreater(self.burger.cost_total, before)
