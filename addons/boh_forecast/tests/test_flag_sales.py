import json
from datetime import date, datetime, time, timedelta

from freezegun import freeze_time

from odoo import Command
from odoo.tests import TransactionCase, new_test_user, tagged

#: The last business day the tests build; the pass runs the next morning.
LAST = date(2026, 3, 4)
MORNING = datetime(2026, 3, 5, 6, 0)
DAYS = 35


def wobble(i):
    """A small, fixed noise (-2..2 units) so that days have a spread."""
    return (i * 7) % 5 - 2


@tagged("post_install", "-at_install")
class TestSalesPass(TransactionCase):
    """The daily sales pass: items and store totals against last night's forecast."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        env = cls.env
        cls.Flag = env["boh.flag"]
        calendar = env["resource.calendar"].create({"name": "Sales Pass Hours", "tz": "UTC"})
        cls.store, cls.other_store = env["stock.warehouse"].create(
            [
                {"name": f"Sales Pass {code}", "code": code, "boh_calendar_id": calendar.id}
                for code in ("SPA", "SPB")
            ]
        )
        cls.stores = cls.store | cls.other_store
        cls.items = env["product.product"].create(
            [
                {"name": f"Sales Pass {name}", "boh_kind": "menu", "list_price": 10.0}
                for name in ("Noodles", "Dumplings", "Rice")
            ]
        )
        cls.noodles = cls.items[0]
        cls.manager = new_test_user(
            env, login="sales_pass_manager", groups="boh_inventory.group_boh_manager"
        )
        cls.manager.boh_warehouse_ids = cls.other_store

    def history(self, last_noodles=None):
        """``DAYS`` days of each item at both stores: forecast 20 (80%: 15-25), sold about
        20; the store's noodles sold ``last_noodles`` on the last day."""
        forecasts, facts = [], []
        for n in range(DAYS):
            day = LAST - timedelta(days=DAYS - 1 - n)
            for store in self.stores:
                for k, item in enumerate(self.items):
                    qty = 20.0 + wobble(n + k)
                    if last_noodles is not None and day == LAST and store == self.store:
                        qty = last_noodles if item == self.noodles else qty
                    key = {"warehouse_id": store.id, "product_id": item.id, "date": day}
                    forecasts.append(
                        dict(key, kind="item", qty=20.0, qty_lo=15.0, qty_hi=25.0, sales=200.0)
                    )
                    facts.append(
                        dict(
                            key,
                            qty=qty,
                            revenue=qty * 10.0,
                            hour=12,
                            closed_at=datetime.combine(day, time(12, 0)),
                            order_ref=f"SP-{store.code}-{n}-{k}",
                            source="test",
                        )
                    )
        self.env["boh.forecast"].create(forecasts)
        self.env["boh.sales.fact"].create(facts)

    def run_pass(self):
        with freeze_time(MORNING):
            return self.Flag._run_passes_by_company(["_pass_sales"], self.stores)

    def flags(self):
        return self.Flag.search([("kind", "=", "sales"), ("warehouse_id", "in", self.stores.ids)])

    def test_a_sales_jump_raises_the_item_flag_with_its_forecast_drill_down(self):
        self.history(last_noodles=70.0)
        self.run_pass()
        flags = self.flags()
        item_flag = flags.filtered(
            lambda f: f.cause_key == f"sales:{self.store.id}/{self.noodles.id}"
        )
        self.assertEqual(len(item_flag), 1)
        self.assertEqual(item_flag.observed, 70.0)
        self.assertLess(item_flag.high, 70.0)
        self.assertEqual(item_flag.res_model, "boh.forecast.report")
        self.assertIn(["product_id", "=", self.noodles.id], json.loads(item_flag.evidence_domain))
        self.assertIn("Sales Pass Noodles", item_flag.name)
        self.assertEqual(flags.warehouse_id, self.store, "the other store's sales are as usual")
        # the store's total (its sales at the forecast prices) moved with its noodles
        total = flags.filtered(lambda f: f.cause_key == f"sales:{self.store.id}")
        self.assertEqual(total.unit, self.store.company_id.currency_id.name)

    def test_sales_as_forecast_raise_nothing(self):
        self.history()
        self.run_pass()
        self.assertFalse(self.flags())

    def test_a_promotion_explains_the_item_and_an_event_the_store(self):
        self.history(last_noodles=70.0)
        self.env["boh.forecast.promotion"].create(
            {"name": "Noodle week", "product_id": self.noodles.id, "date_from": LAST}
        )
        self.run_pass()
        self.assertEqual(self.flags().mapped("cause_key"), [f"sales:{self.store.id}"])
        self.flags().unlink()
        self.env["boh.forecast.event"].create(
            {"name": "Fair", "warehouse_id": self.store.id, "date_from": LAST, "date_to": LAST}
        )
        self.run_pass()
        self.assertFalse(self.flags())

    def test_a_second_run_keeps_one_flag_per_cause(self):
        self.history(last_noodles=70.0)
        self.run_pass()
        count = len(self.flags())
        self.run_pass()
        self.assertEqual(len(self.flags()), count)
        self.assertEqual(set(self.flags().mapped("seen_count")), {2})

    def test_a_false_alarm_widens_the_band_of_the_next_run(self):
        self.history(last_noodles=70.0)
        self.run_pass()
        flag = self.flags().filtered(lambda f: self.noodles.display_name in f.name)
        flag._acknowledge("false_alarm")
        scales = self.env["boh.flag.band"]._scales("sales", [(self.store.id, str(self.noodles.id))])
        self.assertGreater(scales[(self.store.id, str(self.noodles.id))], 1.0)

    def test_a_store_manager_sees_the_flags_of_their_store_only(self):
        self.history(last_noodles=70.0)
        flags = self.run_pass()
        self.assertTrue(flags)
        self.assertFalse(self.Flag.with_user(self.manager).search([("id", "in", flags.ids)]))

    def test_a_flag_is_titled_in_its_store_managers_language(self):
        self.env["res.lang"]._activate_lang("zh_CN")
        self.env["ir.module.module"]._load_module_terms(["boh_forecast"], ["zh_CN"], overwrite=True)
        manager = new_test_user(
            self.env, login="sales_pass_zh", groups="boh_inventory.group_boh_manager"
        )
        manager.write({"boh_warehouse_ids": [Command.set(self.store.ids)], "lang": "zh_CN"})
        self.history(last_noodles=70.0)
        self.run_pass()
        total = self.flags().filtered(lambda f: f.cause_key == f"sales:{self.store.id}")
        self.assertEqual(total.name, "门店销售额远离预测")
        self.assertEqual(total.user_id, manager)
