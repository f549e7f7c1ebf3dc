import logging
import math
from collections import defaultdict
from datetime import datetime, time, timedelta
from time import monotonic

import numpy as np
import pandas as pd
import pytz

from odoo import api, fields, models
from odoo.addons.boh_inventory.tools.bulk import bulk_insert, bulk_update
from odoo.addons.boh_inventory.tools.core_messages import translate_core_error
from odoo.exceptions import UserError, ValidationError
from odoo.tools import SQL

from boh_core import ordering
from boh_core.cluster import Call, answer
from boh_core.errors import BohError
from boh_core.forecast import backtest, forecast
from boh_core.forecast.schedule import ACCURACY_EVERY_DAYS, accuracy_due
from boh_core.replay import order_risk

_logger = logging.getLogger(__name__)

# any constant of our own: the advisory lock of the forecast run
LOCK_KEY = 4_180_218_001
LEVEL = 80
BACKTEST_HORIZON = 7
BACKTEST_WINDOWS = 4
WAREHOUSE_BATCH = 20
#: every how many nights a group of stores' accuracy is measured (boh_core.forecast.schedule)
ACCURACY_EVERY_PARAM = "boh_forecast.accuracy_every_days"
RFQ_OPEN_STATES = ("draft", "sent", "to approve")
# demand paths behind each line's expected waste and stockout risk; a product without an
# expiration time is taken as keeping this long
RISK_SAMPLES = 200
NO_EXPIRY_DAYS = ordering.NO_EXPIRY_DAYS
#: the columns of ``boh.forecast`` the run writes with one INSERT, and their SQL types
FORECAST_COLUMNS = (
    ("company_id", "int"),
    ("warehouse_id", "int"),
    ("product_id", "int"),
    ("kind", "varchar"),
    ("date", "date"),
    ("qty", "numeric"),
    ("qty_stat", "numeric"),
    ("overridden", "bool"),
    ("cold_start", "float8"),
    ("qty_lo", "numeric"),
    ("qty_hi", "numeric"),
    ("sales", "numeric"),
)
#: the run's state of each series, written by id in one UPDATE; with the accuracy when measured
SERIES_COLUMNS = (
    ("id", "int"),
    ("state", "varchar"),
    ("message", "text"),
    ("sigma", "numeric"),
    ("last_run", "timestamp"),
)
ACCURACY_COLUMNS = (
    ("accuracy_date", "date"),
    ("model", "varchar"),
    ("wape", "float8"),
    ("wape_known", "bool"),
    ("mase", "float8"),
    ("coverage", "float8"),
    ("backtest_days", "int"),
)


