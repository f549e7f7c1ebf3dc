from odoo import api, fields, models

WEEKDAYS = [
    ("0", "Monday"),
    ("1", "Tuesday"),
    ("2", "Wednesday"),
    ("3", "Thursday"),
    ("4", "Friday"),
    ("5", "Saturday"),
    ("6", "Sunday"),
]


class HrEmployee(models.Model):
    _inherit = "hr.employee"

    boh_warehouse_ids = fields.Many2many(
        "stock.warehouse",
        "boh_labour_employee_warehouse_rel",
        "employee_id",
        "warehouse_id",
        string="Stores",
        help="Stores this employee may be scheduled at. Shifts at one store count against "
        "their hours and rest at the others.",
    )
    boh_job_ids = fields.Many2many(
        "hr.job",
        "boh_labour_employee_job_rel",
        "employee_id",
        "job_id",
        string="Qualified Jobs",
        help="Jobs they may be scheduled for, besides their own job position.",
    )
    boh_schedulable_job_ids = fields.Many2many(
        "hr.job", compute="_compute_boh_schedulable_job_ids", string="Schedulable Jobs"
    )
    boh_minor = fields.Boolean("Minor", help="Under 18: minors' hours apply, no night work.")
    boh_min_week_hours = fields.Float(
        "Contract Minimum (h/week)", groups="hr.group_hr_user,boh_inventory.group_boh_manager"
    )
    boh_max_week_hours = fields.Float(
        "Contract Maximum (h/week)",
        groups="hr.group_hr_user,boh_inventory.group_boh_manager",
        help="Zero: the company's rule.",
    )
    boh_rest_weekday = fields.Selection(
        WEEKDAYS, "Weekly Rest Day", help="Work on this day is paid at the rest-day rate."
    )
    boh_availability_ids = fields.One2many(
        "boh.labour.availability", "employee_id", string="Availability"
    )

    @api.depends("job_id", "boh_job_ids")
    def _compute_boh_schedulable_job_ids(self):
        for employee in self:
            employee.boh_schedulable_job_ids = employee.job_id | employee.boh_job_ids
