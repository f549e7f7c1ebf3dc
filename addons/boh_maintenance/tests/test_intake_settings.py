from odoo.exceptions import AccessError, ValidationError
from odoo.tests import Form, TransactionCase, new_test_user, tagged

from .common import make_fixtures


@tagged("post_install", "-at_install")
class TestIntakeSettings(TransactionCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        make_fixtures(cls)
        cls.Settings = cls.env["boh.maintenance.intake.settings"]
        cls.params = cls.env["ir.config_parameter"].sudo()
        cls.equipment_manager = new_test_user(
            cls.env, "boh_equipment_manager", groups="maintenance.group_equipment_manager"
        )
        cls.plain = new_test_user(cls.env, "boh_plain_settings", groups="base.group_user")
        for key in ("address_limit", "address_minutes", "token_limit", "token_minutes"):
            cls.params.search([("key", "=", f"boh_maintenance.{key}")]).unlink()

    def _param(self, key):
        return self.params.get_param(f"boh_maintenance.{key}")

    def test_manager_reads_and_writes_the_page_limits(self):
        form = Form(self.Settings.with_user(self.manager_a))
        # Nothing set yet: the form shows what the page applies, its defaults.
        self.assertEqual(
            (form.address_limit, form.address_minutes, form.token_limit, form.token_minutes),
            (10, 10, 30, 60),
        )
        form.address_limit = 25
        form.token_minutes = 120
        form.save().action_save()
        self.assertEqual(self._param("address_limit"), "25")
        self.assertEqual(self._param("address_minutes"), "10")
        self.assertEqual(self._param("token_limit"), "30")
        self.assertEqual(self._param("token_minutes"), "120")
        # Values set elsewhere (the administrators' Settings) show up here.
        self.params.set_param("boh_maintenance.token_limit", "7")
        form = Form(self.Settings.with_user(self.equipment_manager))
        self.assertEqual((form.address_limit, form.token_limit), (25, 7))
        form.address_minutes = 30
        form.save().action_save()
        self.assertEqual(self._param("address_minutes"), "30")

    def test_admin_settings_share_the_same_parameters(self):
        self.env["res.config.settings"].create({"boh_intake_address_limit": 4}).execute()
        self.assertEqual(Form(self.Settings).address_limit, 4)

    def test_unreadable_parameter_shows_the_default(self):
        self.params.set_param("boh_maintenance.address_limit", "lots")
        self.params.set_param("boh_maintenance.token_limit", "-3")
        form = Form(self.Settings.with_user(self.manager_a))
        # As the page reads them: unreadable is the default, below one is one.
        self.assertEqual((form.address_limit, form.token_limit), (10, 1))

    def test_limits_must_be_positive_whole_numbers(self):
        cases = [
            ("address_limit", 0, "Reports per Address"),
            ("address_minutes", -5, "Address Window (minutes)"),
            ("token_limit", -1, "Reports per Label"),
            ("token_minutes", 0, "Label Window (minutes)"),
        ]
        for name, value, label in cases:
            with self.subTest(field=name):
                form = Form(self.Settings.with_user(self.manager_a))
                setattr(form, name, value)
                with self.assertRaises(ValidationError) as caught:
                    form.save()
                message = str(caught.exception)
                self.assertIn(label, message)
                self.assertIn(str(value), message)
        self.assertFalse(self._param("address_limit"), "nothing was stored")

    def test_windows_are_at_most_a_day(self):
        # Hits older than a day are purged: a longer window would count only one day.
        form = Form(self.Settings.with_user(self.manager_a))
        form.token_minutes = 1441
        with self.assertRaises(ValidationError) as caught:
            form.save()
        self.assertIn("Label Window (minutes)", str(caught.exception))
        self.assertIn("1441", str(caught.exception))
        form.token_minutes = 1440
        form.save().action_save()
        self.assertEqual(self._param("token_minutes"), "1440")

    def test_only_managers_open_it(self):
        for user in (self.plain, self.tech1):
            with self.subTest(user=user.login), self.assertRaises(AccessError):
                self.Settings.with_user(user).create({"address_limit": 50})
        self.assertFalse(self._param("address_limit"))

    def test_menu_for_managers(self):
        menu = self.env.ref("boh_maintenance.menu_boh_intake_settings")
        self.assertEqual(menu.parent_id, self.env.ref("boh_inventory.menu_boh_config"))
        visible = self.env["ir.ui.menu"].with_user(self.manager_a)._visible_menu_ids()
        self.assertIn(menu.id, visible)
        visible = self.env["ir.ui.menu"].with_user(self.tech1)._visible_menu_ids()
        self.assertNotIn(menu.id, visible)
