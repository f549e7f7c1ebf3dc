from odoo import Command
from odoo.exceptions import AccessError
from odoo.tests import Form, TransactionCase, new_test_user, tagged

from .common import make_fixtures


def suite_models(env):
    """The models boh_maintenance defines (not the core ones it extends)."""
    model_ids = (
        env["ir.model.data"]
        .search([("module", "=", "boh_maintenance"), ("model", "=", "ir.model")])
        .mapped("res_id")
    )
    names = env["ir.model"].browse(model_ids).mapped("model")
    return sorted(name for name in names if name.startswith("boh."))


@tagged("post_install", "-at_install")
class TestAccess(TransactionCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        make_fixtures(cls)
        cls.Request = cls.env["maintenance.request"]
        cls.plain = new_test_user(cls.env, "boh_plain_user", groups="base.group_user")

    def _request(self, equipment, **vals):
        return self.Request.create(
            {"name": "Broken", "equipment_id": equipment.id, "maintenance_type": "corrective"}
            | vals
        )

    def _assert_reads_nothing_of_the_suite(self, user):
        models = suite_models(self.env)
        self.assertGreaterEqual(len(models), 15, models)
        for name in models:
            with self.subTest(model=name, user=user.login):
                with self.assertRaises(AccessError):
                    self.env[name].with_user(user).search([], limit=1)
                with self.assertRaises(AccessError):
                    self.env[name].with_user(user).check_access("read")

    def test_plain_internal_user_reads_nothing_of_the_suite(self):
        self._assert_reads_nothing_of_the_suite(self.plain)

    def test_pos_integration_user_reads_nothing_of_the_suite(self):
        if not self.env.ref("boh_pos_bridge.group_boh_integration", raise_if_not_found=False):
            self.skipTest("boh_pos_bridge is not installed")
        pos = new_test_user(
            self.env,
            "boh_pos_feed",
            groups="boh_pos_bridge.group_boh_integration",
            boh_all_stores=True,
        )
        self._assert_reads_nothing_of_the_suite(pos)
        with self.assertRaises(AccessError):
            self.env["boh.sensor.reading"].with_user(pos).push_readings([])

    def test_plain_user_keeps_the_maintenance_app(self):
        """Odoo lets every employee follow and edit their own requests: the BOH pages that
        need BOH rights are left out of the forms instead of breaking them."""
        repair = self._request(self.fryer)
        repair.message_subscribe(self.plain.partner_id.ids)
        with Form(repair.with_user(self.plain)) as form:
            form.description = "Under the sink"
        self.assertIn("Under the sink", str(repair.description))
        self.fryer.message_subscribe(self.plain.partner_id.ids)
        Form(self.fryer.with_user(self.plain))

    def test_technician_rights(self):
        repair = self._request(self.fryer)
        self.assertEqual(repair.user_id, self.tech1)
        # The equipment form with its thresholds, the request form with its parts.
        Form(self.fryer.with_user(self.tech1))
        part = self.env["product.product"].create({"name": "BOH Gasket", "is_storable": True})
        with Form(repair.with_user(self.tech1)) as form:
            with form.boh_part_line_ids.new() as line:
                line.product_id = part
                line.quantity = 1
        self.assertEqual(repair.boh_part_line_ids.product_id, part)
        self.env["boh.maintenance.scan.wizard"].with_user(self.tech1).check_access("create")
        # Sensors and stock reviews are the managers'.
        for name in ("boh.sensor.reading", "boh.sensor.episode", "boh.stock.review.line"):
            with self.assertRaises(AccessError):
                self.env[name].with_user(self.tech1).search([], limit=1)

    def test_store_manager_in_team_sees_only_their_stores(self):
        self.team.member_ids |= self.manager_a
        fryer_repair = self._request(self.fryer)
        oven_repair = self._request(self.oven)
        both = fryer_repair | oven_repair
        Request = self.Request.with_user(self.manager_a)
        self.assertEqual(Request.search([("id", "in", both.ids)]), fryer_repair)
        with self.assertRaises(AccessError):
            oven_repair.with_user(self.manager_a).read(["name"])
        Equipment = self.env["maintenance.equipment"].with_user(self.manager_a)
        machines = self.fryer | self.cold_room | self.oven
        self.assertEqual(
            Equipment.search([("id", "in", machines.ids)]), self.fryer | self.cold_room
        )
        with self.assertRaises(AccessError):
            self.oven.with_user(self.manager_a).read(["name"])

    def test_technicians_keep_their_team_scope(self):
        fryer_repair = self._request(self.fryer)
        oven_repair = self._request(self.oven)
        both = fryer_repair | oven_repair
        self.assertEqual(self.Request.with_user(self.tech3).search([("id", "in", both.ids)]), both)
        # A technician attached to a store (not a manager) still works for the whole team.
        self.tech3.boh_all_stores = False
        self.tech3.boh_warehouse_ids = self.store_a
        self.assertEqual(self.Request.with_user(self.tech3).search([("id", "in", both.ids)]), both)
        self.assertEqual(
            self.env["maintenance.equipment"]
            .with_user(self.tech3)
            .search([("id", "in", (self.fryer | self.oven).ids)]),
            self.fryer | self.oven,
        )
        # A BOH manager without stores who works in the team is a technician too.
        chief = new_test_user(
            self.env,
            "boh_chief_tech",
            groups="base.group_user,boh_inventory.group_boh_manager",
            boh_all_stores=True,
        )
        self.team.member_ids |= chief
        self.assertEqual(self.Request.with_user(chief).search([("id", "in", both.ids)]), both)

    def test_review_lines_follow_the_store_of_their_review(self):
        Location = self.env["stock.location"]
        product = self.env["product.product"].create({"name": "BOH Salmon"})
        reviews = self.env["boh.stock.review"]
        for machine, store in ((self.cold_room, self.store_a), (self.oven, self.store_b)):
            location = Location.create({"name": "Cold", "location_id": store.lot_stock_id.id})
            reviews |= reviews.create(
                {
                    "name": f"Check {machine.name}",
                    "company_id": self.env.company.id,
                    "equipment_id": machine.id,
                    "location_id": location.id,
                    "line_ids": [Command.create({"product_id": product.id, "quantity": 3})],
                }
            )
        mine, theirs = reviews
        Line = self.env["boh.stock.review.line"].with_user(self.manager_a)
        self.assertEqual(Line.search([("id", "in", reviews.line_ids.ids)]), mine.line_ids)
        with self.assertRaises(AccessError):
            theirs.line_ids.with_user(self.manager_a).read(["quantity"])
        self.assertEqual(mine.line_ids.with_user(self.manager_a).quantity, 3)

    def test_fields_the_suite_records_are_not_written_by_hand(self):
        repair = self._request(self.fryer)
        as_tech = repair.with_user(self.tech1)
        for field_name, value in (
            ("boh_first_response_at", "2026-01-01 08:00:00"),
            ("boh_done_at", "2026-01-01 09:00:00"),
            ("boh_reported_at", "2020-01-01 00:00:00"),
            ("boh_dispatch_state", "auto"),
            ("boh_reference", "MR/FORGED"),
        ):
            with self.subTest(field=field_name), self.assertRaises(AccessError):
                as_tech.write({field_name: value})
        with self.assertRaises(AccessError):
            self.env["maintenance.request"].with_user(self.tech1).create(
                {
                    "name": "Backdated",
                    "equipment_id": self.fryer.id,
                    "boh_reported_at": "2020-01-01",
                }
            )
        # the suite still records them when the work moves on
        as_tech.stage_id = self.env.ref("maintenance.stage_1")
        self.assertTrue(repair.boh_first_response_at)
