# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
{
    "name": "BOH POS Bridge",
    "summary": "Sales from any POS, ingested once, depleting ingredients through recipes",
    "version": "18.0.1.0.0",
    "category": "Inventory/Back of House",
    "author": "BOH Suite developers",
    "website": "https://github.com/boh-suite/boh-suite",
    "license": "LGPL-3",
    "depends": ["boh_inventory", "point_of_sale", "stock_account"],
    "data": [
        "views/boh_pos_bridge_menus.xml",
    ],
    "installable": True,
}
