import base64
import binascii

from odoo import fields, models
from odoo.exceptions import AccessError, UserError

from boh_core.errors import BohError
from boh_core.maintenance.qr import decode_qr, extract_token_from_url
from boh_core.maintenance.tokens import parse_short_code


class BohMaintenanceScanWizard(models.TransientModel):
    """Open an equipment from a photo of its QR label, or from its short code."""

    _name = "boh.maintenance.scan.wizard"
    _description = "Scan Equipment Label"

    photo = fields.Binary("Label Photo", attachment=False)
    code = fields.Char(
        "Or Type the Code", help="The short code printed on the label, e.g. FRY-0042."
    )

    def action_scan(self):
        """Decode the photo (or read the code) and open the equipment it names."""
        self.check_access("write")
        self.ensure_one()
        equipment = self.env["maintenance.equipment"]
        if self.photo:
            try:
                data = base64.b64decode(self.photo)
                texts = decode_qr(data)
            except (BohError, binascii.Error, ValueError):
                raise UserError(
                    self.env._("The file is not a photo we can read; use a JPEG, PNG or WebP.")
                ) from None
            if not texts:
                raise UserError(
                    self.env._(
                        "No QR code was found in the photo. Take it again closer to the label, "
                        "or type the code printed under it."
                    )
                )
            for text in texts:
                equipment = self._find_equipment(text)
                if equipment:
                    break
        elif self.code:
            equipment = self._find_equipment(self.code)
        else:
            raise UserError(self.env._("Add a photo of the label or type its code."))
        if not equipment:
            raise UserError(self.env._("This code does not match any equipment you can see."))
        return {
            "type": "ir.actions.act_window",
            "res_model": "maintenance.equipment",
            "res_id": equipment.id,
            "view_mode": "form",
            "target": "current",
        }

    def _find_equipment(self, text):
        """The equipment named by a label URL, a token or a short code, if the user sees it."""
        text = (text or "").strip()
        found = self.env["maintenance.equipment"]
        token = extract_token_from_url(text)
        if token:
            found = found.sudo()._boh_find_by_token(token)
        else:
            try:
                prefix, number = parse_short_code(text)
            except BohError:
                found = found.sudo()._boh_find_by_token(text)
            else:
                found = found.sudo().search(
                    [("boh_short_code", "=", f"{prefix}-{number:04d}")], limit=1
                )
        if not found:
            return found
        equipment = found.with_env(self.env)
        try:
            equipment.check_access("read")
        except AccessError:
            return self.env["maintenance.equipment"]
        return equipment
