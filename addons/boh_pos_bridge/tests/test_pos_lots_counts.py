from datetime import datetime, timedelta

from odoo.tests import tagged

from .common import BohPosCase


@tagged("post_install", "-at_install")
class TestPosLotsCounts(BohPosCase):
    """Beef is tracked by lot: the late lot arrived first, the early one expires first."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.beef.product_tmpl_id.write({"tracking": "lot", "use_expiration_date": True})
        Lot = cls.env["stock.lot"]
        expires = datetime.combine(cls.day, datetime.min.time())
        # created (and received) first, expiring last: FEFO must not follow ids or in_dates
        cls.lot_late = Lot.create(
            {
                "name": "BEEF-LATE",
                "product_id": cls.beef.id,
                "expiration_date": expires + timedelta(days=10),
            }
        )
        cls.lot_early = Lot.create(
            {
                "name": "BEEF-EARLY",
                "product_id": cls.beef.id,
                "expiration_date": expires + timedelta(days=3),
            }
        )
        cls.stock = cls.store.lot_stock_id
        Quant = cls.env["stock.quant"]
        Quant._update_available_quantity(
            cls.beef, cls.stock, 1.0, lot_id=cls.lot_late, in_date=expires - timedelta(days=5)
        )
        Quant._update_available_quantity(
            cls.beef, cls.stock, 0.4, lot_id=cls.lot_early, in_date=expires - timedelta(days=1)
        )

    # ------------------------------------------------------------------ helpers
    def on_hand(self, lot, location=None, product=None):
        quants = self.env["stock.quant"].search(
            [
                ("product_id", "=", (product or self.beef).id),
                ("lot_id", "=", lot.id),
                ("location_id", "=", (location or self.stock).id),
            ]
        )
        return sum(quants.mapped("quantity"))

    def beef_moves(self, day=None, warehouse=None):
        """The beef depletion moves of a store-day, oldest first."""
        return self.env["stock.move"].search(
            [
                ("boh_warehouse_id", "=", (warehouse or self.store).id),
                ("boh_business_date", "=", day or self.day),
                ("product_id", "=", self.beef.id),
            ],
            order="id",
        )

    @staticmethod
    def by_lot(moves):
        totals = {}
        for line in moves.move_line_ids:
            totals[line.lot_id] = round(totals.get(line.lot_id, 0.0) + line.quantity, 6)
        return totals

    def approve_count(self, counted, day=None):
        """Count the store's beef at the close of ``day`` (``{lot: qty}``) and approve it."""
        count = self.env["boh.stock.count"].create(
            {"warehouse_id": self.store.id, "count_date": day or self.day}
        )
        count.action_load_stock()
        for line in count.line_ids:
            line.write({"counted_qty": counted.get(line.lot_id, 0.0), "is_counted": True})
        count.action_approve()
        self.assertEqual(count.state, "approved")
        return count

    def late_moves(self, count):
        return count.move_ids.filtered(lambda m: m.boh_count_role == "late_sale")

    # ------------------------------------------------------------------ FEFO
    def test_fefo_takes_earliest_lot_first_and_splits(self):
        self.push(self.order("F1", [self.line("1", "BURGER", 2)]))
        first = self.beef_moves()
        self.assertEqual(self.by_lot(first), {self.lot_early: 0.3})
        self.assertEqual(first.move_line_ids.location_id, self.stock)
        # the early lot runs out: the rest comes from the late one, on the same move
        self.push(self.order("F2", [self.line("1", "BURGER", 2)]))
        second = self.beef_moves() - first
        self.assertEqual(len(second), 1)
        self.assertEqual(self.by_lot(second), {self.lot_early: 0.1, self.lot_late: 0.2})
        self.assertAlmostEqual(self.on_hand(self.lot_early), 0.0, places=6)
        self.assertAlmostEqual(self.on_hand(self.lot_late), 0.8, places=6)
        # valued at cost, lot by lot (15 a kg)
        self.assertAlmostEqual(sum(second.stock_valuation_layer_ids.mapped("value")), -4.5, 2)

    def test_fefo_reads_lots_inside_the_store(self):
        shelf = self.env["stock.location"].create(
            {"name": "Test Walk-in", "location_id": self.stock.id, "usage": "internal"}
        )
        self.env["stock.quant"]._update_available_quantity(
            self.beef, shelf, 0.5, lot_id=self.lot_early
        )
        self.push(self.order("F3", [self.line("1", "BURGER", 4)]))
        lines = self.beef_moves().move_line_ids
        taken = {(ml.lot_id, ml.location_id): ml.quantity for ml in lines}
        # same lot: the quant that came in first goes first
        self.assertEqual(taken, {(self.lot_early, self.stock): 0.4, (self.lot_early, shelf): 0.2})
        self.assertAlmostEqual(self.on_hand(self.lot_late), 1.0, places=6)

    def test_excess_goes_negative_on_the_earliest_lot(self):
        # 1.5 kg sold, 1.4 kg on the shelves: the missing 0.1 kg shows on the early lot
        self.push(self.order("X1", [self.line("1", "BURGER", 10)]))
        moves = self.beef_moves()
        self.assertEqual(len(moves), 1)
        self.assertEqual(self.by_lot(moves), {self.lot_early: 0.5, self.lot_late: 1.0})
        self.assertEqual(moves.state, "done")
        self.assertAlmostEqual(self.on_hand(self.lot_early), -0.1, places=6)
        self.assertAlmostEqual(self.on_hand(self.lot_late), 0.0, places=6)
        # more again: still the earliest-expiring lot, deeper negative
        self.push(self.order("X2", [self.line("1", "BURGER", 1)]))
        self.assertEqual(self.by_lot(self.beef_moves() - moves), {self.lot_early: 0.15})
        self.assertAlmostEqual(self.on_hand(self.lot_early), -0.25, places=6)

    def test_a_sale_never_holds_a_reservation_and_frees_what_it_took(self):
        # a transfer out of the store holds some beef; the dishes were served anyway: the
        # depletion takes it, reserves nothing itself, frees what the transfer held of the
        # used-up stock, and the store's quants reserve what the transfer still holds
        transfer = self.env["stock.move"].create(
            {
                "name": "To the other store",
                "product_id": self.beef.id,
                "product_uom": self.beef.uom_id.id,
                "product_uom_qty": 0.4,
                "location_id": self.stock.id,
                "location_dest_id": self.other_store.lot_stock_id.id,
                "company_id": self.store.company_id.id,
            }
        )
        transfer._action_confirm()
        transfer._action_assign()
        self.assertAlmostEqual(transfer.quantity, 0.4, places=6)
        self.push(self.order("R1", [self.line("1", "BURGER", 10)]))
        moves = self.beef_moves()
        self.assertEqual(moves.state, "done")
        self.assertTrue(all(move._should_bypass_reservation() for move in moves))
        self.assertEqual(self.by_lot(moves), {self.lot_early: 0.5, self.lot_late: 1.0})
        quants = self.env["stock.quant"].search(
            [("product_id", "=", self.beef.id), ("location_id", "=", self.stock.id)]
        )
        self.assertAlmostEqual(sum(quants.mapped("reserved_quantity")), transfer.quantity, places=6)
        self.assertLess(transfer.quantity, 0.4)

    def test_excess_without_stock_in_the_store(self):
        # a tracked ingredient without any lot gets one named after the store
        self.bun.product_tmpl_id.tracking = "lot"
        self.push(self.order("X3", [self.line("1", "BURGER", 1)]))
        bun_move = self.env["stock.move"].search(
            [("boh_warehouse_id", "=", self.store.id), ("product_id", "=", self.bun.id)]
        )
        self.assertEqual(bun_move.state, "done")
        self.assertEqual(bun_move.move_line_ids.lot_id.name, "TSTH-UNCOUNTED")
        self.assertAlmostEqual(
            self.on_hand(bun_move.move_line_ids.lot_id, product=self.bun), -1.0, places=6
        )
        # the other store never held beef: the product's newest lot takes the negative
        self.push(self.order("X4", [self.line("1", "BURGER", 1)], location="TSTL"))
        other = self.other_store.lot_stock_id
        self.assertEqual(
            self.by_lot(self.beef_moves(warehouse=self.other_store)), {self.lot_early: 0.15}
        )
        self.assertAlmostEqual(self.on_hand(self.lot_early, other), -0.15, places=6)

    def test_amendment_down_returns_to_the_lots_taken(self):
        self.push(self.order("R1", [self.line("1", "BURGER", 4)]))
        self.assertEqual(self.by_lot(self.beef_moves()), {self.lot_early: 0.4, self.lot_late: 0.2})
        # 0.45 kg comes back: the latest-expiring lot first, then the early one
        answer = self.push(self.order("R1", [self.line("1", "BURGER", 1)]))
        self.assertEqual(self.statuses(answer), ["amended"])
        back = self.beef_moves().filtered(lambda m: m.boh_depletion_qty < 0)
        self.assertEqual(back.location_dest_id, self.stock)
        self.assertEqual(self.by_lot(back), {self.lot_late: 0.2, self.lot_early: 0.25})
        self.assertAlmostEqual(self.on_hand(self.lot_late), 1.0, places=6)
        self.assertAlmostEqual(self.on_hand(self.lot_early), 0.25, places=6)
        # a restocked refund of the same day puts back what the day still holds
        self.push(self.order("R2", [self.line("1", "BURGER", -1, restock=True)]))
        self.assertEqual(
            self.by_lot(self.beef_moves().filtered(lambda m: m.boh_depletion_qty < 0) - back),
            {self.lot_early: 0.15},
        )
        self.assertAlmostEqual(self.on_hand(self.lot_early), 0.4, places=6)

    # ------------------------------------------------------------------ late sales
    def test_late_sale_is_set_against_the_approved_count(self):
        # the cook found 0.1 kg of the early lot missing
        count = self.approve_count({self.lot_early: 0.3, self.lot_late: 1.0})
        self.assertEqual(set(count.move_ids.mapped("boh_count_role")), {"adjustment"})
        # a sale of the counted day arrives after the approval
        answer = self.push(self.order("L1", [self.line("1", "BURGER", 3)]))
        self.assertEqual(self.statuses(answer), ["created"])
        order = self.env["boh.pos.order"].search([("order_ref", "=", "L1")])
        self.assertEqual(order.late_count_id, count)
        self.assertEqual(set(self.facts("L1").mapped("date")), {self.day})
        # consumption posted as usual, FEFO over the counted lots...
        depletion = self.beef_moves()
        self.assertEqual(len(depletion), 1)
        self.assertAlmostEqual(depletion.boh_depletion_qty, 0.45, places=6)
        self.assertEqual(self.by_lot(depletion), {self.lot_early: 0.3, self.lot_late: 0.15})
        # ...and mirrored back by an inventory move linked to the count
        late = self.late_moves(count)
        self.assertEqual(late.product_id, self.beef)
        self.assertTrue(late.is_inventory)
        self.assertEqual(late.state, "done")
        self.assertEqual(late.name, f"Late sale on count {count.name}")
        loss = self.beef.with_company(self.company).property_stock_inventory
        self.assertEqual(late.location_id, loss)
        self.assertEqual(late.move_line_ids.location_dest_id, self.stock)
        self.assertEqual(self.by_lot(late), self.by_lot(depletion))
        self.assertFalse(late.boh_warehouse_id, "not a depletion move: posting again is a no-op")
        # on-hand stays as counted, and the count shows the late consumption
        self.assertAlmostEqual(self.on_hand(self.lot_early), 0.3, places=6)
        self.assertAlmostEqual(self.on_hand(self.lot_late), 1.0, places=6)
        late_qty = {line.lot_id: line.late_sale_qty for line in count.line_ids}
        self.assertAlmostEqual(late_qty[self.lot_early], 0.3, places=6)
        self.assertAlmostEqual(late_qty[self.lot_late], 0.15, places=6)
        self.assertAlmostEqual(sum(count.line_ids.mapped("late_sale_qty")), 0.45, places=6)
        # ingredients the count did not cover deplete as usual, without an offset
        self.assertEqual(late.product_id, self.beef)
        self.assertAlmostEqual(self.depleted()[self.bun], 3.0, places=6)
        # the filter of the order list
        self.assertEqual(self.env["boh.pos.order"].search([("late_count_id", "!=", False)]), order)

    def test_sale_of_the_next_day_is_not_late(self):
        count = self.approve_count({self.lot_early: 0.4, self.lot_late: 1.0})
        next_day = self.day + timedelta(days=1)
        self.push(self.order("N1", [self.line("1", "BURGER", 1)], day=next_day))
        order = self.env["boh.pos.order"].search([("order_ref", "=", "N1")])
        self.assertFalse(order.late_count_id)
        self.assertEqual(self.by_lot(self.beef_moves(next_day)), {self.lot_early: 0.15})
        self.assertFalse(self.late_moves(count))
        self.assertAlmostEqual(self.on_hand(self.lot_early), 0.25, places=6)

    def test_late_restocked_refund_mirrors_back(self):
        self.push(self.order("B1", [self.line("1", "BURGER", 2)]))
        count = self.approve_count({self.lot_early: 0.1, self.lot_late: 1.0})
        # the other ingredients went negative and are counted at zero; beef is as on hand
        self.assertEqual(set(count.move_ids.mapped("boh_count_role")), {"adjustment"})
        self.assertNotIn(self.beef, count.move_ids.product_id)
        self.push(self.order("B2", [self.line("1", "BURGER", -1, restock=True)]))
        self.assertEqual(
            self.env["boh.pos.order"].search([("order_ref", "=", "B2")]).late_count_id, count
        )
        back = self.beef_moves().filtered(lambda m: m.boh_depletion_qty < 0)
        self.assertEqual(self.by_lot(back), {self.lot_early: 0.15})
        late = self.late_moves(count).filtered(lambda m: m.product_id == self.beef)
        self.assertEqual(late.location_id, self.stock)
        self.assertEqual(late.location_dest_id, self.beef.property_stock_inventory)
        self.assertEqual(self.by_lot(late), {self.lot_early: 0.15})
        self.assertAlmostEqual(self.on_hand(self.lot_early), 0.1, places=6)
        early_line = count.line_ids.filtered(lambda line: line.lot_id == self.lot_early)
        self.assertAlmostEqual(early_line.late_sale_qty, -0.15, places=6)
        # an amendment of an order depleted before the count is late too
        self.push(self.order("B1", [self.line("1", "BURGER", 3)]))
        self.assertEqual(
            self.env["boh.pos.order"].search([("order_ref", "=", "B1")]).late_count_id, count
        )
        self.assertAlmostEqual(self.on_hand(self.lot_early), 0.1, places=6)
        self.assertAlmostEqual(self.on_hand(self.lot_late), 1.0, places=6)
        beef_lines = count.line_ids.filtered(lambda line: line.product_id == self.beef)
        self.assertAlmostEqual(sum(beef_lines.mapped("late_sale_qty")), 0.0, places=6)

    def test_deferred_queue_is_posted_before_the_count_is_approved(self):
        self.env["ir.config_parameter"].sudo().set_param(
            "boh_pos_bridge.depletion_mode", "deferred"
        )
        Todo = self.env["boh.pos.depletion.todo"].sudo()
        next_day = self.day + timedelta(days=1)
        self.push(self.order("Q1", [self.line("1", "BURGER", 2)]))
        self.push(self.order("Q2", [self.line("1", "BURGER", 1)], day=next_day))
        self.assertFalse(self.beef_moves())
        # the shelves after the two burgers of the counted day: 0.1 kg of the early lot
        count = self.approve_count({self.lot_early: 0.1, self.lot_late: 1.0})
        self.assertEqual(self.by_lot(self.beef_moves()), {self.lot_early: 0.3})
        self.assertFalse(count.move_ids, "the queued sales were in on-hand: nothing adjusted")
        self.assertFalse(self.late_moves(count))
        self.assertFalse(self.env["boh.pos.order"].search([("order_ref", "=", "Q1")]).late_count_id)
        # the next day stays queued for the cron
        queued = Todo.search([("warehouse_id", "=", self.store.id)])
        self.assertEqual(set(queued.mapped("date")), {next_day})
        self.assertFalse(self.beef_moves(next_day))


