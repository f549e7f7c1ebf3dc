"""Bring the demo restaurant group to life from :mod:`boh_core.simulator`.

The simulator decides what happened (tickets, failures, sensor readings, staff); this model
makes it happen in the database through the suite's own doors: sales through
``boh.pos.feed.push_sales``, purchases as confirmed and received purchase orders, weekly
counts approved, repairs as maintenance requests, readings through
``boh.sensor.reading.push_readings``, then the nightly forecast run once.
"""

import logging
import time as time_mod
from contextlib import contextmanager
from datetime import date, datetime, timedelta

import pytz

from odoo import Command, api, models
from odoo.tools import float_round

from boh_core.simulator import Group, MenuItem, Site, simulate
from boh_core.simulator.catalog import item_traits, site_equipment, site_staff

_logger = logging.getLogger(__name__)

SOURCE = "demo-pos"
SEED = 2026
PARAM_FIRST = "boh_demo.first_day"
PARAM_LAST = "boh_demo.last_day"
PARAM_ORDERS = "boh_demo.orders_per_day"
#: Share of each week's use that goes missing unrecorded, found by the Sunday count.
LOSS_SHARE = 0.02
#: Weeks of use a store keeps after its Monday delivery.
COVER_WEEKS = 2.0
PUSH_BATCH = 1000
#: The feed's deferred depletion (see boh_pos_bridge's USAGE.md): a week of pushes posts
#: one move per ingredient, store and day instead of one per push.
DEPLETION_MODE = "boh_pos_bridge.depletion_mode"
ROLE_NAMES = {
    "manager": "Store Manager 店长",
    "cook": "Line Cook 厨师",
    "prep": "Prep Cook 备菜员",
    "server": "Server 服务员",
    "dishwasher": "Dishwasher 洗碗工",
    "driver": "Driver 司机",
}
CATEGORY_NAMES = {
    "fridge": ("Refrigeration 冷藏", "FRG"),
    "freezer": ("Freezers 冷冻", "FRZ"),
    "coldroom": ("Cold Rooms 冷库", "CLD"),
    "wok": ("Wok Ranges 炒灶", "WOK"),
    "steamer": ("Steamers 蒸柜", "STM"),
    "dishwasher": ("Dishwashers 洗碗机", "DSH"),
    "ice": ("Ice Machines 制冰机", "ICE"),
    "oven": ("Ovens 烤箱", "OVN"),
    "mixer": ("Mixers 和面机", "MIX"),
}


