from datetime import date

from freezegun import freeze_time

from odoo.tests import TransactionCase, tagged

from .common import make_fixtures


@tagged("post_install", "-at_install")
class TestKpiSlots(TransactionCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        make_fixtures(cls)

    def test_dashboard_gets_open_repairs_and_mttr_per_store(self):
        Request = self.env["maintenance.request"]
        with freeze_time("2031-03-02 08:00:00"):
            done = Request.create({"name": "Broken", "equipment_id": self.fryer.id})
            Request.create({"name": "Still broken", "equipment_id": self.fryer.id})
        with freeze_time("2031-03-02 12:00:00"):
            done.stage_id = self.env.ref("maintenance.stage_3")
        slots = {
            slot["key"]: slot
            for slot in self.env["boh.kpi.dashboard"]._boh_kpi_slots(
                self.store_a | self.store_b, date(2031, 3, 1), date(2031, 3, 31)
            )
        }
        store = self.fryer.boh_store_id.id
        self.assertEqual(slots["open_repairs"]["stores"][store], 1)
        self.assertEqual(slots["open_repairs"]["stores"][self.store_b.id], 0)
        self.assertAlmostEqual(slots["mttr_hours"]["stores"][store], 4.0)
        self.assertAlmostEqual(slots["mttr_hours"]["group"], 4.0)