@tagged("post_install", "-at_install")
class TestPosAreas(BohPosCase):
    """Beef without lots, kept in the store's walk-in (an area inside its stock location)."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.stock = cls.store.lot_stock_id
        cls.walk_in = cls.env["stock.location"].create(
            {"name": "Test Walk-in", "location_id": cls.stock.id, "usage": "internal"}
        )
        cls.env["stock.quant"]._update_available_quantity(cls.beef, cls.walk_in, 1.0)

    def on_hand(self, location):
        quants = self.env["stock.quant"].search(
            [("product_id", "=", self.beef.id), ("location_id", "=", location.id)]
        )
        return sum(quants.mapped("quantity"))

    def test_a_sale_takes_from_the_area_that_holds_the_stock(self):
        self.push(self.order("A1", [self.line("1", "BURGER", 2)]))
        self.assertAlmostEqual(self.on_hand(self.walk_in), 0.7, places=6)
        # not a negative quant on the stock location beside an untouched walk-in
        self.assertAlmostEqual(self.on_hand(self.stock), 0.0, places=6)

    def test_an_amendment_puts_back_into_the_area_it_took_from(self):
        self.push(self.order("A2", [self.line("1", "BURGER", 2)]))
        self.push(self.order("A2", [self.line("1", "BURGER", 1)]))
        self.assertAlmostEqual(self.on_hand(self.walk_in), 0.85, places=6)
        self.assertAlmostEqual(self.on_hand(self.stock), 0.0, places=6)

    def test_more_sold_than_the_areas_hold_goes_negative_where_it_was_kept(self):
        self.push(self.order("A3", [self.line("1", "BURGER", 10)]))
        self.assertAlmostEqual(self.on_hand(self.walk_in), -0.5, places=6)
        self.assertAlmostEqual(self.on_hand(self.stock), 0.0, places=6)
