from odoo import api, fields, models

from boh_core.sales.csv_import import (
    REQUIRED_CSV_FIELDS,
)

from .boh_pos_csv_import import FIELD_LABELS


class BohPosCsvImportMapping(models.TransientModel):
    """One field of the documented layout and the column of the file that holds it."""

    _name = "boh.pos.csv.import.mapping"
    _description = "Column Mapping of a POS Export Upload"
    _order = "sequence, id"

    wizard_id = fields.Many2one("boh.pos.csv.import", required=True, ondelete="cascade")
    sequence = fields.Integer()
    field_name = fields.Selection(FIELD_LABELS, string="Field", required=True, readonly=True)
    required = fields.Boolean(compute="_compute_required")
    column_id = fields.Many2one(
        "boh.pos.csv.import.column",
        string="Column of Your File",
        domain="[('wizard_id', '=', wizard_id)]",
    )

    @api.depends("field_name")
    def _compute_required(self):
        for mapping in self:
            mapping.required = mapping.field_name in REQUIRED_CSV_FIELDS
