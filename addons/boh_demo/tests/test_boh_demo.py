from collections import Counter
from datetime import date, timedelta

from odoo.exceptions import AccessError
from odoo.tests import new_test_user, tagged
from odoo.tests.common import TransactionCase

from boh_core.simulator import simulate

from ..models.boh_demo_loader import PARAM_FIRST, PARAM_LAST, PARAM_ORDERS, SEED, SOURCE


@tagged("post_install", "-at_install")
class TestLivingDemo(TransactionCase):
    """The living demo loaded on install: consistent, complete and visible to the demo users."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        # the feed commits its raw batches in a cursor of its own: share the test transaction
        cls.registry.enter_test_mode(cls.cr)
        cls.addClassCleanup(cls.registry.leave_test_mode)
        params = cls.env["ir.config_parameter"].sudo()
        cls.first = date.fromisoformat(params.get_param(PARAM_FIRST))
        cls.last = date.fromisoformat(params.get_param(PARAM_LAST))
        cls.orders_per_day = float(params.get_param(PARAM_ORDERS))
        cls.company = cls.env.ref("base.main_company")
        cls.harbour = cls.env.ref("boh_inventory.company_harbour")
        cls.Loader = cls.env["boh.demo.loader"]
        cls.stores = cls.Loader._stores(cls.company)
        cls.all_stores = cls.stores | cls.Loader._stores(cls.harbour)

    def test_a_group_of_three_stores_a_kitchen_and_a_second_company(self):
        self.assertEqual(self.stores.mapped("code"), ["ST01", "ST02", "ST03"])
        self.assertTrue(self.Loader._kitchens(self.company))
        self.assertEqual(self.Loader._stores(self.harbour).mapped("code"), ["HN01"])
        self.assertEqual(self.last, self.Loader._yesterday())

    def test_facts_are_the_simulated_sales_and_every_order_was_processed(self):
        for company in (self.company, self.harbour):
            group = self.Loader.with_company(company)._group(company)
            sim = simulate(
                group,
                days=(self.last - self.first).days + 1,
                end=self.last,
                seed=SEED + company.id,
                orders_per_day=self.orders_per_day,
                sensor_days=0,
            )
            sent = Counter()
            for order in sim.orders():
                for line in order["lines"]:
                    if not line.get("void"):
                        sent[order["location"]] += line["qty"]
            facts = self.env["boh.sales.fact"]._read_group(
                [("source", "=", SOURCE), ("company_id", "=", company.id)],
                ["warehouse_id"],
                ["qty:sum"],
            )
            self.assertEqual({w.code: q for w, q in facts}, dict(sent))
        Order = self.env["boh.pos.order"]
        self.assertFalse(Order.search_count([("source", "=", SOURCE), ("state", "!=", "done")]))
        self.assertGreater(Order.search_count([("source", "=", SOURCE)]), 100)

    def test_depletion_and_counts_keep_stock_in_step(self):
        Count = self.env["boh.stock.count"]
        sundays = sum(
            1
            for k in range((self.last - self.first).days + 1)
            if (self.first + timedelta(k)).weekday() == 6
        )
        for store in self.all_stores:
            counts = Count.search([("warehouse_id", "=", store.id), ("state", "=", "approved")])
            # every Sunday once the store had stock (a store closed on the first day is not
            # stocked before the next delivery)
            self.assertGreaterEqual(len(counts), sundays - 1, store.code)
            self.assertTrue(counts, store.code)
            self.assertTrue(all(c.count_date.weekday() == 6 for c in counts))
            # A count finds less than the books: unrecorded loss, never stock out of nothing
            # (only a shelf the books took below zero is counted up, to zero).
            lines = counts.line_ids
            self.assertTrue(lines)
            stocked = lines.filtered(lambda ln: ln.theoretical_qty > 0)
            self.assertTrue(all(ln.difference_qty <= 1e-6 for ln in stocked))
            short = lines - stocked
            self.assertTrue(all(ln.counted_qty == 0 for ln in short))
        found = Count.search([("warehouse_id", "in", self.all_stores.ids)]).line_ids
        self.assertLess(
            sum(found.filtered(lambda ln: ln.theoretical_qty > 0).mapped("difference_qty")), 0.0
        )
        consumed = self.env["stock.move"].search_count(
            [
                ("location_dest_id.usage", "!=", "internal"),
                ("location_id.warehouse_id", "in", self.stores.ids),
                ("state", "=", "done"),
            ]
        )
        self.assertGreater(consumed, 0)

    def test_received_purchase_orders_some_late_some_short(self):
        orders = self.env["purchase.order"].search(
            [
                ("picking_type_id.warehouse_id", "in", self.all_stores.ids),
                ("state", "=", "purchase"),
            ]
        )
        self.assertTrue(orders)
        pickings = orders.picking_ids
        self.assertEqual(set(pickings.mapped("state")), {"done"})
        moves = pickings.move_ids
        self.assertTrue(any(m.quantity < m.product_uom_qty for m in moves))
        self.assertTrue(all(p.date_done.date() >= p.date_deadline.date() for p in pickings))
        self.assertTrue(any(p.date_done.date() > p.date_deadline.date() for p in pickings))

    def test_equipment_with_labels_repairs_and_a_repeat_failure(self):
        Equipment = self.env["maintenance.equipment"]
        for store in self.all_stores | self.Loader._kitchens(self.company):
            equipment = Equipment.search([("boh_store_id", "=", store.id)])
            self.assertTrue(equipment, store.code)
            self.assertEqual(set(equipment.mapped("boh_label_state")), {"active"}, store.code)
        done = self.env["maintenance.request"].search(
            [("stage_id.done", "=", True), ("equipment_id.serial_no", "!=", False)]
        )
        self.assertTrue(done)
        per_equipment = Counter(r.equipment_id.id for r in done)
        repeated = [e for e, n in per_equipment.items() if n > 1]
        gaps = []
        for equipment_id in repeated:
            days = sorted(
                done.filtered(lambda r, e=equipment_id: r.equipment_id.id == e).mapped(
                    "request_date"
                )
            )
            gaps += [(b - a).days for a, b in zip(days, days[1:], strict=False)]
        self.assertTrue(any(g <= 14 for g in gaps))

    def test_sensors_haccp_log_and_the_cold_room_episode(self):
        cold_room = self.env["maintenance.equipment"].search(
            [("serial_no", "=", "WH-COLDROOM"), ("company_id", "=", self.company.id)]
        )
        self.assertEqual(len(cold_room), 1)
        readings = self.env["boh.sensor.reading"].search_count(
            [("equipment_id", "=", cold_room.id)]
        )
        self.assertGreater(readings, 96)
        haccp = self.env["boh.sensor.haccp.day"].search([("equipment_id", "=", cold_room.id)])
        self.assertTrue(haccp)
        self.assertGreater(max(haccp.mapped("minutes_out")), 60)
        episodes = self.env["boh.sensor.episode"].search([("equipment_id", "=", cold_room.id)])
        self.assertTrue(episodes)
        self.assertGreater(max(episodes.mapped("peak")), 7.0)

    def test_employees_with_roles(self):
        employees = self.env["hr.employee"].search(
            [
                ("company_id", "=", self.company.id),
                ("barcode", "=like", f"BOHDEMO{self.company.id:03d}%"),
            ]
        )
        self.assertGreaterEqual(len(employees), 3 * 9)
        self.assertIn("Line Cook 厨师", employees.job_id.mapped("name"))

    def test_the_forecast_ran_once(self):
        for store in self.all_stores:
            self.assertTrue(
                self.env["boh.forecast"].search_count([("warehouse_id", "=", store.id)]),
                store.code,
            )
        self.assertTrue(
            self.env["boh.prep.plan"].search_count([("company_id", "=", self.company.id)])
        )
        self.assertTrue(
            self.env["boh.labour.plan"].search_count([("company_id", "=", self.company.id)])
        )

    def test_the_passes_ran_and_the_vendor_price_jump_is_in_the_purchases(self):
        Line = self.env["purchase.order.line"]
        mine = [
            ("order_id.company_id", "=", self.company.id),
            ("state", "in", ("purchase", "done")),
        ]
        week = self.last - timedelta(days=6)
        usual = {
            (line.partner_id, line.product_id): line.price_unit
            for line in Line.search(mine + [("order_id.date_approve", "<", week)])
        }
        jumped = Line.search(mine + [("order_id.date_approve", ">=", week)]).filtered(
            lambda line: (
                line.price_unit
                > 1.2 * usual.get((line.partner_id, line.product_id), line.price_unit)
            )
        )
        self.assertEqual(len(jumped.product_id), 1, "one product's price jumped last week")
        self.assertTrue(jumped.order_id.picking_type_id.warehouse_id & self.stores[:1])
        flags = self.env["boh.flag"].search([("warehouse_id", "in", self.all_stores.ids)])
        for flag in flags:
            self.assertTrue(flag.res_model, flag.name)
        if (self.last - self.first).days >= 60:  # history enough to judge a price (6 weeks)
            price = flags.filtered(lambda f: f.kind == "price")
            self.assertIn(jumped.product_id.display_name, " ".join(price.mapped("name")))

    def test_fill_in_cron_is_idempotent(self):
        params = self.env["ir.config_parameter"].sudo()
        facts = self.env["boh.sales.fact"].search_count([("source", "=", SOURCE)])
        params.set_param(PARAM_LAST, (self.last - timedelta(days=2)).isoformat())
        self.assertTrue(self.Loader._cron_fill_in())
        self.assertEqual(params.get_param(PARAM_LAST), self.last.isoformat())
        self.assertEqual(self.env["boh.sales.fact"].search_count([("source", "=", SOURCE)]), facts)
        self.assertFalse(self.Loader._cron_fill_in())  # nothing missed now

    def test_every_store_week_has_its_numbers(self):
        periods = self.env["boh.store.period"].search([("warehouse_id", "in", self.stores.ids)])
        self.assertTrue(periods)
        weeks = {(p.warehouse_id, p.date_from) for p in periods}
        self.assertEqual(len(weeks), len(periods), "one period per store and week")
        opened = periods.filtered("opening_count_date")
        self.assertTrue(opened, "weeks after the first have an opening count")
        for period in opened:
            self.assertGreater(period.net_sales, 0.0)
            self.assertGreater(period.actual_cost, 0.0)
            self.assertTrue(period.line_ids)
        self.assertTrue(self.env["boh.menu.engineering.line"].search_count([]))
        data = self.env["boh.kpi.dashboard"].get_dashboard_data(
            min(periods.mapped("date_to")), max(periods.mapped("date_to"))
        )
        self.assertGreater(data["group"]["net_sales"], 0.0)

    def test_a_weeks_variance_is_the_loss_nobody_recorded(self):
        """Between two counts, actual usage exceeds theoretical by the demo's unrecorded loss
        (about 2% of what was used): every delivery is dated on the side of the count that
        counted it, so no receipt is counted twice."""
        periods = self.env["boh.store.period"].search(
            [("warehouse_id", "in", self.all_stores.ids), ("opening_count_date", "!=", False)]
        )
        self.assertTrue(periods)
        for period in periods:
            share = period.variance_value / period.theoretical_cost
            self.assertGreater(share, -0.01, period.display_name)
            self.assertLess(share, 0.06, period.display_name)

    def test_demo_users_see_their_stores_only(self):
        manager = self.env.ref("boh_inventory.user_boh_manager")
        mine = manager.boh_warehouse_ids
        self.assertIn(self.env.ref("boh_demo.wh_store3"), mine)
        facts = self.env["boh.sales.fact"].with_user(manager).search([("source", "=", SOURCE)])
        self.assertTrue(facts)
        self.assertLessEqual(set(facts.warehouse_id.ids), set(mine.ids))
        counts = self.env["boh.stock.count"].with_user(manager).search([])
        self.assertTrue(counts)
        self.assertLessEqual(set(counts.warehouse_id.ids), set(mine.ids))
        equipment = self.env["maintenance.equipment"].with_user(manager).search([])
        self.assertTrue(equipment)
        self.assertLessEqual(set(equipment.boh_store_id.ids), set(mine.ids))
        requests = self.env["maintenance.request"].with_user(manager).search([])
        self.assertLessEqual(set(requests.equipment_id.boh_store_id.ids), set(mine.ids))
        cook = self.env.ref("boh_inventory.user_boh_cook")
        kitchen_counts = self.env["boh.stock.count"].with_user(cook).search([])
        self.assertFalse(
            kitchen_counts
            - kitchen_counts.filtered(lambda c: c.warehouse_id in cook.boh_warehouse_ids)
        )
        outsider = new_test_user(self.env, login="demo_outsider", groups="base.group_user")
        with self.assertRaises(AccessError):
            self.env["boh.stock.count"].with_user(outsider).search([])
