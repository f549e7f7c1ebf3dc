from odoo.exceptions import AccessError
from odoo.tests import tagged

from .common import BohLabourCase


@tagged("post_install", "-at_install")
class TestLabourAccess(BohLabourCase):
    """Store managers schedule only their stores; kitchen users see no wages."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.week = cls._week()
        cls.week.action_propose()

    def test_store_manager_schedules_their_store_only(self):
        mine = self.week.with_user(self.manager)
        self.assertTrue(mine.shift_ids)
        mine.action_propose()
        theirs = self.week.with_user(self.other_manager)
        with self.assertRaises(AccessError):
            theirs.read(["name"])
        with self.assertRaises(AccessError):
            theirs.action_publish()
        visible = self.env["boh.labour.shift"].with_user(self.other_manager).search([])
        self.assertFalse(visible & self.week.shift_ids)

    def test_kitchen_users_read_the_schedule_without_wages(self):
        shifts = self.week.shift_ids.with_user(self.kitchen)
        shifts.read(["employee_id", "start", "stop"])
        with self.assertRaises(AccessError):
            shifts.read(["cost"])
        grid = self.week.with_user(self.kitchen).grid_data()
        self.assertIsNone(grid["cost"])
        self.assertTrue(all(row["cost"] is None for row in grid["shifts"]))
        with self.assertRaises(AccessError):
            self.week.with_user(self.kitchen).action_publish()
        with self.assertRaises(AccessError):
            self.env["boh.labour.kpi.report"].with_user(self.kitchen).search([])

    def test_other_company_is_out_of_reach(self):
        other = self.env["res.company"].create({"name": "Labour Elsewhere"})
        store = self.env["stock.warehouse"].create(
            {"name": "Far Store", "code": "FAR", "company_id": other.id}
        )
        week = self.env["boh.labour.week"].create(
            {"warehouse_id": store.id, "company_id": other.id, "week_start": self.monday}
        )
        admin_like = self.env["boh.labour.week"].with_user(self.manager)
        self.assertNotIn(week, admin_like.search([]))
