from collections import defaultdict
from dataclasses import replace
from datetime import timedelta

import pandas as pd
import pytz

from odoo import api, models
from odoo.addons.boh_inventory.tools.flag_pass import Flagged
from odoo.tools import SQL

from boh_core.exceptions.feeds import (
    detect_silent_feeds,
    detect_silent_items,
    hourly_profile,
)

#: Weeks of orders the stores' hourly profiles are learnt from.
PROFILE_WEEKS = 8
#: Days of orders read for the last order of each store and item (a silence is looked for
#: over the detectors' ``max_gap_hours``, 72, at most).
RECENT_DAYS = 4
#: Days of orders the drill-down of a silence shows.
EVIDENCE_DAYS = 2
#: The stores' hourly profiles, learnt once a day per worker (``_feed_profiles``):
#: ``{(database, store ids): (day, (orders' profile, lines' profile))}``.
_PROFILES = {}


class BohFlag(models.Model):
    """The feed pass, every 15 minutes: a store whose orders stopped in hours it usually
    trades, an item a store always sells that its POS stopped sending."""

    _inherit = "boh.flag"  # pylint: disable=consider-merging-classes-inherited

    @api.model
    def _feed_passes(self):
        """The names of the passes the 15-minute cron runs."""
        return ["_pass_feeds"]

    @api.model
    def _cron_flag_silent_feeds(self):
        """Run the feed passes for every company's stores (``ir_cron_boh_flag_silent_feeds``)."""
        return self._run_passes_by_company(self._feed_passes())

    @api.model
    def _pass_feeds(self, run):
        """Silent feeds and silent items of the run's stores, judged at each store's
        wall-clock time (one detector call per time zone) on the orders and lines of the last
        ``RECENT_DAYS`` days against the stores' hourly profiles (:meth:`_feed_profiles`)."""
        order_profile, line_profile = self._feed_profiles(run)
        if order_profile.empty:
            return []
        today = max(run.today.values())
        orders, lines = self._read_feed_hours(
            run.stores, today - timedelta(days=RECENT_DAYS), today, run.tz
        )
        settings = self._detector_settings("feed_silent")
        first = min(run.today.values()) - timedelta(days=RECENT_DAYS)
        closed_days = self._closed_days(run.stores, first, today)
        found = []
        by_zone = defaultdict(list)
        for store in run.stores:
            by_zone[run.tz[store.id]].append(store.id)
        for ids in by_zone.values():
            now = run.local_now(ids[0])
            feeds = detect_silent_feeds(
                now,
                orders[orders.store.isin(ids)],
                order_profile[order_profile.store.isin(ids)],
                closed=[s for s in ids if (s, run.today[s]) in closed_days],
                closed_days=[(s, day) for s, day in closed_days if s in ids],
                settings=settings,
            )
            items = detect_silent_items(
                now,
                lines[lines.store.isin(ids)],
                line_profile[line_profile.store.isin(ids)],
                closed_days=[(s, day) for s, day in closed_days if s in ids],
                settings=settings,
            )
            run.skipped.setdefault("feeds", {}).update({**feeds.skipped, **items.skipped})
            found += [self._feed_flagged(finding, run) for finding in [*feeds, *items]]
        return found

    @api.model
    def _feed_profiles(self, run):
        """The hourly profiles of the run's stores' orders and of the lines of the items
        still on sale (active, *Can be Sold*), learnt from the ``PROFILE_WEEKS`` weeks before
        today (today is what is judged): once a day per worker, the 15-minute runs in between
        reuse them."""
        today = max(run.today.values())
        key = (self.env.cr.dbname, tuple(sorted(run.stores.ids)))
        day, profiles = _PROFILES.get(key, (None, None))
        if day != today:
            since = min(run.today.values()) - timedelta(weeks=PROFILE_WEEKS)
            orders, lines = self._read_feed_hours(
                run.stores, since, today - timedelta(days=1), run.tz
            )
            # only the items still sold: a retired item is silent by design
            sold = self.env["product.product"].search(
                [("id", "in", lines["item"].unique().tolist()), ("sale_ok", "=", True)]
            )
            lines = lines[lines["item"].isin(sold.ids)]
            profiles = (hourly_profile(orders), hourly_profile(lines, by=("store", "item")))
            _PROFILES[key] = (today, profiles)
        return profiles

    @api.model
    def _feed_flagged(self, finding, run):
        """A silence with its store, its drill-down (the store's or the item's sales of the
        last days) and its label; its times (the store's wall clock) in UTC, as flags keep
        them."""
        store = self.env["stock.warehouse"].browse(finding.key[0])
        zone = pytz.timezone(run.tz[store.id])

        def utc(moment):
            return zone.localize(moment).astimezone(pytz.utc).replace(tzinfo=None)

        finding = replace(finding, start=utc(finding.start), end=utc(finding.end))
        since = (finding.start - timedelta(days=EVIDENCE_DAYS)).date()
        domain = [("warehouse_id", "=", store.id), ("date", ">=", str(since))]
        if finding.kind == "item_silent":
            item = self.env["product.product"].browse(finding.key[1])
            domain.append(("product_id", "=", item.id))

            def what(flag, item=item):
                return flag.env._(
                    "%(item)s no longer comes from the POS",
                    item=item.with_env(flag.env).display_name,
                )
        else:

            def what(flag):
                return flag.env._("No orders from the POS in hours the store trades")

        evidence = {"res_model": "boh.sales.fact", "domain": domain, "view": "list"}
        return Flagged(finding, store.id, evidence, (what, store.name))

    # -- reading ------------------------------------------------------------------------------

    @api.model
    def _read_feed_hours(self, stores, since, today, zones):
        """The orders and the item lines of ``stores`` of ``since``..``today`` (business days) as
        events at their local time (``zones``: ``{store id: time zone}``), counted per
        local hour in the database and spread back to one row per event (the detectors'
        input; every event of an hour at its latest, so each store's and item's last event
        is exact): ``(orders: store, at; lines: store, item, at)``."""
        self.env["boh.sales.fact"].flush_model()
        zone_rows = SQL(
            ", ".join(["(%s, %s)"] * len(zones)), *[v for p in zones.items() for v in p]
        )
        rows = self.env.execute_query(
            SQL(
                """
                WITH zone(warehouse_id, tz) AS (VALUES %s),
                local AS (
                    SELECT f.warehouse_id, f.product_id, f.source, f.order_ref,
                           f.closed_at AT TIME ZONE 'UTC' AT TIME ZONE z.tz AS at
                      FROM boh_sales_fact AS f
                      JOIN zone AS z ON z.warehouse_id = f.warehouse_id
                     WHERE f.date BETWEEN %s AND %s AND f.closed_at IS NOT NULL
                )
                SELECT warehouse_id, product_id, MAX(at), COUNT(*),
                       COUNT(DISTINCT COALESCE(source, '') || '/' || COALESCE(order_ref, ''))
                  FROM local
              GROUP BY GROUPING SETS ((warehouse_id, product_id, date_trunc('hour', at)),
                                      (warehouse_id, date_trunc('hour', at)))
                """,
                zone_rows,
                since,
                today,
            )
        )
        frame = pd.DataFrame(rows, columns=["store", "item", "at", "lines", "orders"])
        per_store = frame[frame.item.isna()]
        per_item = frame[frame.item.notna()].astype({"item": int})
        orders = per_store.loc[per_store.index.repeat(per_store.orders), ["store", "at"]]
        lines = per_item.loc[per_item.index.repeat(per_item.lines), ["store", "item", "at"]]
        return orders.reset_index(drop=True), lines.reset_index(drop=True)
