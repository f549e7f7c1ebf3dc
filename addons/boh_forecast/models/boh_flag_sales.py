from dataclasses import replace
from datetime import timedelta

import pandas as pd

from odoo import api, models
from odoo.addons.boh_inventory.tools.flag_pass import Flagged, day_of
from odoo.tools import SQL

from boh_core.exceptions.sales import detect_sales

#: Days before yesterday judged again: sales sent late (a POS back online) are judged when
#: they arrive, and a cause found again updates its open flag instead of raising another.
SALES_RECHECK_DAYS = 2
#: Days of past forecasts read: the calibration's look-back and then some (closed days and
#: days with a known cause are not judged, and do not count).
SALES_HISTORY_DAYS = 91
#: Days of the drill-down before a finding's first day.
EVIDENCE_DAYS = 14

SALES_COLUMNS = ["store", "item", "ds", "actual", "forecast", "lo80", "hi80", "price"]


class BohFlag(models.Model):
    """The daily sales pass: each store's items and total against last night's forecast."""

    _inherit = "boh.flag"  # pylint: disable=consider-merging-classes-inherited

    @api.model
    def _daily_passes(self):
        return [*super()._daily_passes(), "_pass_sales"]

    @api.model
    def _pass_sales(self, run):
        """Items and store totals far outside their calibrated band on the last days
        (``SALES_RECHECK_DAYS`` before yesterday included), after the known causes."""
        last = run.yesterday()
        first = last - timedelta(days=SALES_HISTORY_DAYS)
        recent = last - timedelta(days=SALES_RECHECK_DAYS)
        items = self._read_sales_vs_forecast(run.stores, first, last)
        if items.empty:
            return []
        days = pd.concat([items, self._store_totals(items)], ignore_index=True)
        causes = self._read_known_causes(run.stores, first, last)
        days["cause"] = [
            causes.get((store, item, day)) or (item and causes.get((store, 0, day))) or ""
            for store, item, day in zip(days.store, days.item, days.ds, strict=True)
        ]
        # the detector's item is text ("" the store's total): one type to sort by
        days["item"] = days["item"].map(lambda item: str(item) if item else "")
        keys = {
            (store, item) if item else (store,)
            for store, item in zip(days.store, days.item, strict=True)
        }
        scales = self.env["boh.flag.band"]._scales("sales", keys)
        findings = detect_sales(days, scales=scales, settings=self._sales_thresholds())
        run.skipped["sales"] = findings.skipped
        return [self._sales_flagged(f) for f in findings if day_of(f.end) >= recent]

    @api.model
    def _closed_days(self, stores, first, last):
        """The days of whole-day closures and public holidays: the feed pass expects no
        orders on them (a holiday's trade is not the usual weekday's)."""
        closed = super()._closed_days(stores, first, last)
        for closure in (
            self.env["boh.forecast.closure"]
            .sudo()
            .search_fetch(
                [
                    ("warehouse_id", "in", stores.ids),
                    ("whole_day", "=", True),
                    ("date_from", "<=", last),
                    ("date_to", ">=", first),
                ],
                ["warehouse_id", "date_from", "date_to"],
            )
        ):
            for day in pd.date_range(max(first, closure.date_from), min(last, closure.date_to)):
                closed.add((closure.warehouse_id.id, day.date()))
        holidays = {company: self._holidays(company, first, last) for company in stores.company_id}
        closed.update((store.id, day) for store in stores for day in holidays[store.company_id])
        return closed

    @api.model
    def _sales_thresholds(self):
        """The sales detector's settings (its band from the flags' settings)."""
        return self._detector_settings("sales")

    @api.model
    def _sales_flagged(self, finding):
        """A sales finding with its store, its drill-down (forecast against actual sales
        of the series around the days) and its label."""
        store_id = finding.key[0]
        item_id = int(finding.key[1]) if len(finding.key) > 1 else False
        domain = [
            ("warehouse_id", "=", store_id),
            ("kind", "=", "item"),
            ("date", ">=", str(day_of(finding.start) - timedelta(days=EVIDENCE_DAYS))),
            ("date", "<=", str(day_of(finding.end))),
        ]
        store = self.env["stock.warehouse"].browse(store_id)
        if item_id:
            domain.append(("product_id", "=", item_id))
            item = self.env["product.product"].browse(item_id)

            def what(flag, item=item):
                return flag.env._(
                    "Sales of %(item)s far from the forecast",
                    item=item.with_env(flag.env).display_name,
                )
        else:

            def what(flag):
                return flag.env._("Store sales far from the forecast")

            # the store's total is its sales at the forecast prices
            finding = replace(finding, unit=store.company_id.currency_id.name)
        evidence = {"res_model": "boh.forecast.report", "domain": domain, "view": "graph"}
        return Flagged(finding, store_id, evidence, (what, store.name))

    # -- reading ------------------------------------------------------------------------------

    @api.model
    def _read_sales_vs_forecast(self, stores, first, last):
        """Items of ``stores`` forecast on ``first``..``last``: one row per store, item and day
        with what sold (0 when nothing did), the forecast and its 80% interval, and the item's
        forecast price (forecast sales / forecast quantity), in one query."""
        self.env["boh.forecast"].flush_model()
        self.env["boh.sales.fact"].flush_model()
        rows = self.env.execute_query(
            SQL(
                """
                SELECT f.warehouse_id, f.product_id, f.date, COALESCE(d.qty, 0),
                       f.qty, f.qty_lo, f.qty_hi,
                       CASE WHEN f.qty > 0 THEN f.sales / f.qty ELSE 0 END
                  FROM boh_forecast AS f
             LEFT JOIN boh_sales_daily AS d
                    ON d.warehouse_id = f.warehouse_id AND d.product_id = f.product_id
                   AND d.date = f.date
                 WHERE f.kind = 'item' AND f.warehouse_id IN %s
                   AND f.date BETWEEN %s AND %s
                """,
                tuple(stores.ids),
                first,
                last,
            )
        )
        frame = pd.DataFrame(rows, columns=SALES_COLUMNS)
        numbers = ("actual", "forecast", "lo80", "hi80", "price")
        return frame.astype(dict.fromkeys(numbers, float))

    @staticmethod
    def _store_totals(items):
        """Each store's day as one series (``item`` 0): revenue at the forecast prices, the
        interval from the items' own, as independent errors add (the 80% half-widths' squares
        summed)."""
        if items.empty:
            return items.iloc[0:0]
        frame = items.assign(
            actual=items.actual * items.price,
            forecast=items.forecast * items.price,
            var=((items.hi80 - items.lo80) * items.price / 2.0) ** 2,
        )
        totals = frame.groupby(["store", "ds"], as_index=False).agg(
            actual=("actual", "sum"), forecast=("forecast", "sum"), var=("var", "sum")
        )
        half = totals.pop("var") ** 0.5
        totals["lo80"] = (totals.forecast - half).clip(lower=0.0)
        totals["hi80"] = totals.forecast + half
        totals["item"] = 0
        totals["price"] = 1.0
        return totals[SALES_COLUMNS]

    @api.model
    def _read_known_causes(self, stores, first, last):
        """``{(store, item, day): cause}`` of what managers told the forecast about
        ``first``..``last`` (item 0: the whole store): closures, events, promotions and
        overrides, each read in one query, and the public holidays of the company's country.
        A cause entered after the forecast was made still explains the day."""
        causes = {}
        days = pd.date_range(first, last).date
        stores_by_id = {store.id: store for store in stores}
        for model, cause in (("boh.forecast.closure", "closure"), ("boh.forecast.event", "event")):
            for record in self.env[model].search_fetch(
                [
                    ("warehouse_id", "in", stores.ids),
                    ("date_from", "<=", last),
                    ("date_to", ">=", first),
                ],
                ["warehouse_id", "date_from", "date_to"],
            ):
                for day in days:
                    if record.date_from <= day <= record.date_to:
                        causes.setdefault((record.warehouse_id.id, 0, day), cause)
        promotions = self.env["boh.forecast.promotion"].search_fetch(
            [
                ("company_id", "in", stores.company_id.ids),
                ("warehouse_id", "in", [*stores.ids, False]),
                ("date_from", "<=", last),
                "|",
                ("date_to", "=", False),
                ("date_to", ">=", first),
            ],
            ["warehouse_id", "company_id", "product_id", "date_from", "date_to"],
        )
        for promo in promotions:
            targets = promo.warehouse_id.ids or [
                s.id for s in stores if s.company_id == promo.company_id
            ]
            for store_id in targets:
                for day in days:
                    if promo.date_from <= day and (not promo.date_to or day <= promo.date_to):
                        causes.setdefault((store_id, promo.product_id.id, day), "promotion")
        for override in self.env["boh.forecast.override"].search_fetch(
            [("warehouse_id", "in", stores.ids), ("date", ">=", first), ("date", "<=", last)],
            ["warehouse_id", "product_id", "date"],
        ):
            causes.setdefault(
                (override.warehouse_id.id, override.product_id.id, override.date), "override"
            )
        holidays = {company: self._holidays(company, first, last) for company in stores.company_id}
        for store_id, store in stores_by_id.items():
            for day in holidays[store.company_id]:
                causes.setdefault((store_id, 0, day), "holiday")
        return causes

    @api.model
    def _holidays(self, company, first, last):
        """The public holidays of ``company``'s country on ``first``..``last``."""
        country = self.env["boh.forecast.engine"]._country(company)
        if not country:
            return set()
        import holidays  # noqa: PLC0415 (boh_forecast's own dependency, read when needed)

        code, _, subdiv = country.partition("-")
        table = holidays.country_holidays(
            code.upper(), subdiv=subdiv or None, years=sorted({first.year, last.year})
        )
        return {day for day in table if first <= day <= last}
