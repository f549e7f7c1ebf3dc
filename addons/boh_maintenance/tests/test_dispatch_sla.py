from datetime import datetime

from freezegun import freeze_time

from odoo import Command
from odoo.exceptions import AccessError
from odoo.tests import TransactionCase, tagged

from .common import make_fixtures


@tagged("post_install", "-at_install")
class TestDispatchSla(TransactionCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        make_fixtures(cls)
        cls.Request = cls.env["maintenance.request"]
        cls.done_stage = cls.env.ref("maintenance.stage_3")
        cls.progress_stage = cls.env.ref("maintenance.stage_1")

    def _request(self, equipment, **vals):
        return self.Request.create(
            {"name": "Broken", "equipment_id": equipment.id, "maintenance_type": "corrective"}
            | vals
        )

    def test_dispatch_by_skill_and_load(self):
        first = self._request(self.fryer)
        self.assertEqual(first.maintenance_team_id, self.team)
        self.assertEqual(first.user_id, self.tech1, "tie on load goes to the first technician")
        self.assertEqual(first.boh_dispatch_state, "auto")
        second = self._request(self.fryer)
        self.assertEqual(second.user_id, self.tech2, "tech1 now carries a load")
        cold = self._request(self.cold_room)
        self.assertEqual(cold.user_id, self.tech2, "only tech2 knows refrigeration")

    def test_load_is_weighted_by_priority(self):
        self._request(self.fryer, user_id=self.tech1.id, priority="0")
        self._request(self.fryer, user_id=self.tech1.id, priority="0")
        self._request(self.fryer, user_id=self.tech2.id, priority="3")
        # tech1: 2 x 0.5 = 1; tech2: 1 x 4 = 4.
        self.assertEqual(self._request(self.fryer).user_id, self.tech1)

    def test_nobody_qualified_is_visible(self):
        oven = self._request(self.oven)
        self.assertFalse(oven.user_id)
        self.assertEqual(oven.boh_dispatch_state, "no_technician")
        self.assertIn(oven, self.Request.search([("boh_dispatch_state", "=", "no_technician")]))

    def test_manager_override(self):
        repair = self._request(self.fryer)
        repair.user_id = self.tech3
        self.assertEqual(repair.boh_dispatch_state, "manual")
        repair.action_boh_dispatch()
        self.assertEqual(repair.boh_dispatch_state, "auto")

    def test_sla_timers_and_overdue_cron(self):
        with freeze_time("2026-11-25 10:00:00"):
            repair = self._request(self.fryer, boh_urgency="urgent")
            self.assertEqual(repair.priority, "3")
            self.assertEqual(repair.boh_response_deadline, datetime(2026, 11, 25, 11, 0))
            self.assertEqual(repair.boh_resolution_deadline, datetime(2026, 11, 25, 18, 0))
            self.assertEqual(repair.boh_sla_state, "on_track")
        with freeze_time("2026-11-25 12:00:00"):
            repair.invalidate_recordset()
            self.assertEqual(repair.boh_sla_state, "response_late")
            self.assertIn(repair, self.Request.search([("boh_is_overdue", "=", True)]))
            repair.stage_id = self.progress_stage
            self.assertEqual(repair.boh_first_response_at, datetime(2026, 11, 25, 12, 0))
        with freeze_time("2026-11-25 19:00:00"):
            repair.invalidate_recordset()
            self.assertEqual(repair.boh_sla_state, "overdue")
            self.Request._cron_boh_notify_overdue()
            activities = repair.activity_ids
            self.assertEqual(len(activities), 1)
            self.assertEqual(activities.user_id, self.manager_a)
            self.assertTrue(repair.boh_overdue_notified)
            self.Request._cron_boh_notify_overdue()
            self.assertEqual(len(repair.activity_ids), 1, "warned once")
            repair.stage_id = self.done_stage
            repair.invalidate_recordset()
            self.assertEqual(repair.boh_sla_state, "breached")
            self.assertNotIn(repair, self.Request.search([("boh_is_overdue", "=", True)]))

    def test_parts_drawn_from_store_at_cost(self):
        part = self.env["product.product"].create(
            {"name": "Thermostat", "is_storable": True, "standard_price": 5.0}
        )
        stock = self.store_a.lot_stock_id
        self.env["stock.quant"]._update_available_quantity(part, stock, 10)
        self.env["ir.config_parameter"].set_param("boh_maintenance.labour_rate", "30")
        repair = self._request(self.fryer)
        repair.write(
            {
                "duration": 1.5,
                "boh_part_line_ids": [Command.create({"product_id": part.id, "quantity": 2})],
            }
        )
        repair.stage_id = self.done_stage
        line = repair.boh_part_line_ids
        self.assertEqual(line.move_id.state, "done")
        self.assertEqual(line.move_id.location_id, stock)
        self.assertEqual(part.with_context(location=stock.id).qty_available, 8)
        self.assertEqual(line.unit_cost, 5.0)
        self.assertEqual(repair.boh_parts_cost, 10.0)
        self.assertEqual(repair.boh_labour_cost, 45.0)
        self.assertTrue(repair.boh_done_at)
        self.assertEqual(self.fryer.boh_repair_cost, 55.0)
        self.assertAlmostEqual(self.fryer.boh_repair_cost_ratio, 2.75)

    def test_reliability_without_failures_is_unknown_not_zero(self):
        with freeze_time("2026-11-20 08:00:00"):
            self.assertFalse(self.fryer.boh_mttr_known, "no repair: MTTR undefined")
            self.assertFalse(self.fryer.boh_mtbf_known, "no failure: MTBF undefined")
            self.assertFalse(self.cat_fryer.boh_mtbf_known)
            request = self._request(self.fryer)
            self.fryer.invalidate_recordset()
            self.assertTrue(self.fryer.boh_mtbf_known, "one failure: MTBF defined")
            self.assertFalse(self.fryer.boh_mttr_known, "still open: no repair yet")
        with freeze_time("2026-11-20 12:00:00"):
            request.stage_id = self.done_stage
            self.fryer.invalidate_recordset()
            self.assertTrue(self.fryer.boh_mttr_known)
            self.assertTrue(self.store_a.boh_mttr_known)

    def test_history_mttr_and_repeat_failures(self):
        self.env["ir.config_parameter"].set_param("boh_maintenance.repeat_count", "2")
        with freeze_time("2026-11-20 08:00:00"):
            first = self._request(self.fryer)
        with freeze_time("2026-11-20 12:00:00"):
            first.stage_id = self.done_stage
        with freeze_time("2026-11-22 08:00:00"):
            second = self._request(self.fryer)
            self.assertIn(first, second.boh_history_ids)
            self.assertIn("Repeat failure", self.fryer.message_ids[0].body)
            self.fryer.invalidate_recordset()
            self.assertAlmostEqual(self.fryer.boh_mttr_hours, 4.0)
            self.assertEqual(self.fryer.boh_failure_count, 2)
            self.assertAlmostEqual(self.cat_fryer.boh_mttr_hours, 4.0)
            self.assertEqual(self.store_a.boh_failure_count, 2)
            # MTBF: a year less the 4 h repair and the 0 h of the open request, over 2.
            self.assertAlmostEqual(self.fryer.boh_mtbf_hours, (365 * 24 - 4) / 2, delta=0.01)
        with freeze_time("2026-11-23 08:00:00"):
            self._request(self.fryer)
        warnings = [body for body in self.fryer.message_ids.mapped("body") if "Repeat" in body]
        self.assertEqual(len(warnings), 1, "warned when the count reached the limit, once")
        # an alert someone must act on: a flag (one per machine) with a to-do for the
        # store's manager, and a filter
        flag = self.env["boh.flag"].search(
            [("kind", "=", "repeat_failure"), ("warehouse_id", "=", self.store_a.id)]
        )
        self.assertEqual(len(flag), 1)
        self.assertEqual(flag.cause_key, f"repeat_failure:{self.fryer.id}")
        self.assertEqual(flag.warehouse_id, self.store_a)
        self.assertIn("Repeat failure", flag.name)
        self.assertEqual(flag.observed, 2)
        todo = flag.activity_ids
        self.assertEqual(len(todo), 1)
        self.assertEqual(todo.user_id, self.manager_a)
        self.assertIn("Repeat failure", todo.summary)
        evidence = flag.action_open_evidence()
        self.assertEqual(
            self.env["maintenance.request"].search(evidence["domain"]),
            self.env["maintenance.request"].search([("equipment_id", "=", self.fryer.id)]),
        )
        flagged = self.env["maintenance.equipment"].search(
            [("boh_repeat_failure_at", "!=", False), ("id", "in", (self.fryer | self.oven).ids)]
        )
        self.assertEqual(flagged, self.fryer)

    def test_store_manager_sees_only_their_stores(self):
        fryer_repair = self._request(self.fryer)
        oven_repair = self._request(self.oven)
        visible = self.Request.with_user(self.manager_a).search(
            [("id", "in", (fryer_repair | oven_repair).ids)]
        )
        self.assertEqual(visible, fryer_repair)
        with self.assertRaises(AccessError):
            oven_repair.with_user(self.manager_a).read(["name"])

    def test_technician_sees_team_requests(self):
        other_team = self.env["maintenance.team"].create({"name": "Elsewhere"})
        mine = self._request(self.fryer)
        theirs = self._request(self.fryer, maintenance_team_id=other_team.id)
        visible = self.Request.with_user(self.tech3).search([("id", "in", (mine | theirs).ids)])
        self.assertEqual(visible, mine)


@tagged("post_install", "-at_install")
class TestMultiCompany(TransactionCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        make_fixtures(cls)
        cls.company_b = cls.env["res.company"].create({"name": "Other Restaurant Group"})
        cls.team_b = cls.env["maintenance.team"].create(
            {"name": "Techs of B", "company_id": cls.company_b.id}
        )
        cls.equipment_b = cls.env["maintenance.equipment"].create(
            {
                "name": "Fryer of B",
                "company_id": cls.company_b.id,
                "maintenance_team_id": cls.team_b.id,
            }
        )

    def test_other_company_hidden(self):
        Equipment = self.env["maintenance.equipment"].with_user(self.manager_a)
        self.assertFalse(Equipment.search([("id", "=", self.equipment_b.id)]))
        repair = (
            self.env["maintenance.request"]
            .with_company(self.company_b)
            .create({"name": "B broken", "equipment_id": self.equipment_b.id})
        )
        self.assertEqual(repair.company_id, self.company_b)
        self.assertEqual(repair.maintenance_team_id, self.team_b)
        self.assertEqual(repair.boh_dispatch_state, "no_technician")
        Request = self.env["maintenance.request"].with_user(self.manager_a)
        self.assertFalse(Request.search([("id", "=", repair.id)]))
