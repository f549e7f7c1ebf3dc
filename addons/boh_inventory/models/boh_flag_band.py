from odoo import api, fields, models

from .boh_flag import KIND_LABELS, cause_key

#: How much each false alarm widens its series' band, and the widest a band gets.
WIDEN_BY = 1.5
WIDEST = 4.0


class BohFlagBand(models.Model):
    """How much wider than the detector's default a series' band is: each false alarm a
    manager acknowledged on its flags widens it. The passes read the scales and hand them to
    the detectors (``_scales``)."""

    _name = "boh.flag.band"
    _description = "Flag Band Width"
    _order = "cause_key"
    _rec_name = "cause_key"

    cause_key = fields.Char("Cause", required=True, readonly=True, index=True)
    kind = fields.Selection(list(KIND_LABELS.items()), required=True, readonly=True)
    company_id = fields.Many2one("res.company", required=True, readonly=True, index=True)
    warehouse_id = fields.Many2one("stock.warehouse", string="Store", readonly=True, index=True)
    scale = fields.Float(
        default=1.0, readonly=True, help="The detector's band is multiplied by this."
    )
    false_alarms = fields.Integer(readonly=True)

    _sql_constraints = [
        ("cause_key_uniq", "unique(cause_key)", "A cause has one band."),
    ]

    @api.model
    def _scales(self, kind, keys):
        """``{key: scale}`` of the finding ``keys`` of ``kind`` (1.0 where none was widened)."""
        names = {cause_key(kind, key): key for key in keys}
        scales = dict.fromkeys(names.values(), 1.0)
        for band in self.sudo().search_fetch(
            [("cause_key", "in", list(names))], ["cause_key", "scale"]
        ):
            scales[names[band.cause_key]] = band.scale
        return scales

    @api.model
    def _widen(self, flags):
        """Widen the bands of the series of these falsely alarming flags."""
        bands = self.sudo()
        known = {
            band.cause_key: band
            for band in bands.search([("cause_key", "in", flags.mapped("cause_key"))])
        }
        new = {}
        for flag in flags:
            band = known.get(flag.cause_key)
            if band:
                band.write(
                    {
                        "scale": min(band.scale * WIDEN_BY, WIDEST),
                        "false_alarms": band.false_alarms + 1,
                    }
                )
            elif flag.cause_key in new:
                new[flag.cause_key]["false_alarms"] += 1
            else:
                new[flag.cause_key] = {
                    "cause_key": flag.cause_key,
                    "kind": flag.kind,
                    "company_id": flag.company_id.id,
                    "warehouse_id": flag.warehouse_id.id,
                    "scale": WIDEN_BY,
                    "false_alarms": 1,
                }
        if new:
            bands.create(list(new.values()))
