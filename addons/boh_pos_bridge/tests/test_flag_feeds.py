from datetime import date, datetime, time, timedelta

from freezegun import freeze_time

from odoo.tests import TransactionCase, new_test_user, tagged

#: The day the feed pass runs on (a Monday), at 15:30 (the stores' time zone is UTC).
TODAY = date(2026, 3, 2)
NOW = datetime(2026, 3, 2, 15, 30)
WEEKS = 4
#: Orders per hour, from 11:00 to 20:59, every day.
PER_HOUR = 5


@tagged("post_install", "-at_install")
class TestFeedPass(TransactionCase):
    """The 15-minute feed pass: a store silent in hours it trades, an item it stopped sending."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        env = cls.env
        cls.Flag = env["boh.flag"]
        calendar = env["resource.calendar"].create({"name": "Feed Pass Hours", "tz": "UTC"})
        cls.store, cls.other_store = env["stock.warehouse"].create(
            [
                {"name": f"Feed Pass {code}", "code": code, "boh_calendar_id": calendar.id}
                for code in ("FPA", "FPB")
            ]
        )
        cls.stores = cls.store | cls.other_store
        cls.tea, cls.bun = env["product.product"].create(
            [
                {"name": f"Feed Pass {name}", "boh_kind": "menu", "list_price": 5.0}
                for name in ("Tea", "Bun")
            ]
        )
        cls.manager = new_test_user(
            env, login="feed_pass_manager", groups="boh_inventory.group_boh_manager"
        )
        cls.manager.boh_warehouse_ids = cls.other_store
        facts = []
        for n in range(WEEKS * 7):
            day = TODAY - timedelta(days=WEEKS * 7 - n)
            for store in cls.stores:
                facts += cls.orders(store, day, range(11, 21))
        env["boh.sales.fact"].create(facts)

    @classmethod
    def orders(cls, store, day, hours, items=None, until=None):
        """The facts of ``PER_HOUR`` orders an hour in ``hours`` of ``day`` at ``store``,
        each a tea and a bun (or ``items``), closed before ``until`` (a time)."""
        facts = []
        for hour in hours:
            for k in range(PER_HOUR):
                closed = datetime.combine(day, time(hour, 5 + 10 * k))
                if until and closed.time() >= until:
                    return facts
                for item in items or (cls.tea, cls.bun):
                    facts.append(
                        {
                            "warehouse_id": store.id,
                            "product_id": item.id,
                            "date": day,
                            "hour": hour,
                            "closed_at": closed,
                            "qty": 1.0,
                            "revenue": 5.0,
                            "source": "test",
                            "order_ref": f"{store.code}-{closed.isoformat()}",
                        }
                    )
        return facts

    def today(self, store=None, **kwargs):
        self.env["boh.sales.fact"].create(
            self.orders(store or self.store, TODAY, range(11, 16), **kwargs)
        )

    def run_pass(self):
        with freeze_time(NOW):
            return self.Flag._run_passes_by_company(["_pass_feeds"], self.stores)

    def flags(self, kind):
        return self.Flag.search([("kind", "=", kind), ("warehouse_id", "in", self.stores.ids)])

    def test_a_store_silent_since_noon_raises_a_silent_feed_flag(self):
        self.today(until=time(12, 0))
        self.today(store=self.other_store)
        self.run_pass()
        flag = self.flags("feed_silent")
        self.assertEqual(flag.warehouse_id, self.store, "the other store is trading")
        self.assertEqual(flag.start, datetime(2026, 3, 2, 11, 45), "silent since its last order")
        self.assertEqual(flag.res_model, "boh.sales.fact")
        self.assertFalse(self.flags("item_silent"), "a silent store's items are its feed's")

    def test_an_item_the_pos_stopped_sending_raises_a_silent_item_flag(self):
        self.today(until=time(12, 0))
        self.env["boh.sales.fact"].create(
            self.orders(self.store, TODAY, range(12, 16), items=self.bun, until=time(15, 30))
        )
        self.today(store=self.other_store)
        self.run_pass()
        self.assertFalse(self.flags("feed_silent"))
        flag = self.flags("item_silent")
        self.assertEqual(flag.cause_key, f"item_silent:{self.store.id}/{self.tea.id}")
        self.assertIn("Feed Pass Tea", flag.name)

    def test_trading_as_usual_raises_nothing(self):
        self.today()
        self.today(store=self.other_store)
        self.run_pass()
        self.assertFalse(self.Flag.search([("warehouse_id", "in", self.stores.ids)]))

    def test_every_run_of_a_lasting_silence_updates_its_one_flag(self):
        self.today(until=time(12, 0))
        self.today(store=self.other_store)
        self.run_pass()
        with freeze_time(NOW + timedelta(minutes=15)):
            self.Flag._cron_flag_silent_feeds()
        flag = self.flags("feed_silent")
        self.assertEqual(len(flag), 1)
        self.assertEqual(flag.seen_count, 2)
        self.assertFalse(
            self.Flag.with_user(self.manager).search([("id", "=", flag.id)]),
            "the other store's manager does not see it",
        )
