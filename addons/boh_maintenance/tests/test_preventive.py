from datetime import datetime

from dateutil.relativedelta import relativedelta

from odoo.tests import TransactionCase, tagged

from .common import make_fixtures


@tagged("post_install", "-at_install")
class TestPreventive(TransactionCase):
    """Odoo's recurring preventive maintenance still works, and the next date shows."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        make_fixtures(cls)
        cls.Request = cls.env["maintenance.request"]
        cls.done_stage = cls.env.ref("maintenance.stage_3")
        cls.first_date = datetime(2026, 12, 1, 9, 0)

    def _preventive(self, **values):
        return self.Request.create(
            {
                "name": "Descale the fryer",
                "equipment_id": self.fryer.id,
                "maintenance_team_id": self.team.id,
                "maintenance_type": "preventive",
                "schedule_date": self.first_date,
                "recurring_maintenance": True,
                "repeat_interval": 1,
                "repeat_unit": "month",
                "repeat_type": "forever",
                **values,
            }
        )

    def _open_preventive(self):
        return self.Request.search(
            [
                ("equipment_id", "=", self.fryer.id),
                ("maintenance_type", "=", "preventive"),
                ("stage_id.done", "=", False),
            ]
        )

    def test_done_recurring_request_schedules_the_next_one(self):
        self.assertTrue(self.done_stage.done)
        request = self._preventive()
        self.assertEqual(self.fryer.boh_next_preventive_date, self.first_date)
        request.write({"stage_id": self.done_stage.id})
        self.assertTrue(request.stage_id.done)
        following = self._open_preventive()
        self.assertEqual(len(following), 1, "Odoo created the next occurrence")
        next_date = self.first_date + relativedelta(months=1)
        self.assertEqual(following.schedule_date, next_date)
        self.assertTrue(following.recurring_maintenance)
        self.assertEqual(following.equipment_id, self.fryer)
        self.assertFalse(following.stage_id.done)
        self.assertEqual(self.fryer.boh_next_preventive_date, next_date)
        # And again: the chain goes on.
        following.write({"stage_id": self.done_stage.id})
        self.assertEqual(
            self.fryer.boh_next_preventive_date, self.first_date + relativedelta(months=2)
        )

    def test_recurrence_that_ends_leaves_no_next_date(self):
        request = self._preventive(repeat_type="until", repeat_until="2026-12-15")
        request.write({"stage_id": self.done_stage.id})
        self.assertFalse(self._open_preventive(), "January is after the end date")
        self.assertFalse(self.fryer.boh_next_preventive_date)

    def test_next_date_is_the_earliest_open_preventive_request(self):
        self._preventive(schedule_date=datetime(2027, 3, 1))
        self._preventive(schedule_date=datetime(2027, 1, 15))
        self.Request.create(
            {
                "name": "Broken thermostat",
                "equipment_id": self.fryer.id,
                "maintenance_type": "corrective",
                "schedule_date": datetime(2026, 12, 20),
            }
        )
        self.assertEqual(self.fryer.boh_next_preventive_date, datetime(2027, 1, 15))
        self.assertFalse(self.oven.boh_next_preventive_date)
