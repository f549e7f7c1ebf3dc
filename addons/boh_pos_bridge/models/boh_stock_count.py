from odoo import api, fields, models
from odoo.tools import SQL


class BohStockCount(models.Model):
    _inherit = "boh.stock.count"

    def _boh_prepare_approval(self):
        """Post the sales depletion still queued (deferred mode) for the counted stores up
        to each count's day, so that those sales are in the on-hand the count is compared
        with instead of arriving as late sales."""
        res = super()._boh_prepare_approval()
        limits = {}
        for count in self:
            warehouse_id = count.warehouse_id.id
            limits[warehouse_id] = max(count.count_date, limits.get(warehouse_id, count.count_date))
        self.env["boh.pos.feed"].sudo()._post_queued_depletion_until(limits)
        return res

    @api.model
    def _first_approved_store_counts(self, keys):
        """The approved count that covers each ``(warehouse_id, business_date)``, whatever
        the products counted, in one query: the earliest approved count of that store with
        ``count_date >= business_date`` (by count date, approval and id).

        :return: ``{key: boh.stock.count}`` for the covered keys (as given).
        """
        by_norm = {}
        for key in keys:
            warehouse_id, business_date = key
            norm = (int(warehouse_id), fields.Date.to_date(business_date))
            by_norm.setdefault(norm, []).append(key)
        if not by_norm:
            return {}
        self.flush_model(["warehouse_id", "count_date", "state", "approved_date"])
        warehouse_ids, dates = zip(*by_norm, strict=True)
        rows = self.env.execute_query(
            SQL(
                """
                SELECT k.warehouse_id, k.business_date, covering.id
                  FROM unnest(%s::int[], %s::date[]) AS k(warehouse_id, business_date)
                  JOIN LATERAL (
                        SELECT sc.id
                          FROM boh_stock_count sc
                         WHERE sc.warehouse_id = k.warehouse_id
                           AND sc.state = 'approved'
                           AND sc.count_date >= k.business_date
                      ORDER BY sc.count_date, sc.approved_date, sc.id
                         LIMIT 1
                       ) covering ON TRUE
                """,
                list(warehouse_ids),
                list(dates),
            )
        )
        count_ids = [row[2] for row in rows]
        result = {}
        for warehouse_id, business_date, count_id in rows:
            count = self.browse(count_id).with_prefetch(count_ids)
            for key in by_norm[(warehouse_id, business_date)]:
                result[key] = count
        return result
