# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
{
    "name": "BOH Maintenance",
    "summary": "QR repair intake without login, dispatch by skill, SLA, MTTR/MTBF",
    "version": "18.0.1.0.0",
    "category": "Inventory/Back of House",
    "author": "BOH Suite developers",
    "website": "https://github.com/boh-suite/boh-suite",
    "license": "LGPL-3",
    "depends": ["boh_inventory", "maintenance", "hr_skills", "resource", "stock"],
    "external_dependencies": {
        "python": ["qrcode", "pyzbar", "reportlab", "pandas", "boh_core"],
    },
    "data": [
        "security/ir.model.access.csv",
        "security/boh_maintenance_security.xml",
        "data/boh_maintenance_data.xml",
        "data/boh_sensor_data.xml",
        "views/boh_intake_templates.xml",
        "views/maintenance_equipment_views.xml",
        "views/maintenance_request_views.xml",
        "views/boh_maintenance_sla_views.xml",
        "views/stock_warehouse_views.xml",
        "views/res_config_settings_views.xml",
        "views/boh_sensor_views.xml",
        "views/boh_sensor_batch_views.xml",
        "views/boh_stock_review_views.xml",
        "report/boh_maintenance_reliability_report_views.xml",
        "wizards/boh_maintenance_label_wizard_views.xml",
        "wizards/boh_maintenance_scan_wizard_views.xml",
        "views/boh_maintenance_menus.xml",
    ],
    "assets": {
        "web.assets_tests": [
            "boh_maintenance/static/tests/tours/**/*",
        ],
    },
}
