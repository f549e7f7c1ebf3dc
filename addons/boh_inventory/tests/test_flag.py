from datetime import date, datetime
from unittest.mock import patch

from odoo import Command, fields
from odoo.exceptions import AccessError, UserError
from odoo.tests import TransactionCase, new_test_user, tagged

from boh_core.exceptions import SETTINGS, Finding


def sales_finding(item, observed=140.0, score=7.0, day=date(2026, 3, 2), store=None):
    return Finding(
        kind="sales",
        key=(store or 0, item),
        start=day,
        end=day,
        observed=observed,
        expected=80.0,
        low=60.0,
        high=100.0,
        score=score,
        unit="Units",
        detail={"method": "robust z"},
    )


def drift_finding(key, start, end):
    return Finding(
        kind="sensor_drift",
        key=key,
        start=start,
        end=end,
        observed=6.5,
        expected=3.0,
        low=1.0,
        high=5.0,
        score=5.0,
        unit="°C",
    )


@tagged("post_install", "-at_install")
class TestFlag(TransactionCase):
    """From a finding to a flag, its to-do, its acknowledgement, per role."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        env = cls.env
        cls.Flag = env["boh.flag"]
        company = env.company
        cls.store_a = env["stock.warehouse"].create(
            {"name": "Flag Store A", "code": "FLA", "company_id": company.id}
        )
        cls.store_b = env["stock.warehouse"].create(
            {"name": "Flag Store B", "code": "FLB", "company_id": company.id}
        )
        cls.manager_a = new_test_user(
            env, login="flag_manager_a", groups="boh_inventory.group_boh_manager",
            email="a@example.com",
        )  # fmt: skip
        cls.manager_a.boh_warehouse_ids = cls.store_a
        cls.manager_b = new_test_user(
            env, login="flag_manager_b", groups="boh_inventory.group_boh_manager",
            email="b@example.com",
        )  # fmt: skip
        cls.manager_b.boh_warehouse_ids = cls.store_b
        cls.cook = new_test_user(env, login="flag_cook", groups="boh_inventory.group_boh_user")
        cls.cook.boh_warehouse_ids = cls.store_a
        cls.admin = env.ref("base.user_admin")

    def raise_sales(self, *findings):
        stores = {f.key: f.key[0] for f in findings}
        return self.Flag._raise_findings(list(findings), stores=stores)

    def test_the_settings_show_the_thresholds_the_detectors_use(self):
        params = self.env["ir.config_parameter"].sudo()
        for family in ("sales", "feed", "usage", "price", "count", "sensor", "labour"):
            params.set_param(f"boh_inventory.flag_threshold_{family}", False)
        form = self.env["res.config.settings"].create({})
        used = self.Flag._flag_thresholds()
        self.assertEqual(form.boh_flag_threshold_usage, used["usage"])
        self.assertEqual(form.boh_flag_threshold_price, used["price"])
        self.assertEqual(form.boh_flag_threshold_count, used["count"])
        self.assertEqual(form.boh_flag_threshold_feed, used["feed_silent"])
        self.assertEqual(used["price"], SETTINGS["price"]().z)
        # saved as shown, the passes keep the same thresholds
        form.execute()
        self.assertEqual(self.Flag._flag_thresholds(), used)

    def test_a_repeat_finding_updates_its_open_flag_instead_of_raising_another(self):
        first = self.raise_sales(sales_finding(1, store=self.store_a.id))
        again = self.raise_sales(
            sales_finding(
                1, observed=150.0, score=8.0, day=date(2026, 3, 3), store=self.store_a.id
            ),
            sales_finding(2, store=self.store_a.id),
        )
        self.assertIn(first, again)
        self.assertEqual(self.Flag.search_count([("cause_key", "=", first.cause_key)]), 1)
        self.assertEqual(first.seen_count, 2)
        self.assertEqual((first.observed, first.score), (150.0, 8.0))
        self.assertEqual(first.start, datetime(2026, 3, 2))
        self.assertEqual(first.end, datetime(2026, 3, 3))
        self.assertEqual(self.Flag.search_count([("warehouse_id", "=", self.store_a.id)]), 2)

    def test_repeats_of_a_cause_in_one_batch_make_one_flag(self):
        store = self.store_a.id
        flag = self.raise_sales(
            sales_finding(3, observed=150.0, day=date(2026, 3, 5), store=store),
            sales_finding(3, observed=120.0, day=date(2026, 3, 1), store=store),
        )
        self.assertEqual(len(flag), 1)
        self.assertEqual(flag.observed, 150.0, "the latest finding's values")
        self.assertEqual((flag.start, flag.end), (datetime(2026, 3, 1), datetime(2026, 3, 5)))

    def test_a_new_flag_gives_its_store_manager_a_todo(self):
        flag = self.raise_sales(sales_finding(1, store=self.store_a.id))
        self.assertEqual(flag.user_id, self.manager_a)
        self.assertEqual(flag.activity_ids.user_id, self.manager_a)
        self.assertEqual(flag.company_id, self.store_a.company_id)
        self.assertEqual(flag.name, "Sales")
        self.assertEqual(flag.place, "Flag Store A")

    def test_a_store_manager_sees_their_stores_flags_only(self):
        flag_a = self.raise_sales(sales_finding(1, store=self.store_a.id))
        flag_b = self.raise_sales(sales_finding(1, store=self.store_b.id))
        seen = self.Flag.with_user(self.manager_a).search([])
        self.assertIn(flag_a, seen)
        self.assertNotIn(flag_b, seen)
        self.assertEqual(
            self.Flag.with_user(self.admin).search([]) & (flag_a | flag_b), flag_a | flag_b
        )

    def test_a_cook_neither_sees_nor_acknowledges_flags(self):
        flag = self.raise_sales(sales_finding(1, store=self.store_a.id))
        with self.assertRaises(AccessError):
            self.Flag.with_user(self.cook).search([])
        with self.assertRaises(AccessError):
            flag.with_user(self.cook).action_acknowledge()
        with self.assertRaises(AccessError):
            self.env["boh.flag.acknowledge"].with_user(self.cook).create(
                {"flag_ids": [Command.set(flag.ids)], "cause": "known"}
            )

    def test_nobody_sets_a_flags_values_by_hand(self):
        flag = self.raise_sales(sales_finding(1, store=self.store_a.id))
        with self.assertRaises(AccessError):
            flag.with_user(self.manager_a).write({"state": "acknowledged"})
        with self.assertRaises(AccessError):
            flag.with_user(self.manager_a).write({"score": 0.0})

    def acknowledge(self, flags, user, cause, **values):
        wizard = (
            self.env["boh.flag.acknowledge"]
            .with_user(user)
            .create({"flag_ids": [Command.set(flags.ids)], "cause": cause, **values})
        )
        return wizard.action_confirm()

    def test_acknowledging_a_false_alarm_widens_the_series_band(self):
        flag = self.raise_sales(sales_finding(1, store=self.store_a.id))
        key = (self.store_a.id, 1)
        self.assertEqual(self.env["boh.flag.band"]._scales("sales", [key]), {key: 1.0})
        self.acknowledge(flag, self.manager_a, "false_alarm", note="a wedding next door")
        self.assertEqual(flag.state, "acknowledged")
        self.assertEqual(flag.ack_user_id, self.manager_a)
        self.assertFalse(
            self.env["mail.activity"].search(
                [("res_model", "=", "boh.flag"), ("res_id", "=", flag.id)]
            )
        )
        widened = self.env["boh.flag.band"]._scales("sales", [key])[key]
        self.assertGreater(widened, 1.0)
        # the cause flags again: a new flag (the old one is closed), and a known cause
        # leaves the band as it is
        again = self.raise_sales(sales_finding(1, store=self.store_a.id))
        self.assertNotEqual(again, flag)
        self.acknowledge(again, self.manager_a, "known")
        self.assertEqual(self.env["boh.flag.band"]._scales("sales", [key])[key], widened)

    def test_a_temperature_flag_needs_the_haccp_corrective_action(self):
        finding = drift_finding(("FR1",), datetime(2026, 3, 2, 1), datetime(2026, 3, 2, 3))
        flag = self.Flag._raise_findings([finding], stores={("FR1",): self.store_a.id})
        with self.assertRaises(UserError):
            self.acknowledge(flag, self.manager_a, "fixed")
        self.assertEqual(flag.state, "open")
        self.acknowledge(flag, self.manager_a, "fixed", haccp_action="Chicken thrown away")
        self.assertEqual(flag.haccp_action, "Chicken thrown away")

    def test_a_cold_room_flag_at_night_goes_to_the_on_call_person(self):
        oncall = new_test_user(self.env, login="flag_oncall", groups="base.group_user")
        params = self.env["ir.config_parameter"].sudo()
        params.set_param("boh_inventory.flag_oncall_user_id", oncall.id)
        self.store_a.partner_id.tz = "Asia/Shanghai"
        finding = drift_finding(("FR2",), datetime(2026, 3, 2, 17), datetime(2026, 3, 2, 18))
        # 18:00 UTC is 02:00 in Shanghai: night
        with patch.object(fields.Datetime, "now", return_value=datetime(2026, 3, 2, 18)):
            flag = self.Flag._raise_findings([finding], stores={("FR2",): self.store_a.id})
        self.assertEqual(flag.escalated_user_id, oncall)
        self.assertEqual(flag.activity_ids.user_id, self.manager_a | oncall)
        self.assertIn(oncall.partner_id, flag.message_ids.partner_ids)
        # 04:00 UTC is noon in Shanghai: the manager's to-do only
        day = drift_finding(("FR3",), datetime(2026, 3, 2, 2), datetime(2026, 3, 2, 4))
        with patch.object(fields.Datetime, "now", return_value=datetime(2026, 3, 2, 4)):
            flag = self.Flag._raise_findings([day], stores={("FR3",): self.store_a.id})
        self.assertFalse(flag.escalated_user_id)
        self.assertEqual(flag.activity_ids.user_id, self.manager_a)

    def test_the_digest_reaches_each_manager_in_their_language(self):
        self.env["res.lang"]._activate_lang("zh_CN")
        self.env["ir.module.module"]._load_module_terms(
            ["boh_inventory"], ["zh_CN"], overwrite=True
        )
        self.manager_b.lang = "zh_CN"
        self.raise_sales(sales_finding(1, store=self.store_a.id))
        self.raise_sales(sales_finding(1, store=self.store_b.id))
        before = self.env["mail.mail"].search([])
        self.Flag._cron_send_digest()
        mails = self.env["mail.mail"].search([]) - before
        by_to = {mail.email_to: mail for mail in mails}
        mail_a = next(m for to, m in by_to.items() if "a@example.com" in to)
        mail_b = next(m for to, m in by_to.items() if "b@example.com" in to)
        self.assertIn("Flag Store A", mail_a.body_html)
        self.assertNotIn("Flag Store B", mail_a.body_html)
        self.assertIn("These flags of your stores are open", mail_a.body_html)
        self.assertIn("Flag Store B", mail_b.body_html)
        self.assertIn("您门店的这些标记尚未处理", mail_b.body_html)
        self.assertIn("销售", mail_b.body_html)
        self.assertIn("个未处理的标记", mail_b.subject)
