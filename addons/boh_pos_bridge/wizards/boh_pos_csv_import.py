import base64
import binascii
import io

from odoo import Command, fields, models
from odoo.addons.boh_inventory.tools.actions import reopen_wizard
from odoo.addons.boh_inventory.tools.core_messages import translate_core_error
from odoo.exceptions import UserError

from boh_core.errors import BohError
from boh_core.sales import read_sales_csv
from boh_core.sales.csv_import import (
    REQUIRED_CSV_FIELDS,
    read_csv_header,
    suggest_columns,
)
from boh_core.sales.payload import MAX_ORDERS

# A POS export bigger than this is split by the client command line, not uploaded here.
MAX_FILE_BYTES = 20 * 1024 * 1024

# the documented layout of boh_core.sales.csv_import, as the mapping step shows it
FIELD_LABELS = [
    ("order_ref", "Order Reference"),
    ("location", "Location (store code)"),
    ("business_date", "Business Date (YYYY-MM-DD)"),
    ("closed_at", "Closed At (ISO 8601 with offset)"),
    ("line_ref", "Line Reference"),
    ("item_code", "Item Code"),
    ("qty", "Quantity (negative: refund)"),
    ("unit_price", "Unit Price (paid, tax included)"),
    ("modifiers", "Modifiers (CODE:qty;CODE)"),
    ("void", "Void (yes/no)"),
    ("restock", "Restock (yes/no)"),
    ("parent_line_ref", "Set Meal Line (parent line reference)"),
    ("covers", "Covers"),
    ("source", "Source (POS name)"),
]


class BohPosCsvImport(models.TransientModel):
    """Upload a POS export (CSV): choose the file, map its columns, import.

    The import goes through the same pipeline as a push.
    """

    _name = "boh.pos.csv.import"
    _description = "Upload POS Export"

    file = fields.Binary(string="POS Export (CSV)", required=True)
    filename = fields.Char()
    source = fields.Char(
        default="csv",
        required=True,
        help="POS name for rows without a source column; item codes are mapped per source.",
    )
    state = fields.Selection(
        [("upload", "Upload"), ("map", "Map Columns"), ("done", "Done")], default="upload"
    )
    column_ids = fields.One2many(
        "boh.pos.csv.import.column", "wizard_id", string="Columns of the File", readonly=True
    )
    mapping_ids = fields.One2many(
        "boh.pos.csv.import.mapping", "wizard_id", string="Column Mapping"
    )
    summary = fields.Text(readonly=True)
    batch_ids = fields.Many2many("boh.pos.batch", string="Batches", readonly=True)

    # ------------------------------------------------------------------ actions
    def action_read_columns(self):
        """The mapping step: read the header row and propose a column for each field."""
        self.check_access("write")
        self.ensure_one()
        header = self._read_header()
        suggested = suggest_columns(header)
        self.column_ids.unlink()
        self.mapping_ids.unlink()
        columns = self.env["boh.pos.csv.import.column"].create(
            [
                {"wizard_id": self.id, "name": name, "position": pos}
                for pos, name in enumerate(header)
            ]
        )
        by_position = {column.position: column for column in columns}
        self.env["boh.pos.csv.import.mapping"].create(
            [
                {
                    "wizard_id": self.id,
                    "sequence": seq,
                    "field_name": field,
                    "column_id": by_position[suggested[field]].id if field in suggested else False,
                }
                for seq, (field, _label) in enumerate(FIELD_LABELS)
            ]
        )
        self.state = "map"
        return self._reopen()

    def action_back(self):
        """Back to the file choice (another file, another source)."""
        self.check_access("write")
        self.ensure_one()
        self.state = "upload"
        return self._reopen()

    def action_import(self):
        """Send every order of the file through the sales feed, in batches."""
        self.check_access("write")
        self.ensure_one()
        if not self.mapping_ids:
            # called without the mapping step (from code): columns matched by name
            self.action_read_columns()
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
                "batch_ids": [Command.set(batches)],
            }
        )
        return self._reopen()

    def action_open_unmapped(self):
        """Codes of the file that nobody has mapped yet."""
        self.env["boh.pos.unmapped"].check_access("read")
        return self.env["ir.actions.act_window"]._for_xml_id(
            "boh_pos_bridge.action_boh_pos_unmapped"
        )

    # ------------------------------------------------------------------ helpers
    def _reopen(self):
        return reopen_wizard(self, self.env._("Upload POS Export"))

    def _read_text(self):
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
            return data.decode("utf-8-sig")
        except UnicodeDecodeError:
            raise UserError(self.env._("The file is not UTF-8 text; export it as UTF-8.")) from None

    def _read_header(self):
        try:
            return read_csv_header(self._read_text())
        except BohError as error:
            raise UserError(translate_core_error(self.env, error)) from None

    def _chosen_columns(self):
        """Our field -> position of the chosen column; a required field left out is an error."""
        chosen = {}
        labels = dict(
            self.env["boh.pos.csv.import.mapping"]
            ._fields["field_name"]
            ._description_selection(self.env)
        )
        missing = []
        for mapping in self.mapping_ids:
            if mapping.column_id:
                chosen[mapping.field_name] = mapping.column_id.position
            elif mapping.field_name in REQUIRED_CSV_FIELDS:
                missing.append(labels.get(mapping.field_name, mapping.field_name))
        if missing:
            raise UserError(
                self.env._(
                    "Choose the column of your file that holds each required field; none "
                    "is chosen for: %(fields)s.",
                    fields=", ".join(missing),
                )
            )
        return chosen

    def _read_payloads(self):
        columns = self._chosen_columns()
        try:
            return read_sales_csv(
                io.StringIO(self._read_text()), source=self.source, columns=columns
            )
        except BohError as error:
            raise UserError(translate_core_error(self.env, error)) from None
