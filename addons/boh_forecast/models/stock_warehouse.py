from odoo import fields, models


class StockWarehouse(models.Model):
    _inherit = "stock.warehouse"

    boh_forecast_enabled = fields.Boolean(
        string="Forecast and Suggest Orders",
        default=True,
        help="The nightly forecast covers this location and suggests its purchase orders.",
    )

    def action_boh_run_forecast(self):
        """Open the wizard that runs the forecast for this location now."""
        self.env["boh.forecast.run.wizard"].check_access("create")
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "boh_forecast.action_boh_forecast_run_wizard"
        )
        action["context"] = {"default_warehouse_id": self.id}
        return action
