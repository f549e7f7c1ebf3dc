from datetime import date, datetime, timedelta
from unittest.mock import patch

from freezegun import freeze_time

from odoo import Command
from odoo.addons.boh_inventory.tools.server_context import server_switches
from odoo.tests import TransactionCase, new_test_user, tagged

#: The business day after the last week the tests build: the passes run the next morning.
LAST = date(2026, 3, 1)  # a Sunday
#: (noon UTC: the next day in every time zone of the test database's stores, which the cron
#: also runs over)
MORNING = datetime(2026, 3, 2, 12, 0)
WEEKS = 12


def wobble(i):
    """A small, fixed noise (-2..2) so that series have a spread."""
    return (i * 7) % 5 - 2


@tagged("post_install", "-at_install")
class TestFlagPasses(TransactionCase):
    """The daily stock passes, from the records to the flags: usage, waste, counts, prices."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        env = cls.env
        cls.Flag = env["boh.flag"]
        calendar = env["resource.calendar"].create({"name": "Pass Hours", "tz": "UTC"})
        cls.stores = env["stock.warehouse"].create(
            [
                {"name": f"Pass Store {code}", "code": f"PS{code}", "boh_calendar_id": calendar.id}
                for code in "ABC"
            ]
        )
        cls.store_a, cls.store_b, cls.store_c = cls.stores
        kg = env.ref("uom.product_uom_kgm")
        cls.flour, cls.oil = env["product.product"].create(
            [
                {"name": f"Pass {name}", "boh_kind": "ingredient", "is_storable": True,
                 "uom_id": kg.id, "uom_po_id": kg.id, "standard_price": 2.0}
                for name in ("Flour", "Oil")
            ]
        )  # fmt: skip
        cls.vendor, cls.other_vendor = env["res.partner"].create(
            [{"name": "Pass Mill"}, {"name": "Pass Other Mill"}]
        )
        cls.manager_a = new_test_user(
            env, login="pass_manager_a", groups="boh_inventory.group_boh_manager"
        )
        cls.manager_a.boh_warehouse_ids = cls.store_a
        cls.manager_b = new_test_user(
            env, login="pass_manager_b", groups="boh_inventory.group_boh_manager"
        )
        cls.manager_b.boh_warehouse_ids = cls.store_b

    # -- building ---------------------------------------------------------------------------

    def periods(self, unexplained=None, waste=None):
        """``WEEKS`` computed weeks of flour at every store: 100 kg theoretical, about 1 kg
        unexplained and 2 kg wasted, but where ``unexplained``/``waste`` (``{store: kg}``)
        say otherwise for the last week."""
        unexplained, waste = unexplained or {}, waste or {}
        Period = self.env["boh.store.period"]
        lines = []
        for week in range(WEEKS):
            sunday = LAST - timedelta(weeks=WEEKS - 1 - week)
            for k, store in enumerate(self.stores):
                period = Period.create(
                    {
                        "warehouse_id": store.id,
                        "date_from": sunday - timedelta(6),
                        "date_to": sunday,
                    }
                )
                last = week == WEEKS - 1
                noise = wobble(week + k) * 0.1
                lines.append(
                    {
                        "period_id": period.id,
                        "product_id": self.flour.id,
                        "has_opening": True,
                        "has_closing": True,
                        "theoretical_qty": 100.0,
                        "unexplained_qty": unexplained.get(store, 1.0 + noise)
                        if last
                        else 1.0 + noise,
                        "loss_waste_qty": waste.get(store, 2.0 + noise) if last else 2.0 + noise,
                    }
                )
        return self.env["boh.store.period.line"].create(lines)

    def counts(self, short=0.0):
        """Ten weekly counts of flour at store A, about as expected (10 kg), the last two
        ``short`` kg short."""
        Count = (
            self.env["boh.stock.count"].sudo().with_context(**server_switches("boh_count_loading"))
        )
        counts = Count.browse()
        for week in range(10):
            day = LAST - timedelta(weeks=9 - week)
            missing = short if week >= 8 else 0.0
            count = Count.create(
                {
                    "warehouse_id": self.store_a.id,
                    "count_date": day,
                    "line_ids": [
                        Command.create(
                            {
                                "product_id": self.flour.id,
                                "location_id": self.store_a.lot_stock_id.id,
                                "theoretical_qty": 10.0,
                                "counted_qty": 10.0 + wobble(week) * 0.05 - missing,
                                "is_counted": True,
                            }
                        )
                    ],
                }
            )
            counts |= count
        counts.write({"state": "approved"})
        return counts

    def purchases(self, last_price):
        """Ten weekly purchases of flour from the mill for store A at about 2.00 a kg, the
        last at ``last_price``; the other mill sells it at about 2.00 too."""
        orders = self.env["purchase.order"]
        for week in range(10):
            day = datetime.combine(LAST - timedelta(weeks=9 - week), datetime.min.time())
            for vendor in (self.vendor, self.other_vendor):
                price = 2.0 + wobble(week) * 0.01
                if vendor == self.vendor and week == 9:
                    price = last_price
                orders |= orders.create(
                    {
                        "partner_id": vendor.id,
                        "picking_type_id": self.store_a.in_type_id.id,
                        "date_order": day,
                        "order_line": [
                            Command.create(
                                {"product_id": self.flour.id, "product_qty": 5.0,
                                 "price_unit": price}
                            )
                        ],
                    }
                )  # fmt: skip
        orders.write({"state": "purchase"})
        for order in orders:
            order.date_approve = order.date_order
        return orders

    def run_passes(self, *passes):
        with freeze_time(MORNING):
            return self.Flag._run_passes_by_company(list(passes), self.stores)

    def flags(self, kind):
        return self.Flag.search([("kind", "=", kind), ("warehouse_id", "in", self.stores.ids)])

    # -- usage and waste ----------------------------------------------------------------------

    def test_usage_pass_flags_the_store_whose_loss_jumps(self):
        lines = self.periods(unexplained={self.store_a: 15.0})
        self.run_passes("_pass_usage")
        flag = self.flags("usage")
        self.assertEqual(flag.warehouse_id, self.store_a)
        self.assertEqual(flag.cause_key, f"usage:{self.store_a.id}/{self.flour.id}")
        self.assertEqual(flag.res_model, "boh.store.period.line")
        last_a = lines.filtered(lambda line: line.warehouse_id == self.store_a)[-1:]
        self.assertEqual(flag.res_id, last_a.id, "the evidence is the week's AvT line")
        self.assertIn("Pass Flour", flag.name)
        self.assertEqual(flag.user_id, self.manager_a, "the store's manager gets the to-do")

    def test_waste_pass_flags_the_store_whose_waste_jumps(self):
        self.periods(waste={self.store_b: 20.0})
        self.run_passes("_pass_waste")
        self.assertEqual(self.flags("waste").warehouse_id, self.store_b)

    def test_stock_passes_stay_quiet_on_clean_data(self):
        self.periods()
        self.counts()
        self.purchases(2.0)
        self.run_passes("_pass_usage", "_pass_waste", "_pass_counts", "_pass_prices")
        self.assertFalse(
            self.Flag.search(
                ["|", ("warehouse_id", "in", self.stores.ids), ("name", "ilike", "Pass Flour")]
            )
        )

    def test_a_second_run_updates_the_one_flag_of_the_cause(self):
        self.periods(unexplained={self.store_a: 15.0})
        first = self.run_passes("_pass_usage")
        second = self.run_passes("_pass_usage")
        self.assertEqual(first, second)
        self.assertEqual(len(self.flags("usage")), 1)
        self.assertEqual(self.flags("usage").seen_count, 2)

    def test_an_acknowledged_cause_is_not_raised_again_for_the_same_days(self):
        self.periods(unexplained={self.store_a: 15.0})
        self.run_passes("_pass_usage")._acknowledge("known", note="a spill")
        self.run_passes("_pass_usage")
        self.assertEqual(len(self.flags("usage")), 1)
        self.assertEqual(self.flags("usage").state, "acknowledged")

    # -- counts and prices -------------------------------------------------------------------

    def test_count_pass_flags_a_shortfall_that_repeats(self):
        counts = self.counts(short=3.0)
        self.run_passes("_pass_counts")
        flag = self.flags("count")
        self.assertEqual(flag.warehouse_id, self.store_a)
        self.assertEqual((flag.res_model, flag.res_id), ("boh.stock.count", counts[-1].id))

    def test_price_pass_flags_a_price_jump_with_its_order(self):
        orders = self.purchases(3.0)
        self.run_passes("_pass_prices")
        flag = self.Flag.search(
            [("kind", "=", "price"), ("cause_key", "=", f"price:{self.vendor.id}/{self.flour.id}")]
        )
        self.assertEqual(len(flag), 1)
        self.assertEqual(flag.warehouse_id, self.store_a)
        self.assertEqual(flag.res_model, "purchase.order")
        self.assertEqual(flag.res_id, orders.filtered(lambda o: o.partner_id == self.vendor)[-1].id)
        self.assertAlmostEqual(flag.observed, 3.0)
        self.assertEqual(flag.unit, f"{self.env.company.currency_id.symbol}/kg")

    def test_price_pass_reads_a_foreign_order_in_the_companys_currency(self):
        """3.00 a kg in a currency worth two thirds of the company's is 2.00 a kg: usual."""
        company = self.env.company
        foreign = self.env.ref("base.EUR")
        if company.currency_id == foreign:
            foreign = self.env.ref("base.USD")
        foreign.active = True
        self.env["res.currency.rate"].create(
            {"currency_id": foreign.id, "company_id": company.id, "rate": 1.5,
             "name": LAST - timedelta(weeks=20)}
        )  # fmt: skip
        orders = self.purchases(3.0)
        last = orders.filtered(lambda o: o.partner_id == self.vendor)[-1]
        last.currency_id = foreign
        self.assertAlmostEqual(last.currency_rate, 1.5)
        self.run_passes("_pass_prices")
        cause = f"price:{self.vendor.id}/{self.flour.id}"
        self.assertFalse(self.Flag.search([("kind", "=", "price"), ("cause_key", "=", cause)]))

    # -- scope and isolation ------------------------------------------------------------------

    def test_cron_raised_flags_are_seen_by_their_store_manager_only(self):
        self.periods(unexplained={self.store_a: 15.0, self.store_b: 16.0})
        with freeze_time(MORNING):
            self.Flag._cron_run_daily_passes()
        flags = self.flags("usage")
        self.assertEqual(flags.warehouse_id, self.store_a | self.store_b)
        seen_a = self.Flag.with_user(self.manager_a).search([("id", "in", flags.ids)])
        seen_b = self.Flag.with_user(self.manager_b).search([("id", "in", flags.ids)])
        self.assertEqual(seen_a.warehouse_id, self.store_a)
        self.assertEqual(seen_b.warehouse_id, self.store_b)

    def test_a_failing_store_is_logged_and_the_others_go_on(self):
        self.periods(unexplained={self.store_a: 15.0, self.store_b: 16.0})
        Flag = type(self.Flag)
        original = Flag._read_avt_lines

        def read(flag, stores, since, last):
            if self.store_b in stores:
                raise ValueError("unreadable store")
            return original(flag, stores, since, last)

        with (
            patch.object(Flag, "_read_avt_lines", read),
            self.assertLogs("odoo.addons.boh_inventory.models.boh_flag_passes", "ERROR"),
        ):
            self.run_passes("_pass_usage")
        self.assertEqual(self.flags("usage").warehouse_id, self.store_a)
