from datetime import date, datetime, time, timedelta

from freezegun import freeze_time

from odoo import Command
from odoo.tests import TransactionCase, new_test_user, tagged

#: The last day the tests build; the pass runs the next morning.
LAST = date(2026, 3, 4)
MORNING = datetime(2026, 3, 5, 6, 0)
DAYS = 35


@tagged("post_install", "-at_install")
class TestLabourPass(TransactionCase):
    """The daily labour pass: hours worked against the hours the forecast needed."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        env = cls.env
        cls.Flag = env["boh.flag"]
        calendar = env["resource.calendar"].create({"name": "Labour Pass Hours", "tz": "UTC"})
        cls.store, cls.other_store = env["stock.warehouse"].create(
            [
                {"name": f"Labour Pass {code}", "code": code, "boh_calendar_id": calendar.id}
                for code in ("LPA", "LPB")
            ]
        )
        cls.stores = cls.store | cls.other_store
        cls.staff = env["hr.employee"].create(
            [
                {"name": f"Labour Pass {n}", "boh_warehouse_ids": [Command.set([cls.store.id])]}
                for n in range(3)
            ]
        )
        cls.manager = new_test_user(
            env, login="labour_pass_manager", groups="boh_inventory.group_boh_manager"
        )
        cls.manager.boh_warehouse_ids = cls.other_store

    def history(self, last_staff=1):
        """``DAYS`` days of the store: the plan needs 8 hours, one person works about 8
        (``last_staff`` people on the last day)."""
        plans, attendances = [], []
        for n in range(DAYS):
            day = LAST - timedelta(days=DAYS - 1 - n)
            plans.append(
                {"warehouse_id": self.store.id, "date": day, "day_part": "lunch", "hours": 8.0}
            )
            staff = self.staff[:last_staff] if day == LAST else self.staff[:1]
            minutes = 480 + ((n * 7) % 5 - 2) * 10
            for employee in staff:
                start = datetime.combine(day, time(9, 0))
                attendances.append(
                    {
                        "employee_id": employee.id,
                        "check_in": start,
                        "check_out": start + timedelta(minutes=minutes),
                    }
                )
        self.env["boh.labour.plan"].create(plans)
        self.env["hr.attendance"].create(attendances)

    def run_pass(self):
        with freeze_time(MORNING):
            return self.Flag._run_passes_by_company(["_pass_labour"], self.stores)

    def flags(self):
        return self.Flag.search([("kind", "=", "labour"), ("warehouse_id", "in", self.stores.ids)])

    def test_hours_far_above_the_need_raise_a_labour_flag(self):
        self.history(last_staff=3)
        self.run_pass()
        flag = self.flags()
        self.assertEqual(flag.warehouse_id, self.store)
        self.assertEqual(flag.cause_key, f"labour:{self.store.id}")
        self.assertGreater(flag.observed, 20.0)
        self.assertEqual(flag.res_model, "boh.labour.attendance.report")

    def test_hours_as_planned_raise_nothing(self):
        self.history()
        self.run_pass()
        self.assertFalse(self.flags())

    def test_a_second_run_updates_the_flag_and_other_managers_do_not_see_it(self):
        self.history(last_staff=3)
        self.run_pass()
        self.run_pass()
        self.assertEqual(self.flags().seen_count, 2)
        self.assertFalse(self.Flag.with_user(self.manager).search([("id", "in", self.flags().ids)]))
