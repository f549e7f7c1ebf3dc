from odoo import api, models


class BohKpiDashboard(models.AbstractModel):
    _inherit = "boh.kpi.dashboard"

    @api.model
    def _boh_kpi_slots(self, stores, date_from, date_to):
        """Forecast accuracy: 100 - WAPE of the menu-item series, weighted by the days each
        backtest measured (series without a measured WAPE are left out)."""
        slots = super()._boh_kpi_slots(stores, date_from, date_to)
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
