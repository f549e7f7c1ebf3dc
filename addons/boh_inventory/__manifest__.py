# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
{
    "name": "BOH Inventory: Recipes and Food Cost",
    "summary": "Recipes and sub-recipes with yield and waste, food cost, allergens, "
    "cost impact of price changes, stock counts",
    "version": "18.0.1.1.0",
    "category": "Inventory/Back of House",
    "author": "BOH Suite developers",
    "website": "https://github.com/boh-suite/boh-suite",
    "license": "LGPL-3",
    "depends": ["stock", "purchase", "product_expiry"],
    "external_dependencies": {"python": ["boh_core"]},
    "data": [
        "security/boh_security.xml",
        "security/ir.model.access.csv",
        "security/boh_rules.xml",
        "data/uom_data.xml",
        "data/boh_allergen_data.xml",
        "views/boh_allergen_views.xml",
        "views/boh_recipe_views.xml",
        "views/boh_cost_impact_views.xml",
        "views/product_template_views.xml",
        "views/stock_warehouse_views.xml",
        "views/res_users_views.xml",
        "views/res_config_settings_views.xml",
        "views/boh_stock_count_views.xml",
        "views/boh_menus.xml",
        "views/boh_sales_fact_views.xml",
    ],
    "demo": [
        "demo/boh_demo.xml",
        "demo/boh_demo_products.xml",
        "demo/boh_demo_recipes.xml",
        "demo/boh_demo_harbour.xml",
    ],
    "assets": {
        "web.assets_tests": [
            "boh_inventory/static/tests/tours/**/*",
        ],
    },
    "application": True,
}
