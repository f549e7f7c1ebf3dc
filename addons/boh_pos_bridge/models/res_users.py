from odoo import api, fields, models
from odoo.exceptions import ValidationError

INTEGRATION_GROUP = "boh_pos_bridge.group_boh_integration"


class ResUsers(models.Model):
    _inherit = "res.users"

    boh_pos_sources = fields.Char(
        "POS Sources",
        help="For a POS integration user: the names of the POS sources it may send sales "
        "for, separated by commas (e.g. 'toast-eu-1, square-hk'). Empty means none.",
    )

    @api.constrains("boh_pos_sources")
    def _check_boh_pos_sources(self):
        for user in self:
            if "odoo-pos" in user._boh_pos_source_set():
                raise ValidationError(
                    self.env._("POS Sources: 'odoo-pos' is reserved for Odoo's own point of sale.")
                )

    def _boh_pos_source_set(self):
        """The POS sources this user is granted, as a set of names."""
        self.ensure_one()
        return {
            name.strip() for name in (self.sudo().boh_pos_sources or "").split(",") if name.strip()
        }

    def _boh_may_push_source(self, source):
        """Whether this user may send sales of ``source``: BOH managers (CSV uploads, retries)
        any source of their stores; an integration user only the sources it is granted."""
        self.ensure_one()
        if self.has_group("boh_inventory.group_boh_manager") or not self.has_group(
            INTEGRATION_GROUP
        ):
            return True
        return source in self._boh_pos_source_set()
