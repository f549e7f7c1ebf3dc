from odoo import api, models
from odoo.tools import SQL

from boh_core.numbers.kpi import auto_replenishment_rate


class BohKpiDashboard(models.AbstractModel):
    _inherit = "boh.kpi.dashboard"

    @api.model
    def _boh_kpi_slots(self, stores, date_from, date_to):
        """Forecast accuracy: 100 - WAPE of the menu-item series, weighted by the days each
        backtest measured (series without a measured WAPE are left out)."""
        slots = super()._boh_kpi_slots(stores, date_from, date_to)
        slots.append(self._auto_replenishment_slot(stores, date_from, date_to))
        series = (
            self.env["boh.forecast.series"]
            .sudo()
            .search_fetch(
                [
                    ("warehouse_id", "in", stores.ids),
                    ("kind", "=", "item"),
                    ("wape_known", "=", True),
                    ("backtest_days", ">", 0),
                ],
                ["warehouse_id", "wape", "backtest_days"],
            )
        )
        weighted = {}
        for row in series:
            total, days = weighted.get(row.warehouse_id.id, (0.0, 0))
            weighted[row.warehouse_id.id] = (
                total + row.wape * row.backtest_days,
                days + row.backtest_days,
            )
        per_store = {sid: 100.0 - total / days for sid, (total, days) in weighted.items() if days}
        all_total = sum(total for total, _days in weighted.values())
        all_days = sum(days for _total, days in weighted.values())
        slots.append(
            {
                "key": "forecast_accuracy_pct",
                "label": self.env._("Forecast Accuracy %"),
                "unit": "pct",
                "group": 100.0 - all_total / all_days if all_days else None,
                "stores": per_store,
            }
        )
        return slots

    @api.model
    def _auto_replenishment_slot(self, stores, date_from, date_to):
        """Auto-replenishment rate: of the purchase lines the forecast suggested that were
        confirmed (order confirmed on a day of the range), the share confirmed with the
        suggested quantity. Lines added by hand have no suggestion (empty or 0) and do not
        count. One query for all stores."""
        self.env["purchase.order.line"].flush_model(
            ["boh_suggested_qty", "product_qty", "order_id", "display_type"]
        )
        self.env["purchase.order"].flush_model(
            ["state", "date_approve", "date_order", "picking_type_id"]
        )
        rows = self.env.execute_query(
            SQL(
                """
                SELECT spt.warehouse_id, COUNT(*),
                       COUNT(*) FILTER (WHERE pol.product_qty = pol.boh_suggested_qty)
                  FROM purchase_order_line pol
                  JOIN purchase_order po ON po.id = pol.order_id
                  JOIN stock_picking_type spt ON spt.id = po.picking_type_id
                 WHERE pol.boh_suggested_qty > 0 AND pol.display_type IS NULL
                   AND po.state IN ('purchase', 'done')
                   AND spt.warehouse_id = ANY(%(stores)s)
                   AND COALESCE(po.date_approve, po.date_order)::date
                       BETWEEN %(lo)s AND %(hi)s
                 GROUP BY spt.warehouse_id
                """,
                stores=stores.ids,
                lo=date_from,
                hi=date_to,
            )
        )
        per_store = {
            store_id: auto_replenishment_rate(unchanged, confirmed)
            for store_id, confirmed, unchanged in rows
        }
        return {
            "key": "auto_replenishment_pct",
            "label": self.env._("Auto-Replenishment %"),
            "unit": "pct",
            "group": auto_replenishment_rate(
                sum(row[2] for row in rows), sum(row[1] for row in rows)
            ),
            "stores": per_store,
        }
