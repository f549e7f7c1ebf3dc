# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
{
    "name": "BOH Labour: Schedules from the Forecast",
    "summary": "Staff schedules solved from the forecast, publishing, swaps, attendance "
    "against schedule, sales per labour hour",
    "version": "18.0.1.0.0",
    "category": "Human Resources/Back of House",
    "author": "BOH Suite developers",
    "website": "https://github.com/boh-suite/boh-suite",
    "license": "LGPL-3",
    "depends": [
        "boh_forecast",
        "hr",
        "hr_attendance",
        "hr_holidays",
        "hr_hourly_cost",
        "portal",
    ],
    "external_dependencies": {"python": ["ortools", "numpy", "boh_core"]},
    "data": [
        "security/ir.model.access.csv",
        "security/boh_labour_security.xml",
        "data/ir_cron.xml",
        "views/boh_labour_shift_views.xml",
        "views/boh_labour_week_views.xml",
        "views/boh_labour_availability_views.xml",
        "views/boh_labour_standard_views.xml",
        "views/hr_employee_views.xml",
        "views/res_config_settings_views.xml",
        "views/stock_warehouse_views.xml",
        "views/boh_labour_portal_templates.xml",
        "report/boh_labour_attendance_report_views.xml",
        "report/boh_labour_kpi_report_views.xml",
        "views/boh_labour_menus.xml",
    ],
    "demo": ["demo/boh_labour_demo.xml"],
    "assets": {
        "web.assets_backend": [
            "boh_labour/static/src/week_grid/*",
        ],
        "hr_attendance.assets_public_attendance": [
            "boh_labour/static/src/kiosk/*",
        ],
        "web.assets_tests": [
            "boh_labour/static/tests/tours/**/*",
        ],
    },
    "post_init_hook": "_link_standards_to_jobs",
}
