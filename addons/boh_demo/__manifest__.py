# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
{
    "name": "BOH Demo: a Restaurant Group That Lives",
    "summary": "Months of simulated sales, purchases, counts, repairs, sensor readings and staff "
    "in the demo database, kept up to date by a demo-only cron",
    "version": "18.0.1.0.0",
    "category": "Inventory/Back of House",
    "author": "BOH Suite developers",
    "website": "https://github.com/boh-suite/boh-suite",
    "license": "LGPL-3",
    "depends": ["boh_forecast", "boh_maintenance", "boh_pos_bridge", "hr"],
    "external_dependencies": {"python": ["pandas", "holidays", "boh_core"]},
    "demo": [
        "demo/boh_demo_sites.xml",
        "demo/boh_demo_cron.xml",
        "demo/boh_demo_sensor_flags.xml",
    ],
    "post_init_hook": "post_init_hook",
}
