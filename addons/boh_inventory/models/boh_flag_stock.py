from dataclasses import replace
from datetime import timedelta

import pandas as pd

from odoo import api, models
from odoo.tools import SQL

from boh_core.exceptions.counts import detect_counts
from boh_core.exceptions.prices import detect_prices
from boh_core.exceptions.usage import detect_usage, detect_waste

from ..tools.flag_pass import Flagged, day_of

#: Days of store periods (AvT), counts and prices read: the detectors' look-backs and then
#: some (26 weekly periods, 40 counts, 40 prices of a vendor).
STOCK_HISTORY_DAYS = 400
#: A finding is raised when its last period, count or price is this recent: what the last
#: days brought (a period computed late, a bill entered late) is judged once it is there,
#: and an older cause already had its flag.
RECENT_DAYS = 14


class BohFlag(models.Model):
    """The daily stock passes: usage and waste (from the store periods' AvT), counts and
    vendor prices; each reads all the stores of a company in one query."""

    _inherit = "boh.flag"  # pylint: disable=consider-merging-classes-inherited

    @api.model
    def _pass_usage(self, run):
        """Unexplained usage (share of theoretical usage, loss positive) far above the
        ingredient's history and the other stores'."""
        lines, recent = self._avt_for(run)
        known = lines[lines.unexplained.notna()]
        periods = known.assign(value=known.unexplained / known.theoretical)
        findings = detect_usage(periods, settings=self._detector_settings("usage"))
        run.skipped["usage"] = findings.skipped
        return self._stock_flagged(findings, periods, recent)

    @api.model
    def _pass_waste(self, run):
        """Recorded waste (share of theoretical usage) far above the ingredient's history
        and the other stores'."""
        lines, recent = self._avt_for(run)
        periods = lines.assign(value=lines.waste / lines.theoretical)
        findings = detect_waste(periods, settings=self._detector_settings("waste"))
        run.skipped["waste"] = findings.skipped
        return self._stock_flagged(findings, periods, recent)

    @api.model
    def _pass_counts(self, run):
        """Counts far from what stock held, repeating on the same product."""
        since, recent, last = self._stock_window(run)
        counts = self._read_count_lines(run.stores, since, last)
        findings = detect_counts(counts, settings=self._detector_settings("count"))
        run.skipped["counts"] = findings.skipped
        last_count = counts.groupby(["store", "product"])["count"].max().to_dict()
        found = []
        for finding in findings:
            if day_of(finding.end) < recent:
                continue
            store = self.env["stock.warehouse"].browse(finding.key[0])
            product = self.env["product.product"].browse(finding.key[1])

            def what(flag, product=product):
                return flag.env._(
                    "Counts of %(product)s keep missing",
                    product=product.with_env(flag.env).display_name,
                )

            evidence = ("boh.stock.count", int(last_count[finding.key]))
            found.append(Flagged(finding, store.id, evidence, (what, store.name)))
        return found

    @api.model
    def _pass_prices(self, run):
        """Vendor prices far from their history or from the other vendors' (the company's
        purchases, whichever store they were for)."""
        since, recent, last = self._stock_window(run)
        prices = self._read_purchase_prices(run.stores.company_id, since, last)
        findings = detect_prices(prices, settings=self._detector_settings("price"))
        run.skipped["prices"] = findings.skipped
        # the store and the document of each vendor and product's latest price
        latest = prices.sort_values(["at", "record"]).groupby(["vendor", "product"]).last()
        mine = set(run.stores.ids)
        found = []
        for finding in findings:
            if day_of(finding.end) < recent:
                continue
            row = latest.loc[finding.key]
            store_id = int(row.store) if pd.notna(row.store) else None
            if store_id is not None and store_id not in mine:
                continue
            vendor = self.env["res.partner"].browse(finding.key[0])
            product = self.env["product.product"].browse(finding.key[1])

            def what(flag, vendor=vendor, product=product):
                return flag.env._(
                    "Price of %(product)s from %(vendor)s",
                    vendor=vendor.display_name,
                    product=product.with_env(flag.env).display_name,
                )

            store = self.env["stock.warehouse"].browse(store_id or [])
            evidence = (row.model, int(row.record))
            unit = f"{run.stores.company_id.currency_id.symbol}/{product.uom_id.name}"
            finding = replace(finding, unit=unit)
            found.append(Flagged(finding, store_id, evidence, (what, store.name or "")))
        return found

    @api.model
    def _stock_window(self, run):
        """``(first day read, first day a finding is raised from, last day read)`` of the
        stock passes."""
        last = run.yesterday()
        since = last - timedelta(days=STOCK_HISTORY_DAYS)
        return since, last - timedelta(days=RECENT_DAYS), last

    @api.model
    def _avt_for(self, run):
        """The run's AvT lines (read once for the usage and the waste passes) and the first
        day a finding is raised from."""
        since, recent, last = self._stock_window(run)
        cache = run.cache.setdefault("avt", {})
        key = tuple(run.stores.ids)
        if key not in cache:
            cache[key] = self._read_avt_lines(run.stores, since, last)
        return cache[key], recent

    @api.model
    def _stock_flagged(self, findings, periods, recent):
        """Usage or waste findings with their store, drill-down (the AvT line of the
        finding's last period) and label."""
        lines = periods.set_index(["store", "ingredient", "period"])["line"]
        found = []
        for finding in findings:
            if day_of(finding.end) < recent:
                continue
            store = self.env["stock.warehouse"].browse(finding.key[0])
            product = self.env["product.product"].browse(finding.key[1])
            line = lines.get((finding.key[0], finding.key[1], pd.Timestamp(day_of(finding.end))))

            def what(flag, product=product, waste=finding.kind == "waste"):
                name = product.with_env(flag.env).display_name
                if waste:
                    return flag.env._("Waste of %(product)s", product=name)
                return flag.env._("Unexplained usage of %(product)s", product=name)

            evidence = ("boh.store.period.line", int(line)) if line is not None else None
            found.append(Flagged(finding, store.id, evidence, (what, store.name)))
        return found

    @api.model
    def _read_avt_lines(self, stores, since, last):
        """The AvT lines of ``stores``' periods ending on or after ``since`` with a
        theoretical usage: one row per store, ingredient and period (its last day), with
        its line id (the drill-down), in one query. ``unexplained`` is empty (NaN) where
        the ingredient was not counted at both ends (nothing is known unexplained). Periods
        ending after ``last`` are not read."""
        self.env["boh.store.period.line"].flush_model()
        rows = self.env.execute_query(
            SQL(
                """
                SELECT l.id, p.warehouse_id, l.product_id, p.date_to, l.theoretical_qty,
                       CASE WHEN l.has_opening AND l.has_closing THEN l.unexplained_qty END,
                       COALESCE(l.loss_waste_qty, 0)
                  FROM boh_store_period_line AS l
                  JOIN boh_store_period AS p ON p.id = l.period_id
                 WHERE p.warehouse_id IN %s AND p.date_to BETWEEN %s AND %s
                   AND l.theoretical_qty > 0
                """,
                tuple(stores.ids),
                since,
                last,
            )
        )
        columns = ["line", "store", "ingredient", "period", "theoretical", "unexplained"]
        frame = pd.DataFrame(rows, columns=[*columns, "waste"]).astype(
            {"theoretical": float, "unexplained": float, "waste": float}
        )
        frame["period"] = pd.to_datetime(frame["period"])
        return frame

    @api.model
    def _read_count_lines(self, stores, since, last):
        """Approved count lines of ``stores`` counted on ``since``..``last``: counted against
        what stock held (the difference approval posted), per store, product and count day,
        with the count's id (the drill-down), in one query."""
        self.env["boh.stock.count.line"].flush_model()
        rows = self.env.execute_query(
            SQL(
                """
                SELECT c.id, c.warehouse_id, l.product_id, c.count_date,
                       SUM(l.counted_qty), SUM(COALESCE(l.theoretical_qty, 0)),
                       SUM(COALESCE(l.difference_qty, 0)), SUM(COALESCE(l.difference_value, 0))
                  FROM boh_stock_count_line AS l
                  JOIN boh_stock_count AS c ON c.id = l.count_id
                 WHERE c.warehouse_id IN %s AND c.count_date BETWEEN %s AND %s
                   AND c.state = 'approved'
              GROUP BY 1, 2, 3, 4
                """,
                tuple(stores.ids),
                since,
                last,
            )
        )
        columns = ["count", "store", "product", "at", "counted", "expected", "difference"]
        frame = pd.DataFrame(rows, columns=[*columns, "value"])
        # what stock held when counted: the count less the difference approval posted
        frame["expected"] = frame.counted - frame.difference
        return frame

    @api.model
    def _read_purchase_prices(self, company, since, last):
        """Unit prices ``company`` paid on ``since``..``last``, in the company's currency (a
        document in another currency at its own rate) and each product's own unit:
        confirmed purchase order lines and posted vendor bill lines that no order line
        priced, one row per line with its vendor, product, day, store (the order's) and record
        (the drill-down), in one query."""
        self.env["purchase.order.line"].flush_model()
        self.env["account.move.line"].flush_model()
        rows = self.env.execute_query(
            SQL(
                """
                SELECT 'purchase.order' AS model, po.id, po.partner_id, pol.product_id,
                       COALESCE(po.date_approve, po.date_order)::date, spt.warehouse_id,
                       pol.price_unit / NULLIF(po.currency_rate, 0) * lu.factor
                       / NULLIF(pu.factor, 0), pol.product_qty
                  FROM purchase_order_line AS pol
                  JOIN purchase_order AS po ON po.id = pol.order_id
                  JOIN product_product AS pp ON pp.id = pol.product_id
                  JOIN product_template AS pt ON pt.id = pp.product_tmpl_id
                  JOIN uom_uom AS lu ON lu.id = pol.product_uom
                  JOIN uom_uom AS pu ON pu.id = pt.uom_id
             LEFT JOIN stock_picking_type AS spt ON spt.id = po.picking_type_id
                 WHERE po.company_id = %(company)s AND po.state IN ('purchase', 'done')
                   AND pol.display_type IS NULL AND pol.price_unit > 0
                   AND COALESCE(po.date_approve, po.date_order)::date
                       BETWEEN %(since)s AND %(last)s
             UNION ALL
                SELECT 'account.move', am.id, am.partner_id, aml.product_id, am.invoice_date,
                       NULL, aml.price_unit / NULLIF(am.invoice_currency_rate, 0) * lu.factor
                       / NULLIF(pu.factor, 0), aml.quantity
                  FROM account_move_line AS aml
                  JOIN account_move AS am ON am.id = aml.move_id
                  JOIN product_product AS pp ON pp.id = aml.product_id
                  JOIN product_template AS pt ON pt.id = pp.product_tmpl_id
                  JOIN uom_uom AS lu ON lu.id = aml.product_uom_id
                  JOIN uom_uom AS pu ON pu.id = pt.uom_id
                 WHERE am.company_id = %(company)s AND am.move_type = 'in_invoice'
                   AND am.state = 'posted' AND aml.display_type = 'product'
                   AND aml.purchase_line_id IS NULL AND aml.price_unit > 0
                   AND am.invoice_date BETWEEN %(since)s AND %(last)s
                """,
                company=company.id,
                since=since,
                last=last,
            )
        )
        columns = ["model", "record", "vendor", "product", "at", "store", "price", "qty"]
        return pd.DataFrame(rows, columns=columns)
