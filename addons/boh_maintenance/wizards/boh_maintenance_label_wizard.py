import base64

from odoo import fields, models
from odoo.addons.boh_inventory.tools.core_messages import translate_core_error
from odoo.exceptions import UserError

from boh_core.errors import BohError
from boh_core.maintenance.qr import Label, label_sheet_pdf


class BohMaintenanceLabelWizard(models.TransientModel):
    """Issue fresh QR labels for equipment and print them as an A4 sheet."""

    _name = "boh.maintenance.label.wizard"
    _description = "Print QR Labels"

    equipment_ids = fields.Many2many("maintenance.equipment", required=True)
    replace_existing = fields.Boolean(
        "Replace Active Labels",
        help="Equipment that already has a working label gets a new one; the old label "
        "stops working.",
    )
    columns = fields.Integer(default=2)
    rows = fields.Integer(default=6)
    # Kept in the wizard's own table (not an attachment), so it is vacuumed with the wizard.
    pdf_file = fields.Binary("Labels", attachment=False, readonly=True)
    pdf_name = fields.Char(default="equipment-labels.pdf")

    def action_print(self):
        """Issue new tokens, render the label sheet and download it."""
        self.check_access("write")
        self.ensure_one()
        active = self.equipment_ids.filtered(lambda e: e.boh_label_state == "active")
        if active and not self.replace_existing:
            raise UserError(
                self.env._(
                    "These equipment already have a working label: %(names)s. Tick "
                    "'Replace Active Labels' to print new ones (the old labels stop working).",
                    names=", ".join(active.mapped("display_name")),
                )
            )
        tokens = self.equipment_ids._boh_issue_tokens()
        labels = [
            Label(
                name=equipment.name or "",
                store=equipment.boh_store_id.name or "",
                code=equipment.boh_short_code or "",
                url=equipment._boh_label_url(tokens[equipment.id]),
            )
            for equipment in self.equipment_ids
        ]
        try:
            pdf = label_sheet_pdf(
                labels,
                columns=self.columns,
                rows=self.rows,
                caption=self.env._("Scan to report a problem"),
            )
        except BohError as error:
            raise UserError(translate_core_error(self.env, error)) from None
        self.write({"pdf_file": base64.b64encode(pdf)})
        return {
            "type": "ir.actions.act_url",
            "url": f"/web/content/{self._name}/{self.id}/pdf_file/{self.pdf_name}?download=true",
            "target": "self",
        }
