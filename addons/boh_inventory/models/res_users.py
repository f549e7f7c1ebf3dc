from odoo import api, fields, models


class ResUsers(models.Model):
    _inherit = "res.users"

    boh_warehouse_ids = fields.Many2many(
        "stock.warehouse",
        "boh_warehouse_users_rel",
        "user_id",
        "warehouse_id",
        string="BOH Stores",
        help="Stores whose back-of-house records this user works with. Empty means no store, "
        "unless All Stores is set.",
    )
    boh_all_stores = fields.Boolean(
        "All Stores",
        help="Work with every store of the user's companies, present and future (a regional "
        "manager, a buyer). Without it, only the BOH Stores listed.",
    )
    boh_store_ids = fields.Many2many(
        "stock.warehouse",
        string="Stores in Scope",
        compute="_compute_boh_store_ids",
        compute_sudo=True,
        help="The stores this user works with: every store of their companies with All "
        "Stores, else their BOH Stores. Every BOH store rule reads this.",
    )

    @api.depends("boh_all_stores", "boh_warehouse_ids", "company_ids")
    @api.depends_context("uid")
    def _compute_boh_store_ids(self):
        everywhere = self.filtered("boh_all_stores")
        stores = self.env["stock.warehouse"].search(
            [("company_id", "in", everywhere.company_ids.ids)]
        )
        for user in self:
            if user.boh_all_stores:
                user.boh_store_ids = stores.filtered(
                    lambda s, u=user: s.company_id in u.company_ids
                )
            else:
                user.boh_store_ids = user.boh_warehouse_ids

    boh_blind_location_ids = fields.Many2many(
        "stock.location",
        compute="_compute_boh_blind_location_ids",
        string="Locations Under Blind Count",
        help="Locations (and the locations inside them) of the open blind counts of the "
        "user's companies: a counter does not see their stock.",
    )

    @api.depends_context("uid")
    def _compute_boh_blind_location_ids(self):
        counts = (
            self.env["boh.stock.count"]
            .sudo()
            .search_fetch(
                [("state", "=", "draft"), ("is_blind", "=", True)], ["location_id", "company_id"]
            )
        )
        locations = self.env["stock.location"]
        if counts:
            locations = locations.sudo().search([("id", "child_of", counts.location_id.ids)])
        for user in self:
            user.boh_blind_location_ids = locations.filtered(
                lambda loc, user=user: loc.company_id in user.company_ids
            )

    def write(self, vals):
        """Store rules read the user's stores: drop the cached rules when they change."""
        res = super().write(vals)
        if {"boh_warehouse_ids", "boh_all_stores", "company_ids"} & set(vals):
            self.env.registry.clear_cache()
        return res

    def _boh_store_scope(self):
        """The stores this user works in (``boh_store_ids``), as superuser records: never the
        companies or stores a request claims."""
        self.ensure_one()
        return self.env["stock.warehouse"].sudo().browse(self.sudo().boh_store_ids.ids)

    def _boh_default_store(self, company):
        """The store a new count or waste entry starts on: the user's first store of
        ``company``, else the company's first warehouse."""
        self.ensure_one()
        store = self.boh_store_ids.filtered(lambda w: w.company_id == company)[:1]
        return store or self.env["stock.warehouse"].search(
            [("company_id", "=", company.id)], limit=1
        )
