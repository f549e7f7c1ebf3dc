from freezegun import freeze_time

from odoo.exceptions import AccessError
from odoo.tests import new_test_user, tagged

from .common import SensorCase
from .test_access import suite_models


@tagged("post_install", "-at_install")
class TestSensorIntegration(SensorCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.group = cls.env.ref("boh_maintenance.group_boh_sensor_integration")
        cls.gateway = new_test_user(
            cls.env,
            "boh_sensor_gateway",
            groups="boh_maintenance.group_boh_sensor_integration",
            boh_all_stores=True,
        )
        cls.plain = new_test_user(cls.env, "boh_plain_pusher", groups="base.group_user")
        cls.Reading = cls.env["boh.sensor.reading"]
        cls.env["boh.sensor.threshold"].create(
            {
                "equipment_id": cls.cold_room.id,
                "metric_id": cls.env.ref("boh_maintenance.metric_temperature_c").id,
                "has_max": True,
                "max_value": 5.0,
                "min_duration_minutes": 20,
            }
        )

    def _reading(self, at, value, code=None):
        return {
            "equipment": code or self.cold_room.boh_short_code,
            "metric": "temperature_c",
            "value": value,
            "at": at,
        }

    def test_group_is_an_integration_group(self):
        self.assertEqual(self.group.category_id, self.env.ref("boh_inventory.module_category_boh"))
        # a portal-type user: no back-office rights beyond what the group grants
        self.assertIn(self.env.ref("base.group_portal"), self.group.implied_ids)
        self.assertNotIn(self.env.ref("base.group_user"), self.group.implied_ids)
        self.assertTrue(self.gateway.share)
        self.assertEqual(self.group.api_key_duration, 366)

    @freeze_time("2026-11-25 12:00:00")
    def test_gateway_pushes_and_reads_nothing(self):
        answer = self.Reading.with_user(self.gateway).push_readings(
            [self._reading(f"2026-11-25T10:{m:02d}:00Z", 9.0) for m in (0, 10, 20)]
        )
        self.assertEqual([r["status"] for r in answer["readings"]], ["stored"] * 3)
        readings = self.Reading.search([("equipment_id", "=", self.cold_room.id)])
        self.assertEqual(len(readings), 3)
        repair = self.env["maintenance.request"].search(
            [("equipment_id", "=", self.cold_room.id), ("boh_source", "=", "sensor")]
        )
        self.assertEqual(len(repair), 1, "the breach opened a request")
        self.assertNotIn(self.gateway.partner_id, repair.message_partner_ids)
        # The gateway sees neither that request nor any equipment, nor its own readings.
        # (a portal-type user: no access to maintenance at all)
        with self.assertRaises(AccessError):
            self.env["maintenance.request"].with_user(self.gateway).search([])
        with self.assertRaises(AccessError):
            repair.with_user(self.gateway).read(["name"])
        with self.assertRaises(AccessError):
            self.env["maintenance.equipment"].with_user(self.gateway).search([])
        with self.assertRaises(AccessError):
            self.cold_room.with_user(self.gateway).read(["name"])
        for name in suite_models(self.env):
            with self.subTest(model=name), self.assertRaises(AccessError):
                self.env[name].with_user(self.gateway).search([], limit=1)

    @freeze_time("2026-11-25 12:00:00")
    def test_gateway_keeps_to_its_companies(self):
        other = self.env["res.company"].create({"name": "Another Restaurant Group"})
        foreign = self.env["maintenance.equipment"].create(
            {"name": "Foreign Cold Room", "company_id": other.id}
        )
        answer = self.Reading.with_user(self.gateway).push_readings(
            [
                self._reading("2026-11-25T10:00:00Z", 3.0),
                self._reading("2026-11-25T10:00:00Z", 3.0, code=foreign.boh_short_code),
            ]
        )
        self.assertEqual([r["status"] for r in answer["readings"]], ["stored", "error"])
        self.assertEqual(answer["readings"][1]["errors"][0]["field"], "equipment")
        # A push with errors is kept, in the gateway's name.
        batch = self.env["boh.sensor.batch"].browse(answer["batch"])
        self.assertEqual(batch.user_id, self.gateway)
        self.assertFalse(self.Reading.search([("equipment_id", "=", foreign.id)]))

    @freeze_time("2026-11-25 12:00:00")
    def test_a_claimed_company_in_the_context_is_not_trusted(self):
        other = self.env["res.company"].create({"name": "Claimed Restaurant Group"})
        foreign = self.env["maintenance.equipment"].create(
            {"name": "Claimed Cold Room", "company_id": other.id}
        )
        hostile = self.Reading.with_user(self.gateway).with_context(
            allowed_company_ids=[other.id], boh_dispatching=True
        )
        answer = hostile.push_readings(
            [self._reading("2026-11-25T10:00:00Z", 3.0, code=foreign.boh_short_code)]
        )
        self.assertEqual([r["status"] for r in answer["readings"]], ["error"])
        self.assertFalse(self.Reading.search([("equipment_id", "=", foreign.id)]))

    def test_plain_internal_user_cannot_push(self):
        before = self.env["boh.sensor.batch"].search_count([])
        with self.assertRaises(AccessError):
            self.Reading.with_user(self.plain).push_readings(
                [self._reading("2026-11-25T10:00:00Z", 3.0)]
            )
        self.assertEqual(self.env["boh.sensor.batch"].search_count([]), before, "nothing kept")
        self.assertFalse(self.Reading.search([("equipment_id", "=", self.cold_room.id)]))

    @freeze_time("2026-11-25 12:00:00")
    def test_a_gateway_that_reads_chinese_gets_chinese_errors_with_the_same_code(self):
        bad = self._reading("2026-11-25T10:00:00Z", 9.0)
        bad["value"] = "hot"
        english = self.Reading.with_user(self.gateway).push_readings([bad])["readings"][0]
        self.env["res.lang"]._activate_lang("zh_CN")
        self.gateway.lang = "zh_CN"
        # over XML-RPC the call carries no context: the API user's own language applies
        answer = self.Reading.with_user(self.gateway).with_context(lang=None).push_readings([bad])
        chinese = answer["readings"][0]
        self.assertEqual(chinese["status"], "error")
        self.assertEqual(len(chinese["errors"]), len(english["errors"]))
        for mine, theirs in zip(chinese["errors"], english["errors"], strict=True):
            self.assertEqual(
                (mine["code"], mine["field"], mine["value"]),
                (theirs["code"], theirs["field"], theirs["value"]),
            )
            self.assertRegex(mine["message"], "[\u4e00-\u9fff]")
            self.assertNotEqual(mine["message"], theirs["message"])
        self.assertEqual(chinese["errors"][0]["field"], "value")
        self.assertIn("hot", chinese["errors"][0]["message"])
