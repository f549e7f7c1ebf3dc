from datetime import date

from odoo.tests import HttpCase, new_test_user, tagged

from boh_core.exceptions import Finding


@tagged("post_install", "-at_install")
class TestFlagTour(HttpCase):
    def test_manager_opens_a_flag_drills_down_and_acknowledges_it(self):
        """A store manager opens a sales flag in the web client, opens its evidence and
        acknowledges it as a false alarm, which widens the series' band."""
        store = self.env["stock.warehouse"].create({"name": "Tour Flag Store", "code": "TFS"})
        manager = new_test_user(
            self.env, login="flag_tour_manager", groups="boh_inventory.group_boh_manager"
        )
        manager.boh_warehouse_ids = store
        key = (store.id,)
        finding = Finding(
            kind="sales",
            key=key,
            start=date(2026, 3, 2),
            end=date(2026, 3, 2),
            observed=140.0,
            expected=80.0,
            low=60.0,
            high=100.0,
            score=7.0,
        )
        flag = self.env["boh.flag"]._raise_findings(
            [finding],
            stores={key: store.id},
            evidence={key: ("stock.warehouse", store.id)},
            labels={key: ("Tour sales far above the band", store.name)},
        )
        self.start_tour(
            "/odoo/action-boh_inventory.action_boh_flag",
            "boh_flag_acknowledge_tour",
            login="flag_tour_manager",
        )
        self.assertEqual(flag.state, "acknowledged")
        self.assertEqual(flag.ack_cause, "false_alarm")
        self.assertEqual(flag.ack_user_id, manager)
        self.assertEqual(flag.ack_note, "A wedding next door")
        self.assertGreater(self.env["boh.flag.band"]._scales("sales", [key])[key], 1.0)
