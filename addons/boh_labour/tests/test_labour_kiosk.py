from datetime import datetime, timedelta

from odoo import Command
from odoo.exceptions import AccessError
from odoo.tests import HttpCase, tagged

from .common import BohLabourCase


@tagged("post_install", "-at_install")
class TestLabourKiosk(BohLabourCase, HttpCase):
    """A kiosk per store: Odoo's kiosk app on the store's key, for the store's staff only,
    recording the store on each check-in; Odoo's company kiosk works as before."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.eve = cls.env["hr.employee"].create(
            {
                "name": "Eve Elsewhere",
                "job_id": cls.server.id,
                "barcode": "EVE0001",
                "boh_warehouse_ids": [Command.set([cls.other_store.id])],
            }
        )
        cls.cat.barcode = "CAT0001"
        start = datetime.now().replace(microsecond=0) - timedelta(hours=1)
        cls.shift = cls._published_shift(start)
        cls.token = cls.store.boh_kiosk_key

    def _kiosk(self, route, **params):
        answer = self.make_jsonrpc_request(route, params)
        self.env.invalidate_all()  # the request wrote through its own environment
        return answer

    def _kiosk_bundle_files(self):
        bundle = self.env["ir.qweb"]._get_asset_bundle("hr_attendance.assets_public_attendance")
        return [asset.url for asset in bundle.javascripts]

    def test_store_kiosk_checks_in_at_the_store_and_links_the_shift(self):
        page = self.url_open(f"/boh_labour/kiosk/{self.token}")
        self.assertEqual(page.status_code, 200)
        self.assertIn(self.token, page.text)
        self.assertIn('"company_name": "Labour Store"', page.text)
        self.assertIn("/boh_labour/static/src/kiosk/store_kiosk.js", self._kiosk_bundle_files())
        listed = self._kiosk(
            "/hr_attendance/employees_infos", token=self.token, limit=50, offset=0, domain=[]
        )
        names = {row["display_name"] for row in listed["records"]}
        self.assertIn("Cat Server", names)
        self.assertNotIn("Eve Elsewhere", names)
        answer = self._kiosk(
            "/boh_labour/kiosk/manual_selection",
            token=self.token,
            employee_id=self.cat.id,
            pin_code=False,
        )
        self.assertEqual(answer["employee_name"], "Cat Server")
        attendance = self.cat.last_attendance_id
        self.assertEqual(attendance.boh_kiosk_warehouse_id, self.store)
        self.assertEqual(attendance.boh_warehouse_id, self.store)
        self.assertEqual(attendance.boh_shift_id, self.shift)
        # the same employee's badge checks them out at the same kiosk
        out = self._kiosk(
            "/boh_labour/kiosk/attendance_barcode_scanned", token=self.token, barcode="CAT0001"
        )
        self.assertEqual(out["attendance_state"], "checked_out")
        self.assertTrue(attendance.check_out)

    def test_store_kiosk_refuses_another_stores_employee(self):
        expected = "Eve Elsewhere does not work at Labour Store"
        for route, params in (
            ("/boh_labour/kiosk/attendance_employee_data", {"employee_id": self.eve.id}),
            (
                "/boh_labour/kiosk/manual_selection",
                {"employee_id": self.eve.id, "pin_code": False},
            ),
            ("/boh_labour/kiosk/attendance_barcode_scanned", {"barcode": "EVE0001"}),
        ):
            answer = self._kiosk(route, token=self.token, **params)
            self.assertIn(expected, answer.get("boh_error", ""), route)
        self.assertFalse(self.env["hr.attendance"].search([("employee_id", "=", self.eve.id)]))

    def test_wrong_or_reset_token_is_refused(self):
        old = self.token
        self.store.with_user(self.manager).action_boh_regenerate_kiosk_key()
        self.assertNotEqual(self.store.boh_kiosk_key, old)
        for token in (old, "not-a-kiosk-key"):
            self.assertEqual(self.url_open(f"/boh_labour/kiosk/{token}").status_code, 404)
            answer = self._kiosk(
                "/boh_labour/kiosk/manual_selection",
                token=token,
                employee_id=self.cat.id,
                pin_code=False,
            )
            self.assertEqual(answer, {})
            listed = self._kiosk(
                "/hr_attendance/employees_infos", token=token, limit=50, offset=0, domain=[]
            )
            self.assertEqual(listed, [])
        self.assertFalse(self.cat.last_attendance_id)
        # Odoo's own routes do not take a store key
        answer = self._kiosk(
            "/hr_attendance/manual_selection",
            token=self.store.boh_kiosk_key,
            employee_id=self.cat.id,
            pin_code=False,
        )
        self.assertEqual(answer, {})
        with self.assertRaises(AccessError):
            self.store.with_user(self.kitchen).action_boh_regenerate_kiosk_key()

    def test_company_kiosk_works_as_before(self):
        token = self.company.attendance_kiosk_key
        self.assertEqual(self.url_open(f"/hr_attendance/{token}").status_code, 200)
        listed = self._kiosk(
            "/hr_attendance/employees_infos", token=token, limit=50, offset=0, domain=[]
        )
        names = {row["display_name"] for row in listed["records"]}
        self.assertTrue({"Cat Server", "Eve Elsewhere"} <= names)
        answer = self._kiosk(
            "/hr_attendance/manual_selection", token=token, employee_id=self.eve.id, pin_code=False
        )
        self.assertEqual(answer["employee_name"], "Eve Elsewhere")
        attendance = self.eve.last_attendance_id
        self.assertFalse(attendance.boh_kiosk_warehouse_id)
        self.assertEqual(attendance.boh_warehouse_id, self.other_store)
        self._kiosk(
            "/hr_attendance/manual_selection", token=token, employee_id=self.cat.id, pin_code=False
        )
        self.assertEqual(self.cat.last_attendance_id.boh_shift_id, self.shift)

    def test_store_kiosk_links_only_a_shift_at_its_store(self):
        # Dan works at both stores and has a shift at this one: checking in at the other
        # store's kiosk records the other store, without this store's shift
        self.shift.employee_id = self.dan
        answer = self._kiosk(
            "/boh_labour/kiosk/manual_selection",
            token=self.other_store.boh_kiosk_key,
            employee_id=self.dan.id,
            pin_code=False,
        )
        self.assertEqual(answer["employee_name"], "Dan Server")
        attendance = self.dan.last_attendance_id
        self.assertEqual(attendance.boh_kiosk_warehouse_id, self.other_store)
        self.assertEqual(attendance.boh_warehouse_id, self.other_store)
        self.assertFalse(attendance.boh_shift_id)

    def test_kiosk_key_is_for_managers_and_set_by_the_suite_only(self):
        self.assertNotEqual(self.store.boh_kiosk_key, self.other_store.boh_kiosk_key)
        url = self.store.with_user(self.manager).boh_kiosk_url
        self.assertTrue(url.endswith(f"/boh_labour/kiosk/{self.token}"), url)
        form = self.store.with_user(self.manager).get_views([(False, "form")])
        self.assertIn('name="boh_kiosk_url"', form["views"]["form"]["arch"])
        kitchen_store = self.store.with_user(self.kitchen)
        self.assertNotIn("boh_kiosk_key", kitchen_store.fields_get())
        form = kitchen_store.get_views([(False, "form")])
        self.assertNotIn("boh_kiosk", form["views"]["form"]["arch"])
        for name in ("boh_kiosk_key", "boh_kiosk_url"):
            with self.assertRaises(AccessError):
                kitchen_store.read([name])
        with self.assertRaises(AccessError):
            kitchen_store.action_boh_regenerate_kiosk_key()
        # a manager resets their own stores' kiosks only
        with self.assertRaisesRegex(AccessError, "Other Store"):
            self.other_store.with_user(self.manager).action_boh_regenerate_kiosk_key()
        self.assertEqual(self.store.boh_kiosk_key, self.token)
        # nobody sets a key by hand, not even an administrator over RPC
        admin = self.env.ref("base.user_admin")
        with self.assertRaises(AccessError):
            self.store.with_user(admin).write({"boh_kiosk_key": "chosen"})
        with self.assertRaises(AccessError):
            self.env["stock.warehouse"].with_user(admin).create(
                {"name": "Keyed Store", "code": "KEY", "boh_kiosk_key": "chosen"}
            )
        self.assertEqual(self.store.boh_kiosk_key, self.token)

    def test_kiosk_store_of_a_check_in_is_not_set_by_hand(self):
        admin = self.env.ref("base.user_admin")
        Attendance = self.env["hr.attendance"].with_user(admin)
        check_in = datetime.now().replace(microsecond=0)
        with self.assertRaises(AccessError):
            Attendance.create(
                {
                    "employee_id": self.cat.id,
                    "check_in": check_in,
                    "boh_kiosk_warehouse_id": self.other_store.id,
                }
            )
        with self.assertRaises(AccessError):
            Attendance.with_context(default_boh_kiosk_warehouse_id=self.other_store.id).create(
                {"employee_id": self.cat.id, "check_in": check_in}
            )
        attendance = Attendance.create({"employee_id": self.cat.id, "check_in": check_in})
        self.assertEqual(attendance.boh_shift_id, self.shift)
        with self.assertRaises(AccessError):
            attendance.write({"boh_kiosk_warehouse_id": self.other_store.id})
        self.assertFalse(attendance.boh_kiosk_warehouse_id)

    def test_store_kiosk_page_refuses_and_checks_in_in_the_browser(self):
        # Odoo's kiosk app on the store's URL: a badge of another store's employee shows why
        # it is refused, the manual list has the store's staff only, a badge checks in here
        self.company.write(
            {"attendance_kiosk_mode": "barcode_manual", "attendance_kiosk_use_pin": False}
        )
        self.browser_js(
            f"/boh_labour/kiosk/{self.token}",
            KIOSK_SCRIPT,
            login="admin",  # Odoo's kiosk logs the user out and opens in the company's mode
        )
        attendance = self.cat.last_attendance_id
        self.assertEqual(attendance.boh_kiosk_warehouse_id, self.store)
        self.assertEqual(attendance.boh_shift_id, self.shift)
        self.assertFalse(self.eve.last_attendance_id)


KIOSK_SCRIPT = """
const find = async (selector, text = "") => {
    for (let i = 0; i < 150; i++) {
        const found = [...document.querySelectorAll(selector)].find(
            (el) => el.textContent.includes(text)
        );
        if (found) {
            return found;
        }
        await new Promise((resolve) => setTimeout(resolve, 100));
    }
    throw new Error(`nothing matches ${selector} ${text}`);
};
const scan = (badge) => {
    for (const key of [...badge, "Enter"]) {
        document.body.dispatchEvent(new KeyboardEvent("keydown", { key, bubbles: true }));
    }
};
(async () => {
    await find(".o_hr_kiosk_mode_main");
    scan("EVE0001");
    await find(".o_notification", "Eve Elsewhere does not work at Labour Store");
    (await find("button", "Identify Manually")).click();
    await find(".o_hr_kiosk_manual_selection h6", "Cat Server");
    const names = [...document.querySelectorAll(".o_hr_kiosk_manual_selection h6")];
    if (names.some((el) => el.textContent.includes("Eve Elsewhere"))) {
        throw new Error("the store kiosk lists another store's employee");
    }
    (await find(".o_hr_attendance_back_button")).click();
    await find("button", "Identify Manually");
    scan("CAT0001");
    await find("h2", "Cat Server");
    console.log("test successful");
})().catch((error) => console.error(error.message));
"""
