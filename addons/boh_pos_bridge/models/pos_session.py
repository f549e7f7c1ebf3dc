from odoo import models


class PosSession(models.Model):
    _inherit = "pos.session"

    def _validate_session(
        self, balancing_account=False, amount_to_balance=0, bank_payment_method_diffs=None
    ):
        """Feed the session's orders that still wait for the BOH pipeline before closing."""
        self.order_ids.filtered(lambda o: o.boh_feed_state == "pending")._boh_feed()
        return super()._validate_session(
            balancing_account, amount_to_balance, bank_payment_method_diffs
        )
