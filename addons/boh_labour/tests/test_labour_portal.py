from odoo.tests import HttpCase, new_test_user, tagged

from .common import BohLabourCase


@tagged("post_install", "-at_install")
class TestLabourPortal(BohLabourCase, HttpCase):
    """An employee without an internal user sees their shifts and submits availability."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.portal = new_test_user(cls.env, login="labour_portal", groups="base.group_portal")
        cls.cat.work_contact_id = cls.portal.partner_id
        from datetime import datetime, timedelta

        start = datetime.now().replace(microsecond=0) + timedelta(days=3)
        cls.shift = cls._published_shift(start)

    def test_my_shifts_lists_offers_and_takes_availability(self):
        self.authenticate("labour_portal", "labour_portal")
        page = self.url_open("/my/shifts")
        self.assertEqual(page.status_code, 200)
        self.assertIn(self.shift._local_label(), page.text)
        offer = self.url_open(
            f"/my/shifts/{self.shift.id}/offer", data={"csrf_token": self._csrf()}
        )
        self.assertEqual(offer.status_code, 200)
        self.assertEqual(self.shift.swap_state, "offered")
        self.url_open(
            "/my/shifts/availability",
            data={
                "csrf_token": self._csrf(),
                "kind": "recurring",
                "weekday": "2",
                "hour_from": "08:00",
                "hour_to": "14:30",
            },
        )
        line = self.cat.boh_availability_ids
        self.assertEqual((line.weekday, line.hour_from, line.hour_to), ("2", 8.0, 14.5))
        bad = self.url_open(
            "/my/shifts/availability",
            data={
                "csrf_token": self._csrf(),
                "kind": "recurring",
                "weekday": "2",
                "hour_from": "25:99",
                "hour_to": "14:00",
            },
        )
        self.assertIn("hour_from", bad.text)
        self.assertEqual(len(self.cat.boh_availability_ids), 1)

    def test_someone_else_cannot_offer_my_shift(self):
        other = new_test_user(self.env, login="labour_portal2", groups="base.group_portal")
        self.dan.work_contact_id = other.partner_id
        self.authenticate("labour_portal2", "labour_portal2")
        self.url_open(f"/my/shifts/{self.shift.id}/offer", data={"csrf_token": self._csrf()})
        self.assertEqual(self.shift.swap_state, "none")

    def test_a_portal_user_who_is_no_employee_gets_nothing(self):
        new_test_user(self.env, login="labour_stranger", groups="base.group_portal")
        self.authenticate("labour_stranger", "labour_stranger")
        self.assertEqual(self.url_open("/my/shifts").status_code, 404)

    def _csrf(self):
        page = self.url_open("/my/shifts")
        marker = 'name="csrf_token" value="'
        start = page.text.index(marker) + len(marker)
        return page.text[start : page.text.index('"', start)]
