from odoo import api, fields, models, tools

from boh_core.errors import BohError
from boh_core.hours import weekly_shifts
from boh_core.maintenance.sla import ALWAYS, WorkingHours


class ResourceCalendar(models.Model):
    _inherit = "resource.calendar"

    def write(self, vals):
        result = super().write(vals)
        self.env.registry.clear_cache()  # _boh_calendar_hours
        return result

    def _boh_working_hours(self):
        """The opening hours of these calendars as boh_core ``WorkingHours``, by calendar id,
        kept per worker until a calendar or one of its lines changes (see ``_boh_hours``)."""
        # lines dated from or to a day: the UTC day is close enough, and needs no user's zone
        today = fields.Date.today()
        return {calendar.id: self._boh_calendar_hours(calendar.id, today) for calendar in self}

    @api.model
    @tools.ormcache("calendar_id", "today")
    def _boh_calendar_hours(self, calendar_id, today):
        return (
            self.sudo().browse(calendar_id).with_context(boh_today=today)._boh_hours()[calendar_id]
        )

    def _boh_hours(self):
        """The opening hours of these calendars as boh_core ``WorkingHours``, by calendar id.

        Lunch breaks, sections, lines of one resource and lines not valid today are left
        out; a two-week calendar uses its first week; overlapping lines are merged. A
        calendar without any usable line counts as always open.
        """
        today = self.env.context.get("boh_today") or fields.Date.context_today(self)
        result = {}
        for calendar in self:
            lines = [
                (int(line.dayofweek), line.hour_from, line.hour_to)
                for line in calendar.attendance_ids
                if not (
                    line.display_type
                    or line.day_period == "lunch"
                    or line.resource_id
                    or (calendar.two_weeks_calendar and line.week_type != "0")
                    or (line.date_from and line.date_from > today)
                    or (line.date_to and line.date_to < today)
                )
            ]
            shifts = weekly_shifts(lines)
            try:
                hours = WorkingHours(tz=calendar.tz or "UTC", shifts=shifts)
            except BohError:
                hours = ALWAYS
            result[calendar.id] = hours
        return result
