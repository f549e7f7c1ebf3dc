from datetime import timedelta

import pandas as pd

from odoo import api, fields, models
from odoo.exceptions import AccessError
from odoo.tools import SQL

from boh_core.maintenance.reliability import mttr_mtbf
from boh_core.maintenance.tokens import (
    is_well_formed_token,
    new_token,
    short_code,
    token_digest,
)

MANAGER_GROUPS = ("maintenance.group_equipment_manager", "boh_inventory.group_boh_manager")
#: Reliability figures look back this many days.
RELIABILITY_DAYS = 365


class MaintenanceEquipment(models.Model):
    _inherit = "maintenance.equipment"

    boh_store_id = fields.Many2one(
        "stock.warehouse",
        string="Store",
        index=True,
        check_company=True,
        tracking=True,
        help="The store (warehouse) where this equipment stands; spare parts come from here.",
    )
    boh_short_code = fields.Char(
        "Short Code",
        copy=False,
        readonly=True,
        index=True,
        help="Code printed on the label that people read aloud, e.g. FRY-0042. Not a secret.",
    )
    # Only the SHA-256 digest of the label token is kept: a leaked table leaks no link.
    boh_token_digest = fields.Char(copy=False, readonly=True, groups="base.group_system")
    boh_label_state = fields.Selection(
        [("none", "No Label"), ("active", "Active"), ("revoked", "Revoked")],
        string="QR Label",
        default="none",
        required=True,
        copy=False,
        readonly=True,
        tracking=True,
    )
    boh_stock_location_id = fields.Many2one(
        "stock.location",
        string="Stock Held Here",
        check_company=True,
        domain="[('usage', '=', 'internal')]",
        help="For cold storage: the stock location it holds. When its temperature goes out "
        "of range, the stock there is flagged for review.",
    )
    boh_threshold_ids = fields.One2many(
        "boh.sensor.threshold", "equipment_id", string="Sensor Thresholds"
    )
    boh_next_preventive_date = fields.Datetime(
        "Next Preventive", compute="_compute_boh_next_preventive_date"
    )
    boh_mttr_hours = fields.Float("MTTR (h)", compute="_compute_boh_reliability", digits=(16, 1))
    boh_mtbf_hours = fields.Float("MTBF (h)", compute="_compute_boh_reliability", digits=(16, 1))
    boh_failure_count = fields.Integer("Failures (12 months)", compute="_compute_boh_reliability")
    boh_mttr_known = fields.Boolean(
        "MTTR Known",
        compute="_compute_boh_reliability",
        help="Whether a repair was closed in the last 12 months: without one the MTTR is "
        "undefined, which is not zero.",
    )
    boh_mtbf_known = fields.Boolean(
        "MTBF Known",
        compute="_compute_boh_reliability",
        help="Whether a failure was reported in the last 12 months: without one the MTBF is "
        "undefined, which is not zero.",
    )
    boh_repeat_failure_at = fields.Datetime(
        "Repeat Failure Alert",
        readonly=True,
        copy=False,
        help="When this equipment last reached the repeat-failure limit (N corrective "
        "requests in M days, see the settings).",
    )
    boh_repair_cost = fields.Float("Repair Cost", compute="_compute_boh_repair_cost")
    boh_repair_cost_ratio = fields.Float(
        "Repair Cost / Value (%)", compute="_compute_boh_repair_cost", digits=(16, 2)
    )

    _sql_constraints = [
        ("boh_short_code_uniq", "unique(boh_short_code)", "The short code must be unique."),
        ("boh_token_digest_uniq", "unique(boh_token_digest)", "Label tokens must be unique."),
    ]

    @api.depends("maintenance_ids.stage_id.done", "maintenance_ids.archive")
    def _compute_maintenance_count(self):
        """Odoo's request counters, counted by the database rather than by loading every
        request of the equipment: each new request recomputes them."""
        counts = {}
        equipment_ids = [machine._origin.id for machine in self if machine._origin.id]
        if equipment_ids:
            for machine, stage, archived, count in (
                self.env["maintenance.request"]
                .sudo()
                ._read_group(
                    [("equipment_id", "in", equipment_ids)],
                    ["equipment_id", "stage_id", "archive"],
                    ["__count"],
                )
            ):
                total, open_count = counts.get(machine.id, (0, 0))
                is_open = not stage.done and not archived
                counts[machine.id] = (total + count, open_count + (count if is_open else 0))
        for machine in self:
            machine.maintenance_count, machine.maintenance_open_count = counts.get(
                machine._origin.id, (0, 0)
            )

    @api.depends(
        "maintenance_ids.schedule_date",
        "maintenance_ids.stage_id.done",
        "maintenance_ids.maintenance_type",
        "maintenance_ids.archive",
    )
    def _compute_boh_next_preventive_date(self):
        """The earliest open preventive request of each equipment, as Odoo schedules it
        (a recurring one creates its next occurrence when it is done)."""
        groups = self.env["maintenance.request"]._read_group(
            [
                ("equipment_id", "in", [machine._origin.id for machine in self]),
                ("maintenance_type", "=", "preventive"),
                ("stage_id.done", "=", False),
                ("archive", "=", False),
                ("schedule_date", "!=", False),
            ],
            ["equipment_id"],
            ["schedule_date:min"],
        )
        dates = {equipment.id: date for equipment, date in groups}
        for equipment in self:
            equipment.boh_next_preventive_date = dates.get(equipment._origin.id, False)

    def _compute_boh_reliability(self):
        self._boh_set_reliability(self, "equipment_id")

    def _boh_set_reliability(self, records, by):
        """Set the reliability fields of ``records`` (equipment, categories or stores: each
        has ``boh_failure_count``, ``boh_mttr_hours``, ``boh_mtbf_hours``, ``boh_mttr_known``
        and ``boh_mtbf_known``) from these equipment's figures grouped ``by`` (see
        ``_boh_reliability``); an undefined figure is 0 and not known."""
        figures = self._boh_reliability(by) if self.ids else {}
        for record in records:
            row = figures.get(record.id, {})
            record.boh_failure_count = row.get("failures", 0)
            record.boh_mttr_hours = row.get("mttr_hours") or 0.0
            record.boh_mtbf_hours = row.get("mtbf_hours") or 0.0
            record.boh_mttr_known = row.get("mttr_hours") is not None
            record.boh_mtbf_known = row.get("mtbf_hours") is not None

    def _boh_reliability(self, by):
        """MTTR, MTBF and failures of these equipment over the last year, grouped ``by``.

        ``by`` is ``equipment_id``, ``category_id`` or ``store_id``; returns ``{group id:
        {"failures", "mttr_hours", "mtbf_hours"}}`` with None where a figure is undefined (no
        repair, no failure).
        Groups are pooled (see boh_core.maintenance.reliability).
        """
        result = self._boh_reliability_frame(by)[0]
        return {
            row[by]: {
                "failures": int(row["failures"]),
                "mttr_hours": _defined(row["mttr_hours"]),
                "mtbf_hours": _defined(row["mtbf_hours"]),
            }
            for row in result.to_dict("records")
        }

    def _boh_reliability_frame(self, by):
        """boh_core's reliability DataFrame of these equipment over the last year.

        ``by`` is a group column or a list of them (``equipment_id``, ``category_id``,
        ``store_id``; 0 stands for none). Returns ``(frame, period start, period end)``;
        undefined figures are NaN.
        """
        # The period end is exclusive: a second later counts a request filed just now.
        end = fields.Datetime.now() + timedelta(seconds=1)
        start = end - timedelta(days=RELIABILITY_DAYS)
        fleet = pd.DataFrame(
            {
                "equipment_id": self.ids,
                "category_id": [e.category_id.id or 0 for e in self],
                "store_id": [e.boh_store_id.id or 0 for e in self],
            }
        )
        result = mttr_mtbf(
            self._boh_request_frame(start, end),
            period_start=start,
            period_end=end,
            by=by,
            equipment=fleet,
        )
        return result, start, end

    def _boh_request_frame(self, start, end):
        """Requests of these equipment touching ``[start, end)``, as boh_core expects them.

        One query for the whole fleet: the ORM builds it (domain, record rules), the rows
        go straight into the DataFrame without a record per request.
        """
        Request = self.env["maintenance.request"].sudo().with_context(active_test=False)
        query = Request._search(
            [
                ("equipment_id", "in", self.ids),
                ("boh_reported_at", "<", end),
                "|",
                ("boh_done_at", "=", False),
                ("boh_done_at", ">=", start),
            ]
        )
        table = query.table
        columns = [
            SQL.identifier(table, name)
            for name in ("equipment_id", "category_id", "boh_store_id", "maintenance_type")
            + ("boh_reported_at", "boh_done_at")
        ]
        rows = self.env.execute_query(query.select(*columns))
        frame = pd.DataFrame.from_records(
            rows,
            columns=["equipment_id", "category_id", "store_id", "kind", "request_dt", "close_dt"],
        )
        frame["category_id"] = frame["category_id"].fillna(0).astype("int64")
        frame["store_id"] = frame["store_id"].fillna(0).astype("int64")
        frame["kind"] = frame["kind"].fillna("corrective")
        frame["request_dt"] = pd.to_datetime(frame["request_dt"])
        frame["close_dt"] = pd.to_datetime(frame["close_dt"])
        return frame

    def _compute_boh_repair_cost(self):
        groups = self.env["maintenance.request"]._read_group(
            [("equipment_id", "in", self.ids)],
            ["equipment_id"],
            ["boh_parts_cost:sum", "boh_labour_cost:sum"],
        )
        costs = {equipment.id: parts + labour for equipment, parts, labour in groups}
        for equipment in self:
            cost = costs.get(equipment.id, 0.0)
            equipment.boh_repair_cost = cost
            equipment.boh_repair_cost_ratio = (
                100.0 * cost / equipment.cost if equipment.cost > 0 else 0.0
            )

    @api.model_create_multi
    def create(self, vals_list):
        """Give each new equipment its short code, e.g. FRY-0042."""
        categories = self.env["maintenance.equipment.category"].browse(
            [vals["category_id"] for vals in vals_list if vals.get("category_id")]
        )
        prefixes = {category.id: category.boh_code_prefix or "EQ" for category in categories}
        sequence = self.env["ir.sequence"].sudo()
        for vals in vals_list:
            if not vals.get("boh_short_code"):
                number = int(sequence.next_by_code("boh.maintenance.equipment.code"))
                prefix = prefixes.get(vals.get("category_id"), "EQ")
                vals["boh_short_code"] = short_code(prefix, number)
        return super().create(vals_list)

    def _boh_check_label_rights(self):
        """Only equipment and store managers may issue or revoke labels."""
        if not any(self.env.user.has_group(group) for group in MANAGER_GROUPS):
            raise AccessError(self.env._("Only a manager can issue or revoke QR labels."))
        self.check_access("write")

    def _boh_issue_tokens(self):
        """Give each equipment a fresh label token; return ``{equipment id: token}``.

        Earlier labels of these equipment stop working at once.
        """
        self._boh_check_label_rights()
        tokens = {}
        for equipment in self:
            token = new_token()
            tokens[equipment.id] = token
            # One write per equipment: each gets its own digest.
            equipment.sudo().write(
                {"boh_token_digest": token_digest(token), "boh_label_state": "active"}
            )
        message = self.env._("A new QR label was issued; older labels no longer work.")
        for equipment in self:
            equipment.message_post(body=message)
        return tokens

    def action_boh_revoke_label(self):
        """Make the current QR label of these equipment stop working."""
        self._boh_check_label_rights()
        self.sudo().write({"boh_token_digest": False, "boh_label_state": "revoked"})
        for equipment in self:
            equipment.message_post(body=self.env._("The QR label was revoked."))
        return True

    def action_boh_print_labels(self):
        """Open the label wizard for these equipment."""
        self._boh_check_label_rights()
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Print QR Labels"),
            "res_model": "boh.maintenance.label.wizard",
            "view_mode": "form",
            "target": "new",
            "context": {"default_equipment_ids": self.ids},
        }

    @api.model
    def _boh_find_by_token(self, token):
        """The active equipment whose label carries ``token``, or an empty recordset.

        Called with sudo by the public page; malformed, unknown and revoked tokens all
        give the same empty answer.
        """
        if not is_well_formed_token(token):
            return self.browse()
        # only what the page shows and files: not the whole equipment record
        return self.search_fetch(
            [("boh_token_digest", "=", token_digest(token))],
            ["name", "boh_store_id", "company_id"],
            limit=1,
        )

    def _boh_store_tz(self):
        """The time zone of the equipment's store (``stock.warehouse._boh_store_time``), else
        its company's default store hours', else the company's, else UTC."""
        self.ensure_one()
        if self.boh_store_id:
            return self.boh_store_id._boh_store_time()[self.boh_store_id.id].tz
        calendar = self.company_id.sudo().boh_store_calendar_id
        return calendar.tz or self.company_id.sudo().partner_id.tz or "UTC"

    def _boh_label_url(self, token):
        """The URL a label's QR code carries."""
        self.ensure_one()
        return f"{self.get_base_url().rstrip('/')}/boh/repair/{token}"


def _defined(value):
    """A figure of boh_core's frame, or None where it is undefined (NaN)."""
    return None if pd.isna(value) else float(value)
