from odoo import models
from odoo.tools import SQL


class BohStorePeriod(models.Model):
    _inherit = "boh.store.period"

    def _avt_depletion_query(self, store_ids, date_lo, date_hi):
        """Theoretical usage is what the sales feed's depletion moves consumed.

        ``boh_depletion_qty`` is signed: an amendment down or a restocked refund puts back
        (negative), so it lowers the theoretical usage of the day of its sale. Dishes
        returned by guests (kind ``waste``) are a recorded loss, not a sale.
        """
        super()._avt_depletion_query(store_ids, date_lo, date_hi)
        self.env["stock.move"].flush_model(
            ["state", "boh_warehouse_id", "boh_business_date", "boh_depletion_kind"]
        )
        return SQL(
            """
            SELECT sm.boh_warehouse_id, sm.product_id, sm.boh_business_date,
                   CASE WHEN sm.boh_depletion_kind = 'sale' THEN sm.boh_depletion_qty END,
                   CASE WHEN sm.boh_depletion_kind = 'waste' THEN sm.boh_depletion_qty END
              FROM stock_move sm
             WHERE sm.state = 'done' AND sm.boh_depletion_kind IS NOT NULL
               AND sm.boh_warehouse_id = ANY(%(stores)s)
               AND sm.boh_business_date BETWEEN %(lo)s AND %(hi)s
            """,
            stores=list(store_ids),
            lo=date_lo,
            hi=date_hi,
        )
