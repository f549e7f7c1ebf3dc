from freezegun import freeze_time

from odoo.tests import TransactionCase, tagged

from .common import make_fixtures


@tagged("post_install", "-at_install")
class TestReliabilityReport(TransactionCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        make_fixtures(cls)
        cls.done_stage = cls.env.ref("maintenance.stage_3")
        Request = cls.env["maintenance.request"]

        def failure(equipment, reported, finished=None):
            with freeze_time(reported):
                request = Request.create(
                    {"name": "Broken", "equipment_id": equipment.id, "boh_urgency": "normal"}
                )
            if finished:
                with freeze_time(finished):
                    request.stage_id = cls.done_stage
            return request

        failure(cls.fryer, "2026-11-20 08:00:00", "2026-11-20 12:00:00")
        failure(cls.fryer, "2026-11-22 08:00:00")
        failure(cls.cold_room, "2026-11-21 10:00:00", "2026-11-21 12:00:00")
        failure(cls.oven, "2026-11-23 09:00:00", "2026-11-23 10:00:00")

    def _rows(self, report, scope):
        return {(row.category_id, row.store_id): row for row in report if row.scope == scope}

    @freeze_time("2026-11-25 12:00:00")
    def test_figures_per_category_and_store(self):
        Report = self.env["boh.maintenance.reliability.report"]
        action = Report.action_open_report()
        self.assertEqual(action["res_model"], Report._name)
        report = Report.search([("company_id", "=", self.env.company.id)])
        by_category = self._rows(report, "category")
        fryers = by_category[(self.cat_fryer, self.env["stock.warehouse"])]
        self.assertEqual((fryers.equipment_count, fryers.failures, fryers.repairs), (1, 2, 1))
        self.assertAlmostEqual(fryers.mttr_hours, 4.0)
        # The same figures as the category form (pooled, one year).
        self.assertAlmostEqual(fryers.mtbf_hours, self.cat_fryer.boh_mtbf_hours, places=1)
        self.assertLess(fryers.availability_pct, 100.0)
        by_store = self._rows(report, "store")
        store_a = by_store[(self.env["maintenance.equipment.category"], self.store_a)]
        self.assertEqual((store_a.equipment_count, store_a.failures, store_a.repairs), (2, 3, 2))
        self.assertAlmostEqual(store_a.mttr_hours, 3.0, msg="(4 h + 2 h) / 2 repairs")
        self.assertAlmostEqual(store_a.mttr_hours, self.store_a.boh_mttr_hours, places=1)
        both = self._rows(report, "category_store")
        self.assertEqual(both[(self.cat_oven, self.store_b)].failures, 1)
        self.assertAlmostEqual(both[(self.cat_oven, self.store_b)].mttr_hours, 1.0)
        # A refresh replaces the lines rather than adding to them.
        Report.action_open_report()
        again = Report.search([("company_id", "=", self.env.company.id)])
        self.assertEqual(len(again), len(report))
        self.assertFalse(report.exists())

    @freeze_time("2026-11-25 12:00:00")
    def test_store_manager_sees_only_their_stores(self):
        Report = self.env["boh.maintenance.reliability.report"].with_user(self.manager_a)
        Report.action_open_report()
        visible = Report.search([])
        self.assertTrue(visible)
        self.assertEqual(set(visible.store_id.ids), {self.store_a.id})
        self.assertNotIn("category", visible.mapped("scope"), "fleet-wide lines stay hidden")

    @freeze_time("2026-11-25 12:00:00")
    def test_menu_opens_the_report_for_admin_and_store_manager(self):
        # The menu runs a server action; without groups Odoo demands write access on the
        # read-only report and answers "Access Error" to everyone.
        menu_action = self.env.ref("boh_maintenance.menu_boh_reliability_report").action
        for user in (self.env.ref("base.user_admin"), self.manager_a):
            action = menu_action.with_user(user).run()
            self.assertEqual(action["res_model"], "boh.maintenance.reliability.report")
