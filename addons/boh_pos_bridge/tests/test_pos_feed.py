import json

from odoo.addons.boh_pos_bridge.models.boh_pos_batch import PREVIEW_CHARS
from odoo.exceptions import ValidationError
from odoo.tests import tagged

from .common import SOURCE, BohPosCase


@tagged("post_install", "-at_install")
class TestPosFeed(BohPosCase):
    def test_ingest_creates_order_facts_and_grouped_depletion(self):
        answer = self.push(
            self.order("T1", [self.line("1", "BURGER", 2, "12.10")]),
            self.order("T2", [self.line("1", "BURGER", 1, "12.10"), self.line("2", "PIZZA")]),
        )
        self.assertEqual(self.statuses(answer), ["created", "created"])
        self.assertTrue(answer["batch"])
        batch = self.env["boh.pos.batch"].browse(answer["batch"])
        self.assertEqual(json.loads(batch.payload)["orders"][0]["order_ref"], "T1")
        orders = self.env["boh.pos.order"].search([("source", "=", SOURCE)])
        self.assertEqual(sorted(orders.mapped("order_ref")), ["T1", "T2"])
        self.assertEqual(set(orders.mapped("state")), {"done"})
        # three burgers and a pizza, exploded with yield and waste, on one move per ingredient
        depleted = self.depleted()
        self.assertAlmostEqual(depleted[self.beef], 3 * 0.15, places=6)
        self.assertAlmostEqual(depleted[self.bun], 3.0, places=6)
        self.assertAlmostEqual(depleted[self.cheese], 3 * 0.02 + 0.1, places=6)
        expected = self.env["boh.recipe"]._explode(
            [(self.burger_product.id, 3, self.unit.id), (self.pizza_product.id, 1, self.unit.id)]
        )
        # moves carry the unit's precision (2 decimals by default)
        self.assertAlmostEqual(depleted[self.tomato], expected[self.tomato.id], places=2)
        self.assertAlmostEqual(
            expected[self.tomato.id] - (0.08 / 1.8 * 2.0 / 0.9), 3 * self.TOMATO_PER_BURGER, 6
        )
        moves = self.env["stock.move"].search([("boh_warehouse_id", "=", self.store.id)])
        self.assertEqual(len(moves.filtered(lambda m: m.product_id == self.beef)), 1)
        self.assertEqual(set(moves.mapped("state")), {"done"})
        self.assertEqual(moves[0].location_id, self.store.lot_stock_id)
        # valued at cost by stock_account
        beef_move = moves.filtered(lambda m: m.product_id == self.beef)
        self.assertAlmostEqual(sum(beef_move.stock_valuation_layer_ids.mapped("value")), -6.75, 2)
        # stock may go negative: nothing was received
        quant = self.env["stock.quant"]._read_group(
            [("product_id", "=", self.beef.id), ("location_id", "=", self.store.lot_stock_id.id)],
            [],
            ["quantity:sum"],
        )
        self.assertAlmostEqual(quant[0][0], -0.45, places=6)
        # facts: revenue net of the 10 % tax, covers once per order, the local hour kept
        facts = self.facts()
        burger = facts.filtered(lambda f: f.product_id == self.burger_product)
        self.assertAlmostEqual(sum(burger.mapped("qty")), 3.0)
        self.assertAlmostEqual(sum(burger.mapped("revenue")), 33.0, places=2)
        self.assertEqual(sum(facts.mapped("covers")), 4)
        self.assertEqual(set(facts.mapped("hour")), {12})
        self.assertEqual(set(facts.mapped("date")), {self.day})

    def test_resend_is_duplicate_and_changes_nothing(self):
        order = self.order("D1", [self.line("1", "BURGER", 2)])
        self.push(order)
        moves = self.env["stock.move"].search_count([])
        facts = len(self.facts())
        # same content, other formatting and key order: still the same order
        again = dict(order, covers=2.0, lines=[dict(order["lines"][0], qty="2.000")])
        answer = self.push(again)
        self.assertEqual(self.statuses(answer), ["duplicate"])
        self.assertEqual(self.env["stock.move"].search_count([]), moves)
        self.assertEqual(len(self.facts()), facts)
        self.assertEqual(self.env["boh.pos.order"].search_count([("order_ref", "=", "D1")]), 1)

    def test_amendment_replaces_and_posts_delta(self):
        self.push(self.order("A1", [self.line("1", "BURGER", 2)]))
        answer = self.push(self.order("A1", [self.line("1", "BURGER", 1)]))
        self.assertEqual(self.statuses(answer), ["amended"])
        record = self.env["boh.pos.order"].search([("order_ref", "=", "A1")])
        self.assertEqual(record.version, 2)
        self.assertEqual(len(record.line_ids), 1)
        self.assertAlmostEqual(self.depleted()[self.beef], 0.15, places=6)
        # one move out for 2, one delta move back for 1
        beef_moves = self.env["stock.move"].search(
            [("boh_warehouse_id", "=", self.store.id), ("product_id", "=", self.beef.id)]
        )
        self.assertEqual(sorted(beef_moves.mapped("boh_depletion_qty")), [-0.15, 0.3])
        self.assertAlmostEqual(sum(self.facts("A1").mapped("qty")), 1.0)
        # moving the order to another day corrects both days
        self.push(self.order("A1", [self.line("1", "BURGER", 1)], hour="23:00:00"))
        self.assertEqual(len(self.facts("A1")), 1)
        self.assertEqual(self.facts("A1").hour, 23)

    def test_void_refund_waste_and_restock(self):
        answer = self.push(
            self.order(
                "V1",
                [
                    self.line("1", "BURGER", 1, void=True),
                    self.line("2", "PIZZA", -1),
                    self.line("3", "BURGER", -1, restock=True),
                ],
            )
        )
        self.assertEqual(self.statuses(answer), ["created"])
        waste = self.depleted(kind="waste")
        sold = self.depleted(kind="sale")
        self.assertAlmostEqual(waste[self.cheese], 0.1, places=6)  # the refunded pizza
        self.assertNotIn(self.beef, waste)
        self.assertAlmostEqual(sold[self.beef], -0.15, places=6)  # restocked burger
        waste_moves = self.env["stock.move"].search([("boh_depletion_kind", "=", "waste")])
        self.assertEqual(
            waste_moves.location_dest_id, self.env.ref("boh_pos_bridge.stock_location_boh_waste")
        )
        facts = self.facts("V1")
        self.assertAlmostEqual(sum(facts.mapped("qty")), -2.0)
        self.assertAlmostEqual(sum(facts.mapped("revenue")), -20.0, places=2)

    def test_modifiers_change_depletion(self):
        self.push(
            self.order(
                "M1",
                [
                    self.line(
                        "1",
                        "BURGER",
                        2,
                        modifiers=[{"code": "XCHEESE"}, {"code": "NOBUN"}, {"code": "WELLDONE"}],
                    )
                ],
            )
        )
        depleted = self.depleted()
        self.assertAlmostEqual(depleted[self.cheese], 2 * 0.02 + 2 * 0.03, places=6)
        self.assertNotIn(self.bun, depleted)  # 2 buns in the recipe, 2 taken off

    def test_set_meal_components_deplete_parent_carries_price(self):
        self.push(
            self.order(
                "S1",
                [
                    self.line("1", "MEAL-DEAL", 1, "22.00"),
                    self.line("2", "BURGER", 1, "0", parent_line_ref="1"),
                    self.line("3", "PIZZA", 1, "0", parent_line_ref="1"),
                ],
            )
        )
        record = self.env["boh.pos.order"].search([("order_ref", "=", "S1")])
        self.assertEqual(record.state, "done", "an unmapped set parent does not wait")
        depleted = self.depleted()
        self.assertAlmostEqual(depleted[self.beef], 0.15, places=6)
        self.assertAlmostEqual(depleted[self.cheese], 0.12, places=6)
        facts = self.facts("S1")
        self.assertAlmostEqual(sum(facts.mapped("revenue")), 20.0, places=2)
        self.assertTrue(all(facts.mapped("is_component")))

    def test_unmapped_codes_wait_then_are_processed(self):
        answer = self.push(
            self.order("U1", [self.line("1", "NEWDISH", 1), self.line("2", "BURGER", 1)]),
            self.order("U2", [self.line("1", "BURGER", 1, modifiers=[{"code": "NEWMOD"}])]),
        )
        self.assertEqual(self.statuses(answer), ["created", "created"])
        orders = self.env["boh.pos.order"].search([("order_ref", "in", ["U1", "U2"])])
        self.assertEqual(set(orders.mapped("state")), {"unmapped"})
        self.assertFalse(self.depleted())
        self.assertFalse(self.facts())
        queue = self.env["boh.pos.unmapped"].search([("source", "=", SOURCE)])
        self.assertEqual(sorted(queue.mapped("code")), ["NEWDISH", "NEWMOD"])
        dish = queue.filtered(lambda q: q.code == "NEWDISH")
        self.assertEqual(dish.waiting_count, 1)
        # the same code again does not queue twice
        self.push(self.order("U3", [self.line("1", "NEWDISH", 1)]))
        self.assertEqual(self.env["boh.pos.unmapped"].search_count([("code", "=", "NEWDISH")]), 1)
        dish.product_id = self.pizza_product
        dish.action_resolve()
        mod = queue.filtered(lambda q: q.code == "NEWMOD")
        mod.write({"product_id": self.cheese.id, "qty": 10, "uom_id": self.gram.id})
        mod.action_resolve()
        orders = self.env["boh.pos.order"].search([("order_ref", "in", ["U1", "U2", "U3"])])
        self.assertEqual(set(orders.mapped("state")), {"done"})
        self.assertEqual(set(queue.mapped("state")), {"done"})
        depleted = self.depleted()
        self.assertAlmostEqual(depleted[self.beef], 0.3, places=6)
        self.assertAlmostEqual(depleted[self.cheese], 2 * 0.1 + 2 * 0.02 + 0.01, places=6)
        self.assertAlmostEqual(sum(self.facts().mapped("qty")), 4.0)

    def test_bad_order_answers_every_problem_and_others_go_through(self):
        answer = self.push(
            self.order("G1", [self.line("1", "BURGER")]),
            self.order(
                "B1",
                [
                    self.line("1", "BURGER", "abc"),
                    self.line("2", "BURGER", float("nan")),
                    self.line("3", "BURGER", 1, 1e12),
                ],
            ),
            self.order("B2", [self.line("1", "BURGER")], location="NOWHERE"),
        )
        self.assertEqual(self.statuses(answer), ["created", "error", "error"])
        errors = answer["orders"][1]["errors"]
        self.assertEqual({e["line_ref"] for e in errors}, {"1", "2", "3"})
        self.assertEqual({e["field"] for e in errors}, {"qty", "unit_price"})
        self.assertEqual(answer["orders"][2]["errors"][0]["field"], "location")
        self.assertIn("NOWHERE", answer["orders"][2]["errors"][0]["message"])
        self.assertFalse(self.env["boh.pos.order"].search([("order_ref", "in", ["B1", "B2"])]))

    def test_hostile_payloads_are_refused_cleanly(self):
        for payload in (
            None,
            "orders",
            [],
            {},
            {"source": "x"},
            {"source": "x", "orders": "all"},
            {"source": ["x"], "orders": []},
            {"source": "x", "orders": [{}] * 1001},
        ):
            with self.assertRaises(ValidationError):
                self.feed.push_sales(payload)
        answer = self.feed.push_sales(
            {"source": SOURCE, "orders": [None, 7, {"order_ref": {"a": 1}}, {"lines": []}]}
        )
        self.assertEqual(self.statuses(answer), ["error"] * 4)
        for order in answer["orders"]:
            self.assertTrue(order["errors"])
            self.assertTrue(
                all(set(e) == {"line_ref", "field", "code", "message"} for e in order["errors"])
            )
        # every push is stored first, even a refused one, which keeps its error
        self.assertTrue(self.env["boh.pos.batch"].browse(answer["batch"]).payload)
        try:
            self.feed.push_sales({"source": "x", "orders": "all"})
        except ValidationError as error:
            message = str(error)
        batch = self.env["boh.pos.batch"].search([("source", "=", "x")], limit=1)
        self.assertEqual(batch.state, "failed")
        self.assertEqual(batch.error, message)
        self.assertIn("orders", message)

    def test_thousands_of_lines(self):
        orders = [
            self.order(f"BIG{n}", [self.line(str(i), "BURGER", 1) for i in range(500)])
            for n in range(4)
        ]
        answer = self.push(*orders)
        self.assertEqual(self.statuses(answer), ["created"] * 4)
        self.assertAlmostEqual(self.depleted()[self.bun], 2000.0, places=6)
        self.assertEqual(len(self.facts()), 4)
        answer = self.push(*orders)
        self.assertEqual(self.statuses(answer), ["duplicate"] * 4)
        # the raw push is kept whole, however big; the form shows its beginning
        batch = self.env["boh.pos.batch"].browse(answer["batch"])
        self.assertEqual(json.loads(batch.payload)["orders"][-1]["order_ref"], "BIG3")
        self.assertGreater(len(batch.payload), PREVIEW_CHARS)
        self.assertLess(len(batch.payload_preview), PREVIEW_CHARS + 200)
        self.assertIn("more characters, kept in full", batch.payload_preview)

    def test_depletion_is_idempotent_and_day_grouped(self):
        self.push(
            self.order("I1", [self.line("1", "BURGER", 1)]),
            self.order("I2", [self.line("1", "BURGER", 1)], location="TSTL"),
        )
        feed = self.env["boh.pos.feed"].sudo()
        keys = {(self.store.id, self.day), (self.other_store.id, self.day)}
        self.assertFalse(feed._post_depletion(keys), "posting again posts nothing")
        self.assertAlmostEqual(self.depleted(self.other_store)[self.beef], 0.15, places=6)

    def test_failed_batch_can_be_retried(self):
        batch = self.env["boh.pos.batch"].create(
            {
                "source": SOURCE,
                "state": "failed",
                "payload": json.dumps(
                    {"source": SOURCE, "orders": [self.order("R1", [self.line("1", "BURGER")])]}
                ),
            }
        )
        batch.action_retry()
        self.assertEqual(batch.state, "done")
        self.assertEqual(batch.created_count, 1, batch.result)
        self.assertTrue(self.env["boh.pos.order"].search([("order_ref", "=", "R1")]))

    def test_hour_is_local_to_the_store_and_business_date_decides_the_day(self):
        self.store.partner_id = self.env["res.partner"].create(
            {"name": "Test Harbour Address", "tz": "Asia/Shanghai"}
        )
        # 17:30 UTC is 01:30 the next morning in the store; the sale stays on its business day
        self.push(self.order("TZ1", [self.line("1", "BURGER")], hour="17:30:00"))
        fact = self.facts("TZ1")
        self.assertEqual(fact.hour, 1)
        self.assertEqual(fact.date, self.day)

    def test_an_integrator_who_reads_chinese_gets_chinese_errors_with_the_same_code(self):
        order = self.order("Z1", [self.line("1", "BURGER", 99999)])
        english = self.push(order)["orders"][0]["errors"]
        self.env["res.lang"]._activate_lang("zh_CN")
        self.integrator.lang = "zh_CN"
        # over XML-RPC the call carries no context: the API user's own language applies
        chinese = self.feed.with_context(lang=None).push_sales(
            {"source": SOURCE, "batch_id": "c", "orders": [order]}
        )["orders"][0]["errors"]
        self.assertEqual(len(chinese), 1)
        self.assertEqual(chinese[0]["code"], "payload.qty.out_of_range")
        for key in ("code", "field", "line_ref"):
            self.assertEqual(chinese[0][key], english[0][key])
        self.assertEqual(chinese[0]["field"], "qty")
        self.assertNotEqual(chinese[0]["message"], english[0]["message"])
        self.assertIn("99999", chinese[0]["message"])
        self.assertIn("超出范围", chinese[0]["message"])
        # a payload that cannot be read at all is refused in the same language
        with self.assertRaises(ValidationError) as refused:
            self.feed.with_context(lang=None).push_sales({"source": "x", "orders": "all"})
        self.assertIn("orders", str(refused.exception))
        self.assertRegex(str(refused.exception), "[\u4e00-\u9fff]")
