from datetime import timedelta

from odoo import api, fields, models
from odoo.addons.boh_inventory.tools.server_context import (
    check_server_fields,
    check_server_fields_created,
)

EARLY = timedelta(hours=2)  # a check-in this long before a shift still belongs to it
#: Recorded by a store's kiosk (from its key, on the server), never by hand or over RPC.
SERVER_FIELDS = frozenset({"boh_kiosk_warehouse_id"})


class HrAttendance(models.Model):
    """A check-in made at a store's kiosk belongs to that store, and to the employee's
    published shift there that it falls in (or just before). Any other check-in (Odoo's
    company kiosk, the systray, by hand) belongs to the published shift it falls in and that
    shift's store; without a shift, to the employee's first store."""

    _inherit = "hr.attendance"

    boh_kiosk_warehouse_id = fields.Many2one(
        "stock.warehouse",
        string="Kiosk Store",
        readonly=True,
        copy=False,
        index=True,
        help="The store whose attendance kiosk recorded the check-in.",
    )
    boh_shift_id = fields.Many2one(
        "boh.labour.shift", string="Shift", compute="_compute_boh_shift", store=True, index=True
    )
    boh_warehouse_id = fields.Many2one(
        "stock.warehouse", string="Store", compute="_compute_boh_shift", store=True, index=True
    )

    @api.model_create_multi
    def create(self, vals_list):
        """The kiosk store is the kiosk's to record, never the caller's."""
        check_server_fields_created(self, vals_list, SERVER_FIELDS)
        return super().create(vals_list)

    def write(self, vals):
        check_server_fields(self, [vals], SERVER_FIELDS)
        return super().write(vals)

    @api.depends("employee_id", "check_in", "boh_kiosk_warehouse_id")
    def _compute_boh_shift(self):
        attendances = self.filtered(lambda a: a.employee_id and a.check_in)
        shifts = self.env["boh.labour.shift"].sudo()
        if attendances:
            first = min(attendances.mapped("check_in"))
            last = max(attendances.mapped("check_in"))
            shifts = shifts.search(
                [
                    ("employee_id", "in", attendances.employee_id.ids),
                    ("state", "=", "published"),
                    ("stop", ">", first),
                    ("start", "<=", last + EARLY),
                ]
            )
        by_employee = {}
        for shift in shifts:
            by_employee.setdefault(shift.employee_id.id, []).append(shift)
        for attendance in self:
            kiosk = attendance.boh_kiosk_warehouse_id
            match = next(
                (
                    s
                    for s in by_employee.get(attendance.employee_id.id, [])
                    if attendance.check_in
                    and s.start - EARLY <= attendance.check_in < s.stop
                    and (not kiosk or s.warehouse_id == kiosk)
                ),
                None,
            )
            attendance.boh_shift_id = match.id if match else False
            attendance.boh_warehouse_id = (
                kiosk
                or (match and match.warehouse_id)
                or attendance.employee_id.sudo().boh_warehouse_ids[:1]
            )
