from odoo import api, fields, models


class BohIntegrationWizard(models.TransientModel):
    _inherit = "boh.integration.wizard"

    kind = fields.Selection(
        selection_add=[("sensor", "Sensor readings")], ondelete={"sensor": "cascade"}
    )

    @api.model
    def _integration_groups(self):
        return dict(
            super()._integration_groups(), sensor="boh_maintenance.group_boh_sensor_integration"
        )
