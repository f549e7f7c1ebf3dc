from datetime import timedelta

from odoo import api, fields, models

EARLY = timedelta(hours=2)  # a check-in this long before a shift still belongs to it


class HrAttendance(models.Model):
    """A check-in belongs to the published shift it falls in (or just before), and through
    it to that shift's store; without a shift, to the employee's first store."""

    _inherit = "hr.attendance"

    boh_shift_id = fields.Many2one(
        "boh.labour.shift", string="Shift", compute="_compute_boh_shift", store=True, index=True
    )
    boh_warehouse_id = fields.Many2one(
        "stock.warehouse", string="Store", compute="_compute_boh_shift", store=True, index=True
    )

    @api.depends("employee_id", "check_in")
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
            match = next(
                (
                    s
                    for s in by_employee.get(attendance.employee_id.id, [])
                    if attendance.check_in and s.start - EARLY <= attendance.check_in < s.stop
                ),
                None,
            )
            attendance.boh_shift_id = match.id if match else False
            attendance.boh_warehouse_id = (
                match.warehouse_id if match else attendance.employee_id.sudo().boh_warehouse_ids[:1]
            )
