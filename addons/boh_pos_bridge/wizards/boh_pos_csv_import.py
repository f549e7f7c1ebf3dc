import base64
import binascii
import io
import json

from odoo import fields, models
from odoo.exceptions import UserError

from boh_core.errors import BohError
from boh_core.sales import read_sales_csv
from boh_core.sales.payload import MAX_ORDERS

# A POS export bigger than this is split by the client command line, not uploaded here.
MAX_FILE_BYTES = 20 * 1024 * 1024


class BohPosCsvImport(models.TransientModel):
    """Upload a POS export (CSV); it goes through the same pipeline as a push."""

    _name = "boh.pos.csv.import"
    _description = "Upload POS Export"

    file = fields.Binary(string="POS Export (CSV)", required=True)
    filename = fields.Char()
    source = fields.Char(
        default="csv",
        required=True,
        help="POS name for rows without a source column; item codes are mapped per source.",
    )
    column_map = fields.Text(
        string="Column Mapping",
        help='Your headers to ours, as JSON: {"Ticket": "order_ref", "Store": "location"}. '
        "Leave empty when the file uses the documented column names.",
    )
    state = fields.Selection([("upload", "Upload"), ("done", "Done")], default="upload")
    summary = fields.Text(readonly=True)
    batch_ids = fields.Many2many("boh.pos.batch", string="Batches", readonly=True)

    def _read_payloads(self):
        raw = self.file or b""
        try:
            data = base64.b64decode(raw, validate=False)
        except (binascii.Error, ValueError):
            raise UserError(self.env._("The file could not be read.")) from None
        if len(data) > MAX_FILE_BYTES:
            raise UserError(
                self.env._(
                    "The file is larger than %(size)s MB; send it with the command line "
                    "client, which splits it into batches.",
                    size=MAX_FILE_BYTES // (1024 * 1024),
                )
            )
        try:
            text = data.decode("utf-8-sig")
        except UnicodeDecodeError:
            raise UserError(self.env._("The file is not UTF-8 text; export it as UTF-8.")) from None
        column_map = None
        if self.column_map and self.column_map.strip():
            try:
                column_map = json.loads(self.column_map)
            except ValueError:
                column_map = None
            if not isinstance(column_map, dict) or not all(
                isinstance(k, str) and isinstance(v, str) for k, v in column_map.items()
            ):
                raise UserError(
                    self.env._(
                        "The column mapping must be a JSON object of header names, such as "
                        '{"Ticket": "order_ref"}.'
                    )
                )
        try:
            return read_sales_csv(io.StringIO(text), source=self.source, column_map=column_map)
        except BohError as error:
            raise UserError(str(error)) from None

    def action_import(self):
        """Send every order of the file through the sales feed, in batches."""
        self.ensure_one()
        feed = self.env["boh.pos.feed"]
        counts = {"created": 0, "duplicate": 0, "amended": 0, "error": 0}
        problems = []
        batches = []
        for payload in self._read_payloads():
            orders = payload.get("orders", [])
            for start in range(0, len(orders), MAX_ORDERS):
                part = dict(payload, orders=orders[start : start + MAX_ORDERS])
                answer = feed._push(part, "csv")
                batches.append(answer["batch"])
                for order in answer["orders"]:
                    counts[order["status"]] += 1
                    for error in order["errors"]:
                        problems.append(
                            f"{order['order_ref']} {error['line_ref']} [{error['field']}]: "
                            f"{error['message']}"
                        )
        lines = [
            self.env._(
                "%(created)s created, %(duplicate)s already there, %(amended)s amended, "
                "%(error)s refused.",
                **counts,
            )
        ]
        lines += problems[:200]
        self.write(
            {
                "state": "done",
                "summary": "\n".join(lines),
                "batch_ids": [(6, 0, batches)],
            }
        )
        return {
            "type": "ir.actions.act_window",
            "res_model": self._name,
            "res_id": self.id,
            "view_mode": "form",
            "target": "new",
        }

    def action_open_unmapped(self):
        """The mapping step: codes of the file that nobody has mapped yet."""
        return self.env["ir.actions.act_window"]._for_xml_id(
            "boh_pos_bridge.action_boh_pos_unmapped"
        )
