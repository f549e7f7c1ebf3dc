from odoo import http
from odoo.addons.hr_attendance.controllers.main import HrAttendance
from odoo.http import request
from odoo.osv import expression


class BohStoreKiosk(HrAttendance):
    """A kiosk per store: ``/boh_labour/kiosk/<store key>`` opens Odoo's own kiosk app for the
    store's company. The app calls its check-in routes relative to its page, so they arrive
    here under ``/boh_labour/kiosk/``; the employee list comes through Odoo's
    ``/hr_attendance/employees_infos``. Each resolves the store from the key first (a wrong
    or reset key gets Odoo's empty answer), keeps to the store's employees, and hands over to
    Odoo's own route with the store recorded on the check-in."""

    @staticmethod
    def _boh_store(token):
        """The store whose kiosk key this is (empty if none); remembered for this request so
        that Odoo's routes called next resolve its company."""
        if not token or not isinstance(token, str):
            return request.env["stock.warehouse"].sudo().browse()
        store = request.env["stock.warehouse"].sudo().search([("boh_kiosk_key", "=", token)])
        store = store if len(store) == 1 else store.browse()
        request.boh_kiosk_store = store
        return store

    @staticmethod
    def _get_company(token):
        store = getattr(request, "boh_kiosk_store", None)
        if store and token == store.boh_kiosk_key:
            return store.company_id
        return HrAttendance._get_company(token)

    @staticmethod
    def _boh_refusal(employee, store):
        """Why a known employee of the company may not use this store's kiosk."""
        return {
            "boh_error": request.env._(
                "%(employee)s does not work at %(store)s: check in at their own store's kiosk.",
                employee=employee.name,
                store=store.name,
            )
        }

    def _boh_store_employee(self, token, employee_id):
        """(store, employee, refusal): the store of the kiosk key and the company's employee
        behind the id. ``refusal`` is None when the employee works at the store, else the
        answer to give: Odoo's empty one for an unknown key or an id not of the company (no
        employee then), the refusal of an employee of another store."""
        store = self._boh_store(token)
        if not store:
            return store, None, {}
        employee = request.env["hr.employee"].sudo().browse(int(employee_id or 0)).exists()
        if not employee or employee.company_id != store.company_id:
            return store, employee.browse(), {}
        if store not in employee.boh_warehouse_ids:
            return store, employee, self._boh_refusal(employee, store)
        return store, employee, None

    @staticmethod
    def _boh_check_in_out(store, employee, odoo_route):
        """Odoo's check-in or check-out, then the store recorded on the check-in it made: from
        the kiosk's key, on the server, never from what the tablet sends."""
        was_in = employee.attendance_state == "checked_in"
        answer = odoo_route()
        if employee and answer and not was_in:
            check_in = employee.sudo().last_attendance_id
            if check_in and not check_in.check_out:
                check_in.boh_kiosk_warehouse_id = store
        return answer

    @http.route("/boh_labour/kiosk/<token>", type="http", auth="public", website=True)
    def boh_open_store_kiosk(self, token, from_trial_mode=False):
        """Odoo's kiosk page, named after the store; a wrong or reset key is not found."""
        store = self._boh_store(token)
        if not store:
            return request.not_found()
        page = self.open_kiosk_mode(token, from_trial_mode=from_trial_mode)
        info = getattr(page, "qcontext", {}).get("kiosk_backend_info")
        if info:
            info["company_name"] = store.name
        return page

    @http.route("/boh_labour/kiosk/attendance_employee_data", type="json", auth="public")
    def boh_store_employee_data(self, token, employee_id):
        _store, employee, refusal = self._boh_store_employee(token, employee_id)
        if refusal is not None:
            return refusal
        return self.employee_attendance_data(token, employee.id)

    @http.route("/boh_labour/kiosk/manual_selection", type="json", auth="public")
    def boh_store_manual_selection(
        self, token, employee_id, pin_code, latitude=False, longitude=False
    ):
        store, employee, refusal = self._boh_store_employee(token, employee_id)
        if refusal is not None:
            return refusal
        return self._boh_check_in_out(
            store,
            employee,
            lambda: self.manual_selection_with_geolocation(
                token, employee.id, pin_code, latitude=latitude, longitude=longitude
            ),
        )

    @http.route("/boh_labour/kiosk/attendance_barcode_scanned", type="json", auth="public")
    def boh_store_scan_barcode(self, token, barcode):
        store = self._boh_store(token)
        if not store:
            return {}
        employee = (
            request.env["hr.employee"]
            .sudo()
            .search([("barcode", "=", barcode), ("company_id", "=", store.company_id.id)], limit=1)
        )
        if employee and store not in employee.boh_warehouse_ids:
            return self._boh_refusal(employee, store)
        return self._boh_check_in_out(store, employee, lambda: self.scan_barcode(token, barcode))

    @http.route()
    def employees_infos(self, token, limit, offset, domain):
        store = self._boh_store(token)
        if store:
            domain = expression.AND([domain, [("boh_warehouse_ids", "in", store.id)]])
        return super().employees_infos(token, limit, offset, domain)

    @http.route()
    def is_fresh_db(self, token):
        self._boh_store(token)
        return super().is_fresh_db(token)

    @http.route()
    def set_user_barcode(self, token, barcode):
        self._boh_store(token)
        return super().set_user_barcode(token, barcode)

    @http.route()
    def set_attendance_settings(self, token, mode):
        self._boh_store(token)
        return super().set_attendance_settings(token, mode)
