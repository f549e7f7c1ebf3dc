"""The public repair page against hostile visitors: markup, odd bodies, forged fields."""

import json
import re
from html import unescape
from unittest.mock import patch

from markupsafe import escape

import odoo
from odoo.tests import Form, tagged

from boh_core.maintenance.tokens import new_token

from .common import IntakeCase
from .test_intake import _zip_named_png

HOSTILE = {
    "description": '"><script>alert("d")</script><img src=x onerror=alert(2)> oil cold',
    "reporter_name": "'><script>alert('n')</script>",
    "reporter_phone": '"><svg onload=alert(3)>',
    "symptom": '"><script>alert(4)',
}
#: Raw markup that must never come back from a hostile field.
RAW = ("<script", "<img src=x", "<svg onload")
FORWARDED = {"X-Forwarded-For": "203.0.113.7", "X-Forwarded-Host": "intake.example.com"}


def visible_text(html):
    """The words a person sees on a page: no head, no tags, entities decoded."""
    body = re.sub(r"(?s)<head>.*</head>", " ", html)
    return " ".join(unescape(re.sub(r"<[^>]+>", " ", body)).split())


@tagged("post_install", "-at_install")
class TestHostileIntake(IntakeCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.Hit = cls.env["boh.maintenance.intake.hit"]
        # Probes count against the address too: room for the probes of one test.
        cls.env["ir.config_parameter"].set_param("boh_maintenance.address_limit", "100")

    def _post(self, data=None, files=None, headers=None):
        payload = {"description": "Oil not heating", "urgency": "normal"}
        payload.update(data or {})
        payload["csrf_token"] = self._csrf()
        return self.url_open(self.url, data=payload, files=files, headers=headers)

    def _requests(self):
        """The fryer's requests, once the filing job has filed what the page stored."""
        self.env["boh.maintenance.intake.report"]._cron_file_reports()
        return self.env["maintenance.request"].search([("equipment_id", "=", self.fryer.id)])

    def _assert_no_raw_markup(self, text, where):
        for raw in RAW:
            self.assertNotIn(raw, text.lower(), f"{raw} in {where}")

    def test_markup_in_every_field_is_escaped_everywhere(self):
        # A refused photo re-displays the form with what was typed.
        response = self._post(HOSTILE, files={"photo": ("a.png", _zip_named_png(), "image/png")})
        self.assertEqual(response.status_code, 400)
        self._assert_no_raw_markup(response.text, "the re-displayed form")
        for name in ("description", "reporter_name", "reporter_phone"):
            self.assertIn(str(escape(HOSTILE[name])), response.text, name)
        self.assertNotIn("selected", response.text, "no symptom matches the forged one")
        self.assertFalse(self._requests())

        response = self._post(HOSTILE)
        self.assertEqual(response.status_code, 200, response.text)
        self._assert_no_raw_markup(response.text, "the answer page")
        self.assertNotIn("alert(", response.text)
        repair = self._requests()
        self.assertEqual(len(repair), 1)
        self._assert_no_raw_markup(str(repair.description), "the description")
        self.assertIn("&lt;script&gt;alert(", str(repair.description))
        # Text fields keep the text as typed (shown escaped by the web client).
        self.assertEqual(repair.boh_reporter_name, HOSTILE["reporter_name"])
        self.assertEqual(repair.boh_reporter_phone, HOSTILE["reporter_phone"])
        self.assertEqual(repair.name, HOSTILE["description"][:80])

        # The chatter was written by the filing job.
        messages = self.env["mail.message"].search(
            [("model", "=", "maintenance.request"), ("res_id", "=", repair.id)]
        )
        self.assertTrue(messages, "the filing job wrote the chatter")
        bodies = [str(body) for body in messages.mapped("body")]
        mails = self.env["mail.mail"].search([("mail_message_id", "in", messages.ids)])
        bodies += [str(body) for body in mails.mapped("body_html")]
        for body in bodies:
            self._assert_no_raw_markup(body, "the chatter")
        # Not vacuous: the technician's assignment notice names the request, escaped.
        self.assertTrue([body for body in bodies if "&lt;script&gt;alert(" in body], bodies)

    def test_wrong_content_types_get_a_clean_400(self):
        csrf = self._csrf()
        fields = {"description": "Oil cold", "csrf_token": csrf}
        bodies = [
            ("application/json", json.dumps(fields)),
            ("application/json", json.dumps({"jsonrpc": "2.0", "params": fields})),
            ("text/plain", "description=Oil+cold&csrf_token=" + csrf),
            ("application/xml", "<report><description>Oil cold</description></report>"),
        ]
        for content_type, body in bodies:
            with self.subTest(content_type=content_type):
                response = self.url_open(
                    self.url, data=body, headers={"Content-Type": content_type}
                )
                self.assertEqual(response.status_code, 400)
                self.assertIn("This form has expired", response.text)
                self.assertNotIn("Traceback", response.text)
                self.assertNotIn("Odoo Server Error", response.text)
        self.assertFalse(self._requests())

    def _address_hits(self, key):
        return self.Hit.search_count([("kind", "=", "address"), ("key", "=", key)])

    def test_forwarded_address_only_in_proxy_mode(self):
        with patch.dict(odoo.tools.config.options, {"proxy_mode": False}):
            self.assertEqual(self._post(headers=FORWARDED).status_code, 200)
        self.assertEqual(self._address_hits("203.0.113.7"), 0, "a header anyone can send")
        self.assertEqual(self._address_hits("127.0.0.1"), 1)
        self.env["ir.config_parameter"].set_param("boh_maintenance.address_limit", "2")
        with patch.dict(odoo.tools.config.options, {"proxy_mode": True}):
            # Odoo 18 applies the forwarded headers only with X-Forwarded-Host.
            statuses = [
                self._post({"description": f"burst {i}"}, headers=FORWARDED).status_code
                for i in range(3)
            ]
            other = dict(FORWARDED, **{"X-Forwarded-For": "198.51.100.9"})
            other_status = self._post(headers=other).status_code
        self.assertEqual(statuses, [200, 200, 429], "counted per forwarded address")
        self.assertEqual(other_status, 200, "another client behind the proxy is not blocked")
        self.assertEqual(self._address_hits("203.0.113.7"), 2)
        self.assertEqual(self._address_hits("198.51.100.9"), 1)
        self.assertEqual(self._address_hits("127.0.0.1"), 1, "the proxy itself is not counted")
        self.assertEqual(len(self._requests()), 4)

    def test_extra_fields_are_ignored(self):
        self.assertEqual(self._post({"description": "Oil cold"}).status_code, 200)
        plain = self._requests()
        other_company = self.env["res.company"].create({"name": "Forged Company"})
        other_team = self.env["maintenance.team"].create({"name": "Forged Team"})
        admin = self.env.ref("base.user_admin")
        forged = {
            "description": "Oil cold",
            "equipment_id": self.oven.id,
            "user_id": admin.id,
            "owner_user_id": admin.id,
            "company_id": other_company.id,
            "stage_id": self.env.ref("maintenance.stage_3").id,
            "maintenance_team_id": other_team.id,
            "priority": "0",
            "name": "Forged title",
            "boh_source": "sensor",
            "boh_reference": "HACK-0001",
            "boh_dispatch_state": "manual",
            "archive": "1",
            "duration": "99",
            "kanban_state": "done",
            "model": "res.users",
            "id": admin.id,
        }
        response = self._post(forged)
        self.assertEqual(response.status_code, 200, response.text)
        repair = self._requests() - plain
        self.assertEqual(len(repair), 1)
        self.assertFalse(
            self.env["maintenance.request"].search([("equipment_id", "=", self.oven.id)])
        )
        compared = [
            "equipment_id",
            "company_id",
            "maintenance_team_id",
            "stage_id",
            "priority",
            "name",
            "boh_source",
            "boh_dispatch_state",
            "owner_user_id",
            "archive",
            "duration",
            "kanban_state",
        ]
        self.assertEqual([repair[name] for name in compared], [plain[name] for name in compared])
        self.assertIn(repair.user_id, self.tech1 | self.tech2)
        self.assertNotEqual(repair.boh_reference, "HACK-0001")
        self.assertNotIn("HACK", response.text)

    def test_answer_page_shows_only_equipment_store_and_reference(self):
        response = self._post({"description": "Oil cold", "reporter_name": "Ann"})
        self.assertEqual(response.status_code, 200)
        repair = self._requests()
        text = visible_text(response.text)
        for value in (self.fryer.name, self.store_a.name, repair.boh_reference):
            self.assertIn(value, text)
            text = text.replace(value, " ")
        template_words = (
            "Thank you, your request was sent · Your reference: A technician will take care "
            "of it. Give this reference if you call."
        )
        self.assertEqual(text.split(), template_words.split(), "nothing else is shown")
        for tag in ("<a ", "<form", "<input", "<script", "<img", "<iframe", "<link"):
            self.assertNotIn(tag, response.text)
        for secret in (
            self.team.name,
            repair.user_id.name,
            repair.user_id.login,
            self.env.company.name,
            self.fryer.boh_short_code,
            "Ann",
            "/odoo/",
            f"id={repair.id}",
        ):
            self.assertNotIn(secret, response.text)

    def test_other_tokens_and_paths_reveal_nothing(self):
        unknown = self.url_open(f"/boh/repair/{new_token()}")
        self.assertEqual(unknown.status_code, 404)
        oven_token = self.oven._boh_issue_tokens()[self.oven.id]
        guesses = [
            self.fryer.boh_short_code,
            self.oven.boh_short_code,
            str(self.fryer.id),
            self.token[:-1],
            self.token + "0",
            self.token.swapcase(),
            f"{self.token} ",
            "..%2F..%2Fweb%2Flogin",
        ]
        for guess in guesses:
            with self.subTest(guess=guess):
                response = self.url_open(f"/boh/repair/{guess}")
                self.assertEqual(response.status_code, 404)
                if response.text != unknown.text:
                    # Not our route at all: Odoo's own 404 page, with no form of ours.
                    self.assertNotIn('name="csrf_token"', response.text)
                for name in (self.fryer.name, self.oven.name, self.store_a.name, "Store B"):
                    self.assertNotIn(name, response.text)
        for path in (f"{self.url}/edit", f"{self.url}/{oven_token}", "/boh/repair/"):
            with self.subTest(path=path):
                response = self.url_open(path)
                self.assertNotEqual(response.status_code, 200)
                self.assertNotIn("Fryer", response.text)
                self.assertNotIn("Oven", response.text)
        # Query parameters cannot point the page at other equipment.
        response = self.url_open(f"{self.url}?equipment_id={self.oven.id}&token={oven_token}")
        self.assertEqual(response.status_code, 200)
        self.assertNotIn("Oven", response.text)
        # Posting with a valid session to guessed tokens files nothing.
        Report = self.env["boh.maintenance.intake.report"]
        before = (self.env["maintenance.request"].search_count([]), Report.search_count([]))
        csrf = self._csrf()
        for guess in guesses[:4]:
            response = self.url_open(
                f"/boh/repair/{guess}", data={"description": "x", "csrf_token": csrf}
            )
            self.assertEqual(response.status_code, 404)
            self.assertEqual(response.text, unknown.text)
        after = (self.env["maintenance.request"].search_count([]), Report.search_count([]))
        self.assertEqual(after, before)

    def test_page_in_chinese(self):
        self.env["res.lang"]._activate_lang("zh_CN")
        self.env["ir.module.module"]._load_module_terms(
            ["boh_maintenance"], ["zh_CN"], overwrite=True
        )
        response = self.url_open(self.url, headers={"Accept-Language": "zh-CN,zh;q=0.9"})
        self.assertEqual(response.status_code, 200)
        self.assertIn('lang="zh-CN"', response.text)
        # From i18n/zh_CN.po: "What is wrong?" and the "Send" button.
        self.assertIn("出了什么问题？", response.text)
        self.assertIn("提交", response.text)
        response = self.url_open(self.url, headers={"Accept-Language": "en-US,en;q=0.8"})
        self.assertIn("What is wrong?", response.text)
        self.assertNotIn("提交", response.text)

    def test_limit_set_by_a_store_manager_holds(self):
        form = Form(self.env["boh.maintenance.intake.settings"].with_user(self.manager_a))
        form.address_limit = 2
        form.save().action_save()
        statuses = [self._post({"description": f"burst {i}"}).status_code for i in range(3)]
        self.assertEqual(statuses, [200, 200, 429])
        self.assertEqual(len(self._requests()), 2)
