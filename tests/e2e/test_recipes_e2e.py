"""Recipes and costing through the public XML-RPC API, as an integrator sees them."""

from __future__ import annotations

import xmlrpc.client

import pytest


def test_recipe_with_sub_recipe_is_costed_over_xmlrpc(odoo, unique):
    kg, gram = odoo.ref("uom.product_uom_kgm"), odoo.ref("uom.product_uom_gram")
    unit = odoo.ref("uom.product_uom_unit")
    flour = odoo.create_product(f"E2E Flour {unique}", "ingredient", kg, standard_price=1.2)
    dough = odoo.create_product(f"E2E Dough {unique}", "prep", kg)
    bread = odoo.create_product(f"E2E Bread {unique}", "menu", unit, list_price=4.0)
    odoo.call(
        "boh.recipe",
        "create",
        {
            "product_id": dough,
            "output_qty": 1.0,
            "output_uom_id": kg,
            "yield_pct": 80.0,
            "line_ids": [(0, 0, {"product_id": flour, "qty": 1.0, "uom_id": kg})],
        },
    )
    bread_recipe = odoo.call(
        "boh.recipe",
        "create",
        {
            "product_id": bread,
            "output_qty": 1.0,
            "output_uom_id": unit,
            "line_ids": [
                (0, 0, {"product_id": dough, "qty": 400, "uom_id": gram, "waste_pct": 20.0})
            ],
        },
    )
    [row] = odoo.call(
        "boh.recipe", "read", [bread_recipe], ["portion_cost", "food_cost_pct", "cost_complete"]
    )
    # 400 g net at 20% waste = 500 g of dough; dough costs 1.2 / 0.8 = 1.5 per kg
    assert row["portion_cost"] == pytest.approx(0.75, abs=0.01)
    assert row["food_cost_pct"] == pytest.approx(18.75, abs=0.01)
    assert row["cost_complete"] is True

    # a price change reaches the bread through the dough, with a cost impact line
    odoo.call("product.product", "write", [flour], {"standard_price": 2.4})
    [row] = odoo.call("boh.recipe", "read", [bread_recipe], ["portion_cost"])
    assert row["portion_cost"] == pytest.approx(1.5, abs=0.01)
    impacts = odoo.call(
        "boh.cost.impact",
        "search_read",
        [("recipe_id", "=", bread_recipe)],
        fields=["old_food_cost_pct", "new_food_cost_pct"],
    )
    assert len(impacts) == 1
    assert impacts[0]["old_food_cost_pct"] == pytest.approx(18.75, abs=0.01)
    assert impacts[0]["new_food_cost_pct"] == pytest.approx(37.5, abs=0.01)


def test_cycle_is_a_clear_fault_naming_the_chain(odoo, unique):
    kg = odoo.ref("uom.product_uom_kgm")
    a = odoo.create_product(f"E2E Stock A {unique}", "prep", kg)
    b = odoo.create_product(f"E2E Stock B {unique}", "prep", kg)
    salt = odoo.create_product(f"E2E Salt {unique}", "ingredient", kg, standard_price=0.5)
    recipe_a = odoo.call(
        "boh.recipe",
        "create",
        {"product_id": a, "line_ids": [(0, 0, {"product_id": salt, "qty": 1, "uom_id": kg})]},
    )
    odoo.call(
        "boh.recipe",
        "create",
        {"product_id": b, "line_ids": [(0, 0, {"product_id": a, "qty": 1, "uom_id": kg})]},
    )
    with pytest.raises(xmlrpc.client.Fault) as caught:
        odoo.call(
            "boh.recipe",
            "write",
            [recipe_a],
            {"line_ids": [(0, 0, {"product_id": b, "qty": 1, "uom_id": kg})]},
        )
    text = caught.value.faultString
    assert f"E2E Stock A {unique}" in text and f"E2E Stock B {unique}" in text
    assert "Traceback" not in text.splitlines()[0]
    # nothing was half-written: recipe A still has only its salt line
    lines = odoo.call("boh.recipe.line", "search_count", [("recipe_id", "=", recipe_a)])
    assert lines == 1


def test_unit_that_cannot_convert_is_refused_with_names(odoo, unique):
    unit, gram = odoo.ref("uom.product_uom_unit"), odoo.ref("uom.product_uom_gram")
    lemon = odoo.create_product(f"E2E Lemon {unique}", "ingredient", unit, standard_price=0.3)
    drink = odoo.create_product(f"E2E Lemonade {unique}", "menu", unit, list_price=3.0)
    with pytest.raises(xmlrpc.client.Fault) as caught:
        odoo.call(
            "boh.recipe",
            "create",
            {
                "product_id": drink,
                "line_ids": [(0, 0, {"product_id": lemon, "qty": 30, "uom_id": gram})],
            },
        )
    assert f"E2E Lemon {unique}" in caught.value.faultString
    assert not odoo.call("boh.recipe", "search", [("product_id", "=", drink)])


def test_demo_restaurant_is_installed_and_costed(odoo):
    menu = odoo.call(
        "boh.recipe",
        "search_read",
        [("kind", "=", "menu")],
        fields=["name", "cost_complete", "food_cost_pct"],
    )
    prep = odoo.call("boh.recipe", "search_count", [("kind", "=", "prep")])
    ingredients = odoo.call("product.template", "search_count", [("boh_kind", "=", "ingredient")])
    assert len(menu) >= 25 and prep >= 8 and ingredients >= 40
    incomplete = [r["name"] for r in menu if not r["cost_complete"]]
    assert not incomplete, f"demo menu items without a complete cost: {incomplete}"
    assert any("套餐" in r["name"] for r in menu), "a Chinese set meal is in the demo"