class BohForecastEngine(models.AbstractModel):
    """The nightly run: sales facts -> forecasts -> ingredient demand -> draft purchase orders,
    prep plan and labour plan. The maths is in :mod:`boh_core`; this reads and writes."""

    _name = "boh.forecast.engine"
    _description = "Forecast Run"

    # -- entry points -------------------------------------------------------------------

    @api.model
    def _run_for_warehouses(self, warehouses):
        """Run now for ``warehouses`` (one company), refusing if a run is going on."""
        if not self._try_lock():
            raise UserError(
                self.env._("A forecast run is already going on; try again in a few minutes.")
            )
        return self.with_company(warehouses.company_id[:1])._run(warehouses)

    @api.model
    def _try_lock(self):
        """Take the run's transaction lock, or say it is taken (another run is going on).

        A run for chosen locations takes it alone; the nightly run's partitions share it
        (``_try_lock_shared``): they run side by side, never during a run for chosen ones."""
        return self.env.execute_query(SQL("SELECT pg_try_advisory_xact_lock(%s)", LOCK_KEY))[0][0]

    @api.model
    def _try_lock_shared(self):
        """Share the run's transaction lock with the other partitions, or say a run for chosen
        locations holds it."""
        return self.env.execute_query(SQL("SELECT pg_try_advisory_xact_lock_shared(%s)", LOCK_KEY))[
            0
        ][0]

    # -- the run --------------------------------------------------------------------------

    @api.model
    def _run(self, warehouses, partition=False, timings=None, report=None):
        """Forecast, store accuracy and plans, and suggest purchase orders for ``warehouses``.

        ``partition``: these locations are one partition of the nightly run
        (``boh.forecast.run.partition``): the company-wide steps (deleting old forecasts, the
        central kitchen's prep plan, which sums every store's forecast) are the run's, not
        this partition's, and the cron's progress counts partitions, not these steps.
        ``timings``: a dict, given the seconds of each stage (reading, forecast, storing,
        orders, plans). ``report``: a dict, given where the forecast was computed
        (``forecast_on``: the Dask scheduler's address, or ``here``), whether accuracy was
        measured tonight (``accuracy_measured``: once a week per group of stores, see
        ``boh_core.forecast.schedule``) and ``notes`` for a manager (the Dask cluster set was
        not used, and why).
        """
        self = self.sudo()
        if not warehouses:
            return self.env["purchase.order"]
        company = warehouses.company_id
        company.ensure_one()
        now = self._local_now()
        today = now.date()
        horizon = max(7, company.boh_forecast_horizon or 21)
        # a step per batch of locations read, then forecast, store, order, plan
        steps = math.ceil(len(warehouses) / WAREHOUSE_BATCH) + 4
        progress = _Progress(self.env, steps, silent=partition, timings=timings)

        history, revenue, hourly = [], [], []
        for start in range(0, len(warehouses), WAREHOUSE_BATCH):
            batch = warehouses[start : start + WAREHOUSE_BATCH]
            frame, prices, profile = self._read_history(company, batch, today)
            history.append(frame)
            revenue.append(prices)
            hourly.append(profile)
            progress.step("reading")
        history = pd.concat(history, ignore_index=True)
        prices = {k: v for part in revenue for k, v in part.items()}
        profiles = {k: v for part in hourly for k, v in part.items()}

        series = self._series_keys(history)
        measure = self._accuracy_due(warehouses, today)
        if report is not None:
            report["accuracy_measured"] = measure
        forecasts, errors, accuracy = self._forecast(history, horizon, company, report, measure)
        progress.step("forecast")

        forecasts = self._attach_keys(forecasts, prices)
        self._store_forecasts(company, warehouses, series, forecasts, errors, accuracy, today)
        if not partition:
            self._delete_old_forecasts(company, today)
        progress.step("storing")

        # one recipe book for the whole run: ordering and prep both explode through it
        recipe_book = self.env["boh.costing"]._load_book(company)
        orders = self._suggest_orders(company, warehouses, forecasts, now, recipe_book)
        progress.step("orders")
        self._plan_prep(
            company,
            warehouses,
            forecasts,
            today + timedelta(days=1),
            recipe_book,
            kitchen=not partition,
        )
        self._plan_labour(company, warehouses, forecasts, profiles, today)
        progress.step("plans")
        return orders

    def _local_now(self):
        tz = pytz.timezone(self.env.context.get("tz") or self.env.user.tz or "UTC")
        return pytz.utc.localize(fields.Datetime.now()).astimezone(tz).replace(tzinfo=None)

    # -- reading ----------------------------------------------------------------------------

    @api.model
    def _accuracy_every(self):
        """Every how many nights a group of stores' accuracy is measured (system parameter
        ``boh_forecast.accuracy_every_days``, default 7; 1 measures it every night)."""
        value = self.env["ir.config_parameter"].sudo().get_param(ACCURACY_EVERY_PARAM)
        try:
            return max(1, int(value)) if value else ACCURACY_EVERY_DAYS
        except ValueError:
            _logger.warning(
                "%s is not a whole number: %r; using %s",
                ACCURACY_EVERY_PARAM,
                value,
                ACCURACY_EVERY_DAYS,
            )
            return ACCURACY_EVERY_DAYS

    @api.model
    def _accuracy_due(self, warehouses, today):
        """Whether tonight's run of ``warehouses`` measures their accuracy (the backtest):
        ``boh_core.forecast.schedule.accuracy_due`` on the night each store was last
        measured (its series' newest ``accuracy_date``), one grouped read."""
        newest = dict(
            self.env["boh.forecast.series"]._read_group(
                [("warehouse_id", "in", warehouses.ids)],
                ["warehouse_id"],
                ["accuracy_date:max"],
            )
        )
        last = {wh.id: newest.get(wh) or None for wh in warehouses}
        return accuracy_due(today, last, self._accuracy_every())

    @api.model
    def _read_history(self, company, warehouses, today):
        """Daily item and covers history of ``warehouses``, their prices and hourly profile.

        Items and covers come from the daily sums (``boh.sales.daily``, one row per item and
        day); the hourly profile of the last 56 days from the facts themselves."""
        start = today - timedelta(days=max(28, company.boh_forecast_history_days or 365))
        item_rows, cover_rows = self._read_daily(company, warehouses, start, today)
        hour_rows = self.env["boh.sales.fact"]._read_group(
            [
                ("company_id", "=", company.id),
                ("warehouse_id", "in", warehouses.ids),
                ("date", ">=", max(start, today - timedelta(days=56))),
                ("date", "<", today),
            ],
            ["warehouse_id", "hour"],
            ["revenue:sum", "covers:sum"],
        )
        records = [(f"{wh}:{product}", day, qty) for wh, product, day, qty, _rev in item_rows]
        records += [(f"{wh}:covers", day, float(covers)) for wh, day, covers in cover_rows]
        frame = pd.DataFrame(records, columns=["unique_id", "ds", "y"])
        # the horizon starts the day after the last day of history: anchor it on yesterday
        yesterday = today - timedelta(days=1)
        anchors = pd.DataFrame({"unique_id": frame.unique_id.unique(), "ds": yesterday, "y": 0.0})
        frame = pd.concat([frame, anchors], ignore_index=True)
        frame["ds"] = pd.to_datetime(frame["ds"])
        sold = defaultdict(lambda: [0.0, 0.0])
        for wh, product, _day, qty, rev in item_rows:
            sold[f"{wh}:{product}"][0] += qty or 0.0
            sold[f"{wh}:{product}"][1] += rev or 0.0
        prices = {key: (rev / qty if qty > 0 else 0.0) for key, (qty, rev) in sold.items()}
        profiles = defaultdict(lambda: {"sales": {}, "covers": {}})
        for wh, hour, rev, covers in hour_rows:
            profiles[wh.id]["sales"][hour or 0] = rev or 0.0
            profiles[wh.id]["covers"][hour or 0] = float(covers or 0)
        return frame, prices, dict(profiles)

    @api.model
    def _read_daily(self, company, warehouses, start, today):
        """``(warehouse, item, day, qty, revenue)`` of the items the forecast does not leave
        out, and ``(warehouse, day, covers)``, as ids, from the daily sales sums.

        A daily row is already one item and day: the items are read as they are, by id (a
        ``_read_group`` would group them again and sort every row by store and item name)."""
        Daily = self.env["boh.sales.daily"]
        domain = [
            ("company_id", "=", company.id),
            ("warehouse_id", "in", warehouses.ids),
            ("date", ">=", start),
            ("date", "<", today),
        ]
        items = Daily._search(domain + [("product_id.boh_forecast_excluded", "=", False)])
        daily = SQL.identifier(items.table)
        items.order = SQL("%s.warehouse_id, %s.product_id, %s.date", daily, daily, daily)
        item_rows = self.env.execute_query(
            items.select(
                SQL(
                    "%s.warehouse_id, %s.product_id, %s.date, %s.qty, %s.revenue",
                    daily, daily, daily, daily, daily,
                )
            )
        )  # fmt: skip
        covers = Daily._search(domain)
        daily = SQL.identifier(covers.table)
        covers.groupby = SQL("%s.warehouse_id, %s.date", daily, daily)
        covers.order = covers.groupby
        cover_rows = self.env.execute_query(
            covers.select(SQL("%s.warehouse_id, %s.date, sum(%s.covers)", daily, daily, daily))
        )
        return item_rows, cover_rows

    @staticmethod
    def _series_keys(history):
        keys = {}
        for uid in history.unique_id.unique():
            wh, item = uid.split(":")
            keys[uid] = (int(wh), False if item == "covers" else int(item))
        return keys

    # -- forecasting -----------------------------------------------------------------------

    @api.model
    def _forecast(self, history, horizon, company, report=None, measure=True):
        """One forecast call for every series and, when ``measure``, the accuracy backtest
        beside it; a series that breaks the forecast is flagged and left out.

        Both are pure ``boh_core.forecast`` calls, made together by ``_core_calls``: on the
        Dask cluster when one is set, here otherwise (``report``: as ``_run``'s). Returns the
        forecast frame, ``{unique_id: message}`` of the failed series and the accuracy frame
        (``None`` when not measured tonight).
        """
        errors = {}
        finite = history.groupby("unique_id")["y"].apply(lambda y: bool(np.isfinite(y).all()))
        for uid in finite[~finite].index:
            errors[uid] = self.env._("Sales history holds a quantity that is not a number.")
        good = history[~history.unique_id.isin(errors)]
        country = self._country(company)
        if good.empty:
            return _empty_forecast(), errors, _empty_accuracy() if measure else None
        # closures, promotions, events and weather as exogenous columns (boh.forecast.inputs)
        inputs = self.env["boh.forecast.inputs"]
        prepared, future, state = inputs._prepare(company, good, horizon)
        calls = [Call(forecast, (prepared, horizon, future), {"level": LEVEL, "country": country})]
        if measure:
            calls.append(
                Call(
                    backtest,
                    (good, BACKTEST_HORIZON),
                    {"windows": BACKTEST_WINDOWS, "country": country},
                )
            )
        batch, *accuracy = self._core_calls(calls, report)
        accuracy = accuracy[0] if measure else None
        fc, unbroken = batch.value, len(errors)
        if batch.error is not None:  # isolate the series that breaks the batch
            _logger.info("Forecast batch failed (%s); retrying series one by one", batch.error)
            parts = []
            for uid, frame in prepared.groupby("unique_id"):
                mine = future[future.unique_id == uid]
                alone = answer(forecast, frame, horizon, mine, level=LEVEL, country=country)
                if alone.error is None:
                    parts.append(alone.value)
                else:  # flag it, the other series go on
                    errors[uid] = str(alone.error)
            fc = pd.concat(parts, ignore_index=True) if parts else _empty_forecast()
            if measure and len(errors) > unbroken:
                # measured again without the series that broke the forecast, as before
                accuracy = answer(
                    backtest,
                    history[~history.unique_id.isin(errors)],
                    BACKTEST_HORIZON,
                    windows=BACKTEST_WINDOWS,
                    country=country,
                )
        # closed hours, managers' overrides and new items from similar ones
        return inputs._finish(company, fc, state), errors, self._accuracy(accuracy)

    @api.model
    def _accuracy(self, measured):
        """Per-series accuracy (a ``boh_core.cluster.Answer`` of the backtest), or nothing
        when the history is too short to measure it: accuracy is a report, not a blocker;
        ``None`` when it was not measured tonight."""
        if measured is None:
            return None
        if measured.error is None:
            return measured.value
        _logger.info("BOH forecast accuracy not measured: %s", measured.error)
        return _empty_accuracy()

    @staticmethod
    def _country(company):
        code = company.country_id.code
        if not code:
            return None
        try:
            from boh_core.forecast.calendar import check_country

            return check_country(code)
        except BohError:
            return None

    @staticmethod
    def _attach_keys(forecasts, prices):
        forecasts = forecasts.copy()
        keys = forecasts.unique_id.astype(str).str.split(":")
        forecasts["warehouse_id"] = keys.str[0].astype(int)
        forecasts["product_id"] = pd.to_numeric(keys.str[1], errors="coerce").astype(float)
        forecasts["date"] = pd.to_datetime(forecasts.ds).dt.date
        forecasts["sigma"] = ordering.forecast_sigma(forecasts, LEVEL)
        forecasts["price"] = forecasts.unique_id.map(prices).fillna(0.0)
        return forecasts

    # -- storing -----------------------------------------------------------------------------

    @api.model
    def _store_forecasts(self, company, warehouses, series, forecasts, errors, accuracy, today):
        """Replace future forecasts; keep past ones (forecast vs actual); update series."""
        self.env["boh.forecast"].search(
            [("warehouse_id", "in", warehouses.ids), ("date", ">=", today)]
        ).unlink()
        self._insert_forecasts(company, forecasts)
        sigma = forecasts.groupby("unique_id")["sigma"].mean().to_dict()
        self._store_series(company, warehouses, series, sigma, errors, accuracy, today)

    @api.model
    def _store_series(self, company, warehouses, series, sigma, errors, accuracy, today):
        """Each series' state after tonight's run and, when its accuracy was measured
        (``accuracy`` not ``None``), tonight as its ``accuracy_date`` and the backtest's
        figures where it measured them (a series it could not measure keeps its last ones).

        New series are created together; the others are written by id in one ``UPDATE``
        (``bulk_update``), and their figures in a second one: thousands a partition.
        """
        acc = {}
        if accuracy is not None:
            acc = {row.unique_id: row for row in accuracy.itertuples(index=False)}
        Series = self.env["boh.forecast.series"]
        Series.flush_model()
        existing = {
            (s.warehouse_id.id, s.product_id.id or False, s.kind): s.id
            for s in Series.search_fetch(
                [("warehouse_id", "in", warehouses.ids)], ["warehouse_id", "product_id", "kind"]
            )
        }
        now, measured = fields.Datetime.now(), accuracy is not None
        to_create, states, figures = [], [], []
        for uid, (wh_id, product_id) in series.items():
            kind = "item" if product_id else "covers"
            state = (
                "failed" if uid in errors else "ok",
                errors.get(uid, False),
                float(sigma.get(uid, 0.0)),
                now,
            ) + ((today,) if measured else ())
            measures = _accuracy_values(acc[uid]) if uid in acc else None
            record = existing.get((wh_id, product_id, kind))
            if record:
                states.append((record, *state))
                if measures:
                    figures.append((record, *measures))
                continue
            columns = SERIES_COLUMNS[1:] + (ACCURACY_COLUMNS[:1] if measured else ())
            vals = {name: value for (name, _type), value in zip(columns, state, strict=True)}
            if measures:
                vals.update(zip((n for n, _t in ACCURACY_COLUMNS[1:]), measures, strict=True))
            vals.update(company_id=company.id, warehouse_id=wh_id, product_id=product_id, kind=kind)
            to_create.append(vals)
        Series.create(to_create)
        digits = {"sigma": Series._fields["sigma"].get_digits(self.env)[1]}
        columns = SERIES_COLUMNS + (ACCURACY_COLUMNS[:1] if measured else ())
        bulk_update(self.env, "boh_forecast_series", columns, states, digits=digits)
        bulk_update(
            self.env, "boh_forecast_series", (("id", "int"), *ACCURACY_COLUMNS[1:]), figures
        )
        Series.invalidate_model()

    @api.model
    def _insert_forecasts(self, company, forecasts):
        """The forecast rows, one per series and day, in one INSERT (``bulk_insert``): tens of
        thousands a partition, where the ORM's create spent most of its time looking up each
        value's decimals. Rounded by the database to the fields' decimals, as the ORM does;
        the locations and items are the run's own, of ``company``."""
        Forecast = self.env["boh.forecast"]
        Forecast.flush_model()
        rows = [
            (
                company.id,
                int(row.warehouse_id),
                False if math.isnan(row.product_id) else int(row.product_id),
                "covers" if math.isnan(row.product_id) else "item",
                row.date,
                float(row.yhat),
                float(getattr(row, "yhat_stat", row.yhat)),
                bool(getattr(row, "overridden", False)),
                float(getattr(row, "cold_start", 0.0)) * 100.0,
                float(row.yhat_lo),
                float(row.yhat_hi),
                float(row.yhat * row.price),
            )
            for row in forecasts.itertuples(index=False)
        ]
        digits = {}
        for name, sql_type in FORECAST_COLUMNS:
            field = Forecast._fields[name]
            if sql_type == "numeric" and field.get_digits(self.env):
                digits[name] = field.get_digits(self.env)[1]
        bulk_insert(self.env, "boh_forecast", FORECAST_COLUMNS, rows, digits=digits)
        Forecast.invalidate_model()

    # -- purchasing ---------------------------------------------------------------------------

    @api.model
    def _ingredient_demand(self, forecasts, recipe_book):
        """Daily ingredient demand and its variance per location: one batched explosion."""
        items = forecasts[forecasts.product_id.notna()]
        if items.empty:
            return pd.DataFrame(columns=ordering.DEMAND_COLUMNS)
        book, products, _converter = recipe_book
        recipes = {recipe.product: recipe for recipe in book.recipes}
        # a set meal's components are sold (and forecast) as items of their own
        set_meals = {
            recipe.product
            for recipe in book.recipes
            if any(products.get(line.component, {}).get("kind") == "menu" for line in recipe.lines)
        }
        item_ids = [
            int(pid)
            for pid in items.product_id.unique()
            if int(pid) in recipes and int(pid) not in set_meals
        ]
        if not item_ids:
            return pd.DataFrame(columns=ordering.DEMAND_COLUMNS)
        try:
            vectors = book.explode_each([(pid, 1.0, products[pid]["uom_id"]) for pid in item_ids])
        except BohError as error:
            raise ValidationError(translate_core_error(self.env, error)) from error
        factors = pd.DataFrame(
            [
                (pid, ingredient, amount)
                for pid, vector in zip(item_ids, vectors, strict=True)
                for ingredient, amount in vector.items()
            ],
            columns=["product_id", "ingredient", "factor"],
        )
        return ordering.ingredient_demand(items, factors)

    @api.model
    def _suggest_orders(self, company, warehouses, forecasts, now, recipe_book):
        """Draft purchase orders per vendor and location covering until the delivery after
        next, with each line's explanation. Replaces the suggestions still in draft.

        The quantities of every location x ingredient come from one ``boh_core.ordering``
        call; this reads what it needs and writes the orders.
        """
        PO = self.env["purchase.order"]
        stale = PO.search(
            [
                ("boh_suggested", "=", True),
                ("state", "=", "draft"),
                ("picking_type_id.warehouse_id", "in", warehouses.ids),
            ]
        )
        stale.button_cancel()
        stale.unlink()
        demand = self._ingredient_demand(forecasts, recipe_book)
        if demand.empty:
            return PO
        rows, terms = self._order_inputs(company, warehouses, demand, now)
        service = company.boh_forecast_service_level or 95.0
        demand = demand.set_index(["warehouse_id", "ingredient", "date"]).sort_index()
        suggestions, errors = ordering.suggest_orders(now, rows, demand, service)
        for index, error in errors.items():
            product = terms[rows[index].product][0]
            _logger.info("Forecast: %s skipped: %s", product.display_name, error)
        grouped = defaultdict(list)
        for suggestion in suggestions:
            seller = terms[suggestion.product][1]
            key = (seller.partner_id.id, suggestion.warehouse, suggestion.window.delivery)
            grouped[key].append(suggestion)
        # each store's lines in one boh_core call (its demand paths drawn in this order: one
        # vendor's order after another), so that a store's figures do not depend on which
        # other stores run with it (a partition of the nightly run, or the whole company)
        per_store = defaultdict(list)
        for (_partner, wh_id, _delivery), group in grouped.items():
            per_store[wh_id].extend(group)
        risks = {}
        for group in per_store.values():
            for suggestion, risk in zip(group, self._attach_risks(group, demand), strict=True):
                risks[id(suggestion)] = risk
        vals = []
        for (partner_id, wh_id, delivery), group in grouped.items():
            lines = []
            for suggestion in group:
                line = self._order_line(suggestion, *terms[suggestion.product])
                line["boh_waste_qty"], line["boh_stockout_risk"] = risks[id(suggestion)]
                lines.append(line)
            warehouse = warehouses.browse(wh_id)
            vals.append(
                {
                    "partner_id": partner_id,
                    "company_id": company.id,
                    "picking_type_id": warehouse.in_type_id.id,
                    "boh_suggested": True,
                    "origin": self.env._("BOH forecast %(store)s", store=warehouse.code),
                    "date_planned": datetime.combine(delivery, time(12)),
                    "order_line": [fields.Command.create(line) for line in lines],
                }
            )
        return PO.create(vals)

    @api.model
    def _order_inputs(self, company, warehouses, demand, now):
        """The location x ingredient rows to order for, as ``boh_core.ordering.OrderInput``,
        and ``{product id: (product, vendor line, purchase unit)}``.

        Ingredients Odoo's own reorder rules order, and those without a vendor, are left out.
        """
        Product = self.env["product.product"].with_company(company)
        ingredients = Product.browse(demand.ingredient.unique().astype(int).tolist())
        ingredients = ingredients.filtered(
            lambda p: (
                p.purchase_ok
                and p.is_storable
                and not p.boh_forecast_excluded
                # the central kitchen supplies these: requisitions, not purchases
                and not p.boh_supplied_by_kitchen
            )
        )
        # Odoo's own reorder rules order these: never order them twice
        auto_rules = self.env["stock.warehouse.orderpoint"]._read_group(
            [
                ("product_id", "in", ingredients.ids),
                ("warehouse_id", "in", warehouses.ids),
                ("trigger", "=", "auto"),
            ],
            ["warehouse_id", "product_id"],
        )
        ruled = {(wh.id, product.id) for wh, product in auto_rules}
        open_rfqs = defaultdict(float)
        for order, product, qty in self.env["purchase.order.line"]._read_group(
            [
                ("product_id", "in", ingredients.ids),
                ("order_id.picking_type_id.warehouse_id", "in", warehouses.ids),
                ("state", "in", RFQ_OPEN_STATES),
            ],
            ["order_id", "product_id"],
            ["product_uom_qty:sum"],
        ):
            open_rfqs[(order.picking_type_id.warehouse_id.id, product.id)] += qty
        terms = {}
        for product in ingredients:
            seller = product._select_seller(
                quantity=None, date=now.date(), uom_id=product.uom_po_id
            )
            if seller:
                terms[product.id] = (product, seller, seller.product_uom or product.uom_po_id)
        rows = []
        for warehouse in warehouses:
            stock = ingredients.with_context(warehouse_id=warehouse.id)
            levels = {p["id"]: p for p in stock.read(["qty_available", "incoming_qty"])}
            for product in ingredients:
                if product.id not in terms or (warehouse.id, product.id) in ruled:
                    continue
                rows.append(
                    self._order_input(warehouse, terms[product.id], levels[product.id], open_rfqs)
                )
        return rows, terms

    @api.model
    def _order_input(self, warehouse, product_terms, level, open_rfqs):
        """One ``boh_core.ordering.OrderInput``: vendor terms, stock and units of a product."""
        product, seller, po_uom = product_terms
        partner = seller.partner_id
        same_unit = po_uom == product.uom_id
        return ordering.OrderInput(
            warehouse=warehouse.id,
            product=product.id,
            lead_days=seller.delay,
            weekdays=tuple(partner._boh_delivery_weekdays()),
            cutoff_hour=partner.boh_order_cutoff or None,
            shelf_days=self._shelf_days(product),
            on_hand=level["qty_available"],
            incoming=level["incoming_qty"] + open_rfqs.get((warehouse.id, product.id), 0.0),
            moq=seller.min_qty or 0.0,
            uom_factor=1.0 if same_unit else product.uom_id.factor,
            po_uom_factor=1.0 if same_unit else po_uom.factor,
        )

    @api.model
    def _order_line(self, suggestion, product, seller, po_uom):
        """Purchase order line values of one ``boh_core.ordering.OrderSuggestion``."""
        explanation = self.env._(
            "%(demand).2f demand until %(until)s + %(safety).2f safety - %(onhand).2f on hand "
            "- %(incoming).2f incoming = %(need).2f %(uom)s; rounded to whole %(po_uom)s, "
            "minimum %(moq)g",
            demand=suggestion.demand,
            until=suggestion.last_day,
            safety=suggestion.safety,
            onhand=suggestion.on_hand,
            incoming=suggestion.incoming,
            need=suggestion.need,
            uom=product.uom_id.name,
            po_uom=po_uom.name,
            moq=seller.min_qty,
        )
        return {
            "product_id": product.id,
            "product_qty": suggestion.qty,
            "boh_suggested_qty": suggestion.qty,
            "product_uom": po_uom.id,
            "date_planned": datetime.combine(suggestion.window.delivery, time(12)),
            "boh_demand_qty": suggestion.demand,
            "boh_safety_qty": suggestion.safety,
            "boh_onhand_qty": suggestion.on_hand,
            "boh_incoming_qty": suggestion.incoming,
            "boh_need_qty": suggestion.need,
            "boh_cover_until": suggestion.last_day,
            "boh_explanation": explanation,
        }

    @staticmethod
    def _shelf_days(product):
        """The product's shelf life in days (its expiration time), or 0 when it has none."""
        if product.use_expiration_date and product.expiration_time > 0:
            return int(product.expiration_time)
        return 0

    @api.model
    def _attach_risks(self, suggestions, demand):
        """Expected waste and stockout risk of every suggestion, in order: one boh_core call."""
        if not suggestions:
            return []
        mean, sd, delivery, next_delivery = ordering.risk_profiles(suggestions, demand)
        result = order_risk(
            [s.qty_own_unit for s in suggestions],
            [s.on_hand for s in suggestions],
            [max(0.0, s.incoming) for s in suggestions],
            mean,
            sd,
            delivery,
            next_delivery,
            [s.shelf_days or NO_EXPIRY_DAYS for s in suggestions],
            samples=RISK_SAMPLES,
        )
        return [
            (float(result["expected_waste"][k]), float(result["stockout_risk"][k]))
            for k in range(len(suggestions))
        ]


