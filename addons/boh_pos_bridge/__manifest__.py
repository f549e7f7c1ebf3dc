# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
{
    "name": "BOH POS Bridge",
    "summary": "Sales from any POS, ingested once, depleting ingredients through recipes",
    "version": "18.0.1.1.0",
    "category": "Inventory/Back of House",
    "author": "BOH Suite developers",
    "website": "https://github.com/boh-suite/boh-suite",
    "license": "LGPL-3",
    "depends": ["boh_inventory", "point_of_sale", "stock_account"],
    "external_dependencies": {"python": ["boh_core"]},
    "data": [
        "security/boh_pos_security.xml",
        "security/ir.model.access.csv",
        "security/boh_pos_rules.xml",
        "data/stock_location_data.xml",
        "data/ir_cron_data.xml",
        "views/boh_pos_order_views.xml",
        "views/boh_pos_mapping_views.xml",
        "views/boh_pos_batch_views.xml",
        "views/boh_pos_depletion_todo_views.xml",
        "views/boh_pos_availability_views.xml",
        "views/boh_pos_csv_import_views.xml",
        "views/pos_order_views.xml",
        "views/boh_pos_bridge_menus.xml",
        "views/boh_integration_wizard_views.xml",
        "views/res_users_views.xml",
    ],
    "assets": {
        "point_of_sale._assets_pos": [
            "boh_pos_bridge/static/src/app/**/*",
        ],
        "web.assets_tests": [
            "boh_pos_bridge/static/tests/tours/**/*",
        ],
    },
}
