import logging

import numpy as np
import pandas as pd

from odoo import api, models

from boh_core.forecast.inputs import (
    CREDIBLE_DAYS,
    apply_open_share,
    apply_overrides,
    closure_columns,
    cold_start,
    event_columns,
    promotion_columns,
)
from boh_core.forecast.weather import (
    WEATHER_COLUMNS,
    OpenMeteo,
    WeatherUnavailable,
    horizon_weather,
)

_logger = logging.getLogger(__name__)

# Share of history days a store's weather must cover for the forecast to learn from it.
WEATHER_HISTORY_SHARE = 0.8
KINDS = ("discount", "bundle", "feature")
# Years of stored weather the seasonal normals average.
NORMALS_YEARS = 3


class BohForecastInputs(models.AbstractModel):
    """What managers know, read in batches and turned into the forecast's inputs.

    :meth:`_prepare` gives the forecaster its exogenous columns (closed days, promotions,
    events, weather) over history and horizon; :meth:`_finish` applies what acts on the result
    (closed hours, overrides, new items from similar ones). The rules are those of
    :mod:`boh_core.forecast.inputs` and :mod:`boh_core.forecast.weather`; every note (weather
    not used and why, open-ended promotions, overrides on closed days) lands on the store's
    *Last Forecast Notes*.
    """

    _name = "boh.forecast.inputs"
    _description = "Forecast Inputs"

    # -- before the forecast ----------------------------------------------------------------

    @api.model
    def _prepare(self, company, history, horizon):
        """Return ``(history, future_exog, state)``: history on a full daily grid with the
        exogenous columns, the same columns over the horizon, and what :meth:`_finish` needs.

        Long because it gathers every manager input (closures, promotions, events, weather,
        overrides) for the whole panel in one batched read."""
        keys = history["unique_id"].astype(str).str.split(":")
        wh_ids = sorted({int(k) for k in keys.str[0]})
        warehouses = self.env["stock.warehouse"].browse(wh_ids)
        first = history.groupby("unique_id")["ds"].min()
        last = history["ds"].max()
        start = first.min()
        end = last + pd.Timedelta(days=horizon)
        notes = {wh: [] for wh in wh_ids}

        # a full daily grid per series, from its first day to the end of the horizon
        length = (end - first).dt.days.to_numpy() + 1
        grid = pd.DataFrame(
            {
                "unique_id": np.repeat(first.index.to_numpy(), length),
                "ds": np.concatenate([pd.date_range(d, end).to_numpy() for d in first.to_numpy()]),
            }
        )
        daily = history.groupby(["unique_id", "ds"], as_index=False)["y"].sum()
        grid = grid.merge(daily, on=["unique_id", "ds"], how="left")
        parts = grid["unique_id"].str.split(":")
        grid["wh"] = parts.str[0].astype(int)
        grid["item"] = pd.to_numeric(parts.str[1], errors="coerce")

        closures = self._closure_frame(warehouses, start, end)
        grid = grid.merge(closures.rename(columns={"store": "wh"}), on=["wh", "ds"], how="left")
        grid["is_closed"] = grid["is_closed"].astype(float).fillna(0.0)
        grid["open_share"] = grid["open_share"].astype(float).fillna(1.0)

        promotions, promo_notes = self._promotion_frame(company, warehouses, grid, start, end)
        for wh, text in promo_notes:
            notes[wh].append(text)
        grid = grid.merge(promotions, on=["unique_id", "ds"], how="left")
        for column in ("promotion", *(f"promotion_{k}" for k in KINDS)):
            grid[column] = grid[column].astype(float).fillna(0.0) if column in grid else 0.0

        events = self._event_frame(warehouses, start, end)
        grid = grid.merge(events.rename(columns={"store": "wh"}), on=["wh", "ds"], how="left")
        grid["event"] = grid["event"].astype(float).fillna(0.0)

        weather, weather_notes = self._weather_frame(warehouses, start, last, end)
        for wh, text in weather_notes:
            notes[wh].append(text)
        if weather is not None:
            grid = grid.merge(weather.rename(columns={"store": "wh"}), on=["wh", "ds"], how="left")

        exog = [c for c in grid.columns if c not in ("unique_id", "ds", "y", "wh", "item")]
        exog.remove("open_share")
        past = grid["ds"] <= last
        hist = grid.loc[past, ["unique_id", "ds", "y", *exog]].copy()
        hist["y"] = hist["y"].fillna(0.0)
        future = grid.loc[~past, ["unique_id", "ds", *exog]].reset_index(drop=True)
        horizon_rows = grid.loc[~past]
        state = {
            "warehouses": warehouses,
            "notes": notes,
            "first": first,
            "last": last,
            "open_share": horizon_rows.loc[
                horizon_rows["open_share"] < 1.0, ["unique_id", "ds", "open_share"]
            ],
            "closed": horizon_rows.loc[horizon_rows["is_closed"] > 0, ["unique_id", "ds"]],
        }
        return hist.reset_index(drop=True), future, state

    def _closure_frame(self, warehouses, start, end):
        records = self.env["boh.forecast.closure"].search_fetch(
            [
                ("warehouse_id", "in", warehouses.ids),
                ("date_from", "<=", end.date()),
                ("date_to", ">=", start.date()),
            ],
            ["warehouse_id", "date_from", "date_to", "closed_hours"],
        )
        parts = []
        for store in warehouses:
            mine = records.filtered(lambda r, s=store: r.warehouse_id == s)
            if not mine:
                continue
            frame = pd.DataFrame(
                {
                    "store": store.id,
                    "date_from": mine.mapped("date_from"),
                    "date_to": mine.mapped("date_to"),
                    "closed_hours": mine.mapped("closed_hours"),
                }
            )
            parts.append(closure_columns(frame, store.boh_opening_hours, end))
        if not parts:
            return pd.DataFrame(columns=["store", "ds", "is_closed", "open_share"])
        out = pd.concat(parts, ignore_index=True)
        out["ds"] = pd.to_datetime(out["ds"])
        return out

    def _promotion_frame(self, company, warehouses, grid, start, end):
        records = self.env["boh.forecast.promotion"].search_fetch(
            [
                ("company_id", "=", company.id),
                "|",
                ("warehouse_id", "=", False),
                ("warehouse_id", "in", warehouses.ids),
                ("date_from", "<=", end.date()),
                "|",
                ("date_to", "=", False),
                ("date_to", ">=", start.date()),
            ],
            ["warehouse_id", "product_id", "date_from", "date_to", "kind", "name"],
        )
        series = grid[["unique_id", "wh", "item"]].drop_duplicates("unique_id")
        rows = []
        for promo in records:
            mine = series[series["item"] == promo.product_id.id]
            if promo.warehouse_id:
                mine = mine[mine["wh"] == promo.warehouse_id.id]
            for uid in mine["unique_id"]:
                rows.append(
                    {
                        "unique_id": uid,
                        "date_from": promo.date_from,
                        "date_to": promo.date_to or None,
                        "kind": promo.kind,
                    }
                )
        empty = pd.DataFrame(columns=["unique_id", "ds", "promotion"])
        if not rows:
            return empty, []
        frame, _ = promotion_columns(pd.DataFrame(rows), end)
        frame["ds"] = pd.to_datetime(frame["ds"])
        notes = []
        for promo in records.filtered(lambda p: not p.date_to):
            for wh in promo.warehouse_id.ids or warehouses.ids:
                notes.append(
                    (
                        wh,
                        self.env._(
                            "Promotion %(name)s (%(item)s) has no end date: taken as running "
                            "through %(end)s.",
                            name=promo.name,
                            item=promo.product_id.display_name,
                            end=end.date(),
                        ),
                    )
                )
        return frame, notes

    def _event_frame(self, warehouses, start, end):
        records = self.env["boh.forecast.event"].search_fetch(
            [
                ("warehouse_id", "in", warehouses.ids),
                ("date_from", "<=", end.date()),
                ("date_to", ">=", start.date()),
            ],
            ["warehouse_id", "date_from", "date_to"],
        )
        if not records:
            return pd.DataFrame(columns=["store", "ds", "event"])
        frame = pd.DataFrame(
            {
                "store": [r.warehouse_id.id for r in records],
                "date_from": records.mapped("date_from"),
                "date_to": records.mapped("date_to"),
            }
        )
        out = event_columns(frame, end)
        out["ds"] = pd.to_datetime(out["ds"])
        return out

    # -- weather -----------------------------------------------------------------------------

    def _weather_transport(self):
        """The HTTP transport of the weather provider (``None``: urllib, the network)."""
        return None

    def _weather_frame(self, warehouses, start, last, end):
        """``(store, ds, temperature, rain)`` over history and horizon, or ``None`` (no
        weather for this run) with notes saying why.

        Long because it merges stored, provider and seasonal-normal weather per store into one
        frame, with the reason when a source is missing."""
        notes = []
        wanted = warehouses.filtered(lambda w: w.boh_weather_source != "none")
        if not wanted:
            return None, notes
        Weather = self.env["boh.forecast.weather"]
        horizon = pd.date_range(last + pd.Timedelta(days=1), end)
        for store in wanted.filtered(lambda w: w.boh_weather_source == "open_meteo"):
            provider = OpenMeteo(
                store.boh_latitude, store.boh_longitude, transport=self._weather_transport()
            )
            try:
                days = provider.daily()
            except WeatherUnavailable as err:
                notes.append(
                    (store.id, self.env._("Weather forecast not used: %(why)s.", why=str(err)))
                )
                continue
            Weather._put(store, days[days["ds"].isin(horizon)], "provider")
        # normals look at every year of weather kept, not only the history modelled
        records = Weather.search_fetch(
            [
                ("warehouse_id", "in", wanted.ids),
                ("date", ">=", (end - pd.Timedelta(days=NORMALS_YEARS * 366)).date()),
                ("date", "<=", end.date()),
            ],
            ["warehouse_id", "date", "temperature", "rain"],
        )
        stored = pd.DataFrame(
            {
                "store": [r.warehouse_id.id for r in records],
                "ds": pd.to_datetime(records.mapped("date")),
                "temperature": records.mapped("temperature"),
                "rain": records.mapped("rain"),
            }
        )
        history_days = (last - start).days + 1
        parts, missing = [], []
        for store in warehouses:
            mine = stored[stored["store"] == store.id]
            known = mine[mine["ds"] <= last]
            past = known[known["ds"] >= start]
            if store not in wanted or len(past) < WEATHER_HISTORY_SHARE * history_days:
                missing.append(store)
                continue
            ahead = horizon_weather(horizon, known, None, mine[mine["ds"] > last])
            if not ahead.available:
                notes.append((store.id, ahead.note))
                missing.append(store)
                continue
            Weather._put(store, ahead.frame[~ahead.frame["ds"].isin(mine["ds"])], "normals")
            parts.append(pd.concat([past, ahead.frame.assign(store=store.id)]))
        if missing:
            for store in warehouses:
                notes.append(
                    (
                        store.id,
                        self.env._(
                            "Forecast made without weather: %(stores)s lack(s) a weather "
                            "history of %(share)s%% of the days (or a weather source).",
                            stores=", ".join(missing_store.name for missing_store in missing),
                            share=int(WEATHER_HISTORY_SHARE * 100),
                        ),
                    )
                )
            return None, notes
        weather = pd.concat(parts, ignore_index=True)[["store", "ds", *WEATHER_COLUMNS]]
        return weather, notes

    # -- after the forecast -------------------------------------------------------------------

    @api.model
    def _finish(self, company, fc, state):
        """Closed hours, overrides and new items applied to ``fc``; notes stored per store."""
        if fc.empty:
            self._store_notes(state)
            return fc.assign(yhat_stat=fc.get("yhat"), overridden=False, cold_start=0.0)
        fc = apply_open_share(fc, state["open_share"])
        fc = self._add_new_items(company, fc, state)
        fc = self._cold_start(fc, state)
        overrides = self.env["boh.forecast.override"].search(
            [
                ("warehouse_id", "in", state["warehouses"].ids),
                ("date", ">=", fc["ds"].min().date()),
                ("date", "<=", fc["ds"].max().date()),
            ]
        )
        frame = pd.DataFrame(
            {
                "unique_id": [f"{o.warehouse_id.id}:{o.product_id.id}" for o in overrides],
                "ds": pd.to_datetime(overrides.mapped("date")),
                "quantity": overrides.mapped("qty"),
            }
        )
        fc, rejected = apply_overrides(fc, frame, state["closed"])
        stat = fc.set_index(["unique_id", "ds"])["yhat_stat"]
        for override, uid, ds in zip(overrides, frame["unique_id"], frame["ds"], strict=True):
            value = stat.get((uid, ds))
            if value is not None and override.qty_stat != float(value):
                override.qty_stat = float(value)
        for row in rejected.itertuples(index=False):
            wh = int(str(row.unique_id).split(":")[0])
            state["notes"].setdefault(wh, []).append(
                self.env._(
                    "Override of %(series)s on %(date)s not used: %(reason)s.",
                    series=row.unique_id,
                    date=row.ds.date(),
                    reason=row.reason,
                )
            )
        self._store_notes(state)
        return fc

    def _add_new_items(self, company, fc, state):
        """Rows for menu items launched in the last CREDIBLE_DAYS (or launching within the
        horizon) with no sales yet at a store, from their launch day on."""
        first_day = fc["ds"].min()
        since = state["last"] - pd.Timedelta(days=CREDIBLE_DAYS)
        products = self.env["product.product"].search(
            [
                ("boh_kind", "=", "menu"),
                ("boh_launch_date", ">=", since.date()),
                ("boh_launch_date", "<=", fc["ds"].max().date()),
                ("company_id", "in", [False, company.id]),
            ]
        )
        known = set(fc["unique_id"])
        dates = pd.DatetimeIndex(sorted(fc["ds"].unique()))
        parts = []
        for product in products:
            launch = max(pd.Timestamp(product.boh_launch_date), first_day)
            days = dates[dates >= launch]
            for store in state["warehouses"]:
                uid = f"{store.id}:{product.id}"
                if uid not in known and len(days):
                    parts.append(pd.DataFrame({"unique_id": uid, "ds": days}))
        if not parts:
            return fc
        rows = pd.concat(parts, ignore_index=True).assign(yhat=0.0, yhat_lo=0.0, yhat_hi=0.0)
        return pd.concat([fc, rows], ignore_index=True)

    def _cold_start(self, fc, state):
        uids = fc["unique_id"].unique()
        parts = pd.Series(uids).str.split(":")
        item_uids = [u for u, p in zip(uids, parts, strict=True) if p[1] != "covers"]
        if not item_uids:
            return fc.assign(cold_start=0.0)
        products = self.env["product.product"].browse(
            sorted({int(u.split(":")[1]) for u in item_uids})
        )
        info = {p.id: (p.categ_id.id, p.lst_price) for p in products}
        items = pd.DataFrame(
            {
                "unique_id": item_uids,
                # similar items are looked for within the same store
                "category": [
                    f"{u.split(':')[0]}:{info[int(u.split(':')[1])][0]}" for u in item_uids
                ],
                "price": [info[int(u.split(":")[1])][1] for u in item_uids],
            }
        )
        first = state["first"]
        days = (state["last"] - first).dt.days + 1
        history_days = days.reindex(item_uids).fillna(0)
        return cold_start(fc, items, history_days)

    def _store_notes(self, state):
        for store in state["warehouses"]:
            text = "\n".join(dict.fromkeys(state["notes"].get(store.id, []))) or False
            if store.boh_forecast_note != text:
                store.boh_forecast_note = text
