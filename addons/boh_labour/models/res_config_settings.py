from odoo import fields, models


class ResConfigSettings(models.TransientModel):
    _inherit = "res.config.settings"

    boh_labour_min_shift_hours = fields.Float(
        related="company_id.boh_labour_min_shift_hours", readonly=False
    )
    boh_labour_max_shift_hours = fields.Float(
        related="company_id.boh_labour_max_shift_hours", readonly=False
    )
    boh_labour_max_day_hours = fields.Float(
        related="company_id.boh_labour_max_day_hours", readonly=False
    )
    boh_labour_max_week_hours = fields.Float(
        related="company_id.boh_labour_max_week_hours", readonly=False
    )
    boh_labour_min_rest_hours = fields.Float(
        related="company_id.boh_labour_min_rest_hours", readonly=False
    )
    boh_labour_break_after_hours = fields.Float(
        related="company_id.boh_labour_break_after_hours", readonly=False
    )
    boh_labour_break_minutes = fields.Integer(
        related="company_id.boh_labour_break_minutes", readonly=False
    )
    boh_labour_break_paid = fields.Boolean(
        related="company_id.boh_labour_break_paid", readonly=False
    )
    boh_labour_split_shifts = fields.Boolean(
        related="company_id.boh_labour_split_shifts", readonly=False
    )
    boh_labour_ot_daily_hours = fields.Float(
        related="company_id.boh_labour_ot_daily_hours", readonly=False
    )
    boh_labour_ot_weekly_hours = fields.Float(
        related="company_id.boh_labour_ot_weekly_hours", readonly=False
    )
    boh_labour_ot_rate = fields.Float(related="company_id.boh_labour_ot_rate", readonly=False)
    boh_labour_rest_day_rate = fields.Float(
        related="company_id.boh_labour_rest_day_rate", readonly=False
    )
    boh_labour_holiday_rate = fields.Float(
        related="company_id.boh_labour_holiday_rate", readonly=False
    )
    boh_labour_minor_day_hours = fields.Float(
        related="company_id.boh_labour_minor_day_hours", readonly=False
    )
    boh_labour_minor_week_hours = fields.Float(
        related="company_id.boh_labour_minor_week_hours", readonly=False
    )
    boh_labour_budget_pct = fields.Float(related="company_id.boh_labour_budget_pct", readonly=False)
    boh_labour_solve_seconds = fields.Integer(
        related="company_id.boh_labour_solve_seconds", readonly=False
    )
    boh_labour_late_minutes = fields.Integer(
        related="company_id.boh_labour_late_minutes", readonly=False
    )
    boh_labour_publish_days = fields.Integer(
        related="company_id.boh_labour_publish_days", readonly=False
    )
