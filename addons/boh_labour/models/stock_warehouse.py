import uuid

from odoo import api, fields, models
from odoo.addons.boh_inventory.tools.server_context import (
    check_server_fields,
    check_server_fields_created,
)
from odoo.exceptions import AccessError
from odoo.tools import SQL

#: Who sees a store's kiosk URL and may reset it: BOH managers (their stores) and Odoo's
#: attendance administrators (every store of their companies, as they have the company kiosk).
BOH_MANAGER = "boh_inventory.group_boh_manager"
ATTENDANCE_MANAGER = "hr_attendance.group_hr_attendance_manager"
KIOSK_GROUPS = f"{BOH_MANAGER},{ATTENDANCE_MANAGER}"
#: Written by the suite only (its default, a reset), never by hand or over RPC.
SERVER_FIELDS = frozenset({"boh_kiosk_key"})


def new_kiosk_key():
    return uuid.uuid4().hex


class StockWarehouse(models.Model):
    """Each store has its own attendance kiosk: a secret key in its URL, which lists and
    accepts only the store's employees and records the store on each check-in."""

    _inherit = "stock.warehouse"

    boh_kiosk_key = fields.Char(
        "Kiosk Key",
        default=lambda self: new_kiosk_key(),
        readonly=True,
        copy=False,
        groups=KIOSK_GROUPS,
        help="The secret in the store's kiosk URL; reset it to lock out old tablets.",
    )
    boh_kiosk_url = fields.Char(
        "Store Kiosk URL",
        compute="_compute_boh_kiosk_url",
        groups=KIOSK_GROUPS,
        help="Open it on the store's tablet: Odoo's attendance kiosk for this store's staff, "
        "recording this store on each check-in.",
    )

    @api.depends("boh_kiosk_key")
    def _compute_boh_kiosk_url(self):
        base = self.get_base_url()
        for store in self:
            key = store.sudo().boh_kiosk_key
            store.boh_kiosk_url = f"{base}/boh_labour/kiosk/{key}" if key else False

    def _init_column(self, column_name):
        """A different key for each existing store (the default would give them all one)."""
        if column_name != "boh_kiosk_key":
            return super()._init_column(column_name)
        self.env.cr.execute(
            SQL(
                "UPDATE %s SET boh_kiosk_key = replace(gen_random_uuid()::text, '-', '') "
                "WHERE boh_kiosk_key IS NULL",
                SQL.identifier(self._table),
            )
        )
        return None

    @api.model_create_multi
    def create(self, vals_list):
        """A store's kiosk key is its default's, never the caller's."""
        check_server_fields_created(self, vals_list, SERVER_FIELDS)
        return super().create(vals_list)

    def write(self, vals):
        check_server_fields(self, [vals], SERVER_FIELDS)
        return super().write(vals)

    def _boh_check_kiosk_manager(self):
        """Refuse a caller who may not reset these stores' kiosks: a BOH manager resets their
        own stores' only, Odoo's attendance administrator those of their companies."""
        user = self.env.user
        self.check_access("read")
        if self.env.su or user.has_group(ATTENDANCE_MANAGER):
            return
        if not user.has_group(BOH_MANAGER):
            raise AccessError(self.env._("Only a manager can reset a store's attendance kiosk."))
        outside = self - user._boh_store_scope()
        if outside:
            raise AccessError(
                self.env._(
                    "Only a manager of %(stores)s can reset its attendance kiosk.",
                    stores=", ".join(outside.sudo().mapped("name")),
                )
            )

    def action_boh_regenerate_kiosk_key(self):
        """A new kiosk key for these stores: tablets on the old URL are refused from now on."""
        self._boh_check_kiosk_manager()
        for store in self.sudo():
            store.boh_kiosk_key = new_kiosk_key()
        return True
