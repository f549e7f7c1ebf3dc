from odoo import api, fields, models


class BohPosCsvImportColumn(models.TransientModel):
    """A column of the uploaded file, as its header row names it."""

    _name = "boh.pos.csv.import.column"
    _description = "Column of an Uploaded POS Export"
    _order = "position"

    wizard_id = fields.Many2one("boh.pos.csv.import", required=True, ondelete="cascade")
    name = fields.Char(string="Header")
    position = fields.Integer()

    @api.depends("name", "position")
    def _compute_display_name(self):
        for column in self:
            column.display_name = column.name or self.env._(
                "Column %(number)s (no header)", number=column.position + 1
            )
