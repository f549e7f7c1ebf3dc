# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
{
    "name": "BOH Forecast",
    "summary": "Sales forecasts, ingredient demand, safety stock and draft purchase orders",
    "version": "18.0.1.1.0",
    "category": "Inventory/Back of House",
    "author": "BOH Suite developers",
    "website": "https://github.com/boh-suite/boh-suite",
    "license": "LGPL-3",
    "depends": ["boh_inventory", "purchase_stock"],
    "external_dependencies": {"python": ["pandas", "scikit-learn", "holidays", "boh_core"]},
    "data": [
        "security/ir.model.access.csv",
        "security/boh_forecast_rules.xml",
        "security/boh_forecast_inputs_rules.xml",
        "data/ir_cron.xml",
        "views/boh_forecast_views.xml",
        "views/boh_forecast_inputs_views.xml",
        "views/boh_forecast_run_views.xml",
        "views/boh_forecast_menus.xml",
        "views/boh_forecast_inputs_menus.xml",
    ],
    "demo": [
        "demo/boh_forecast_demo.xml",
        "demo/boh_forecast_inputs_demo.xml",
    ],
    "assets": {
        "web.assets_tests": [
            "boh_forecast/static/tests/tours/**/*",
        ],
    },
}
