from typing import NamedTuple

import pytz

from odoo import api, fields, models
from odoo.exceptions import ValidationError

from boh_core.maintenance.sla import ALWAYS, WorkingHours

from ..tools.server_context import check_server_fields


class StoreTime(NamedTuple):
    """Where a store is in time: its calendar (may be empty), its opening hours as boh_core
    ``WorkingHours`` (``ALWAYS`` when it has none), its time zone name and its local date."""

    calendar: models.BaseModel
    hours: WorkingHours
    tz: str
    today: object  # datetime.date


class StockWarehouse(models.Model):
    _inherit = "stock.warehouse"

    boh_store_type = fields.Selection(
        [("store", "Store"), ("central_kitchen", "Central kitchen")],
        string="BOH Site Type",
        help="Stores sell to guests; a central kitchen prepares for the stores. "
        "Integrators name a store by the warehouse's short name (code).",
    )
    boh_central_kitchen = fields.Boolean(
        string="Central Kitchen",
        compute="_compute_boh_central_kitchen",
        store=True,
        help="This site prepares for the stores: they send it requisitions before its "
        "cut-off and it ships them what it made or holds.",
    )
    boh_requisition_cutoff = fields.Float(
        string="Requisition Cut-off",
        default=14.0,
        help="Time of day, in the ordering store's time zone, until which a store may send "
        "a requisition for delivery the next day (or later).",
    )
    boh_blind_count = fields.Boolean(
        string="Blind Counts",
        help="Counters of this store see neither the quantity the system expects nor the "
        "difference while a count is open; only BOH managers do. Their stock levels in the "
        "counted locations are hidden from them until the count is approved or cancelled.",
    )
    boh_count_area_ids = fields.One2many("boh.count.area", "warehouse_id", string="Storage Areas")

    boh_calendar_id = fields.Many2one(
        "resource.calendar",
        string="Opening Hours",
        check_company=True,
        help="Opening hours and time zone of the store: repair SLA targets count only these "
        "hours and staff schedules cover them. Without them, the company's default store "
        "opening hours apply.",
    )

    @api.depends("boh_store_type")
    def _compute_boh_central_kitchen(self):
        for warehouse in self:
            warehouse.boh_central_kitchen = warehouse.boh_store_type == "central_kitchen"

    @api.constrains("boh_requisition_cutoff")
    def _check_boh_requisition_cutoff(self):
        for warehouse in self:
            if not 0 <= warehouse.boh_requisition_cutoff < 24:
                raise ValidationError(
                    self.env._(
                        "Requisition Cut-off: %(value)s is not a time of day; enter a time "
                        "from 00:00 to 23:59.",
                        value=warehouse.boh_requisition_cutoff,
                    )
                )

    @api.model_create_multi
    def create(self, vals_list):
        """A new store joins the scope of the users with *All Stores*: drop the cached rules."""
        check_server_fields(self, vals_list, {"boh_central_kitchen"})
        warehouses = super().create(vals_list)
        self.env.registry.clear_cache()
        return warehouses

    def write(self, vals):
        """*Central Kitchen* follows the site type; it is not set by hand."""
        check_server_fields(self, [vals], {"boh_central_kitchen"})
        return super().write(vals)

    def _boh_holds(self, location):
        """Whether ``location`` is this store's stock location or a location inside it."""
        stock = self.lot_stock_id
        return bool(stock) and bool(location) and location._child_of(stock)

    def _boh_location_in_stock(self, location):
        """``location`` when this store holds it, else the store's stock location: where a
        store's document (a count, a waste entry) is taken when its store changes."""
        return location if self._boh_holds(location) else self.lot_stock_id

    def _boh_managers(self):
        """``{store id: user}``: the first BOH manager of each of these stores, in one read."""
        if not self:
            return {}
        managers = (
            self.env["res.users"]
            .sudo()
            .search_fetch(
                [
                    ("boh_warehouse_ids", "in", self.ids),
                    ("groups_id", "in", self.env.ref("boh_inventory.group_boh_manager").ids),
                ],
                ["boh_warehouse_ids"],
                order="id",
            )
        )
        result = {}
        for manager in managers:
            for store in manager.boh_warehouse_ids:
                result.setdefault(store.id, manager)
        return result

    def _boh_store_time(self, now=None):
        """``{store id: StoreTime}`` for these stores, read in one go.

        The calendar is the store's own opening hours, else its company's default store
        hours (empty when neither is set: hours then run around the clock). The time zone is
        the calendar's, else the store address's, else the company's, else UTC; "today" is the
        local date at ``now`` (a naive UTC datetime, by default the current time).
        """
        now = now or fields.Datetime.now()
        stores = self.sudo()
        stores.fetch(["boh_calendar_id", "company_id", "partner_id"])
        calendar_of = {
            store.id: store.boh_calendar_id or store.company_id.boh_store_calendar_id
            for store in stores
        }
        calendars = self.env["resource.calendar"].union(*calendar_of.values())
        hours = calendars.sudo()._boh_working_hours()
        result = {}
        for store in stores:
            calendar = calendar_of[store.id]
            tz = calendar.tz or store.partner_id.tz or store.company_id.partner_id.tz or "UTC"
            try:
                zone = pytz.timezone(tz)
            except pytz.UnknownTimeZoneError:
                tz, zone = "UTC", pytz.utc
            today = pytz.utc.localize(now).astimezone(zone).date()
            result[store.id] = StoreTime(
                calendar=calendar.with_env(self.env),
                hours=hours.get(calendar.id, ALWAYS),
                tz=tz,
                today=today,
            )
        return result
