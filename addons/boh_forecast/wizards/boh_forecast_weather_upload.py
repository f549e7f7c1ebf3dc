import base64
import binascii

from odoo import fields, models
from odoo.addons.boh_inventory.tools.core_messages import translate_core_error
from odoo.exceptions import UserError

from boh_core.errors import BohError
from boh_core.forecast.weather import parse_weather_csv

from ..tools.store_scope import check_store_in_scope

MAX_UPLOAD_BYTES = 2_000_000


class BohForecastWeatherUpload(models.TransientModel):
    """Load a store's weather from a CSV file (``date,temperature,rain``), for stores without
    network access to a weather forecast or with a weather history to bring in."""

    _name = "boh.forecast.weather.upload"
    _description = "Upload Store Weather"

    warehouse_id = fields.Many2one(
        "stock.warehouse",
        string="Store",
        required=True,
        domain="[('company_id', 'in', allowed_company_ids)]",
    )
    file = fields.Binary(string="CSV File", required=True)
    filename = fields.Char()

    def action_load(self):
        """Check the whole file, then write every day of it (nothing is written if any line
        is wrong)."""
        self.check_access("write")
        self.ensure_one()
        check_store_in_scope(self.warehouse_id)
        try:
            raw = base64.b64decode(self.file or b"", validate=True)
        except (binascii.Error, ValueError) as err:
            raise UserError(self.env._("The file could not be read.")) from err
        if len(raw) > MAX_UPLOAD_BYTES:
            raise UserError(
                self.env._("The file is larger than %(mb)s MB.", mb=MAX_UPLOAD_BYTES // 10**6)
            )
        try:
            frame = parse_weather_csv(raw.decode("utf-8-sig"))
        except UnicodeDecodeError as err:
            raise UserError(self.env._("The file is not UTF-8 text.")) from err
        except BohError as err:
            raise UserError(translate_core_error(self.env, err)) from err
        if frame.empty:
            raise UserError(self.env._("The file has no weather rows."))
        self.env["boh.forecast.weather"]._put(self.warehouse_id, frame, "upload")
        return {
            "type": "ir.actions.client",
            "tag": "display_notification",
            "params": {
                "title": self.env._("Weather loaded"),
                "message": self.env._(
                    "%(days)s day(s) of weather for %(store)s, %(first)s to %(last)s.",
                    days=len(frame),
                    store=self.warehouse_id.name,
                    first=frame["ds"].min().date(),
                    last=frame["ds"].max().date(),
                ),
                "sticky": False,
                "next": {"type": "ir.actions.act_window_close"},
            },
        }
