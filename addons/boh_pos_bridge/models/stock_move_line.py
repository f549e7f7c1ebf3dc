from odoo import models


class StockMoveLine(models.Model):
    _inherit = "stock.move.line"

    def _synchronize_quant(self, quantity, location, action="available", in_date=False, **kw):
        """A depletion move line reserved nothing (``stock.move._should_bypass_reservation``):
        when it is done there is no reservation of its own to release."""
        if action == "reserved" and self.move_id.boh_depletion_kind:
            return 0, False
        return super()._synchronize_quant(quantity, location, action=action, in_date=in_date, **kw)
