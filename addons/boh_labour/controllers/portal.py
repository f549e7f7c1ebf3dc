from datetime import date, timedelta

from odoo import fields, http
from odoo.addons.portal.controllers.portal import CustomerPortal
from odoo.exceptions import UserError, ValidationError
from odoo.http import request


class BohLabourPortal(CustomerPortal):
    """``/my/shifts``: an employee's shifts, availability and swaps, for employees without an
    internal user (their portal user's contact is their work contact)."""

    def _boh_employee(self):
        """The employee of the logged-in user, or an empty recordset."""
        user = request.env.user
        if user._is_public():
            return request.env["hr.employee"].sudo().browse()
        return (
            request.env["hr.employee"]
            .sudo()
            .search(
                ["|", ("user_id", "=", user.id), ("work_contact_id", "=", user.partner_id.id)],
                limit=1,
            )
        )

    def _prepare_home_portal_values(self, counters):
        values = super()._prepare_home_portal_values(counters)
        if "boh_shift_count" in counters:
            employee = self._boh_employee()
            values["boh_shift_count"] = (
                request.env["boh.labour.shift"]
                .sudo()
                .search_count(
                    [
                        ("employee_id", "=", employee.id),
                        ("state", "=", "published"),
                        ("stop", ">=", fields.Datetime.now()),
                    ]
                )
                if employee
                else 0
            )
        return values

    @http.route("/my/shifts", type="http", auth="user", website=True)
    def boh_my_shifts(self, message=None, error=None, **_kwargs):
        employee = self._boh_employee()
        if not employee:
            raise request.not_found()
        Shift = request.env["boh.labour.shift"].sudo()
        now = fields.Datetime.now()
        mine = Shift.search(
            [("employee_id", "=", employee.id), ("state", "=", "published"), ("stop", ">=", now)]
        )
        offered = Shift.search(
            [
                ("swap_state", "=", "offered"),
                ("employee_id", "!=", employee.id),
                ("warehouse_id", "in", employee.boh_warehouse_ids.ids),
                ("job_id", "in", employee.boh_schedulable_job_ids.ids),
                ("start", ">", now),
            ]
        )
        values = self._prepare_portal_layout_values()
        values.update(
            {
                "employee": employee,
                "shifts": mine,
                "offered": offered,
                "availability": employee.boh_availability_ids,
                "weekdays": request.env["boh.labour.availability"]
                ._fields["weekday"]
                ._description_selection(request.env),
                "message": message,
                "error": error,
                "page_name": "boh_shifts",
            }
        )
        return request.render("boh_labour.portal_my_shifts", values)

    def _boh_redirect(self, message=None, error=None):
        query = []
        if message:
            query.append(("message", message))
        if error:
            query.append(("error", error))
        from werkzeug.urls import url_encode

        return request.redirect("/my/shifts" + (f"?{url_encode(query)}" if query else ""))

    @http.route(
        "/my/shifts/<int:shift_id>/offer", type="http", auth="user", methods=["POST"], website=True
    )
    def boh_offer_shift(self, shift_id, **_kwargs):
        return self._boh_shift_step(
            shift_id, "_boh_offer", lambda: request.env._("Your shift is offered to colleagues.")
        )

    @http.route(
        "/my/shifts/<int:shift_id>/take", type="http", auth="user", methods=["POST"], website=True
    )
    def boh_take_shift(self, shift_id, **_kwargs):
        return self._boh_shift_step(
            shift_id, "_boh_take", lambda: request.env._("Taken: your manager will approve it.")
        )

    def _boh_shift_step(self, shift_id, step, done):
        """Take ``step`` (a shift method, given the employee) on shift ``shift_id`` as the
        signed-in employee, then go back to the shifts page saying ``done()``, or why the
        step was refused."""
        employee = self._boh_employee()
        shift = request.env["boh.labour.shift"].sudo().browse(shift_id).exists()
        if not employee or not shift:
            raise request.not_found()
        try:
            getattr(shift, step)(employee)
        except UserError as error:
            return self._boh_redirect(error=str(error))
        return self._boh_redirect(message=done())

    @http.route("/my/shifts/availability", type="http", auth="user", methods=["POST"], website=True)
    def boh_submit_availability(self, kind="recurring", weekday=None, day=None, **post):
        employee = self._boh_employee()
        if not employee:
            raise request.not_found()
        try:
            hour_from = _hours(post.get("hour_from"), "hour_from")
            hour_to = _hours(post.get("hour_to"), "hour_to")
            vals = {
                "employee_id": employee.id,
                "company_id": employee.company_id.id,
                "kind": "one_off" if kind == "one_off" else "recurring",
                "hour_from": hour_from,
                "hour_to": hour_to,
                "available": post.get("available", "1") == "1",
                "note": (post.get("note") or "")[:200],
            }
            if vals["kind"] == "recurring":
                if weekday not in {str(d) for d in range(7)}:
                    raise ValidationError(request.env._("Choose a weekday."))
                vals["weekday"] = weekday
            else:
                vals["date"] = _day(day)
            request.env["boh.labour.availability"].sudo().create(vals)
        except (UserError, ValidationError) as error:
            return self._boh_redirect(error=str(error))
        return self._boh_redirect(message=request.env._("Your availability is saved."))


def _hours(text, name):
    """``HH:MM`` as hours, or a clear error naming the field."""
    try:
        hours, minutes = (int(part) for part in (text or "").split(":"))
        if not (0 <= hours <= 24 and 0 <= minutes < 60):
            raise ValueError
    except ValueError:
        raise ValidationError(
            request.env._("%(field)s: %(value)r is not a time (HH:MM).", field=name, value=text)
        ) from None
    return hours + minutes / 60.0


def _day(text):
    try:
        value = date.fromisoformat(text or "")
    except ValueError:
        raise ValidationError(
            request.env._("date: %(value)r is not a date (YYYY-MM-DD).", value=text)
        ) from None
    if value < date.today() - timedelta(days=1):
        raise ValidationError(request.env._("date: %(value)s is in the past.", value=text))
    return value