class BohDemoLoader(models.AbstractModel):
    _name = "boh.demo.loader"
    _description = "BOH Living Demo"

    # ------------------------------------------------------------------ entry points
    @api.model
    def _load(self, days=180, orders_per_day=100.0):
        """Load ``days`` of history up to yesterday for both demo companies, ticket by
        ticket (a guest check each, about ``orders_per_day`` per store and day)."""
        self = self.sudo()
        end = self._yesterday()
        first = end - timedelta(days=days - 1)
        params = self.env["ir.config_parameter"].sudo()
        params.set_param(PARAM_FIRST, first.isoformat())
        params.set_param(PARAM_ORDERS, repr(float(orders_per_day)))
        for company in self._companies():
            self._load_company(
                company, first, end, orders_per_day, first, price_jump_from=end - timedelta(6)
            )
        params.set_param(PARAM_LAST, end.isoformat())
        self._run_forecast()
        self._run_passes()

    @api.model
    def _cron_fill_in(self):
        """Demo only: sales and the weekly routine of every day missed since the last run."""
        self = self.sudo()
        params = self.env["ir.config_parameter"].sudo()
        first, last = params.get_param(PARAM_FIRST), params.get_param(PARAM_LAST)
        if not first or not last:
            return False
        first, last = date.fromisoformat(first), date.fromisoformat(last)
        end = self._yesterday()
        if end <= last:
            return False
        orders_per_day = float(params.get_param(PARAM_ORDERS) or 100)
        for company in self._companies():
            since = last + timedelta(1)
            self._load_company(company, first, end, orders_per_day, since)
        params.set_param(PARAM_LAST, end.isoformat())
        self._run_forecast()
        return True

    # ------------------------------------------------------------------ the group
    def _yesterday(self):
        tz = pytz.timezone(self.env.ref("base.main_company").partner_id.tz or "America/Los_Angeles")
        return datetime.now(tz).date() - timedelta(days=1)

    def _companies(self):
        companies = self.env.ref("base.main_company")
        harbour = self.env.ref("boh_inventory.company_harbour", raise_if_not_found=False)
        return companies | harbour if harbour else companies

    def _stores(self, company):
        return self.env["stock.warehouse"].search(
            [("company_id", "=", company.id), ("boh_store_type", "=", "store")], order="code"
        )

    def _kitchens(self, company):
        return self.env["stock.warehouse"].search(
            [("company_id", "=", company.id), ("boh_store_type", "=", "central_kitchen")]
        )

    def _menu(self, company):
        """Menu items of ``company`` with a recipe and a code, mapped for the demo POS."""
        recipes = self.env["boh.recipe"].search_fetch(
            [
                ("company_id", "in", [company.id, False]),
                ("product_id.boh_kind", "=", "menu"),
                ("product_id.default_code", "!=", False),
            ],
            ["product_id"],
        )
        products = recipes.product_id.with_company(company)
        Map = self.env["boh.pos.item.map"]
        mapped = set(
            Map.search_fetch(
                [("source", "=", SOURCE), ("company_id", "=", company.id)], ["code"]
            ).mapped("code")
        )
        Map.create(
            [
                {
                    "source": SOURCE,
                    "code": p.default_code,
                    "product_id": p.id,
                    "company_id": company.id,
                }
                for p in products
                if p.default_code not in mapped
            ]
        )
        return products

    def _group(self, company):
        """The simulator's picture of ``company``: its sites, menu, equipment and staff."""
        tz = company.partner_id.tz or "America/Los_Angeles"
        sites = [
            Site(w.code, w.name, kind="central_kitchen", tz=tz, open_hour=6, close_hour=16)
            for w in self._kitchens(company)
        ]
        sizes = (1.2, 1.0, 0.8, 0.9, 1.1, 0.7)
        sites += [
            Site(w.code, w.name, kind="store", size=sizes[k % len(sizes)], tz=tz)
            for k, w in enumerate(self._stores(company))
        ]
        items = []
        for product in self._menu(company):
            traits = item_traits(product.default_code)
            traits["modifiers"] = ()  # the demo POS sends no modifiers it has not mapped
            traits.setdefault("popularity", 3.0)
            items.append(
                MenuItem(product.default_code, product.name, product.lst_price or 1.0, **traits)
            )
        equipment = [e for site in sites for e in site_equipment(site)]
        staff = [e for k, site in enumerate(sites) for e in site_staff(site, k + company.id)]
        return Group(
            sites=tuple(sites),
            items=tuple(items),
            equipment=tuple(equipment),
            employees=tuple(staff),
            country=company.country_id.code or "US",
            source=SOURCE,
        ).check()

    # ------------------------------------------------------------------ one company
    def _load_company(self, company, first, end, orders_per_day, since, price_jump_from=None):
        """Simulate ``first``..``end`` and write what happened from ``since`` on; a vendor
        raises a price in the purchases from ``price_jump_from`` on (see ``_purchase``)."""
        self = self.with_company(company)
        group = self._group(company)
        if not group.items:
            return
        days = (end - first).days + 1
        sim = simulate(
            group,
            days=days,
            end=end,
            seed=SEED + company.id,
            orders_per_day=orders_per_day,
            sensor_days=min(14, days),
        )
        stores = self._stores(company)
        # Week by week: the week's sales, then (on Sundays) the count and next week's order.
        day = (since - first).days
        opening = since == first
        clock = _Clock()
        while day < days:
            week_end = min(day + (6 - sim.dates[day].day_of_week), days - 1)
            before = self._on_hand(stores)
            self._push(sim, day, week_end, clock)
            after = self._on_hand(stores)
            used = {k: max(before.get(k, 0.0) - v, 0.0) for k, v in after.items()}
            if opening:
                # The stores opened with what the first week needed, ordered the day before
                # and delivered on time on day one (a delivery dated after the first count
                # would be counted twice: in that count and as a receipt of the next week).
                with clock.part("purchases"):
                    eve = sim.dates[day].date() - timedelta(1)
                    self._restock(company, stores, used, after, eve, 1.0 + COVER_WEEKS, True)
                opening = False
            sunday = sim.dates[week_end].date()
            if sim.dates[week_end].day_of_week == 6:
                with clock.part("counts"):
                    self._count(stores, used, sunday)
                    self._store_periods(stores, sunday)
                with clock.part("purchases"):
                    self._restock(
                        company,
                        stores,
                        used,
                        self._on_hand(stores),
                        sunday,
                        COVER_WEEKS,
                        price_jump_from=price_jump_from,
                    )
            _logger.info("BOH demo: %s loaded up to %s: %s", company.name, sunday, clock)
            day = week_end + 1
        if since == first:
            self._equipment(company, group, sim)
            self._employees(company, group)

    def _push(self, sim, first_day, last_day, clock):
        """Push the tickets of days ``first_day``..``last_day`` through the sales feed, then
        post what they consumed (one move per store, day, ingredient and kind)."""
        with clock.part("sales"):
            orders = sim.orders(since=first_day, until=last_day)
        if not orders:
            return
        Feed = self.env["boh.pos.feed"]
        params = self.env["ir.config_parameter"].sudo()
        mode = params.get_param(DEPLETION_MODE)
        params.set_param(DEPLETION_MODE, "deferred")
        try:
            with clock.part("sales"):
                for k in range(0, len(orders), PUSH_BATCH):
                    answer = Feed.push_sales(
                        {"source": SOURCE, "batch_id": "", "orders": orders[k : k + PUSH_BATCH]}
                    )
                    bad = [o for o in answer["orders"] if o["status"] == "error"]
                    if bad:
                        _logger.warning("BOH demo: %d orders refused, e.g. %s", len(bad), bad[0])
            # What the cron would post once the pushes stop, posted now.
            with clock.part("depletion"):
                Feed._cron_post_depletion(quiet_seconds=0)
        finally:
            params.set_param(DEPLETION_MODE, mode or False)

    # ------------------------------------------------------------------ stock
    def _count(self, stores, used, day):
        """A count of every store on ``day``: on-hand less the week's unrecorded loss, approved."""
        rng = _rng(day.toordinal() * 7)
        Quant = self.env["stock.quant"]
        counts = []
        for store in stores:
            groups = Quant._read_group(
                [
                    ("location_id", "child_of", store.lot_stock_id.id),
                    ("product_id.is_storable", "=", True),
                ],
                ["product_id", "location_id", "lot_id"],
                ["quantity:sum"],
            )
            lines, lost = [], set()
            for product, location, lot, qty in groups:
                if abs(qty) < 1e-6:
                    continue
                # the week's loss of a product is found once, on its first shelf and lot
                # with stock; its other lots are counted as the books have them
                loss = 0.0
                if qty > 0 and product.id not in lost:
                    lost.add(product.id)
                    loss = used.get((store.id, product.id), 0.0) * LOSS_SHARE * rng.uniform(0, 2)
                counted = float_round(
                    max(qty - loss, 0.0), precision_rounding=product.uom_id.rounding
                )
                lines.append(
                    Command.create(
                        {
                            "product_id": product.id,
                            "location_id": location.id,
                            "lot_id": lot.id,
                            "theoretical_qty": qty,
                            "counted_qty": counted,
                            "is_counted": True,
                        }
                    )
                )
            if lines:
                counts.append(
                    {
                        "warehouse_id": store.id,
                        "company_id": store.company_id.id,
                        "count_date": day,
                        "line_ids": lines,
                    }
                )
        if counts:
            self.env["boh.stock.count"].create(counts).action_approve()

    def _store_periods(self, stores, sunday):
        """The week that ``sunday``'s count closes, computed for every store (AvT, KPIs);
        a week already there is computed again, not doubled."""
        Period = self.env["boh.store.period"]
        monday = sunday - timedelta(6)
        periods = Period.search(
            [
                ("warehouse_id", "in", stores.ids),
                ("date_from", "=", monday),
                ("date_to", "=", sunday),
            ]
        )
        periods |= Period.create(
            [
                {"warehouse_id": store.id, "date_from": monday, "date_to": sunday}
                for store in stores - periods.warehouse_id
            ]
        )
        periods.filtered(lambda period: period.state == "open").action_compute()

    # ------------------------------------------------------------------ equipment, staff
    def _equipment(self, company, group, sim):
        """Equipment with labels, its repair history and sensor readings."""
        Equipment = self.env["maintenance.equipment"]
        Category = self.env["maintenance.equipment.category"]
        warehouses = {
            w.code: w for w in self.env["stock.warehouse"].search([("company_id", "=", company.id)])
        }
        categories = {}
        for kind in sorted({e.kind for e in group.equipment}):
            name, prefix = CATEGORY_NAMES.get(kind, (kind.title(), kind[:3].upper()))
            found = Category.search(
                [("name", "=", name), ("company_id", "in", [company.id, False])], limit=1
            )
            categories[kind] = found or Category.create(
                {"name": name, "boh_code_prefix": prefix, "company_id": company.id}
            )
        team = self.env["maintenance.team"].search(
            [("company_id", "in", [company.id, False])], limit=1
        ) or self.env["maintenance.team"].create(
            {"name": f"{company.name} Technicians", "company_id": company.id}
        )
        records = Equipment.create(
            [
                {
                    "name": f"{e.name} {e.name_zh}".strip(),
                    "category_id": categories[e.kind].id,
                    "company_id": company.id,
                    "boh_store_id": warehouses[e.site].id,
                    "maintenance_team_id": team.id,
                    "serial_no": e.code,
                    "effective_date": sim.dates[0].date(),
                    "boh_stock_location_id": warehouses[e.site].lot_stock_id.id
                    if e.kind == "coldroom"
                    else False,
                }
                for e in group.equipment
            ]
        )
        by_code = dict(zip((e.code for e in group.equipment), records, strict=True))
        admin = self.env.ref("base.user_admin")
        tokens = records.with_user(admin).with_company(company)._boh_issue_tokens()
        base = self.env["ir.config_parameter"].get_param("web.base.url", "")
        for record in records:
            record.message_post(
                body=self.env._(
                    "Demo label: scan it or open %(url)s to report a problem.",
                    url=f"{base}/boh/repair/{tokens[record.id]}",
                )
            )
        self._repairs(company, sim, by_code, team)
        self._sensors(company, group, sim, by_code)

    def _repairs(self, company, sim, by_code, team):
        """One finished corrective request per simulated failure (times in the store's zone)."""
        tz = pytz.timezone(company.partner_id.tz or "America/Los_Angeles")
        done = self.env["maintenance.stage"].search([("done", "=", True)], limit=1)

        def utc(ts):
            return tz.localize(ts.to_pydatetime()).astimezone(pytz.utc).replace(tzinfo=None)

        vals = []
        for row in sim.failures.itertuples(index=False):
            equipment = by_code[row.equipment]
            vals.append(
                {
                    "name": f"{row.fault.capitalize()}: {equipment.name}",
                    "equipment_id": equipment.id,
                    "company_id": company.id,
                    "maintenance_type": "corrective",
                    "maintenance_team_id": team.id,
                    "request_date": utc(row.started_at).date(),
                    "schedule_date": utc(row.started_at),
                    "close_date": utc(row.repaired_at).date(),
                    "duration": row.repair_hours,
                    "stage_id": done.id,
                    "boh_reported_at": utc(row.started_at),
                    "boh_first_response_at": utc(row.started_at) + timedelta(minutes=40),
                    "boh_done_at": utc(row.repaired_at),
                }
            )
        if vals:
            self.env["maintenance.request"].create(vals)

    def _sensors(self, company, group, sim, by_code):
        """Thresholds on the cold units and their readings, pushed as a gateway would."""
        metric = self.env["boh.sensor.metric"].search([("code", "=", "temperature_c")], limit=1)
        if not metric or sim.sensors.empty:
            return
        setpoints = {e.code: e.setpoint for e in group.equipment if e.setpoint is not None}
        self.env["boh.sensor.threshold"].create(
            [
                {
                    "equipment_id": by_code[code].id,
                    "metric_id": metric.id,
                    "has_max": True,
                    "max_value": setpoint + 5.0,
                    "has_min": True,
                    "min_value": setpoint - 6.0,
                    "min_duration_minutes": 45,
                }
                for code, setpoint in setpoints.items()
            ]
        )
        tz = pytz.timezone(company.partner_id.tz or "America/Los_Angeles")
        at = sim.sensors["at"].dt.tz_localize(tz, ambiguous=False, nonexistent="shift_forward")
        stamps = at.dt.strftime("%Y-%m-%dT%H:%M:%S%z").str.replace(
            r"(\d{2})(\d{2})$", r"\1:\2", regex=True
        )
        short = {code: rec.boh_short_code for code, rec in by_code.items()}
        readings = [
            {"equipment": short[e], "metric": "temperature_c", "value": float(v), "at": s}
            for e, v, s in zip(
                sim.sensors["equipment"], sim.sensors["temperature"], stamps, strict=True
            )
        ]
        # the door contacts report their openings: the sensor pass tells a door's spike
        # from a warming unit by them
        opened = sim.sensors["door_open"].to_numpy(dtype=bool)
        readings += [
            {"equipment": short[e], "metric": "door_open", "value": 1.0, "at": s}
            for e, s in zip(sim.sensors["equipment"][opened], stamps[opened], strict=True)
        ]
        Reading = self.env["boh.sensor.reading"].with_company(company)
        for k in range(0, len(readings), 2000):
            Reading.push_readings(readings[k : k + 2000])
        days = sim.sensors["at"].dt.date
        self.env["boh.sensor.haccp.day"]._refresh(days.min(), days.max())
        self._sensor_flags(sim, tz, by_code)

    def _sensor_flags(self, sim, tz, by_code):
        """The sensor pass as it ran when the simulated cold-unit failure ended and after the
        last reading: its drift flag, and what the units look like now (the live 15-minute
        pass is off in the demo, which has no gateway: every sensor would be silent)."""
        moments = [sim.sensors["at"].max()]
        if sim.episode is not None:
            moments.insert(0, sim.episode.end)
        machines = self.env["maintenance.equipment"].union(*by_code.values())
        started, flags = time_mod.monotonic(), self.env["boh.flag"]
        for moment in moments:
            now = tz.localize(moment.to_pydatetime()).astimezone(pytz.utc).replace(tzinfo=None)
            flags |= self.env["boh.sensor.reading"]._raise_sensor_flags(
                now=now + timedelta(minutes=1), machines=machines
            )
        _logger.info(
            "BOH demo: the sensor pass raised %d flags in %.1f s",
            len(flags),
            time_mod.monotonic() - started,
        )

    def _employees(self, company, group):
        """Employees with their jobs (roles), at the site they work at."""
        Job = self.env["hr.job"]
        jobs = {}
        for role in sorted({e.role for e in group.employees}):
            name = ROLE_NAMES.get(role, role.title())
            jobs[role] = Job.search(
                [("name", "=", name), ("company_id", "=", company.id)], limit=1
            ) or Job.create({"name": name, "company_id": company.id})
        sites = {s.code: s.name for s in group.sites}
        departments = {}
        for code, name in sites.items():
            departments[code] = self.env["hr.department"].create(
                {"name": name, "company_id": company.id}
            )
        self.env["hr.employee"].create(
            [
                {
                    "name": e.name,
                    "company_id": company.id,
                    "job_id": jobs[e.role].id,
                    "job_title": jobs[e.role].name,
                    "department_id": departments[e.site].id,
                    "barcode": f"BOHDEMO{company.id:03d}{k:04d}",
                }
                for k, e in enumerate(group.employees)
            ]
        )

    # ------------------------------------------------------------------ flags
    def _run_passes(self):
        """The daily exception passes once, so that a new user finds the flags of the
        loaded months (the price jump of ``_purchase`` among them) on first start."""
        started = time_mod.perf_counter()
        stores = self.env["stock.warehouse"].union(*map(self._stores, self._companies()))
        Flag = self.env["boh.flag"]
        flags = Flag._run_passes_by_company(Flag._daily_passes(), stores)
        _logger.info(
            "BOH demo: the exception passes raised %d flags in %.1f s",
            len(flags),
            time_mod.perf_counter() - started,
        )
        return flags

    # ------------------------------------------------------------------ forecast
    def _run_forecast(self):
        """The nightly forecast for every store of every demo company: the nightly run itself
        (its partitions, as a cron worker takes them), so that *Forecast Runs* shows it; when
        tonight's run was already made (a fill-in after the nightly cron), a run now."""
        for company in self._companies():
            self._stores(company).write({"boh_forecast_enabled": True})
        Engine = self.env["boh.forecast.engine"]
        Run = self.env["boh.forecast.run"].sudo()
        made = Run.search([("date", "=", Engine._local_now().date())]).company_id
        for company in self._companies() & made:
            Engine.with_company(company)._run_for_warehouses(self._stores(company))
        Partition = self.env["boh.forecast.run.partition"].sudo()
        Engine._plan_runs()
        # each call runs at least one waiting partition (no other worker here)
        for _call in range(Partition.search_count([("state", "=", "received")])):
            Engine._run_next_partition()


class _Clock:
    """Wall and CPU seconds (of this process; the database's are not in them) spent in each
    part of the load, for the log."""

    def __init__(self):
        self.parts = {}

    @contextmanager
    def part(self, name):
        wall, cpu = time_mod.perf_counter(), time_mod.process_time()
        try:
            yield
        finally:
            spent = self.parts.get(name, (0.0, 0.0))
            self.parts[name] = (
                spent[0] + time_mod.perf_counter() - wall,
                spent[1] + time_mod.process_time() - cpu,
            )

    def __str__(self):
        return ", ".join(
            f"{name} {wall:.0f} s ({cpu:.0f} s CPU)" for name, (wall, cpu) in self.parts.items()
        )


def _rng(seed):
    import numpy as np

    return np.random.default_rng(seed)
