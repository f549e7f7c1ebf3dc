from odoo.tests import HttpCase, tagged

from .common import make_fixtures


@tagged("post_install", "-at_install")
class TestRepairTour(HttpCase):
    def test_technician_repairs_with_a_part(self):
        make_fixtures(self)
        part = self.env["product.product"].create(
            {"name": "BOH Tour Thermostat", "is_storable": True, "standard_price": 5.0}
        )
        stock = self.store_a.lot_stock_id
        self.env["stock.quant"]._update_available_quantity(part, stock, 10)
        repair = self.env["maintenance.request"].create(
            {"name": "Oil not heating", "equipment_id": self.fryer.id}
        )
        self.assertEqual(repair.user_id, self.tech1)
        self.start_tour(
            f"/odoo/action-maintenance.hr_equipment_request_action/{repair.id}",
            "boh_maintenance_repair_tour",
            login=self.tech1.login,
        )
        self.env.invalidate_all()
        self.assertTrue(repair.stage_id.done)
        self.assertEqual(repair.duration, 1.5)
        line = repair.boh_part_line_ids
        self.assertEqual((line.product_id, line.quantity), (part, 2))
        self.assertEqual(line.move_id.state, "done")
        self.assertEqual(part.with_context(location=stock.id).qty_available, 8)
        self.assertEqual(repair.boh_parts_cost, 10.0)
