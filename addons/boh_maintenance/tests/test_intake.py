import io
import struct
import zipfile
import zlib
from unittest.mock import patch

from PIL import Image

from odoo import Command
from odoo.tests import tagged
from odoo.tools import mute_logger

from boh_core.maintenance.tokens import new_token

from .common import IntakeCase


def _png(width=64, height=48):
    out = io.BytesIO()
    Image.new("RGB", (width, height), (200, 30, 30)).save(out, format="PNG")
    return out.getvalue()


def _png_bomb(width=50_000, height=50_000):
    """A tiny PNG whose header declares a huge image."""

    def chunk(kind, data):
        return (
            struct.pack(">I", len(data))
            + kind
            + data
            + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)
        )

    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    body = zlib.compress(b"\x00" * 1024)
    return (
        b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", body) + chunk(b"IEND", b"")
    )


def _zip_named_png():
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr("evil.txt", "not a photo")
    return out.getvalue()


@tagged("post_install", "-at_install")
class TestRepairIntake(IntakeCase):
    def _post(self, data=None, files=None, csrf=True, url=None):
        payload = {"description": "Oil not heating", "urgency": "normal"}
        payload.update(data or {})
        if csrf is True:
            payload["csrf_token"] = self._csrf(url)
        elif csrf:
            payload["csrf_token"] = csrf
        return self.url_open(url or self.url, data=payload, files=files)

    def _requests(self):
        """The fryer's requests, once the filing job has filed what the page stored."""
        self.env["boh.maintenance.intake.report"]._cron_file_reports()
        return self.env["maintenance.request"].search([("equipment_id", "=", self.fryer.id)])

    def _reports(self):
        return self.env["boh.maintenance.intake.report"].search(
            [("equipment_id", "=", self.fryer.id)]
        )

    def test_get_shows_equipment_escaped(self):
        response = self.url_open(self.url)
        self.assertEqual(response.status_code, 200)
        self.assertIn("Fryer &lt;b&gt;1&lt;/b&gt;", response.text)
        self.assertNotIn("<b>1</b>", response.text)
        self.assertIn("Store &lt;A&gt;", response.text)
        self.assertEqual(response.headers.get("Referrer-Policy"), "no-referrer")
        self.assertIn("no-store", response.headers.get("Cache-Control", ""))

    def test_post_creates_dispatched_request(self):
        response = self._post(
            {
                "description": "<script>alert(1)</script> oil cold",
                "urgency": "urgent",
                "reporter_name": "<img src=x onerror=alert(1)>",
                "reporter_phone": "+86 138 0000 0000",
            }
        )
        self.assertEqual(response.status_code, 200, response.text)
        repair = self._requests()
        self.assertEqual(len(repair), 1)
        self.assertIn(repair.boh_reference, response.text)
        self.assertNotIn("<script>alert", response.text)
        self.assertEqual(repair.maintenance_team_id, self.team)
        self.assertEqual(repair.priority, "3")
        self.assertEqual(repair.boh_source, "qr")
        self.assertEqual(repair.boh_dispatch_state, "auto")
        self.assertIn(repair.user_id, self.tech1 | self.tech2)
        self.assertEqual((self.fryer.maintenance_count, self.fryer.maintenance_open_count), (1, 1))
        self.assertNotIn("<script>", str(repair.description))
        self.assertIn("&lt;script&gt;", str(repair.description))
        self.assertEqual(repair.boh_reporter_name, "<img src=x onerror=alert(1)>")
        # The filing job wrote the chatter with the request.
        self.assertTrue(repair.message_ids, "the filing job logged the request")
        for body in repair.message_ids.mapped("body"):
            self.assertNotIn("<img src=x", str(body))
            self.assertNotIn("<script", str(body))
        # Nothing but the reference, the equipment and its store is revealed.
        self.assertNotIn(self.team.name, response.text)
        self.assertNotIn(repair.user_id.name, response.text)

    def test_report_stored_first_then_filed_by_the_job(self):
        response = self._post({"description": "Oil cold"})
        self.assertEqual(response.status_code, 200, response.text)
        report = self._reports()
        self.assertEqual(report.state, "received")
        self.assertIn(report.reference, response.text)
        self.assertFalse(
            self.env["maintenance.request"].search([("equipment_id", "=", self.fryer.id)])
        )
        cron = self.env.ref("boh_maintenance.ir_cron_boh_file_intake_reports")
        self.assertEqual(self.env["ir.cron.trigger"].search_count([("cron_id", "=", cron.id)]), 1)
        # a second report while the job is due adds no second trigger
        self._post({"description": "Still cold"})
        self.assertEqual(self.env["ir.cron.trigger"].search_count([("cron_id", "=", cron.id)]), 1)
        self.env["boh.maintenance.intake.report"]._cron_file_reports()
        self.assertEqual(set(self._reports().mapped("state")), {"done"})
        repair = report.request_id
        self.assertEqual(repair.boh_reference, report.reference)
        self.assertEqual(repair.boh_reported_at, report.reported_at)
        self.assertEqual(repair.boh_source, "qr")
        self.assertEqual(repair.boh_dispatch_state, "auto")
        self.assertFalse(repair.owner_user_id)
        created = self.env.ref("maintenance.mt_req_created")
        self.assertIn(created, repair.message_ids.subtype_id)
        self.assertIn(repair.user_id.partner_id, repair.message_partner_ids)
        # Done once: running the job again files nothing more.
        count = len(self.env["maintenance.request"].search([("equipment_id", "=", self.fryer.id)]))
        self.env["boh.maintenance.intake.report"]._cron_file_reports()
        self.assertEqual(len(self._requests()), count)

    def test_store_manager_sees_only_their_stores_reports(self):
        self._post({"description": "Fryer report"})
        oven_token = self.oven._boh_issue_tokens()[self.oven.id]
        self._post({"description": "Oven report"}, url=f"/boh/repair/{oven_token}")
        Report = self.env["boh.maintenance.intake.report"]
        mine = [("equipment_id", "in", (self.fryer | self.oven).ids)]
        self.assertEqual(len(Report.search(mine)), 2)
        seen = Report.with_user(self.manager_a).search(mine)
        self.assertEqual(seen.equipment_id, self.fryer)

    def test_report_that_cannot_be_filed_waits_with_a_retry(self):
        self._post({"description": "Good report"})
        self._post({"description": "Bad report"})
        Report = self.env.registry["boh.maintenance.intake.report"]
        original = Report._request_vals

        def refuse_bad(report, tz):
            vals = original(report, tz)
            if report.title == "Bad report":
                vals["equipment_id"] = -1  # a foreign key the database refuses
            return vals

        with (
            patch.object(Report, "_request_vals", refuse_bad),
            mute_logger(
                "odoo.sql_db", "odoo.addons.boh_maintenance.models.boh_maintenance_intake_report"
            ),
        ):
            self.env["boh.maintenance.intake.report"]._cron_file_reports()
        good, bad = (
            self._reports().filtered(lambda r, t=t: r.title == t)
            for t in ("Good report", "Bad report")
        )
        self.assertEqual((good.state, bad.state), ("done", "failed"))
        self.assertTrue(bad.error)
        self.assertFalse(bad.request_id)
        bad.action_retry()
        self.assertEqual(bad.state, "received")
        self.env["boh.maintenance.intake.report"]._cron_file_reports()
        self.assertEqual(bad.state, "done")
        self.assertEqual(bad.request_id.name, "Bad report")

    def test_description_required(self):
        response = self._post({"description": "   "})
        self.assertEqual(response.status_code, 400)
        self.assertFalse(self._requests())
        response = self._post({"description": "", "symptom": "no_heat"})
        self.assertEqual(response.status_code, 200)
        self.assertEqual(len(self._requests()), 1)

    def test_unknown_revoked_and_malformed_tokens_look_the_same(self):
        unknown = self.url_open(f"/boh/repair/{new_token()}")
        malformed = self.url_open("/boh/repair/abc'%3Cscript%3E")
        other = self.oven._boh_issue_tokens()[self.oven.id]
        self.oven.action_boh_revoke_label()
        revoked = self.url_open(f"/boh/repair/{other}")
        for response in (unknown, malformed, revoked):
            self.assertEqual(response.status_code, 404)
            self.assertEqual(response.text, unknown.text)
            self.assertNotIn("Oven", response.text)
        self.assertIn("not valid", unknown.text)
        # Posting to a revoked label files nothing either.
        csrf = self._csrf()
        response = self.url_open(
            f"/boh/repair/{other}", data={"description": "x", "csrf_token": csrf}
        )
        self.assertEqual(response.status_code, 404)
        self.assertFalse(
            self.env["maintenance.request"].search([("equipment_id", "=", self.oven.id)])
        )

    def test_csrf_missing_or_wrong(self):
        self.url_open(self.url)  # a session exists, but the token is not sent
        response = self._post(csrf=False)
        self.assertEqual(response.status_code, 400)
        response = self._post(csrf="0" * 40 + "o9999999999")
        self.assertEqual(response.status_code, 400)
        self.assertFalse(self._requests())

    def test_photo_accepted_and_cleaned(self):
        files = {"photo": ("fryer.png", _png(), "image/png")}
        response = self._post(files=files)
        self.assertEqual(response.status_code, 200, response.text)
        repair = self._requests()
        self.assertTrue(repair.boh_photo)

    def test_hostile_photos_refused(self):
        hostile = [
            ("zip.png", _zip_named_png(), "image/png"),
            ("bomb.png", _png_bomb(), "image/png"),
            ("page.jpg", b"<svg onload=alert(1)></svg>", "image/jpeg"),
        ]
        for name, data, mimetype in hostile:
            response = self._post(files={"photo": (name, data, mimetype)})
            self.assertEqual(response.status_code, 400, name)
            self.assertIn("photo", response.text)
            self.assertNotIn("<svg", response.text)
        self.assertFalse(self._requests())

    def test_oversized_body_refused(self):
        csrf = self._csrf()
        big = b"\xff\xd8\xff" + b"0" * (11 * 1024 * 1024)
        response = self.url_open(
            self.url,
            data={"description": "big", "csrf_token": csrf},
            files={"photo": ("big.jpg", big, "image/jpeg")},
        )
        self.assertEqual(response.status_code, 413)
        self.assertFalse(self._requests())

    def test_rate_limit_per_address(self):
        self.env["ir.config_parameter"].set_param("boh_maintenance.address_limit", "3")
        statuses = [self._post({"description": f"burst {i}"}).status_code for i in range(5)]
        self.assertEqual(statuses, [200, 200, 200, 429, 429])
        # Nothing below the limit was lost.
        self.assertEqual(len(self._requests()), 3)

    def test_rate_limit_per_token(self):
        self.env["ir.config_parameter"].set_param("boh_maintenance.token_limit", "2")
        statuses = [self._post({"description": f"burst {i}"}).status_code for i in range(3)]
        self.assertEqual(statuses, [200, 200, 429])
        self.assertEqual(len(self._requests()), 2)

    def _hits(self, kind):
        return self.env["boh.maintenance.intake.hit"].search_count([("kind", "=", kind)])

    def test_head_never_takes_the_post_path(self):
        self.env["ir.config_parameter"].set_param("boh_maintenance.token_limit", "2")
        for _i in range(20):
            response = self.opener.head(self.base_url() + self.url, timeout=30)
            self.assertEqual(response.status_code, 200)
        self.assertEqual(self._hits("token") + self._hits("address"), 0, "a HEAD is not a report")
        self.assertEqual(self._post().status_code, 200, "the label still takes a real report")

    def test_only_complete_csrf_valid_reports_count(self):
        self.env["ir.config_parameter"].set_param("boh_maintenance.token_limit", "2")
        self.env["ir.config_parameter"].set_param("boh_maintenance.address_limit", "2")
        self.url_open(self.url)
        for _i in range(5):
            self.assertEqual(self._post(csrf=False).status_code, 400)  # no CSRF token
            self.assertEqual(self._post({"description": " "}).status_code, 400)  # incomplete
        self.assertEqual(self._hits("token") + self._hits("address"), 0)
        statuses = [self._post({"description": f"real {i}"}).status_code for i in range(3)]
        self.assertEqual(statuses, [200, 200, 429])

    def test_bad_label_flood_never_blocks_a_real_report(self):
        self.env["ir.config_parameter"].set_param("boh_maintenance.bad_token_limit", "5")
        statuses = [self.url_open(f"/boh/repair/{new_token()}").status_code for _i in range(8)]
        csrf = self._csrf()
        statuses += [
            self.url_open(
                f"/boh/repair/{new_token()}", data={"description": "x", "csrf_token": csrf}
            ).status_code
            for _i in range(4)
        ]
        self.assertEqual(statuses, [404] * 5 + [429] * 7, "the bad-label budget holds")
        self.assertEqual(self._hits("bad_token"), 5, "over the budget nothing more is written")
        self.assertFalse(self._reports())
        # The same address still reports a real fault on a real label.
        self.assertEqual(self._post().status_code, 200)
        self.assertEqual(len(self._requests()), 1)

    def test_page_follows_browser_language(self):
        self.env["res.lang"]._activate_lang("zh_CN")
        response = self.url_open(self.url, headers={"Accept-Language": "zh-CN,zh;q=0.9"})
        self.assertIn('lang="zh-CN"', response.text)
        response = self.url_open(self.url, headers={"Accept-Language": "en-US,en;q=0.9"})
        self.assertIn('lang="en-US"', response.text)

    def test_label_sheet_download(self):
        self.authenticate("admin", "admin")
        wizard = self.env["boh.maintenance.label.wizard"].create(
            {"equipment_ids": [Command.set(self.oven.ids)]}
        )
        action = wizard.action_print()
        response = self.url_open(action["url"])
        self.assertEqual(response.status_code, 200)
        self.assertTrue(response.content.startswith(b"%PDF"))
        self.assertEqual(self.oven.boh_label_state, "active")
