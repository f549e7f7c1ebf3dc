import re

from odoo import api, fields, models
from odoo.exceptions import ValidationError


class MaintenanceEquipmentCategory(models.Model):
    _inherit = "maintenance.equipment.category"

    boh_skill_ids = fields.Many2many(
        "hr.skill",
        string="Required Skills",
        help="A technician must hold all of these skills to be sent to this equipment.",
    )
    boh_code_prefix = fields.Char(
        "Code Prefix",
        size=6,
        default="EQ",
        help="Letters that start the short codes of this category's equipment, e.g. FRY.",
    )

    boh_mttr_hours = fields.Float("MTTR (h)", compute="_compute_boh_reliability", digits=(16, 1))
    boh_mtbf_hours = fields.Float("MTBF (h)", compute="_compute_boh_reliability", digits=(16, 1))
    boh_failure_count = fields.Integer("Failures (12 months)", compute="_compute_boh_reliability")
    boh_mttr_known = fields.Boolean(
        "MTTR Known",
        compute="_compute_boh_reliability",
        help="Whether a repair was closed in the last 12 months: without one the MTTR is "
        "undefined, which is not zero.",
    )
    boh_mtbf_known = fields.Boolean(
        "MTBF Known",
        compute="_compute_boh_reliability",
        help="Whether a failure was reported in the last 12 months: without one the MTBF is "
        "undefined, which is not zero.",
    )

    def _compute_boh_reliability(self):
        equipment = self.env["maintenance.equipment"].search([("category_id", "in", self.ids)])
        equipment._boh_set_reliability(self, "category_id")

    @api.constrains("boh_code_prefix")
    def _check_boh_code_prefix(self):
        for category in self:
            prefix = category.boh_code_prefix
            if prefix and not re.fullmatch(r"[A-Za-z][A-Za-z0-9]{1,5}", prefix):
                raise ValidationError(
                    self.env._(
                        "The code prefix %(prefix)s must be 2 to 6 letters or digits "
                        "starting with a letter.",
                        prefix=prefix,
                    )
                )
