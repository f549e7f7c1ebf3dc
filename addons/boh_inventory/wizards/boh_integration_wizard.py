from datetime import timedelta

from odoo import Command, api, fields, models
from odoo.exceptions import AccessError, UserError, ValidationError

from ..tools.actions import reopen_wizard

#: API key scope: XML-RPC/JSON-RPC calls only (not the web login).
KEY_SCOPE = "rpc"


class BohIntegrationWizard(models.TransientModel):
    """Integration users and their API keys, for administrators.

    An integration user (a POS vendor, a sensor gateway) is a portal-type user in one BOH
    integration group: it has no access to the back office, only to the methods its group
    allows. Its API key is issued here with an expiry and shown once; rotating revokes every
    earlier key of the user, and revoking stops a key at once. Portal users in general still
    cannot create API keys for themselves.
    """

    _name = "boh.integration.wizard"
    _description = "BOH Integration Access"

    user_id = fields.Many2one(
        "res.users",
        string="Integration User",
        domain="[('share', '=', True)]",
        help="An existing integration user; leave empty to create one.",
    )
    kind = fields.Selection(
        [],
        string="Integration",
        help="What the user may do: each kind is one group of the BOH modules.",
    )
    name = fields.Char(help="Who or what uses the key, e.g. 'Toast POS, Harbour stores'.")
    login = fields.Char(help="A unique login; the integration signs in with it and its key.")
    company_id = fields.Many2one(
        "res.company", required=True, default=lambda self: self.env.company
    )
    store_ids = fields.Many2many(
        "stock.warehouse",
        string="Stores",
        domain="[('company_id', '=', company_id)]",
        help="The stores the integration may send data for (a POS: its sales; every store "
        "of the company with All Stores).",
    )
    all_stores = fields.Boolean()
    expiry_days = fields.Integer(
        "Key Valid (days)",
        default=365,
        required=True,
        help="The key stops working this many days after it is issued; rotate it before.",
    )
    key = fields.Char("New API Key", readonly=True, help="Shown once: copy it now.")
    key_expiry = fields.Date(readonly=True)
    active_key_count = fields.Integer(compute="_compute_active_key_count", string="Keys")

    @api.depends("user_id")
    def _compute_active_key_count(self):
        Keys = self.env["res.users.apikeys"].sudo()
        for wizard in self:
            wizard.active_key_count = Keys.search_count([("user_id", "=", wizard.user_id.id)])

    @api.onchange("user_id")
    def _onchange_user_id(self):
        user = self.user_id.sudo()
        if user:
            self.name, self.login = user.name, user.login
            self.company_id = user.company_id
            self.store_ids, self.all_stores = user.boh_warehouse_ids, user.boh_all_stores
            self.kind = next(
                (
                    kind
                    for kind, xmlid in self._integration_groups().items()
                    if user.has_group(xmlid)
                ),
                False,
            )

    @api.constrains("expiry_days")
    def _check_expiry_days(self):
        for wizard in self:
            if not 1 <= wizard.expiry_days <= 3660:
                raise ValidationError(
                    self.env._(
                        "Key Valid (days) must be between 1 and 3660, not %(value)s.",
                        value=wizard.expiry_days,
                    )
                )

    # ------------------------------------------------------------------ actions
    def action_create_user(self):
        """Create the integration user and issue its first key."""
        self._check_administrator()
        self.ensure_one()
        if self.user_id:
            raise UserError(self.env._("This integration user exists already: rotate its key."))
        for field_name in ("kind", "name", "login"):
            if not self[field_name]:
                label = self._fields[field_name]._description_string(self.env)
                raise UserError(self.env._("%(field)s is required.", field=label))
        group = self.env.ref(self._integration_groups()[self.kind])
        user = (
            self.env["res.users"]
            .sudo()
            .with_context(no_reset_password=True)
            .create(
                {
                    "name": self.name,
                    "login": self.login,
                    "company_id": self.company_id.id,
                    "company_ids": [Command.set(self.company_id.ids)],
                    "groups_id": [Command.set([self.env.ref("base.group_portal").id, group.id])],
                    **self._user_scope_values(),
                }
            )
        )
        self.user_id = user
        return self._issue_key()

    def action_save_scope(self):
        """Store the stores (and what sub-modules add) on the integration user."""
        self._check_administrator()
        self.ensure_one()
        self._require_user()
        self.user_id.sudo().write(self._user_scope_values())
        return reopen_wizard(self)

    def action_rotate_key(self):
        """Revoke every key of the user and issue a new one."""
        self._check_administrator()
        self.ensure_one()
        self._require_user()
        self._revoke_keys()
        return self._issue_key()

    def action_revoke_keys(self):
        """Revoke every key of the user: the integration stops at once."""
        self._check_administrator()
        self.ensure_one()
        self._require_user()
        self._revoke_keys()
        self.write({"key": False, "key_expiry": False})
        return reopen_wizard(self)

    # ------------------------------------------------------------------ helpers
    @api.model
    def _integration_groups(self):
        """``{kind: group xmlid}``; the modules that define integration groups add theirs."""
        return {}

    def _user_scope_values(self):
        return {
            "boh_warehouse_ids": [Command.set(self.store_ids.ids)],
            "boh_all_stores": self.all_stores,
        }

    def _check_administrator(self):
        if not self.env.user.has_group("base.group_system"):
            raise AccessError(self.env._("Only administrators manage integration users and keys."))

    def _require_user(self):
        user = self.user_id.sudo()
        integration = [
            xmlid for xmlid in self._integration_groups().values() if user.has_group(xmlid)
        ]
        if not user or not user.share or not integration:
            raise UserError(
                self.env._("%(user)s is not an integration user.", user=user.display_name or "-")
            )

    def _revoke_keys(self):
        keys = self.env["res.users.apikeys"].sudo().search([("user_id", "=", self.user_id.id)])
        keys.unlink()  # forgets accepted keys in every worker at once

    def _issue_key(self):
        expiry = fields.Datetime.now() + timedelta(days=self.expiry_days)
        Keys = self.env["res.users.apikeys"].with_user(self.user_id).sudo()
        key = Keys._generate(
            KEY_SCOPE, self.env._("Issued by %(admin)s", admin=self.env.user.name), expiry
        )
        self.write({"key": key, "key_expiry": expiry.date()})
        return reopen_wizard(self)
