from datetime import timedelta

import numpy as np

from odoo.exceptions import AccessError
from odoo.tests import tagged

from boh_core.labour import Employee, Problem, Shift, Timeline, priced, schedule_cost

from .common import BohLabourCase


@tagged("post_install", "-at_install")
class TestLabourCost(BohLabourCase):
    """The week's cost, the grid's, each shift's and the solver's are one figure: boh_core's
    ``schedule_cost``, with public holidays, daily and weekly overtime and unpaid breaks."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        # only the public holidays a test makes (demo data may hold some in the week)
        monday = cls.monday
        cls.env["resource.calendar.leaves"].search(
            [
                ("resource_id", "=", False),
                ("date_from", "<", f"{monday + timedelta(days=8)} 00:00:00"),
                ("date_to", ">", f"{monday - timedelta(days=1)} 00:00:00"),
            ]
        ).unlink()
        cls.planner = cls.env["boh.labour.planner"]

    def _holiday(self, day, calendar=None):
        """A public holiday (time off of no one) on local ``day`` of the week in Shanghai."""
        date = self.monday + timedelta(days=day)
        leave = self.env["resource.calendar.leaves"].create(
            {
                "name": "Public holiday",
                "calendar_id": calendar.id if calendar else False,
                "company_id": self.company.id,
                "date_from": f"{date} 00:00:00",
                "date_to": f"{date} 08:00:00",
            }
        )
        # hr_holidays moves a new holiday from the user's time zone to the calendar's: set
        # the instants themselves, Shanghai's midnight to midnight
        leave.write(
            {"date_from": f"{date - timedelta(days=1)} 16:00:00", "date_to": f"{date} 16:00:00"}
        )
        return leave

    def _shift(self, week, day, start, stop, employee=None):
        start, stop = self.planner._local_span(week, day, start, stop)
        return self.env["boh.labour.shift"].create(
            {
                "week_id": week.id,
                "warehouse_id": self.store.id,
                "employee_id": (employee or self.cat).id,
                "job_id": self.server.id,
                "start": start,
                "stop": stop,
            }
        )

    def _core_cost(self, shifts, holidays=(), rules=None):
        """The cost boh_core gives the shifts, priced straight from their times."""
        timeline = Timeline(self.monday, "Asia/Shanghai")
        problem = Problem(
            timeline=timeline,
            roles=(),
            need=np.zeros((0, timeline.n_slots), dtype=int),
            open_mask=[False] * timeline.n_slots,
            employees=[
                Employee(employee.id, hourly_cost=employee.hourly_cost)
                for employee in shifts.employee_id
            ],
            rules=rules or self.planner._rules(self.company),
            holidays={self.monday + timedelta(days=day) for day in holidays},
        )
        core = [
            Shift(
                s.employee_id.id,
                s.job_id.id,
                timeline.slot_at(s.start),
                timeline.slot_ceil(s.stop),
                timeline.slot_at(s.break_start) if s.break_start else 0,
                timeline.slot_ceil(s.break_stop) if s.break_stop else 0,
            )
            for s in shifts
        ]
        return schedule_cost(problem, priced(problem, core))

    def test_week_over_44_hours_with_a_public_holiday_costs_what_the_core_says(self):
        """Long because it builds the week by form and by grid, then prices the same shifts
        with boh_core directly."""
        week = self._week()
        self._holiday(2, self.calendar)  # Wednesday, on the store's calendar
        # Cat (20 an hour): 10:00-18:30 every day, a 30-minute unpaid break, 8 h worked
        for day in range(6):
            self._shift(week, day, "10:00", "18:30")
        grid = week.with_user(self.manager).grid_save_shift(
            {
                "employee_id": self.cat.id,
                "job_id": self.server.id,
                "day": 6,
                "start": "10:00",
                "stop": "18:30",
            }
        )
        shifts = week.shift_ids.sorted("start")
        self.assertEqual(len(shifts), 7)
        self.assertEqual(sum(shifts.mapped("worked_hours")), 56.0)
        # 48 h on normal days at 20, 8 h of holiday at 300%, 4 h beyond 44 at +50%
        expected = 48 * 20 + 8 * 20 * 3 + 4 * 20 * 0.5
        core = self._core_cost(shifts, holidays={2})
        self.assertAlmostEqual(core, expected, places=2)
        self.assertAlmostEqual(week.cost, core, places=2)
        self.assertGreater(week.cost, 56 * 20)
        self.assertAlmostEqual(grid["cost"], core, places=2)
        self.assertAlmostEqual(sum(row["cost"] for row in grid["shifts"]), core, places=2)
        # each shift's share: its own pay, the premium of the hours past 44 on the last one
        self.assertAlmostEqual(sum(shifts.mapped("cost")), core, places=2)
        self.assertEqual(shifts.mapped("cost"), [160.0, 160.0, 480.0, 160.0, 160.0, 160.0, 200.0])
        # without the holiday and the seventh day: 48 normal hours, 4 of them past 44
        shifts[-1].unlink()
        self.env["resource.calendar.leaves"].search([("name", "=", "Public holiday")]).unlink()
        week.invalidate_recordset(["cost"])
        self.assertAlmostEqual(week.cost, 48 * 20 + 4 * 20 * 0.5, places=2)

    def test_a_proposed_week_costs_what_the_solver_says(self):
        """After the planner proposes a week with weekly overtime and a public holiday, the
        week's cost, the sum of its shifts' costs and boh_core's cost of those shifts are the
        solver's cost."""
        self.company.boh_labour_ot_weekly_hours = 16.0  # low enough for overtime to bite
        self._holiday(5)  # Saturday, for every calendar of the company
        week = self._week()
        proposal = self.planner._propose(week, time_limit=3, deterministic=True)
        shifts = week.shift_ids
        self.assertTrue(shifts)
        self.assertEqual(len(shifts), len(proposal.shifts))
        core = self._core_cost(shifts, holidays={5})
        # the proposal rounds each shift's pay to the cent
        self.assertAlmostEqual(core, proposal.cost, delta=0.01 * len(shifts))
        self.assertAlmostEqual(week.cost, core, places=2)
        self.assertAlmostEqual(sum(shifts.mapped("cost")), core, places=2)
        plain = sum(s.worked_hours * s.employee_id.hourly_cost for s in shifts)
        self.assertGreater(core, plain + 1.0, "the week has overtime and holiday pay")
        grid = week.with_user(self.manager).grid_data()
        self.assertAlmostEqual(grid["cost"], core, places=2)

    def test_editing_a_shift_updates_the_week_cost_with_weekly_overtime(self):
        week = self._week()
        for day in range(5):  # 5 x 8 h
            self._shift(week, day, "10:00", "18:30")
        self.assertAlmostEqual(week.cost, 40 * 20, places=2)
        grid = week.with_user(self.manager).grid_save_shift(
            {
                "employee_id": self.cat.id,
                "job_id": self.server.id,
                "day": 5,
                "start": "10:00",
                "stop": "14:00",
            }
        )
        self.assertAlmostEqual(grid["cost"], 44 * 20, places=2)  # 44 h: no overtime yet
        saturday = week.shift_ids.sorted("start")[-1]
        grid = week.with_user(self.manager).grid_save_shift(
            {
                "id": saturday.id,
                "employee_id": self.cat.id,
                "job_id": self.server.id,
                "day": 5,
                "start": "10:00",
                "stop": "16:00",
            }
        )
        expected = 46 * 20 + 2 * 20 * 0.5  # 2 h past 44 at +50%
        self.assertAlmostEqual(grid["cost"], expected, places=2)
        self.assertAlmostEqual(week.cost, expected, places=2)
        self.assertAlmostEqual(saturday.cost, 6 * 20 + 2 * 10, places=2)
        # a plain write (the form) moves the overtime too: Monday shorter, under 44 again
        monday = week.shift_ids.sorted("start")[0]
        start, stop = self.planner._local_span(week, 0, "10:00", "16:00")
        monday.write({"start": start, "stop": stop})
        self.assertAlmostEqual(week.cost, 44 * 20, places=2)
        self.assertAlmostEqual(sum(week.shift_ids.mapped("cost")), 44 * 20, places=2)
        self.assertAlmostEqual(week.cost, self._core_cost(week.shift_ids), places=2)

    def test_a_shift_on_a_public_holiday_costs_the_holiday_rate(self):
        self._holiday(2)  # the company's public holiday, on no particular calendar
        week = self._week()
        wednesday = self._shift(week, 2, "10:00", "14:00")
        thursday = self._shift(week, 3, "10:00", "14:00")
        self.assertAlmostEqual(wednesday.cost, 4 * 20 * 3.0, places=2)  # 300%
        self.assertAlmostEqual(thursday.cost, 4 * 20, places=2)
        self.assertAlmostEqual(week.cost, 4 * 20 * 4, places=2)
        self.assertAlmostEqual(week.cost, self._core_cost(week.shift_ids, holidays={2}), places=2)

    def test_kitchen_users_see_no_wages_in_the_costed_week(self):
        for model in ("boh.labour.week", "boh.labour.shift"):
            self.assertEqual(
                self.env[model]._fields["cost"].groups, "boh_inventory.group_boh_manager"
            )
        self.assertEqual(
            self.env["boh.labour.week"]._fields["budget"].groups,
            "boh_inventory.group_boh_manager",
        )
        week = self._week()
        self._shift(week, 0, "10:00", "18:30")
        mine = week.with_user(self.kitchen)
        with self.assertRaises(AccessError):
            mine.read(["cost"])
        with self.assertRaises(AccessError):
            mine.shift_ids.read(["cost"])
        grid = mine.grid_data()
        self.assertIsNone(grid["cost"])
        self.assertTrue(all(row["cost"] is None for row in grid["shifts"]))
        self.assertAlmostEqual(week.with_user(self.manager).cost, 160.0, places=2)
