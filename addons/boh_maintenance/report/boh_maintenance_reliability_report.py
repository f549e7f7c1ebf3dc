import math

from odoo import api, fields, models

from boh_core.hours import availability_pct

SCOPES = [
    ("category", "By Category"),
    ("store", "By Store"),
    ("category_store", "By Category and Store"),
]
GROUPS = {
    "category": ["category_id"],
    "store": ["store_id"],
    "category_store": ["category_id", "store_id"],
}


class BohMaintenanceReliabilityReport(models.Model):
    """MTTR and MTBF over the last twelve months per equipment category and per store.

    A snapshot table rather than an SQL view: MTBF needs each equipment's downtime with
    overlapping repairs counted once, which boh_core computes for the whole fleet in one
    call; the figures are the same as on the equipment, category and store forms.
    """

    _name = "boh.maintenance.reliability.report"
    _description = "Equipment Reliability Report"
    _order = "scope, mtbf_hours, category_id, store_id"
    _log_access = False

    scope = fields.Selection(SCOPES, required=True, readonly=True, index=True)
    company_id = fields.Many2one("res.company", required=True, readonly=True, index=True)
    category_id = fields.Many2one(
        "maintenance.equipment.category", readonly=True, ondelete="cascade"
    )
    store_id = fields.Many2one("stock.warehouse", readonly=True, ondelete="cascade")
    equipment_count = fields.Integer("Equipment", readonly=True)
    failures = fields.Integer(readonly=True, help="Corrective requests filed in the period.")
    repairs = fields.Integer(readonly=True, help="Corrective requests filed and finished.")
    mttr_hours = fields.Float("MTTR (h)", digits=(16, 1), readonly=True, aggregator=None)
    mtbf_hours = fields.Float("MTBF (h)", digits=(16, 1), readonly=True, aggregator=None)
    downtime_hours = fields.Float("Downtime (h)", digits=(16, 1), readonly=True)
    availability_pct = fields.Float(
        "Availability (%)", digits=(16, 2), readonly=True, aggregator=None
    )
    period_start = fields.Datetime(readonly=True)
    period_end = fields.Datetime(readonly=True)

    @api.model
    def action_open_report(self):
        """Refresh the figures of the current companies and open the report."""
        self._refresh(self.env.companies)
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Equipment Reliability"),
            "res_model": self._name,
            "view_mode": "list,pivot",
            "context": {"search_default_scope_category": 1},
        }

    @api.model
    def _refresh(self, companies):
        """Rebuild the lines of ``companies`` from their equipment and requests."""
        self.check_access("read")
        Report = self.sudo()
        Report.search([("company_id", "in", companies.ids)]).unlink()
        Equipment = self.env["maintenance.equipment"].sudo().with_context(active_test=False)
        vals_list = []
        for company in companies:
            equipment = Equipment.search([("company_id", "in", (company.id, False))])
            if not equipment:
                continue
            counts = {scope: {} for scope in GROUPS}
            for machine in equipment:
                category, store = machine.category_id.id or 0, machine.boh_store_id.id or 0
                for scope, key in (
                    ("category", (category, 0)),
                    ("store", (0, store)),
                    ("category_store", (category, store)),
                ):
                    counts[scope][key] = counts[scope].get(key, 0) + 1
            for scope, by in GROUPS.items():
                frame, start, end = equipment._boh_reliability_frame(by)
                for row in frame.to_dict("records"):
                    category = int(row.get("category_id", 0))
                    store = int(row.get("store_id", 0))
                    if (scope == "category" and not category) or (scope == "store" and not store):
                        continue
                    vals_list.append(
                        {
                            "scope": scope,
                            "company_id": company.id,
                            "category_id": category or False,
                            "store_id": store or False,
                            "equipment_count": counts[scope].get((category, store), 0),
                            "failures": int(row["failures"]),
                            "repairs": int(row["repairs"]),
                            "mttr_hours": _number(row["mttr_hours"]),
                            "mtbf_hours": _number(row["mtbf_hours"]),
                            "downtime_hours": row["downtime_hours"],
                            "availability_pct": availability_pct(
                                row["operating_hours"], row["downtime_hours"]
                            ),
                            "period_start": start,
                            "period_end": end,
                        }
                    )
        return Report.create(vals_list)


def _number(value):
    """0.0 for a figure that is undefined (no repair, no failure)."""
    return 0.0 if value is None or math.isnan(value) else float(value)
