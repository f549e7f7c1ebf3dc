from odoo import api, fields, models


class BohIntegrationWizard(models.TransientModel):
    _inherit = "boh.integration.wizard"

    kind = fields.Selection(selection_add=[("pos", "POS sales")], ondelete={"pos": "cascade"})
    pos_sources = fields.Char(
        "POS Sources",
        help="The POS sources this integration may send sales for, separated by commas.",
    )

    @api.onchange("user_id")
    def _onchange_user_id(self):
        result = super()._onchange_user_id()
        self.pos_sources = self.user_id.sudo().boh_pos_sources
        return result

    @api.model
    def _integration_groups(self):
        return dict(super()._integration_groups(), pos="boh_pos_bridge.group_boh_integration")

    def _user_scope_values(self):
        values = super()._user_scope_values()
        if self.kind == "pos":
            values["boh_pos_sources"] = self.pos_sources or False
        return values
