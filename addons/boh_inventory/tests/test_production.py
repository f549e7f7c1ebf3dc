from datetime import date, datetime, timedelta

from odoo import Command
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tests import new_test_user, tagged

from .common import BohRecipeCase


class BohKitchenCase(BohRecipeCase):
    """The recipe kitchen's tomato sauce, stocked, made at a central kitchen; a tracked basil
    pesto to see lots taken first-expired-first-out; a store the kitchen supplies."""

    @classmethod
    def setUpClass(cls):
        """Long because the production tests share one kitchen: a central kitchen and a
        store, stock in lots, a stocked sauce and pesto, and a cook of each site."""
        super().setUpClass()
        Warehouse = cls.env["stock.warehouse"]
        cls.kitchen = Warehouse.create(
            {"name": "Test Central Kitchen", "code": "TCK", "boh_store_type": "central_kitchen"}
        )
        cls.store = Warehouse.create(
            {"name": "Test Prod Store", "code": "TPS", "boh_store_type": "store"}
        )
        cls.kitchen_stock = cls.kitchen.lot_stock_id
        avco = cls.env["product.category"].create(
            {"name": "Test AVCO prep", "property_cost_method": "average"}
        )
        cls.sauce_product.categ_id = avco
        cls.sauce.write({"stocked": True, "shelf_life_hours": 72.0})
        cls.basil = cls.env["product.product"].create(
            {
                "name": "Test Basil",
                "boh_kind": "ingredient",
                "is_storable": True,
                "tracking": "lot",
                "uom_id": cls.kg.id,
                "uom_po_id": cls.kg.id,
                "standard_price": 20.0,
                "boh_allergen_ids": [Command.set(cls.env.ref("boh_inventory.allergen_nuts").ids)],
            }
        )
        cls.pesto_product = cls.env["product.product"].create(
            {"name": "Test Pesto", "boh_kind": "prep", "uom_id": cls.kg.id, "uom_po_id": cls.kg.id}
        )
        cls.pesto = cls.env["boh.recipe"].create(
            {
                "product_id": cls.pesto_product.id,
                "output_qty": 1.0,
                "output_uom_id": cls.kg.id,
                "yield_pct": 100.0,
                "stocked": True,
                "shelf_life_hours": 48.0,
                "line_ids": [
                    Command.create({"product_id": cls.basil.id, "qty": 0.5, "uom_id": cls.kg.id}),
                    Command.create({"product_id": cls.oil.id, "qty": 0.5, "uom_id": cls.litre.id}),
                ],
            }
        )
        Lot = cls.env["stock.lot"]
        cls.basil_late = Lot.create(
            {
                "name": "BASIL-LATE",
                "product_id": cls.basil.id,
                "expiration_date": datetime(2031, 5, 1),
            }
        )
        cls.basil_early = Lot.create(
            {
                "name": "BASIL-EARLY",
                "product_id": cls.basil.id,
                "expiration_date": datetime(2031, 4, 1),
            }
        )
        Quant = cls.env["stock.quant"]
        Quant._update_available_quantity(cls.basil, cls.kitchen_stock, 5.0, lot_id=cls.basil_late)
        Quant._update_available_quantity(cls.basil, cls.kitchen_stock, 0.3, lot_id=cls.basil_early)
        for product, qty in ((cls.tomato, 30.0), (cls.oil, 5.0)):
            Quant._update_available_quantity(product, cls.kitchen_stock, qty)
        cls.cook = new_test_user(
            cls.env,
            login="boh_prod_cook",
            groups="boh_inventory.group_boh_user",
            boh_all_stores=True,
        )
        cls.cook.boh_all_stores = False
        cls.cook.boh_warehouse_ids = cls.kitchen
        cls.store_cook = new_test_user(
            cls.env,
            login="boh_prod_store_cook",
            groups="boh_inventory.group_boh_user",
            boh_all_stores=True,
        )
        cls.store_cook.boh_all_stores = False
        cls.store_cook.boh_warehouse_ids = cls.store

    def _production(self, recipe, qty, user=None, **vals):
        Production = self.env["boh.production"]
        if user:
            Production = Production.with_user(user)
        return Production.create(
            {
                "warehouse_id": self.kitchen.id,
                "recipe_id": recipe.id,
                "qty": qty,
                "date": datetime(2031, 3, 10, 6, 0),
                **vals,
            }
        )

    def _on_hand(self, product, warehouse=None, lot=None):
        domain = [
            ("product_id", "=", product.id),
            ("location_id", "child_of", (warehouse or self.kitchen).lot_stock_id.id),
        ]
        if lot:
            domain.append(("lot_id", "=", lot.id))
        return sum(self.env["stock.quant"].search(domain).mapped("quantity"))


