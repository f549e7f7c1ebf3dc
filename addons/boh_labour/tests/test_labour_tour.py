from datetime import date, datetime, timedelta

from odoo import Command
from odoo.tests import HttpCase, new_test_user, tagged


@tagged("post_install", "-at_install")
class TestLabourTour(HttpCase):
    """A store manager moves the end of a shift in the week grid and publishes."""

    def test_manager_adjusts_a_shift_and_publishes(self):
        utc = self.env["resource.calendar"].create({"name": "Tour hours", "tz": "UTC"})
        store = self.env["stock.warehouse"].create(
            {"name": "Tour Store", "code": "TOU", "boh_calendar_id": utc.id}
        )
        job = self.env["hr.job"].create({"name": "Tour Cook"})
        employee = self.env["hr.employee"].create(
            {
                "name": "Tour Employee",
                "job_id": job.id,
                "boh_warehouse_ids": [Command.set([store.id])],
            }
        )
        new_test_user(
            self.env,
            login="labour_tour_manager",
            groups="base.group_user,boh_inventory.group_boh_manager",
            boh_warehouse_ids=[Command.set([store.id])],
            tz="UTC",
        )
        today = date.today()
        monday = today + timedelta(days=7 - today.weekday())
        week = self.env["boh.labour.week"].create({"warehouse_id": store.id, "week_start": monday})
        start = datetime.combine(monday, datetime.min.time()) + timedelta(hours=10)
        self.env["boh.labour.shift"].create(
            {
                "week_id": week.id,
                "warehouse_id": store.id,
                "employee_id": employee.id,
                "job_id": job.id,
                "start": start,
                "stop": start + timedelta(hours=4),
            }
        )
        self.start_tour(
            "/odoo/action-boh_labour.action_boh_labour_week",
            "boh_labour_week_tour",
            login="labour_tour_manager",
        )
        shift = week.shift_ids
        self.assertEqual(shift.stop - shift.start, timedelta(hours=6))
        self.assertEqual((week.state, shift.state), ("published", "published"))
