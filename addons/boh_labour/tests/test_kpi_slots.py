from datetime import date

from odoo.tests import TransactionCase, tagged


@tagged("post_install", "-at_install")
class TestLabourKpiSlots(TransactionCase):
    def test_a_store_without_labour_hours_has_no_labour_figures(self):
        store = self.env["stock.warehouse"].create({"name": "Slot Store", "code": "SLOT"})
        slots = {
            slot["key"]: slot
            for slot in self.env["boh.kpi.dashboard"]._boh_kpi_slots(
                store, date(2031, 3, 1), date(2031, 3, 31)
            )
        }
        self.assertLessEqual(
            {"sales_per_labour_hour", "labour_cost_pct", "prime_cost_pct"}, set(slots)
        )
        for key in ("sales_per_labour_hour", "labour_cost_pct", "prime_cost_pct"):
            self.assertIsNone(slots[key]["group"])
            self.assertNotIn(store.id, slots[key]["stores"])
