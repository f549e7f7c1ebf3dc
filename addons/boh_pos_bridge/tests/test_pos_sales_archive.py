"""The archive of old sales facts deletes them and keeps their daily sums."""

from datetime import date, timedelta
from unittest.mock import patch

from odoo.addons.boh_inventory.models import boh_sales_fact_archive as archive
from odoo.exceptions import AccessError, ValidationError
from odoo.tests import freeze_time, new_test_user, tagged

from .common import BohPosCase
from .test_pos_sales_daily import DAILY_ROWS, ORDER_ROWS

# noon UTC: the same day in every user's time zone (the cron reads the user's today)
TODAY = date(2026, 6, 15)


@tagged("post_install", "-at_install")
@freeze_time("2026-06-15 12:00:00")
class TestPosSalesArchive(BohPosCase):
    def add_facts(self, age, ref, qty=1.0, store=None, product=None):
        """Two lines of order ``ref`` sold ``age`` days ago (the second a set-meal part)."""
        return (
            self.env["boh.sales.fact"]
            .sudo()
            .create(
                [
                    {
                        "warehouse_id": (store or self.store).id,
                        "product_id": (product or self.burger_product).id,
                        "date": TODAY - timedelta(days=age),
                        "hour": 12,
                        "qty": qty,
                        "revenue": 10.0 * qty,
                        "covers": 2 if component is False else 0,
                        "is_component": component,
                        "source": "test",
                        "order_ref": ref,
                    }
                    for component in (False, True)
                ]
            )
        )

    def rows(self, query, before):
        """The rows of ``query`` (the daily sums or orders) of this test's stores (the
        database may hold the demo's sales too) of the days before ``before``."""
        self.env.flush_all()
        self.env.cr.execute(query)
        stores = set((self.store | self.other_store).ids)
        date_at, store_at = ROW_DATE[query], ROW_STORE[query]
        return [
            row
            for row in self.env.cr.fetchall()
            if row[date_at] < before and row[store_at] in stores
        ]

    def daily(self, age):
        """The daily row of the burger at the test store ``age`` days ago."""
        return self.env["boh.sales.daily"].search(
            [
                ("warehouse_id", "=", self.store.id),
                ("product_id", "=", self.burger_product.id),
                ("date", "=", TODAY - timedelta(days=age)),
            ]
        )

    def test_archive_deletes_old_facts_and_keeps_their_daily_sums(self):
        old = self.add_facts(200, "A-OLD") | self.add_facts(120, "A-MID", qty=3.0)
        old |= self.add_facts(120, "A-MID2", store=self.other_store)
        new = self.add_facts(80, "A-NEW") | self.add_facts(1, "A-DAY")
        self.env.company.boh_sales_fact_keep_days = 100
        bound = TODAY - timedelta(days=100)
        daily_before = self.rows(DAILY_ROWS, bound)
        orders_before = self.rows(ORDER_ROWS, bound)
        self.assertEqual(len(daily_before), 3)
        self.assertEqual(len(orders_before), 3)
        everything = self.rows(DAILY_ROWS, TODAY), self.rows(ORDER_ROWS, TODAY)

        with patch.object(archive, "BATCH", 4):
            self.env["boh.sales.fact"]._cron_archive_facts()

        self.assertFalse(old.exists())
        self.assertEqual(new.exists(), new, "newer facts are untouched")
        self.assertEqual(self.rows(DAILY_ROWS, TODAY), everything[0], "every daily row stays")
        self.assertEqual(self.rows(ORDER_ROWS, TODAY), everything[1], "every order stays")
        self.assertEqual(self.env.company.boh_sales_archived_before, bound)
        # the ORM reads the kept sums of an archived day
        mid = self.env["boh.sales.daily"].search(
            [("warehouse_id", "=", self.store.id), ("date", "=", TODAY - timedelta(days=120))]
        )
        self.assertEqual((mid.qty, mid.revenue, mid.covers, mid.fact_count), (6.0, 60.0, 2, 2))
        # a second run finds nothing more to archive
        self.assertEqual(self.env["boh.sales.fact"]._cron_archive_facts(), 0)

    def test_the_triggers_work_as_before_after_an_archive(self):
        self.add_facts(150, "T-OLD")
        recent = self.add_facts(10, "T-NEW", qty=2.0)
        Fact = self.env["boh.sales.fact"]
        bound = TODAY - timedelta(days=100)
        # the company's other old facts (a demo database's) go too
        others = Fact.search_count(
            [
                ("company_id", "=", self.env.company.id),
                ("date", "<", bound),
                ("order_ref", "!=", "T-OLD"),
            ]
        )
        self.assertEqual(Fact._archive_facts(self.env.company, bound), 2 + others)
        day = self.daily(10)
        self.assertEqual((day.qty, day.fact_count), (4.0, 2))
        # a normal delete in the same transaction still takes the facts off their sums
        recent[1].unlink()
        self.assertEqual((day.qty, day.fact_count), (2.0, 1))
        recent[0].unlink()
        self.assertFalse(day.exists(), "the day's last fact gone, its row goes")
        self.assertEqual(
            self.rows(ORDER_ROWS, TODAY - timedelta(days=5)),
            [(self.store.id, TODAY - timedelta(days=150), "test", "T-OLD", 2)],
        )
        # a late fact of an archived day adds to its kept sums
        self.add_facts(150, "T-LATE")
        old_day = self.daily(150)
        self.assertEqual((old_day.qty, old_day.fact_count), (4.0, 4))
        # a rebuild of the sums leaves the archived days as they are
        kept = self.rows(DAILY_ROWS, TODAY), self.rows(ORDER_ROWS, TODAY)
        self.env["boh.sales.daily"]._rebuild()
        self.assertEqual((self.rows(DAILY_ROWS, TODAY), self.rows(ORDER_ROWS, TODAY)), kept)

    def test_zero_keeps_every_fact(self):
        self.assertEqual(self.env.company.boh_sales_fact_keep_days, 0, "for ever by default")
        facts = self.add_facts(3000, "Z-OLD")
        self.assertEqual(self.env["boh.sales.fact"]._cron_archive_facts(), 0)
        self.assertEqual(facts.exists(), facts)

    def test_a_negative_or_too_short_setting_is_refused(self):
        for days in (-5, 30):
            # assertRaises (not assertRaisesRegex) rolls back what its block wrote
            with self.assertRaises(ValidationError) as caught:
                self.env["res.config.settings"].create({"boh_sales_fact_keep_days": days})
            self.assertIn(f"Keep Sales Facts (days): {days} ", str(caught.exception))
        self.env.company.invalidate_recordset()
        self.assertEqual(self.env.company.boh_sales_fact_keep_days, 0)

    def test_only_administrators_change_the_setting(self):
        manager = new_test_user(
            self.env, login="test_archive_manager", groups="boh_inventory.group_boh_manager"
        )
        with self.assertRaises(AccessError):
            self.env.company.with_user(manager).boh_sales_fact_keep_days = 100
        with self.assertRaises(AccessError):
            self.env["res.config.settings"].with_user(manager).create(
                {"boh_sales_fact_keep_days": 100}
            )


#: where the date and the store are in each query's rows
ROW_DATE = {DAILY_ROWS: 3, ORDER_ROWS: 1}
ROW_STORE = {DAILY_ROWS: 1, ORDER_ROWS: 0}