@tagged("post_install", "-at_install")
class TestProduction(BohKitchenCase):
    """Stocked prep items end the explosion; production makes them into dated lots."""

    # ------------------------------------------------------------------ explosion
    def test_dish_with_stocked_sauce_depletes_the_sauce_not_its_ingredients(self):
        used = self.env["boh.recipe"]._explode([(self.burger_product.id, 2, self.unit.id)])
        self.assertAlmostEqual(used.pop(self.sauce_product.id), 0.1)  # 2 x 50 ml, in litres
        self.assertNotIn(self.tomato.id, used)
        self.assertNotIn(self.oil.id, used)
        self.assertAlmostEqual(used[self.beef.id], 0.3)
        # the cost still rolls up through the sauce's ingredients
        self.assertAlmostEqual(self.burger.sudo().cost_total, self.BURGER, places=2)

    def test_waste_of_a_dish_takes_the_stocked_sauce(self):
        self.env["boh.waste.reason"]._create_defaults(self.company)
        entry = self.env["boh.waste.entry"].create(
            {
                "warehouse_id": self.kitchen.id,
                "product_id": self.pizza_product.id,
                "qty": 1,
                "uom_id": self.unit.id,
                "reason_id": self.env["boh.waste.reason"]
                ._reason_of_kind(self.company, "spoiled")
                .id,
                "date": date(2031, 3, 10),
            }
        )
        wasted = {line.product_id: line.qty for line in entry.line_ids}
        self.assertAlmostEqual(wasted[self.sauce_product], 0.08)
        self.assertNotIn(self.tomato, wasted)

    def test_stocked_item_without_recipe_is_refused(self):
        with self.assertRaisesRegex(ValidationError, "Test Orphan Sauce has no recipe"):
            self.env["product.product"].create(
                {"name": "Test Orphan Sauce", "boh_kind": "prep", "boh_stocked": True}
            )

    def test_recipe_made_stocked_while_stock_exists_is_refused(self):
        self.dough_product.is_storable = True
        self.env["stock.quant"]._update_available_quantity(
            self.dough_product, self.kitchen_stock, 2.0
        )
        with self.assertRaisesRegex(ValidationError, r"Test Pizza Dough has 2.0 kg in stock"):
            self.dough.stocked = True
        self.env.invalidate_all()
        self.assertFalse(self.dough_product.boh_stocked)

    # ------------------------------------------------------------------ production
    def test_production_consumes_first_expiring_lots_and_makes_a_dated_lot(self):
        production = self._production(self.pesto, 2.0, user=self.cook, actual_qty=1.9)
        production.with_user(self.cook).action_confirm()
        self.assertEqual(production.state, "done")
        # 1 kg basil: the early lot's 0.3 kg first, then 0.7 kg of the late one
        self.assertAlmostEqual(self._on_hand(self.basil, lot=self.basil_early), 0.0)
        self.assertAlmostEqual(self._on_hand(self.basil, lot=self.basil_late), 4.3)
        self.assertAlmostEqual(self._on_hand(self.oil), 4.0)
        lot = production.lot_id
        self.assertEqual(lot.product_id, self.pesto_product)
        self.assertEqual(lot.expiration_date, datetime(2031, 3, 12, 6, 0))
        self.assertEqual(production.expiration_date, lot.expiration_date)
        self.assertAlmostEqual(self._on_hand(self.pesto_product, lot=lot), 1.9)
        self.assertAlmostEqual(production.yield_variance_qty, -0.1)
        self.assertAlmostEqual(production.yield_variance_pct, -5.0)
        # moves: stock -> production location and back, all stamped
        production_location = self.pesto_product.property_stock_production
        self.assertEqual(production_location.usage, "production")
        moves = production.move_ids
        self.assertEqual(len(moves), 3)
        self.assertTrue(all(m.state == "done" for m in moves))
        outs = moves.filtered(lambda m: m.location_dest_id == production_location)
        self.assertEqual(outs.product_id, self.basil | self.oil)
        basil_lines = outs.move_line_ids.filtered(lambda ml: ml.product_id == self.basil)
        self.assertEqual(basil_lines.lot_id, self.basil_early | self.basil_late)
        # cost: 1 kg basil at 20 + 1 L oil at 8, valued on the lot per unit of actual yield
        self.assertAlmostEqual(production.cost, 28.0)
        self.assertAlmostEqual(production.unit_cost, 28.0 / 1.9, places=2)
        self.assertAlmostEqual(lot.boh_unit_cost, 28.0 / 1.9, places=2)
        finished = moves - outs
        self.assertAlmostEqual(finished.price_unit, 28.0 / 1.9, places=2)

    def test_produced_lot_is_valued_at_what_it_took(self):
        # the sauce is AVCO: its valuation layer takes the batch's cost
        production = self._production(self.sauce, 1.8)
        production.action_confirm()
        # 1.8 L usable = one 2 L batch: 2 kg / 0.9 tomato at 2 and 0.1 L oil at 8
        expected = 2.0 / 0.9 * 2.0 + 0.1 * 8.0
        self.assertAlmostEqual(production.cost, expected, places=2)
        layers = production.move_ids.filtered(
            lambda m: m.product_id == self.sauce_product
        ).stock_valuation_layer_ids
        self.assertAlmostEqual(sum(layers.mapped("value")), expected, places=2)
        self.assertAlmostEqual(self.sauce_product.standard_price, expected / 1.8, places=2)

    def test_short_ingredient_refuses_the_batch_naming_what_is_missing(self):
        production = self._production(self.pesto, 20.0)
        with self.assertRaisesRegex(
            UserError, r"not enough Test Basil \(needs 10.0 kg, 5.3 on hand\)"
        ):
            production.action_confirm()
        self.assertEqual(production.state, "draft")
        self.assertFalse(production.move_ids)
        self.assertAlmostEqual(self._on_hand(self.basil), 5.3)

    def test_shelf_life_zero_is_refused(self):
        self.pesto.shelf_life_hours = 0.0
        production = self._production(self.pesto, 1.0)
        with self.assertRaisesRegex(ValidationError, "shelf life of 'Test Pesto' is 0.0 hours"):
            production.action_confirm()
        self.assertFalse(production.move_ids)

    def test_what_the_confirmation_records_is_not_set_by_hand(self):
        with self.assertRaises(AccessError):
            self._production(self.pesto, 1.0, user=self.cook, state="done")
        production = self._production(self.pesto, 1.0, user=self.cook)
        with self.assertRaises(AccessError):
            production.with_user(self.cook).write({"expiration_date": datetime(2040, 1, 1)})
        production.action_confirm()
        with self.assertRaisesRegex(UserError, "no longer a draft"):
            production.with_user(self.cook).write({"actual_qty": 5.0})

    def test_cooks_make_batches_in_their_own_sites_only(self):
        with self.assertRaises(AccessError):
            self._production(self.pesto, 1.0, user=self.store_cook)
        production = self._production(self.pesto, 1.0)
        self.assertFalse(
            self.env["boh.production"]
            .with_user(self.store_cook)
            .search([("id", "=", production.id)])
        )
        self.assertEqual(
            self.env["boh.production"].with_user(self.cook).search([("id", "=", production.id)]),
            production,
        )

    def test_stocked_sub_recipe_is_taken_from_stock_by_production(self):
        # pizza dough made stocked too, with the stocked sauce in it: the batch takes sauce
        pizza_base = self.env["product.product"].create(
            {"name": "Test Pizza Base", "boh_kind": "prep", "uom_id": self.unit.id}
        )
        base = self.env["boh.recipe"].create(
            {
                "product_id": pizza_base.id,
                "output_qty": 1.0,
                "output_uom_id": self.unit.id,
                "stocked": True,
                "shelf_life_hours": 12.0,
                "line_ids": [
                    Command.create(
                        {"product_id": self.sauce_product.id, "qty": 100, "uom_id": self.ml.id}
                    ),
                    Command.create(
                        {"product_id": self.oil.id, "qty": 0.01, "uom_id": self.litre.id}
                    ),
                ],
            }
        )
        self._production(self.sauce, 1.8).action_confirm()
        production = self._production(base, 3.0, date=datetime(2031, 3, 10, 8, 0))
        production.action_confirm()
        self.assertAlmostEqual(self._on_hand(self.sauce_product), 1.5)
        self.assertEqual(
            production.lot_id.expiration_date, datetime(2031, 3, 10, 8, 0) + timedelta(hours=12)
        )

    # ------------------------------------------------------------------ labels
    def test_labels_carry_the_dates_in_the_sites_time_zone(self):
        self.kitchen.partner_id = self.env["res.partner"].create(
            {"name": "Test Kitchen address", "tz": "Asia/Shanghai"}
        )
        production = self._production(
            self.pesto, 1.0, user=self.cook, date=datetime(2031, 3, 10, 22, 30)
        )
        production.with_user(self.cook).action_confirm()
        label = production.with_user(self.cook)._date_labels()[0]
        texts = [line.text for line in label.lines]
        self.assertEqual(texts[0], "Test Pesto")
        # 22:30 UTC is 06:30 the next morning in Shanghai; 48 hours to use it
        self.assertIn("2031-03-11 06:30", texts[1])
        self.assertIn("2031-03-13 06:30", texts[2])
        self.assertIn(self.cook.name, texts[3])
        self.assertIn("Tree nuts", texts[4])
        self.assertTrue(label.url.endswith(f"/odoo/stock.lot/{production.lot_id.id}"))
        action = production.with_user(self.cook).action_print_labels()
        attachment_id = int(action["url"].split("/")[-1].split("?")[0])
        pdf = self.env["ir.attachment"].browse(attachment_id).raw
        self.assertTrue(pdf.startswith(b"%PDF"))
        self.assertTrue(production.action_print_label_sheet()["url"].startswith("/web/content/"))

    def test_labels_in_the_users_language(self):
        self.env["res.lang"]._activate_lang("zh_CN")
        self.env["ir.module.module"]._load_module_terms(
            ["boh_inventory"], ["zh_CN"], overwrite=True
        )
        production = self._production(self.pesto, 1.0)
        production.action_confirm()
        label = production.with_context(lang="zh_CN")._date_labels()[0]
        self.assertTrue(label.lines[2].text.startswith("食用期限"))

    def test_a_draft_has_no_labels(self):
        production = self._production(self.pesto, 1.0)
        with self.assertRaisesRegex(UserError, "Only made batches have labels"):
            production.action_print_labels()
