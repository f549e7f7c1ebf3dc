from odoo import api, fields, models, tools

from boh_core.maintenance.sla import SlaTarget

PRIORITIES = [("0", "Very Low"), ("1", "Low"), ("2", "Normal"), ("3", "High")]
# Used when a company has no SLA line for a priority: (response h, resolution h, load weight).
DEFAULT_TARGETS = {"0": (24.0, 168.0, 0.5), "1": (8.0, 72.0, 1.0), "2": (4.0, 24.0, 2.0)}
DEFAULT_TARGETS["3"] = (1.0, 8.0, 4.0)


class BohMaintenanceSla(models.Model):
    """Response and resolution targets of repair requests, per company and priority."""

    _name = "boh.maintenance.sla"
    _description = "Repair SLA Target"
    _order = "company_id, priority desc"
    _check_company_auto = True

    company_id = fields.Many2one(
        "res.company", required=True, default=lambda self: self.env.company, index=True
    )
    priority = fields.Selection(PRIORITIES, required=True)
    response_hours = fields.Float(required=True, help="Hours allowed before a first response.")
    resolution_hours = fields.Float(required=True, help="Hours allowed to finish the repair.")
    load_weight = fields.Float(
        default=1.0,
        help="How much one open request of this priority weighs in a technician's load.",
    )

    _sql_constraints = [
        (
            "priority_company_uniq",
            "unique(company_id, priority)",
            "Each priority has one SLA target per company.",
        ),
        (
            "hours_positive",
            "CHECK(response_hours >= 0 AND resolution_hours >= 0 AND load_weight >= 0)",
            "SLA hours and load weights cannot be negative.",
        ),
    ]

    @api.model_create_multi
    def create(self, vals_list):
        records = super().create(vals_list)
        self.env.registry.clear_cache()  # _company_targets
        return records

    def write(self, vals):
        result = super().write(vals)
        self.env.registry.clear_cache()  # _company_targets
        return result

    def unlink(self):
        result = super().unlink()
        self.env.registry.clear_cache()  # _company_targets
        return result

    @api.model
    def _targets_by_company(self, companies):
        """Return ``{company id: {priority: (SlaTarget, weight)}}`` with defaults filled in."""
        return {company.id: dict(self._company_targets(company.id)) for company in companies}

    @api.model
    @tools.ormcache("company_id")
    def _company_targets(self, company_id):
        """``((priority, (SlaTarget, weight)), ...)`` of one company, read once per worker
        until a target changes: every filed request and every dispatch needs them."""
        targets = {
            priority: (SlaTarget(response, resolution), weight)
            for priority, (response, resolution, weight) in DEFAULT_TARGETS.items()
        }
        lines = self.sudo().search_fetch(
            [("company_id", "=", company_id)],
            ["priority", "response_hours", "resolution_hours", "load_weight"],
        )
        for line in lines:
            targets[line.priority] = (
                SlaTarget(line.response_hours, line.resolution_hours),
                line.load_weight,
            )
        return tuple(targets.items())
