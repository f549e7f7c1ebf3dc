from datetime import date, timedelta

from odoo import Command
from odoo.tests import TransactionCase

# 2026-11-23 is a Monday; history runs the 8 weeks before it
TODAY = date(2026, 11, 23)
NOW = "2026-11-23 09:00:00"
# burgers sold per weekday, Monday first
WEEK = [8, 10, 12, 14, 20, 30, 6]


class BohForecastCase(TransactionCase):
    """A store selling burgers on a clear weekly pattern, a vendor, packs and MOQs."""

    @classmethod
    def setUpClass(cls):
        """The shared fixtures: vendors, stores, ingredients, menu items and their sales history.

        Long because it builds the one store every forecasting test shares (vendors with
        packs and minimums, ingredients, menu items and weeks of sales on a weekly pattern),
        in the order its records depend on each other; split, its parts would only be called
        here.
        """
        super().setUpClass()
        cls.env = cls.env(context=dict(cls.env.context, tz="UTC"))
        cls.company = cls.env.company
        cls.company.write({"boh_forecast_service_level": 95.0, "boh_forecast_horizon": 21})
        cls.kg = cls.env.ref("uom.product_uom_kgm")
        cls.unit = cls.env.ref("uom.product_uom_unit")
        cls.litre = cls.env.ref("uom.product_uom_litre")
        cls.ml = cls.env.ref("boh_inventory.uom_millilitre")
        Uom = cls.env["uom.uom"]
        cls.case5 = Uom.create(
            {
                "name": "FC Case 5 kg",
                "category_id": cls.kg.category_id.id,
                "uom_type": "bigger",
                "factor_inv": 5.0,
            }
        )
        cls.pack12 = Uom.create(
            {
                "name": "FC Pack of 12",
                "category_id": cls.unit.category_id.id,
                "uom_type": "bigger",
                "factor_inv": 12.0,
            }
        )
        # delivers Tuesday and Friday, orders by 10:00
        cls.vendor = cls.env["res.partner"].create(
            {
                "name": "FC Meat and Bakery Co",
                "boh_deliver_tue": True,
                "boh_deliver_fri": True,
                "boh_order_cutoff": 10.0,
            }
        )
        Warehouse = cls.env["stock.warehouse"]
        cls.store = Warehouse.create({"name": "FC Store One", "code": "FCS1"})
        cls.store_b = Warehouse.create({"name": "FC Store Two", "code": "FCS2"})
        Product = cls.env["product.product"]

        def ingredient(name, uom, po_uom, sellers=()):
            return Product.create(
                {
                    "name": name,
                    "boh_kind": "ingredient",
                    "is_storable": True,
                    "purchase_ok": True,
                    "uom_id": uom.id,
                    "uom_po_id": po_uom.id,
                    "standard_price": 1.0,
                    "seller_ids": [Command.create(vals) for vals in sellers],
                }
            )

        cls.beef = ingredient(
            "FC Beef",
            cls.kg,
            cls.case5,
            [{"partner_id": cls.vendor.id, "price": 50.0, "min_qty": 3.0, "delay": 1}],
        )
        cls.bun = ingredient(
            "FC Bun",
            cls.unit,
            cls.pack12,
            [{"partner_id": cls.vendor.id, "price": 6.0, "min_qty": 2.0, "delay": 1}],
        )
        cls.tomato = ingredient("FC Tomato", cls.kg, cls.kg)
        cls.potato = ingredient("FC Potato", cls.kg, cls.kg)

        def item(name, kind, uom):
            return Product.create(
                {"name": name, "boh_kind": kind, "uom_id": uom.id, "uom_po_id": uom.id}
            )

        cls.sauce = item("FC Sauce", "prep", cls.litre)
        cls.burger = item("FC Burger", "menu", cls.unit)
        cls.fries = item("FC Fries", "menu", cls.unit)
        Recipe = cls.env["boh.recipe"]

        def line(product, qty, uom):
            return Command.create({"product_id": product.id, "qty": qty, "uom_id": uom.id})

        cls.sauce_recipe = Recipe.create(
            {
                "product_id": cls.sauce.id,
                "output_qty": 2.0,
                "output_uom_id": cls.litre.id,
                "line_ids": [line(cls.tomato, 2.0, cls.kg)],
            }
        )
        Recipe.create(
            {
                "product_id": cls.burger.id,
                "output_qty": 1.0,
                "line_ids": [
                    line(cls.beef, 150, cls.env.ref("uom.product_uom_gram")),
                    line(cls.bun, 1, cls.unit),
                    line(cls.sauce, 100, cls.ml),
                ],
            }
        )
        Recipe.create(
            {
                "product_id": cls.fries.id,
                "output_qty": 1.0,
                "line_ids": [line(cls.potato, 0.2, cls.kg)],
            }
        )
        facts = []
        for back in range(1, 57):
            day = TODAY - timedelta(days=back)
            qty = WEEK[day.weekday()]
            for store, product, n in (
                (cls.store, cls.burger, qty),
                (cls.store, cls.fries, 5),
                (cls.store_b, cls.burger, 3),
            ):
                facts.append(
                    {
                        "company_id": cls.company.id,
                        "warehouse_id": store.id,
                        "product_id": product.id,
                        "date": day,
                        "hour": 12,
                        "qty": n,
                        "revenue": n * 10.0,
                        "covers": n if product == cls.burger else 0,
                    }
                )
        cls.facts = cls.env["boh.sales.fact"].create(facts)
        # 1 kg of beef on hand at the store
        cls.env["stock.quant"]._update_available_quantity(cls.beef, cls.store.lot_stock_id, 1.0)
        cls.cook = cls.env["boh.labour.standard"].create(
            {"role": "FC Cook", "driver": "covers", "per_hour": 10.0}
        )
        cls.engine = cls.env["boh.forecast.engine"]

    def run_store(self, store=None):
        return self.engine._run_for_warehouses(store or self.store)

    def suggested_lines(self, store=None):
        return self.env["purchase.order.line"].search(
            [
                ("order_id.boh_suggested", "=", True),
                ("order_id.picking_type_id.warehouse_id", "=", (store or self.store).id),
                ("order_id.state", "!=", "cancel"),
            ]
        )