class _Progress:
    """The run's steps reported to the cron runner (``ir.cron._notify_progress``), unless
    ``silent`` (a partition: the nightly cron counts partitions), and the seconds of each
    stage added to ``timings`` (when given) under the stage's name."""

    def __init__(self, env, steps, silent=False, timings=None):
        self.env, self.steps, self.silent, self.done = env, steps, silent, 0
        self.timings, self.clock = timings, monotonic()

    def step(self, stage):
        now = monotonic()
        if self.timings is not None:
            self.timings[stage] = self.timings.get(stage, 0.0) + now - self.clock
        self.clock = now
        self.done += 1
        if not self.silent:
            self.env["ir.cron"]._notify_progress(
                done=self.done, remaining=max(0, self.steps - self.done)
            )


def _empty_forecast():
    return pd.DataFrame(columns=["unique_id", "ds", "yhat", "yhat_lo", "yhat_hi"])


def _empty_accuracy():
    return pd.DataFrame(columns=["unique_id", "wape", "mase", "coverage", "model", "n"])


def _accuracy_values(row):
    """A series' backtest figures in ``ACCURACY_COLUMNS`` order after the date: an undefined
    WAPE is not zero but NULL (``False``), which the average leaves out."""
    return (
        row.model,
        _num(row.wape) * 100.0 if _finite(row.wape) else False,
        _finite(row.wape),
        _num(row.mase),
        _num(row.coverage) * 100.0,
        int(_num(row.n)),
    )


def _finite(value):
    """Whether ``value`` is a finite number (a figure that was measured)."""
    try:
        return math.isfinite(float(value))
    except (TypeError, ValueError):
        return False


def _num(value):
    try:
        value = float(value)
    except (TypeError, ValueError):
        return 0.0
    return value if math.isfinite(value) else 0.0
