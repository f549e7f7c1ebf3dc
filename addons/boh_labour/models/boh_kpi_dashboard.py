from odoo import api, models

from boh_core.numbers.kpi import pct


class BohKpiDashboard(models.AbstractModel):
    _inherit = "boh.kpi.dashboard"

    @api.model
    def _boh_kpi_slots(self, stores, date_from, date_to):
        """Sales per labour hour, labour cost % and prime cost % from the labour KPIs."""
        slots = super()._boh_kpi_slots(stores, date_from, date_to)
        groups = self.env["boh.labour.kpi.report"]._read_group(
            [
                ("warehouse_id", "in", stores.ids),
                ("date", ">=", date_from),
                ("date", "<=", date_to),
            ],
            ["warehouse_id"],
            ["sales:sum", "food_cost:sum", "labour_hours:sum", "labour_cost:sum"],
        )
        # a store with no labour hours recorded has no labour figures (not 0 %), and stays out
        # of the group's
        per_store = {store.id: values for store, *values in groups if values[2]}
        group = [sum(values[i] for values in per_store.values()) for i in range(4)]

        def ratios(sales, food_cost, hours, labour_cost):
            if not hours:
                return (None, None, None)
            return (
                sales / hours if hours else None,
                pct(labour_cost, sales),
                pct(food_cost + labour_cost, sales),
            )

        figures = {store_id: ratios(*values) for store_id, values in per_store.items()}
        group_figures = ratios(*group)
        for index, (key, label, unit) in enumerate(
            (
                ("sales_per_labour_hour", self.env._("Sales per Labour Hour"), "money"),
                ("labour_cost_pct", self.env._("Labour Cost %"), "pct"),
                ("prime_cost_pct", self.env._("Prime Cost %"), "pct"),
            )
        ):
            slots.append(
                {
                    "key": key,
                    "label": label,
                    "unit": unit,
                    "group": group_figures[index],
                    "stores": {sid: values[index] for sid, values in figures.items()},
                }
            )
        return slots
