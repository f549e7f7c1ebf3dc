from datetime import date, datetime

from odoo import Command
from odoo.tests import TransactionCase, tagged


@tagged("post_install", "-at_install")
class TestStoreTime(TransactionCase):
    """A store's hours, time zone and "today" come from one helper on the warehouse."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        Calendar = cls.env["resource.calendar"]
        cls.shanghai = Calendar.create(
            {
                "name": "Shanghai 10-22",
                "tz": "Asia/Shanghai",
                "attendance_ids": [
                    Command.create(
                        {"name": f"d{d}", "dayofweek": str(d), "hour_from": 10, "hour_to": 22}
                    )
                    for d in range(7)
                ],
            }
        )
        cls.new_york = Calendar.create({"name": "New York", "tz": "America/New_York"})
        cls.store = cls.env["stock.warehouse"].create({"name": "Time Store", "code": "TIM"})

    def test_own_hours_then_company_default_then_around_the_clock(self):
        self.store.boh_calendar_id = self.shanghai
        # 2026-05-01 18:30 UTC is already 2 May in Shanghai
        time = self.store._boh_store_time(datetime(2026, 5, 1, 18, 30))[self.store.id]
        self.assertEqual((time.tz, time.today), ("Asia/Shanghai", date(2026, 5, 2)))
        self.assertEqual(time.calendar, self.shanghai)
        self.assertIn((4, 600, 1320), time.hours.shifts)
        self.store.boh_calendar_id = False
        self.store.company_id.boh_store_calendar_id = self.new_york
        time = self.store._boh_store_time(datetime(2026, 5, 1, 2, 0))[self.store.id]
        self.assertEqual((time.tz, time.today), ("America/New_York", date(2026, 4, 30)))
        self.store.company_id.boh_store_calendar_id = False
        time = self.store._boh_store_time()[self.store.id]
        self.assertFalse(time.calendar)
        self.assertTrue(time.hours.always_open)
