from datetime import date, datetime

from freezegun import freeze_time

from odoo import Command
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tests import new_test_user, tagged

from .test_production import BohKitchenCase

# 13:00 in Shanghai, an hour before the kitchen's 14:00 cut-off for the next day
BEFORE_CUTOFF = "2031-03-10 05:00:00"
AFTER_CUTOFF = "2031-03-10 06:30:00"


@tagged("post_install", "-at_install")
class TestRequisition(BohKitchenCase):
    """A store in Shanghai orders sauce and tomatoes from the central kitchen."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.store.partner_id = cls.env["res.partner"].create(
            {"name": "Test Prod Store address", "tz": "Asia/Shanghai"}
        )
        cls.kitchen.boh_requisition_cutoff = 14.0
        cls.sauce_batch = cls.env["boh.production"].create(
            {
                "warehouse_id": cls.kitchen.id,
                "recipe_id": cls.sauce.id,
                "qty": 1.8,
                "date": datetime(2031, 3, 10, 4, 0),
            }
        )
        cls.sauce_batch.action_confirm()

    def _requisition(self, user=None, supplier=None, **vals):
        Requisition = self.env["boh.requisition"]
        if user:
            Requisition = Requisition.with_user(user)
        return Requisition.create(
            {
                "warehouse_id": self.store.id,
                "supplier_id": (supplier or self.kitchen).id,
                "date_needed": date(2031, 3, 11),
                "line_ids": [
                    Command.create({"product_id": self.sauce_product.id, "qty": 1.0}),
                    Command.create({"product_id": self.tomato.id, "qty": 2.0}),
                ],
                **vals,
            }
        )

    def test_requisition_to_transfer_to_receipt_with_the_cost_carried(self):
        requisition = self._requisition(user=self.store_cook)
        self.assertEqual(requisition.transfer_kind, "requisition")
        with freeze_time(BEFORE_CUTOFF):
            requisition.with_user(self.store_cook).action_submit()
        # the kitchen sees what is addressed to it, and ships 0.8 L of sauce: 0.2 L short
        as_kitchen = requisition.with_user(self.cook)
        self.assertEqual(self.env["boh.requisition"].with_user(self.cook).search([]), requisition)
        as_kitchen.action_accept()
        sauce_line, tomato_line = requisition.line_ids
        sauce_line.with_user(self.cook).qty_shipped = 0.8
        as_kitchen.action_ship()
        self.assertAlmostEqual(sauce_line.qty_short, 0.2)
        self.assertAlmostEqual(self._on_hand(self.sauce_product), 1.0)
        # the store receives 0.7 L good and 0.1 L damaged, and all the tomatoes
        sauce_line.with_user(self.store_cook).write({"qty_received": 0.7, "qty_damaged": 0.1})
        requisition.with_user(self.store_cook).action_receive()
        self.assertEqual(requisition.state, "received")
        lot = self.sauce_batch.lot_id
        self.assertAlmostEqual(self._on_hand(self.sauce_product, self.store, lot), 0.7)
        self.assertAlmostEqual(self._on_hand(self.tomato, self.store), 2.0)
        self.assertAlmostEqual(sauce_line.qty_missing, 0.0)
        moves = requisition.move_ids
        self.assertEqual(set(moves.mapped("boh_transfer_kind")), {"requisition"})
        self.assertEqual(set(moves.mapped("state")), {"done"})
        transit = self.company.internal_transit_location_id
        received = moves.filtered(
            lambda m: (
                m.product_id == self.sauce_product and m.location_dest_id == self.store.lot_stock_id
            )
        )
        self.assertEqual(received.location_id, transit)
        # at the lot's production cost, no markup
        self.assertAlmostEqual(received.price_unit, self.sauce_batch.unit_cost, places=2)
        scrapped = moves.filtered(lambda m: m.location_dest_id.scrap_location)
        self.assertAlmostEqual(scrapped.quantity, 0.1)
        self.assertEqual(len(requisition.picking_ids), 3)  # shipment, receipt, damage

    def test_requisition_after_cutoff_in_the_stores_time_is_refused(self):
        requisition = self._requisition(user=self.store_cook)
        with (
            freeze_time(AFTER_CUTOFF),
            self.assertRaisesRegex(
                UserError, r"past Test Central Kitchen's cut-off \(2031-03-10 14:00, Asia/Shanghai"
            ),
        ):
            requisition.with_user(self.store_cook).action_submit()
        self.assertEqual(requisition.state, "draft")
        # for the day after, it is in time
        requisition.date_needed = date(2031, 3, 12)
        with freeze_time(AFTER_CUTOFF):
            requisition.with_user(self.store_cook).action_submit()
        self.assertEqual(requisition.state, "submitted")

    def test_shipping_more_than_on_hand_is_refused_and_nothing_moves(self):
        requisition = self._requisition()
        requisition.line_ids[0].qty = 5.0
        with freeze_time(BEFORE_CUTOFF):
            requisition.action_submit()
        requisition.action_accept()
        tomatoes = self._on_hand(self.tomato)
        with self.assertRaisesRegex(UserError, r"Test Tomato Sauce 5.0 L asked, 1.8 on hand"):
            requisition.action_ship()
        self.assertEqual(requisition.state, "accepted")
        self.assertFalse(requisition.move_ids)
        self.assertAlmostEqual(self._on_hand(self.tomato), tomatoes)

    def test_receiving_more_than_shipped_is_refused(self):
        requisition = self._requisition()
        with freeze_time(BEFORE_CUTOFF):
            requisition.action_submit()
        requisition.action_accept()
        requisition.action_ship()
        requisition.line_ids[0].write({"qty_received": 1.0, "qty_damaged": 0.5})
        with self.assertRaisesRegex(ValidationError, "only 1 was shipped"):
            requisition.action_receive()
        self.assertEqual(requisition.state, "shipped")
        self.assertFalse(self._on_hand(self.sauce_product, self.store))

    def test_each_site_takes_its_own_steps(self):
        requisition = self._requisition(user=self.store_cook)
        with freeze_time(BEFORE_CUTOFF):
            requisition.with_user(self.store_cook).action_submit()
        with self.assertRaises(AccessError):
            requisition.with_user(self.store_cook).action_accept()
        with self.assertRaisesRegex(UserError, "can no longer change"):
            requisition.line_ids[0].with_user(self.store_cook).qty = 9.0
        with self.assertRaises(AccessError):
            requisition.with_user(self.store_cook).write({"state": "received"})

    def test_the_kind_and_the_kitchen_flag_are_not_set_by_hand(self):
        requisition = self._requisition(user=self.store_cook)
        # a requisition passed off as a store loan would skip the kitchen's cut-off
        with self.assertRaises(AccessError):
            requisition.with_user(self.store_cook).write({"transfer_kind": "store"})
        manager = new_test_user(
            self.env, login="boh_req_manager", groups="boh_inventory.group_boh_manager"
        )
        with self.assertRaises(AccessError):
            self.store.with_user(manager).write({"boh_central_kitchen": True})
        self.store.with_user(manager).sudo().boh_store_type = "central_kitchen"
        self.assertTrue(self.store.boh_central_kitchen)

    def test_store_to_store_transfer_needs_no_cutoff(self):
        other = self.env["stock.warehouse"].create(
            {"name": "Test Lending Store", "code": "TLS", "boh_store_type": "store"}
        )
        self.env["stock.quant"]._update_available_quantity(self.tomato, other.lot_stock_id, 5.0)
        requisition = self.env["boh.requisition"].create(
            {
                "warehouse_id": self.store.id,
                "supplier_id": other.id,
                "date_needed": date(2031, 3, 10),
                "line_ids": [Command.create({"product_id": self.tomato.id, "qty": 3.0})],
            }
        )
        self.assertEqual(requisition.transfer_kind, "store")
        with freeze_time(AFTER_CUTOFF):
            requisition.action_submit()
        requisition.action_accept()
        requisition.action_ship()
        requisition.action_receive()
        self.assertAlmostEqual(self._on_hand(self.tomato, self.store), 3.0)
        self.assertAlmostEqual(self._on_hand(self.tomato, other), 2.0)
        self.assertEqual(set(requisition.move_ids.mapped("boh_transfer_kind")), {"store"})

    def test_the_kitchen_plans_its_batches_from_the_requisitions(self):
        # asked: 1 L + 3 L of sauce; the kitchen holds 1.8 L and already plans 1 L
        first = self._requisition()
        second = self._requisition()
        second.line_ids[0].qty = 3.0
        with freeze_time(BEFORE_CUTOFF):
            (first | second).action_submit()
        self.env["boh.production"].create(
            {"warehouse_id": self.kitchen.id, "recipe_id": self.sauce.id, "qty": 1.0}
        )
        action = self.env["boh.production"].with_user(self.cook).action_plan_from_requisitions()
        planned = self.env["boh.production"].search(action["domain"])
        # tomatoes are not made: only the stocked sauce, 4 - 1.8 - 1 = 1.2 L
        self.assertEqual(planned.product_id, self.sauce_product)
        self.assertAlmostEqual(planned.qty, 1.2)
        self.assertEqual(planned.state, "draft")
        self.assertEqual(planned.warehouse_id, self.kitchen)
        # the store's cook plans nothing: the kitchen is not theirs
        action = (
            self.env["boh.production"].with_user(self.store_cook).action_plan_from_requisitions()
        )
        self.assertFalse(self.env["boh.production"].search(action["domain"]))
