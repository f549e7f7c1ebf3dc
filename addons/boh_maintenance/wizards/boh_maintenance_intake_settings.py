from odoo import api, fields, models
from odoo.exceptions import ValidationError

from ..models.boh_maintenance_intake_hit import DEFAULT_LIMITS

#: Hits older than a day are purged (``boh.maintenance.intake.hit._cron_purge_hits``): a
#: longer window would silently count only the last day.
MAX_WINDOW_MINUTES = 24 * 60
#: Field of the form -> the ``ir.config_parameter`` the repair page reads.
PARAMS = {name: f"boh_maintenance.{name}" for name in DEFAULT_LIMITS}
WINDOWS = ("address_minutes", "token_minutes", "bad_token_minutes")


# A settings form kept with the models, as res.config.settings is, not a step of a workflow.
class BohMaintenanceIntakeSettings(models.TransientModel):
    """The rate limits of the public repair page, for managers who cannot open Settings.

    Reads and writes the same system parameters as *Settings > Back of House*.
    """

    _name = "boh.maintenance.intake.settings"
    _description = "Repair Intake Settings"

    address_limit = fields.Integer(
        "Reports per Address",
        required=True,
        help="Most repair reports one client address may send within the address window.",
    )
    address_minutes = fields.Integer(
        "Address Window (minutes)",
        required=True,
        help="Length of the window over which the reports of one address are counted.",
    )
    token_limit = fields.Integer(
        "Reports per Label",
        required=True,
        help="Most repair reports one QR label may receive within the label window.",
    )
    token_minutes = fields.Integer(
        "Label Window (minutes)",
        required=True,
        help="Length of the window over which the reports of one label are counted.",
    )

    bad_token_limit = fields.Integer(
        "Unknown-Label Requests per Address",
        required=True,
        help="Most requests for labels that do not exist that one client address may send "
        "within its window; they never count against a real label's reports.",
    )
    bad_token_minutes = fields.Integer(
        "Unknown-Label Window (minutes)",
        required=True,
        help="Length of the window over which one address's requests for unknown labels are "
        "counted.",
    )

    @api.model
    def default_get(self, fields_list):
        """Start from the limits the repair page applies now."""
        values = super().default_get(fields_list)
        limits = self.env["boh.maintenance.intake.hit"]._limits()
        values.update({name: limits[name] for name in PARAMS if name in fields_list})
        return values

    @api.constrains(*PARAMS)
    def _check_limits(self):
        for settings in self:
            for name in PARAMS:
                value = settings[name]
                label = self._fields[name]._description_string(self.env)
                if value < 1:
                    raise ValidationError(
                        self.env._(
                            "%(field)s must be a positive whole number, not %(value)s.",
                            field=label,
                            value=value,
                        )
                    )
                if name in WINDOWS and value > MAX_WINDOW_MINUTES:
                    raise ValidationError(
                        self.env._(
                            "%(field)s can be at most %(max)s minutes (one day), not %(value)s.",
                            field=label,
                            max=MAX_WINDOW_MINUTES,
                            value=value,
                        )
                    )

    def action_save(self):
        """Store these limits where the repair page reads them."""
        self.check_access("write")
        self.ensure_one()
        self._check_limits()
        params = self.env["ir.config_parameter"].sudo()
        for name, key in PARAMS.items():
            params.set_param(key, str(self[name]))
        return {
            "type": "ir.actions.client",
            "tag": "display_notification",
            "params": {
                "type": "success",
                "message": self.env._("The repair intake limits are saved."),
            },
        }
