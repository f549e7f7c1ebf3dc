from datetime import datetime

from freezegun import freeze_time

from odoo import Command
from odoo.tests import TransactionCase, tagged

from .common import make_fixtures


def _attendance(day, hour_from, hour_to, period):
    return (
        0,
        0,
        {
            "name": f"{day} {period}",
            "dayofweek": str(day),
            "hour_from": hour_from,
            "hour_to": hour_to,
            "day_period": period,
        },
    )


@tagged("post_install", "-at_install")
class TestSlaWorkingHours(TransactionCase):
    """SLA clocks count the store's opening hours, in the store's time zone."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        make_fixtures(cls)
        Calendar = cls.env["resource.calendar"]
        # A restaurant in Shanghai: 10:00-22:00 every day.
        cls.shanghai = Calendar.create(
            {
                "name": "Shanghai restaurant",
                "tz": "Asia/Shanghai",
                "attendance_ids": [Command.clear()]
                + [_attendance(day, 10, 22, "morning") for day in range(7)],
            }
        )
        # An office-hours store in New York: Monday to Friday 8-12 and 13-17 with lunch.
        cls.new_york = Calendar.create(
            {
                "name": "New York weekdays",
                "tz": "America/New_York",
                "attendance_ids": [Command.clear()]
                + [
                    line
                    for day in range(5)
                    for line in (
                        _attendance(day, 8, 12, "morning"),
                        _attendance(day, 12, 13, "lunch"),
                        _attendance(day, 13, 17, "afternoon"),
                    )
                ],
            }
        )
        cls.store_a.boh_calendar_id = cls.shanghai
        cls.store_b.boh_calendar_id = cls.new_york
        cls.Request = cls.env["maintenance.request"]

    def _request(self, equipment, **vals):
        return self.Request.create(
            {"name": "Broken", "equipment_id": equipment.id, "maintenance_type": "corrective"}
            | vals
        )

    def test_calendar_to_working_hours(self):
        hours = self.new_york._boh_working_hours()[self.new_york.id]
        self.assertEqual(hours.tz, "America/New_York")
        # Lunch is left out: two shifts a weekday, none at the weekend.
        self.assertEqual(
            sorted(hours.shifts),
            sorted(
                (day, start, end)
                for day in range(5)
                for start, end in ((8 * 60, 12 * 60), (13 * 60, 17 * 60))
            ),
        )
        self.assertFalse(hours.always_open)

    def test_deadline_waits_overnight_in_store_time_zone(self):
        # 21:30 in Shanghai: half an hour before closing.
        with freeze_time("2026-11-25 13:30:00"):
            repair = self._request(self.fryer, boh_urgency="urgent")
        self.assertEqual(repair.priority, "3")
        # 1 h response: 30 min tonight, 30 min after opening at 10:00 (02:00 UTC).
        self.assertEqual(repair.boh_response_deadline, datetime(2026, 11, 26, 2, 30))
        # 8 h resolution: 30 min tonight, 7.5 h tomorrow: 17:30 Shanghai.
        self.assertEqual(repair.boh_resolution_deadline, datetime(2026, 11, 26, 9, 30))
        with freeze_time("2026-11-26 01:00:00"):
            # 11.5 hours later, but the store was closed: still on track.
            repair.invalidate_recordset()
            self.assertEqual(repair.boh_sla_state, "on_track")
            self.assertNotIn(repair, self.Request.search([("boh_is_overdue", "=", True)]))
        with freeze_time("2026-11-26 02:45:00"):
            repair.invalidate_recordset()
            self.assertEqual(repair.boh_sla_state, "response_late")
            self.assertIn(repair, self.Request.search([("boh_is_overdue", "=", True)]))

    def test_deadline_skips_weekend_and_lunch(self):
        # Friday 16:00 in New York (21:00 UTC, standard time).
        with freeze_time("2026-11-27 21:00:00"):
            repair = self._request(self.oven, priority="2")
        # 4 h response: 1 h on Friday, 3 h on Monday from 08:00: 11:00 EST.
        self.assertEqual(repair.boh_response_deadline, datetime(2026, 11, 30, 16, 0))
        # 24 h resolution: 1 h Friday, 8 h Monday, 8 h Tuesday, 7 h Wednesday (lunch
        # skipped): Wednesday 16:00 EST.
        self.assertEqual(repair.boh_resolution_deadline, datetime(2026, 12, 2, 21, 0))
        with freeze_time("2026-11-30 12:00:00"):
            # Monday 07:00 in New York: the whole weekend has passed, one hour counted.
            repair.invalidate_recordset()
            self.assertEqual(repair.boh_sla_state, "on_track")
        with freeze_time("2026-12-02 20:00:00"):
            # Five days on the calendar, 23 working hours: the repair met its target.
            repair.stage_id = self.env.ref("maintenance.stage_3")
            repair.invalidate_recordset()
            self.assertEqual(repair.boh_sla_state, "met")

    def test_store_without_hours_counts_around_the_clock(self):
        self.store_a.boh_calendar_id = False
        with freeze_time("2026-11-25 13:30:00"):
            repair = self._request(self.fryer, boh_urgency="urgent")
        self.assertEqual(repair.boh_response_deadline, datetime(2026, 11, 25, 14, 30))
        # Giving the store opening hours moves the deadlines of its requests.
        self.store_a.boh_calendar_id = self.shanghai
        self.assertEqual(repair.boh_response_deadline, datetime(2026, 11, 26, 2, 30))

    def test_company_default_hours_for_stores_without_their_own(self):
        self.store_a.boh_calendar_id = False
        self.env.company.boh_store_calendar_id = self.shanghai
        with freeze_time("2026-11-25 13:30:00"):
            repair = self._request(self.fryer, boh_urgency="urgent")
        self.assertEqual(repair.boh_response_deadline, datetime(2026, 11, 26, 2, 30))
        # The store's own hours win: Wednesday 08:30 in New York, 8 h with lunch left out.
        self.store_a.boh_calendar_id = self.new_york
        self.assertEqual(repair.boh_resolution_deadline, datetime(2026, 11, 26, 13, 30))
