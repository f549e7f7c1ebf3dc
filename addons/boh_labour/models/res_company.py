from odoo import fields, models


class ResCompany(models.Model):
    _inherit = "res.company"

    boh_labour_min_shift_hours = fields.Float("Shortest Shift (h)", default=4.0)
    boh_labour_max_shift_hours = fields.Float("Longest Shift (h)", default=9.0)
    boh_labour_max_day_hours = fields.Float("Most Hours a Day", default=8.0)
    boh_labour_max_week_hours = fields.Float(
        "Most Hours a Week", default=44.0, help="For employees without a contract maximum."
    )
    boh_labour_min_rest_hours = fields.Float("Rest Between Shifts (h)", default=11.0)
    boh_labour_break_after_hours = fields.Float("Break After (h)", default=6.0)
    boh_labour_break_minutes = fields.Integer("Break (minutes)", default=30)
    boh_labour_break_paid = fields.Boolean("Paid Break")
    boh_labour_split_shifts = fields.Boolean(
        "Split Shifts", help="Allow two parts of a shift on one day, at least two hours apart."
    )
    boh_labour_ot_daily_hours = fields.Float("Overtime After (h a day)", default=8.0)
    boh_labour_ot_weekly_hours = fields.Float("Overtime After (h a week)", default=44.0)
    boh_labour_ot_rate = fields.Float("Overtime Pay %", default=150.0)
    boh_labour_rest_day_rate = fields.Float("Rest Day Pay %", default=200.0)
    boh_labour_holiday_rate = fields.Float("Public Holiday Pay %", default=300.0)
    boh_labour_minor_day_hours = fields.Float("Minors: Most Hours a Day", default=8.0)
    boh_labour_minor_week_hours = fields.Float("Minors: Most Hours a Week", default=40.0)
    boh_labour_budget_pct = fields.Float(
        "Labour Budget %", default=25.0, help="Labour cost allowed, as a % of forecast sales."
    )
    boh_labour_solve_seconds = fields.Integer(
        "Schedule Time Limit (s)", default=10, help="How long the solver may search per store."
    )
    boh_labour_late_minutes = fields.Integer(
        "Late After (minutes)",
        default=5,
        help="A check-in this long after the shift start is late.",
    )
    boh_labour_publish_days = fields.Integer(
        "Publish Days Ahead",
        default=3,
        help="Draft schedules are published, and each employee told, this many days before "
        "their week starts; 0 leaves publishing to the manager.",
    )
