from odoo import api, models
from odoo.tools import SQL


class BohKpiDashboard(models.AbstractModel):
    _inherit = "boh.kpi.dashboard"

    @api.model
    def _boh_kpi_slots(self, stores, date_from, date_to):
        """Open repairs now and MTTR (hours) of the repairs finished in the range."""
        slots = super()._boh_kpi_slots(stores, date_from, date_to)
        self.env["maintenance.request"].flush_model()
        rows = self.env.execute_query(
            SQL(
                """
                SELECT r.boh_store_id,
                       COUNT(*) FILTER (WHERE NOT COALESCE(s.done, FALSE) AND NOT r.archive),
                       AVG(EXTRACT(EPOCH FROM r.boh_done_at - r.boh_reported_at) / 3600.0)
                           FILTER (WHERE r.boh_done_at::date BETWEEN %(lo)s AND %(hi)s)
                  FROM maintenance_request r
                  LEFT JOIN maintenance_stage s ON s.id = r.stage_id
                 WHERE r.boh_store_id = ANY(%(stores)s) AND r.maintenance_type = 'corrective'
                 GROUP BY r.boh_store_id
                """,
                stores=stores.ids,
                lo=date_from,
                hi=date_to,
            )
        )
        open_repairs = dict.fromkeys(stores.ids, 0)
        open_repairs.update({store_id: count for store_id, count, _mttr in rows})
        mttr = {store_id: float(hours) for store_id, _c, hours in rows if hours is not None}
        slots += [
            {
                "key": "open_repairs",
                "label": self.env._("Open Repairs"),
                "unit": "",
                "group": sum(open_repairs.values()),
                "stores": open_repairs,
            },
            {
                "key": "mttr_hours",
                "label": self.env._("MTTR (h)"),
                "unit": "hours",
                "group": sum(mttr.values()) / len(mttr) if mttr else None,
                "stores": mttr,
            },
        ]
        return slots
