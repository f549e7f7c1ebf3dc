from datetime import timedelta

from odoo import Command, fields
from odoo.exceptions import UserError, ValidationError
from odoo.tests import tagged

from .common import BohLabourCase


@tagged("post_install", "-at_install")
class TestLabourFlow(BohLabourCase):
    """From the forecast to a published schedule, to attendance, to the KPI figures."""

    def test_forecast_to_schedule_to_attendance_to_kpis(self):
        """Long because it follows one week end to end, from the forecast to the KPIs."""
        week = self._week()
        week.with_user(self.manager).action_propose()
        shifts = week.shift_ids
        self.assertTrue(shifts)
        self.assertEqual(week.solver_status in ("optimal", "feasible", "heuristic"), True)
        for shift in shifts:
            self.assertIn(shift.job_id, shift.employee_id.boh_schedulable_job_ids)
            self.assertTrue(shift.reason)
            self.assertEqual(shift.warehouse_id, self.store)
        # 300 covers a day at 20 per hour need more than the minimum at peaks
        self.assertGreater(week.coverage_pct, 50.0)
        self.assertTrue(week.need_json)
        # cook need is 15 cook-hours a day plus the minimum: four people cannot cover it all
        self.assertTrue(week.gap_ids)
        self.assertEqual(set(week.gap_ids.mapped("reason")) <= {"limits", "unavailable"}, True)

        week.with_user(self.manager).action_publish()
        self.assertEqual(week.state, "published")
        self.assertEqual(set(shifts.mapped("state")), {"published"})

        first = shifts.sorted("start")[0]
        late = self.env["hr.attendance"].create(
            {
                "employee_id": first.employee_id.id,
                "check_in": first.start + timedelta(minutes=20),
                "check_out": first.stop + timedelta(minutes=45),
            }
        )
        self.assertEqual(late.boh_shift_id, first)
        self.assertEqual(late.boh_warehouse_id, self.store)
        Report = self.env["boh.labour.attendance.report"]
        row = Report.search(
            [("employee_id", "=", first.employee_id.id), ("first_start", "=", first.start)]
        )
        self.assertEqual(len(row), 1)
        self.assertTrue(row.is_late)
        self.assertTrue(row.is_overtime)
        self.assertAlmostEqual(row.actual_hours, late.worked_hours, places=2)
        absent = Report.search([("warehouse_id", "=", self.store.id), ("is_absent", "=", True)])
        self.assertTrue(absent, "every other scheduled day in the past is an absence")

        # KPIs: sales in the lunch hour against the labour attendance recorded then
        day = first.start.date()
        self.env["boh.sales.fact"].create(
            {
                "company_id": self.company.id,
                "warehouse_id": self.store.id,
                "product_id": self.env["product.product"].create({"name": "Labour Dish"}).id,
                "date": day,
                "hour": 12,
                "qty": 10.0,
                "revenue": 500.0,
            }
        )
        self.env.flush_all()
        kpi = self.env["boh.labour.kpi.report"].search(
            [("warehouse_id", "=", self.store.id), ("date", "=", day), ("day_part", "=", "lunch")]
        )
        self.assertEqual(len(kpi), 1)
        self.assertEqual(kpi.sales, 500.0)
        self.assertGreater(kpi.labour_hours, 0.0)
        self.assertAlmostEqual(kpi.sales_per_labour_hour, 500.0 / kpi.labour_hours, places=2)
        rate = first.employee_id.hourly_cost
        self.assertAlmostEqual(kpi.labour_cost, kpi.labour_hours * rate, places=2)
        self.assertAlmostEqual(kpi.labour_cost_pct, 100 * kpi.labour_cost / 500.0, places=2)
        self.assertAlmostEqual(kpi.prime_cost_pct, kpi.labour_cost_pct, places=2)  # no recipe
        # the KPI dashboard's slots give the store's figures for the day (all day parts)
        rows = self.env["boh.labour.kpi.report"].search(
            [("warehouse_id", "=", self.store.id), ("date", "=", day)]
        )
        slots = {
            slot["key"]: slot
            for slot in self.env["boh.kpi.dashboard"]._boh_kpi_slots(self.store, day, day)
        }
        hours, cost = sum(rows.mapped("labour_hours")), sum(rows.mapped("labour_cost"))
        self.assertAlmostEqual(
            slots["sales_per_labour_hour"]["stores"][self.store.id], 500.0 / hours, places=2
        )
        self.assertAlmostEqual(
            slots["labour_cost_pct"]["stores"][self.store.id], 100 * cost / 500.0, places=2
        )

    def test_publishing_notifies_each_employee(self):
        self.ann.work_contact_id.email = "ann@example.com"
        week = self._week()
        week.action_propose()
        week.action_publish()
        messages = self.env["mail.message"].search(
            [("model", "=", "boh.labour.week"), ("res_id", "=", week.id)]
        )
        told = messages.partner_ids
        for employee in week.shift_ids.employee_id:
            self.assertIn(employee.work_contact_id, told)

    def test_grid_edit_updates_coverage_and_cost(self):
        week = self._week()
        grid = week.with_user(self.manager).grid_data()
        self.assertEqual(grid["shifts"], [])
        grid = week.with_user(self.manager).grid_save_shift(
            {
                "employee_id": self.cat.id,
                "job_id": self.server.id,
                "day": 0,
                "start": "10:00",
                "stop": "14:00",
            }
        )
        (row,) = grid["shifts"]
        self.assertEqual((row["start"], row["stop"], row["day"]), ("10:00", "14:00", 0))
        self.assertEqual(grid["cost"], 80.0)  # 4 h at 20
        self.assertEqual(self._covered(grid, self.server), 16)  # 4 h of 15 minutes
        shift = week.shift_ids
        self.assertEqual(shift.start.hour, 2)  # 10:00 in Shanghai
        grid = week.with_user(self.manager).grid_save_shift(
            {
                "id": shift.id,
                "employee_id": self.cat.id,
                "job_id": self.server.id,
                "day": 0,
                "start": "10:00",
                "stop": "18:00",
            }
        )
        self.assertEqual(grid["cost"], 150.0)  # 7.5 h worked (30 minutes unpaid break)
        self.assertEqual(self._covered(grid, self.server), 30)  # the strip follows the edit
        self.assertTrue(shift.break_start)
        with self.assertRaises(ValidationError):
            week.with_user(self.manager).grid_save_shift(
                {
                    "employee_id": self.cat.id,
                    "job_id": self.cook.id,
                    "day": 1,
                    "start": "10:00",
                    "stop": "14:00",
                }
            )

    def test_schedules_are_published_the_set_days_ahead(self):
        today = self.store._boh_store_time()[self.store.id].today
        next_monday = today + timedelta(days=7 - today.weekday())
        self.company.boh_labour_publish_days = (next_monday - today).days
        due = self._week(next_monday)
        due.action_propose()
        self.assertTrue(due.shift_ids)
        later = self._week(next_monday + timedelta(days=7))
        past = self._week()
        (later | past).solved_at = fields.Datetime.now()
        unsolved = self._week(next_monday - timedelta(days=7))
        self.env["boh.labour.week"]._cron_publish_due()
        self.assertEqual(due.state, "published")
        self.assertEqual(set(due.shift_ids.mapped("state")), {"published"})
        told = (
            self.env["mail.message"]
            .search([("model", "=", "boh.labour.week"), ("res_id", "=", due.id)])
            .partner_ids
        )
        for employee in due.shift_ids.employee_id:
            self.assertIn(employee.work_contact_id, told)
        self.assertEqual((later | past | unsolved).mapped("state"), ["draft"] * 3)
        # the database may hold other weeks (the demo's): only this test's weeks are looked at
        mine = due | later | past | unsolved
        self.company.boh_labour_publish_days = 0  # publishing by hand only
        self.assertFalse(self.env["boh.labour.week"]._cron_publish_due() & mine)
        self.company.boh_labour_publish_days = 30
        self.assertEqual(self.env["boh.labour.week"]._cron_publish_due() & mine, later)
        self.assertEqual(past.state, "draft")  # its week has begun

    def test_the_labour_plan_is_by_job(self):
        standard = self.env["boh.labour.standard"].search(
            [("job_id", "=", self.cook.id), ("warehouse_id", "=", self.store.id)]
        )
        plan = self.env["boh.labour.plan"].create(
            {
                "warehouse_id": self.store.id,
                "date": self.monday,
                "day_part": "lunch",
                "standard_id": standard.id,
                "role": standard.role,
                "hours": 12.0,
            }
        )
        self.assertEqual(plan.job_id, self.cook)
        barista = self.env["boh.labour.standard"].create(
            {"role": "Labour Plan Barista", "driver": "sales", "per_hour": 100.0}
        )
        line = plan.copy({"standard_id": barista.id, "role": barista.role})
        self.assertFalse(line.job_id)
        barista._boh_link_jobs()  # what the install hook does for the roles of old versions
        self.assertEqual(line.job_id.name, "Labour Plan Barista")

    def test_a_jobless_employee_and_a_store_without_hours_are_said_not_crashed(self):
        jobless = self.env["hr.employee"].create(
            {"name": "Jo Nojob", "boh_warehouse_ids": [Command.set([self.store.id])]}
        )
        week = self._week()
        week.action_propose()
        self.assertTrue(week.shift_ids)
        self.assertNotIn(jobless, week.shift_ids.employee_id)
        self.assertIn("Jo Nojob holds none of the jobs this store schedules.", week.notes)
        self.company.boh_store_calendar_id = False  # no hours of its own, nor the company's
        closed = self.env["stock.warehouse"].create({"name": "Closed Store", "code": "CLO"})
        self.env["boh.labour.standard"].create(
            {
                "warehouse_id": closed.id,
                "role": "Labour Cook",
                "job_id": self.cook.id,
                "driver": "covers",
                "per_hour": 20.0,
                "min_staff": 1,
            }
        )
        self.ann.boh_warehouse_ids = [Command.link(closed.id)]
        empty = self.env["boh.labour.week"].create(
            {"warehouse_id": closed.id, "week_start": self.monday}
        )
        empty.action_propose()
        self.assertFalse(empty.shift_ids)
        self.assertEqual(empty.coverage_pct, 100.0)
        self.assertIn("The store has no opening hours", empty.notes)

    def test_published_weeks_are_not_solved_over(self):
        week = self._week()
        week.action_propose()
        week.action_publish()
        with self.assertRaises(UserError):
            week.action_propose()

    def test_next_week_button_and_cron(self):
        action = (
            self.env["boh.labour.week"]
            .with_user(self.manager)
            .action_propose_next_week([self.store.id])
        )
        weeks = self.env["boh.labour.week"].search(action["domain"])
        self.assertEqual(weeks.warehouse_id, self.store)
        self.assertEqual(weeks.week_start.weekday(), 0)
        self.assertTrue(weeks.solved_at)
        self.env["boh.labour.week"]._cron_propose_next_week()  # already solved today: no-op

    def test_swap_needs_a_qualified_colleague_and_a_manager(self):
        week = self._week()
        week.action_propose()
        week.action_publish()
        later = self._published_shift(week.shift_ids[0].start + timedelta(days=40), hours=4)
        later._boh_offer(self.cat)
        with self.assertRaises(UserError):
            later._boh_take(self.ann)  # not a server
        later._boh_take(self.bob)
        self.assertEqual(later.swap_state, "taken")
        later.with_user(self.manager).action_approve_swap()
        self.assertEqual((later.employee_id, later.swap_state), (self.bob, "none"))

    def test_free_text_roles_become_jobs(self):
        standard = self.env["boh.labour.standard"].create(
            {"role": "Labour Barista", "driver": "sales", "per_hour": 100.0}
        )
        standard._boh_link_jobs()
        self.assertEqual(standard.job_id.name, "Labour Barista")
        again = self.env["boh.labour.standard"].create(
            {"role": "Labour Barista", "driver": "covers", "per_hour": 10.0}
        )
        again._boh_link_jobs()
        self.assertEqual(again.job_id, standard.job_id)

    def test_an_employee_in_two_stores_keeps_rest_between_them(self):
        other = self.env["boh.labour.shift"].create(
            {
                "warehouse_id": self.other_store.id,
                "employee_id": self.dan.id,
                "job_id": self.server.id,
                "start": self._at(0, 13),
                "stop": self._at(0, 21),
            }
        )
        week = self._week()
        week.action_propose()
        for shift in week.shift_ids.filtered(lambda s: s.employee_id == self.dan):
            apart = max(shift.start - other.stop, other.start - shift.stop)
            self.assertGreaterEqual(apart, timedelta(hours=11))

    @staticmethod
    def _covered(grid, job):
        """Server-slots covered on the first day of the grid's coverage strips."""
        (strip,) = [s for s in grid["days"][0]["strips"] if s["job_id"] == job.id]
        return sum(strip["cover"])

    def _at(self, day, hour):
        """UTC instant of local (Shanghai, UTC+8) ``hour`` on day ``day`` of the week."""
        from datetime import datetime, time

        return datetime.combine(self.monday + timedelta(days=day), time(hour)) - timedelta(hours=8)
