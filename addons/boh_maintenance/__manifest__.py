# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
{
    "name": "BOH Maintenance",
    "summary": "QR repair intake without login, dispatch by skill, SLA, MTTR/MTBF",
    "version": "18.0.1.0.0",
    "category": "Inventory/Back of House",
    "author": "BOH Suite developers",
    "website": "https://github.com/boh-suite/boh-suite",
    "license": "LGPL-3",
    "depends": ["boh_inventory", "maintenance", "hr_skills", "stock"],
    "external_dependencies": {"python": ["qrcode", "pyzbar", "boh_core"]},
    "data": [
        "views/boh_maintenance_menus.xml",
    ],
}
