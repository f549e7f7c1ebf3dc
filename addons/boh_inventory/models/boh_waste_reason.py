from odoo import api, fields, models

#: Kinds of waste reason; every company gets one reason of each (see ``_default_values``).
REASON_KINDS = [
    ("spoiled", "Spoiled"),
    ("expired", "Expired"),
    ("overproduction", "Overproduction"),
    ("dropped", "Dropped or burnt"),
    ("staff_meal", "Staff meal"),
    ("returned", "Returned by guest"),
    ("other", "Other"),
]

#: Kinds that are a cost of running the kitchen rather than a loss (see ``counts_as_loss``).
NOT_LOSS_KINDS = frozenset({"staff_meal"})


class BohWasteReason(models.Model):
    """Why food was thrown away (or eaten by staff), set per company.

    ``counts_as_loss`` says whether waste of this reason counts in the waste % of the
    numbers (a staff meal is a cost, not a loss); reports read it by joining the waste
    lines to their reason, so changing it restates past periods too.
    """

    _name = "boh.waste.reason"
    _description = "Waste Reason"
    _order = "sequence, id"
    _check_company_auto = True

    name = fields.Char(required=True, translate=True)
    sequence = fields.Integer(default=10)
    kind = fields.Selection(
        REASON_KINDS,
        required=True,
        default="other",
        help="Expired: used by the expired-stock action. Returned by guest: checked against "
        "the POS feed, which already takes refunded and voided dishes out of stock.",
    )
    counts_as_loss = fields.Boolean(
        string="Counts as Loss",
        default=True,
        help="Waste of this reason counts in the waste % (a staff meal is a cost, not a loss).",
    )
    company_id = fields.Many2one(
        "res.company", required=True, index=True, default=lambda self: self.env.company
    )
    active = fields.Boolean(default=True)

    _sql_constraints = [
        (
            "name_company_unique",
            "unique(company_id, name)",
            "A waste reason name is used once per company.",
        ),
    ]

    @api.model
    def _default_values(self, company):
        """Values of the default reasons of ``company``, one per kind, in kind order."""
        labels = dict(self._fields["kind"]._description_selection(self.env))
        return [
            {
                "name": labels[kind],
                "kind": kind,
                "sequence": (index + 1) * 10,
                "counts_as_loss": kind not in NOT_LOSS_KINDS,
                "company_id": company.id,
            }
            for index, (kind, _label) in enumerate(REASON_KINDS)
        ]

    @api.model
    def _create_defaults(self, companies):
        """Give each of ``companies`` that has no waste reason yet the default reasons."""
        have = {
            company.id
            for [company] in self.sudo()
            .with_context(active_test=False)
            ._read_group([("company_id", "in", companies.ids)], ["company_id"])
        }
        vals_list = [
            vals
            for company in companies
            if company.id not in have
            for vals in self._default_values(company)
        ]
        return self.sudo().create(vals_list)

    @api.model
    def _reason_of_kind(self, company, kind):
        """The first active reason of ``kind`` of ``company`` (created if none exists)."""
        domain = [("company_id", "=", company.id), ("kind", "=", kind)]
        reason = self.sudo().search(domain, limit=1)
        if not reason:
            vals = next(v for v in self._default_values(company) if v["kind"] == kind)
            taken = (
                self.sudo()
                .with_context(active_test=False)
                .search_count([("company_id", "=", company.id), ("name", "=", vals["name"])])
            )
            if taken:
                vals["name"] = f"{vals['name']} ({kind})"
            reason = self.sudo().create(vals)
        return reason

    @api.model
    def _create_defaults_all(self):
        """Default reasons for every company that has none (run at install)."""
        return self._create_defaults(
            self.env["res.company"].sudo().search([("active", "in", (True, False))])
        )
