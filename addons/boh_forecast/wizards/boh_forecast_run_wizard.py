from odoo import fields, models

from ..tools.store_scope import check_store_in_scope


class BohForecastRunWizard(models.TransientModel):
    """Run the nightly forecast now for one location."""

    _name = "boh.forecast.run.wizard"
    _description = "Run Forecast for a Location"

    warehouse_id = fields.Many2one(
        "stock.warehouse",
        string="Location",
        required=True,
        domain="[('company_id', 'in', allowed_company_ids)]",
    )

    def action_run(self):
        """Forecast the location and open the purchase orders it suggests."""
        self.check_access("write")
        self.ensure_one()
        check_store_in_scope(self.warehouse_id)
        orders = self.env["boh.forecast.engine"]._run_for_warehouses(self.warehouse_id)
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "boh_forecast.action_boh_suggested_orders"
        )
        action["domain"] = [("id", "in", orders.ids)]
        return action
