import base64
import io

from PIL import Image

from odoo import Command
from odoo.exceptions import AccessError, UserError
from odoo.tests import Form, TransactionCase, tagged

from boh_core.maintenance.qr import qr_png

from .common import make_fixtures


@tagged("post_install", "-at_install")
class TestLabels(TransactionCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        make_fixtures(cls)
        cls.Wizard = cls.env["boh.maintenance.label.wizard"]
        cls.Scan = cls.env["boh.maintenance.scan.wizard"]

    def test_short_codes(self):
        self.assertRegex(self.fryer.boh_short_code, r"^FRY-\d{4,}$")
        self.assertRegex(self.cold_room.boh_short_code, r"^CLD-\d{4,}$")

    def test_print_label_sheet(self):
        equipment = self.fryer | self.cold_room
        wizard = self.Wizard.create({"equipment_ids": [Command.set(equipment.ids)]})
        action = wizard.action_print()
        self.assertEqual(action["type"], "ir.actions.act_url")
        self.assertTrue(base64.b64decode(wizard.pdf_file).startswith(b"%PDF"))
        self.assertEqual(set(equipment.mapped("boh_label_state")), {"active"})
        digest = self.fryer.sudo().boh_token_digest
        self.assertEqual(len(digest), 64, "only the SHA-256 digest is stored")
        again = self.Wizard.create({"equipment_ids": [Command.set(self.fryer.ids)]})
        with self.assertRaises(UserError):
            again.action_print()
        again.replace_existing = True
        again.action_print()
        self.assertNotEqual(self.fryer.sudo().boh_token_digest, digest)

    def test_only_managers_issue_labels(self):
        with self.assertRaises(AccessError):
            self.fryer.with_user(self.tech1)._boh_issue_tokens()
        with self.assertRaises(AccessError):
            self.oven.with_user(self.manager_a)._boh_issue_tokens()
        tokens = self.fryer.with_user(self.manager_a)._boh_issue_tokens()
        self.assertIn(self.fryer.id, tokens)

    def _scan(self, **vals):
        form = Form(self.Scan)
        for name, value in vals.items():
            setattr(form, name, value)
        return form.save().action_scan()

    def test_scan_photo_opens_equipment(self):
        token = self.fryer._boh_issue_tokens()[self.fryer.id]
        # The label may name another host: only the path counts.
        png = qr_png(f"https://old-host.example.com/odoo/boh/repair/{token}")
        action = self._scan(photo=base64.b64encode(png))
        self.assertEqual(action["res_model"], "maintenance.equipment")
        self.assertEqual(action["res_id"], self.fryer.id)

    def test_scan_short_code(self):
        action = self._scan(code=self.cold_room.boh_short_code.lower())
        self.assertEqual(action["res_id"], self.cold_room.id)

    def test_scan_clear_errors(self):
        blank = io.BytesIO()
        Image.new("RGB", (200, 200), "white").save(blank, format="PNG")
        with self.assertRaisesRegex(UserError, "No QR code"):
            self._scan(photo=base64.b64encode(blank.getvalue()))
        with self.assertRaisesRegex(UserError, "does not match"):
            self._scan(code="ZZ-9999")
        token = self.fryer._boh_issue_tokens()[self.fryer.id]
        self.fryer.action_boh_revoke_label()
        with self.assertRaisesRegex(UserError, "does not match"):
            self._scan(photo=base64.b64encode(qr_png(self.fryer._boh_label_url(token))))
