from datetime import date, timedelta

from odoo import Command
from odoo.addons.boh_inventory.tests.common import BohRecipeCase
from odoo.tests import new_test_user

SOURCE = "test_pos"


class BohPosCase(BohRecipeCase):
    """The recipe kitchen of boh_inventory, a store and a POS whose codes are mapped."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        # the raw batch is committed in a cursor of its own: share the test transaction
        cls.registry.enter_test_mode(cls.cr)
        cls.addClassCleanup(cls.registry.leave_test_mode)
        cls.store = cls.env["stock.warehouse"].create(
            {"name": "Test Harbour Store", "code": "TSTH", "boh_store_type": "store"}
        )
        cls.other_store = cls.env["stock.warehouse"].create(
            {"name": "Test Hill Store", "code": "TSTL", "boh_store_type": "store"}
        )
        ItemMap = cls.env["boh.pos.item.map"]
        for code, product in (
            ("BURGER", cls.burger_product),
            ("PIZZA", cls.pizza_product),
            ("SET-A", cls.set_product),
        ):
            ItemMap.create({"source": SOURCE, "code": code, "product_id": product.id})
        cls.env["boh.pos.modifier.map"].create(
            [
                {
                    "source": SOURCE,
                    "code": "XCHEESE",
                    "line_ids": [
                        Command.create(
                            {"product_id": cls.cheese.id, "qty": 30, "uom_id": cls.gram.id}
                        )
                    ],
                },
                {
                    "source": SOURCE,
                    "code": "NOBUN",
                    "line_ids": [
                        Command.create({"product_id": cls.bun.id, "qty": -1, "uom_id": cls.unit.id})
                    ],
                },
                {"source": SOURCE, "code": "WELLDONE", "line_ids": []},
            ]
        )
        cls.integrator = new_test_user(
            cls.env,
            login="test_boh_integrator",
            groups="boh_pos_bridge.group_boh_integration",
            boh_all_stores=True,
            boh_pos_sources=f"{SOURCE}, other_pos, x",
        )
        cls.feed = cls.env["boh.pos.feed"].with_user(cls.integrator)
        cls.day = date.today() - timedelta(days=1)

    # ------------------------------------------------------------------ helpers
    def order(self, ref, lines, location="TSTH", covers=2, hour="12:30:00", day=None):
        day = day or self.day
        return {
            "order_ref": ref,
            "location": location,
            "business_date": day.isoformat(),
            "closed_at": f"{day.isoformat()}T{hour}+00:00",
            "covers": covers,
            "lines": lines,
        }

    @staticmethod
    def line(ref, item, qty=1, price="11.00", **extra):
        return dict({"line_ref": ref, "item_code": item, "qty": qty, "unit_price": price}, **extra)

    def push(self, *orders, source=SOURCE):
        return self.feed.push_sales({"source": source, "batch_id": "b", "orders": list(orders)})

    def statuses(self, answer):
        return [o["status"] for o in answer["orders"]]

    def depleted(self, warehouse=None, kind=None):
        """Net quantity taken out of stock per ingredient by the sales moves."""
        domain = [("boh_warehouse_id", "=", (warehouse or self.store).id), ("state", "=", "done")]
        if kind:
            domain.append(("boh_depletion_kind", "=", kind))
        totals = {}
        for product, qty in self.env["stock.move"]._read_group(
            domain, ["product_id"], ["boh_depletion_qty:sum"]
        ):
            totals[product] = qty
        return totals

    def facts(self, ref=None):
        domain = [("warehouse_id", "in", (self.store | self.other_store).ids)]
        if ref:
            domain.append(("order_ref", "=", ref))
        return self.env["boh.sales.fact"].search(domain)

    # hand-computed per burger: 150 g beef, a bun, 20 g cheese, 50 ml sauce (90 % yield,
    # tomato with 10 % trim): tomato 0.05 / 1.8 * 2 / 0.9 kg
    TOMATO_PER_BURGER = 0.05 / 1.8 * 2.0 / 0.9
