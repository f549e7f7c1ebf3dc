from odoo import api, fields, models


class BohFlagAcknowledge(models.TransientModel):
    """Acknowledge flags with a cause, a note and, for temperature flags, the HACCP action."""

    _name = "boh.flag.acknowledge"
    _description = "Acknowledge Flags"

    flag_ids = fields.Many2many("boh.flag", string="Flags", required=True)
    cause = fields.Selection(
        [("known", "Known Cause"), ("fixed", "Fixed"), ("false_alarm", "False Alarm")],
        required=True,
        default="known",
        help="A false alarm widens the band of that series: it flags less easily next time.",
    )
    note = fields.Text()
    needs_haccp = fields.Boolean(compute="_compute_needs_haccp")
    haccp_action = fields.Text(
        "HACCP Corrective Action", help="What was done with the food (kept, moved, thrown away)."
    )

    @api.depends("flag_ids")
    def _compute_needs_haccp(self):
        for wizard in self:
            wizard.needs_haccp = any(wizard.flag_ids.mapped("is_temperature"))

    def action_confirm(self):
        """Acknowledge the flags with the cause given."""
        self.check_access("write")
        self.ensure_one()
        self.flag_ids.check_access("write")
        self.flag_ids._acknowledge(self.cause, self.note, self.haccp_action)
        return {"type": "ir.actions.act_window_close"}
