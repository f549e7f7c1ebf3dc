import re

from odoo import Command
from odoo.tests import HttpCase, TransactionCase, new_test_user


def make_fixtures(cls):
    """Stores, a team with technicians holding skills, categories and equipment.

    Long because it builds the one small restaurant world every test of this module shares, in the
    order its records depend on each other; split, its parts would only be called here, in this
    order.
    """
    env = cls.env
    company = env.company
    cls.store_a = env["stock.warehouse"].create(
        {"name": "Store <A>", "code": "BSA", "company_id": company.id}
    )
    cls.store_b = env["stock.warehouse"].create(
        {"name": "Store B", "code": "BSB", "company_id": company.id}
    )
    skill_type = env["hr.skill.type"].create(
        {
            "name": "Kitchen Equipment",
            "skill_ids": [
                Command.create({"name": "Gas"}),
                Command.create({"name": "Refrigeration"}),
            ],
            "skill_level_ids": [Command.create({"name": "Certified", "level_progress": 100})],
        }
    )
    cls.skill_gas, cls.skill_cold = skill_type.skill_ids
    cls.skill_electric = env["hr.skill"].create(
        {"name": "Electric", "skill_type_id": skill_type.id}
    )
    level = skill_type.skill_level_ids
    groups = "base.group_user,boh_inventory.group_boh_user"
    cls.tech1 = new_test_user(env, "boh_tech1", groups=groups, name="Tech One", boh_all_stores=True)
    cls.tech2 = new_test_user(env, "boh_tech2", groups=groups, name="Tech Two", boh_all_stores=True)
    cls.tech3 = new_test_user(
        env, "boh_tech3", groups=groups, name="Tech Three", boh_all_stores=True
    )
    for user, skills in (
        (cls.tech1, cls.skill_gas),
        (cls.tech2, cls.skill_gas | cls.skill_cold),
        (cls.tech3, env["hr.skill"]),
    ):
        env["hr.employee"].create(
            {
                "name": user.name,
                "user_id": user.id,
                "company_id": company.id,
                "employee_skill_ids": [
                    Command.create(
                        {
                            "skill_id": skill.id,
                            "skill_type_id": skill_type.id,
                            "skill_level_id": level.id,
                        }
                    )
                    for skill in skills
                ],
            }
        )
    cls.manager_a = new_test_user(
        env,
        "boh_store_manager_a",
        groups="base.group_user,boh_inventory.group_boh_manager",
        name="Manager A",
    )
    cls.manager_a.boh_all_stores = False
    cls.manager_a.boh_warehouse_ids = cls.store_a
    cls.team = env["maintenance.team"].create(
        {
            "name": "Kitchen Techs",
            "company_id": company.id,
            "member_ids": [Command.set((cls.tech1 | cls.tech2 | cls.tech3).ids)],
        }
    )
    Category = env["maintenance.equipment.category"]
    cls.cat_fryer = Category.create(
        {
            "name": "Fryers",
            "boh_code_prefix": "FRY",
            "boh_skill_ids": [Command.set(cls.skill_gas.ids)],
        }
    )
    cls.cat_cold = Category.create(
        {"name": "Cold Rooms", "boh_code_prefix": "CLD", "boh_skill_ids": cls.skill_cold.ids}
    )
    cls.cat_oven = Category.create(
        {"name": "Ovens", "boh_code_prefix": "OVN", "boh_skill_ids": cls.skill_electric.ids}
    )
    Equipment = env["maintenance.equipment"]
    cls.fryer = Equipment.create(
        {
            "name": "Fryer <b>1</b>",
            "category_id": cls.cat_fryer.id,
            "boh_store_id": cls.store_a.id,
            "maintenance_team_id": cls.team.id,
            "cost": 2000.0,
        }
    )
    cls.cold_room = Equipment.create(
        {
            "name": "Cold Room",
            "category_id": cls.cat_cold.id,
            "boh_store_id": cls.store_a.id,
            "maintenance_team_id": cls.team.id,
        }
    )
    cls.oven = Equipment.create(
        {
            "name": "Oven B",
            "category_id": cls.cat_oven.id,
            "boh_store_id": cls.store_b.id,
            "maintenance_team_id": cls.team.id,
        }
    )


class SensorCase(TransactionCase):
    """The fixtures, with the registry in test mode: a push that fails is kept through a
    cursor of its own, which must share the test's transaction."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.registry.enter_test_mode(cls.cr)
        cls.addClassCleanup(cls.registry.leave_test_mode)
        make_fixtures(cls)
        cls.Reading = cls.env["boh.sensor.reading"]
        cls.temperature = cls.env.ref("boh_maintenance.metric_temperature_c")

    @classmethod
    def _cold_room_threshold(cls):
        """The cold room's temperature range: 0-5 °C, a breach counting after 20 minutes."""
        return cls.env["boh.sensor.threshold"].create(
            {
                "equipment_id": cls.cold_room.id,
                "metric_id": cls.temperature.id,
                "has_min": True,
                "min_value": 0.0,
                "has_max": True,
                "max_value": 5.0,
                "min_duration_minutes": 20,
            }
        )


class IntakeCase(HttpCase):
    """The fixtures and the fryer's repair page, with its form's CSRF token at hand."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        make_fixtures(cls)
        cls.token = cls.fryer._boh_issue_tokens()[cls.fryer.id]
        cls.url = f"/boh/repair/{cls.token}"

    def _csrf(self, url=None, headers=None):
        """The CSRF token of the page's form (the page must answer 200)."""
        response = self.url_open(url or self.url, headers=headers)
        self.assertEqual(response.status_code, 200)
        match = re.search(r'name="csrf_token" value="([^"]+)"', response.text)
        self.assertTrue(match, "the form carries a CSRF token")
        return match.group(1)
