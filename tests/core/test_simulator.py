"""The restaurant simulator: repeatable, valid POS payloads, and a stock that adds up."""

from __future__ import annotations

import json
from datetime import date, datetime, timezone

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from boh_core.errors import BohError
from boh_core.sales.payload import validate_push
from boh_core.simulator import default_group, group_from_dict, simulate
from boh_core.simulator.equipment import EXCURSION_DEG
from boh_core.simulator.stock import COUNT_WEEKDAY

END = date(2026, 12, 5)


@pytest.fixture(scope="module")
def sim():
    # 120 days ending 2026-12-05: Thanksgiving (closed), a launch and a retirement inside.
    return simulate(default_group(3), days=120, end=END, seed=7, orders_per_day=60)


def test_same_seed_same_output_other_seed_other_output():
    a = simulate(default_group(2), days=40, end=END, seed=11, orders_per_day=30)
    b = simulate(default_group(2), days=40, end=END, seed=11, orders_per_day=30)
    c = simulate(default_group(2), days=40, end=END, seed=12, orders_per_day=30)
    assert json.dumps(a.orders()) == json.dumps(b.orders())
    for name in ("purchases", "waste", "counts", "ledger"):
        pd.testing.assert_frame_equal(getattr(a.stock, name), getattr(b.stock, name))
    pd.testing.assert_frame_equal(a.failures, b.failures)
    pd.testing.assert_frame_equal(a.sensors, b.sensors)
    pd.testing.assert_frame_equal(a.staff, b.staff)
    assert json.dumps(a.orders()) != json.dumps(c.orders())


def test_orders_are_valid_push_sales_payloads(sim):
    now = datetime(2026, 12, 6, 12, tzinfo=timezone.utc)
    payloads = sim.payloads(batch_size=1000)
    total = 0
    for payload in payloads:
        result = validate_push(payload, now=now)
        assert result.error is None
        bad = [r.issues for r in result.results if not r.ok]
        assert bad == []
        total += len(result.orders)
    refs = [o["order_ref"] for p in payloads for o in p["orders"]]
    assert total == len(refs) == len(set(refs))
    lines = [ln for p in payloads for o in p["orders"] for ln in o["lines"]]
    assert any(ln.get("void") for ln in lines)
    assert any(ln["qty"] < 0 for ln in lines)
    assert any(ln.get("modifiers") for ln in lines)
    hours = {int(o["closed_at"][11:13]) for p in payloads for o in p["orders"]}
    assert {12, 19} <= hours and not hours & {0, 1, 2, 3, 4, 5}


def _explode(orders, group):
    """Ingredient use per (store, ingredient, business date) computed from the orders alone."""
    use: dict[tuple[str, str, str], float] = {}
    for order in orders:
        for line in order["lines"]:
            if line.get("void") or line["qty"] < 0:
                continue
            parts = dict(group.recipes.get(line["item_code"], {}))
            for mod in line.get("modifiers", []):
                for ing, qty in group.modifier_recipes.get(mod["code"], {}).items():
                    parts[ing] = parts.get(ing, 0.0) + qty * mod["qty"]
            for ing, qty in parts.items():
                key = (order["location"], ing, order["business_date"])
                use[key] = use.get(key, 0.0) + qty * line["qty"]
    return use


def test_stock_use_is_what_the_orders_explode_to(sim):
    use = _explode(sim.orders(), sim.group)
    ledger = sim.stock.ledger
    dates = np.array([d.strftime("%Y-%m-%d") for d in sim.dates])
    keys = list(zip(ledger["store"], ledger["ingredient"], dates[ledger["day"]], strict=True))
    expected = np.array([max(use.get(k, 0.0), 0.0) for k in keys])
    np.testing.assert_allclose(ledger["used"].to_numpy(), expected, atol=1e-6)
    assert ledger["used"].sum() > 1000


def test_stock_is_never_explained_by_nothing(sim):
    led = sim.stock.ledger.sort_values(["store", "ingredient", "day"])
    # Shelf: what was there + received - used - recorded waste - unrecorded loss (+ count
    # rounding to the gram).
    shelf = led["opening"] + led["received"] - led["used"] - led["wasted"] - led["lost"]
    np.testing.assert_allclose(led["closing"], shelf, atol=1e-3)
    # Each day opens with what the day before closed.
    same = led["store"].eq(led["store"].shift()) & led["ingredient"].eq(led["ingredient"].shift())
    np.testing.assert_allclose(led["opening"][same], led["closing"].shift()[same], atol=1e-9)
    assert (led["wasted"] >= 0).all() and (led["lost"] >= 0).all()
    # Waste and loss never take more than the shelf holds.
    assert (
        led["opening"] + led["received"] - led["used"] - led["wasted"] - led["lost"]
        >= led["closing"].clip(upper=0) - 1e-3
    ).all()


def test_counts_find_exactly_the_unrecorded_loss(sim):
    counts = sim.stock.counts
    led = sim.stock.ledger
    assert set(sim.dates[counts["day"]].day_of_week) == {COUNT_WEEKDAY}
    per_store = counts.groupby("store")["day"].nunique()
    assert (per_store >= len(sim.dates) // 7).all()
    for (store, ing), grp in counts.groupby(["store", "ingredient"]):
        rows = led[(led["store"] == store) & (led["ingredient"] == ing)].set_index("day")
        previous = -1
        for day, book, counted in grp[["day", "book_qty", "counted_qty"]].itertuples(index=False):
            lost = rows.loc[previous + 1 : day, "lost"].sum()
            assert book - counted == pytest.approx(lost, abs=2e-3), (store, ing, day)
            previous = day
    assert (counts["book_qty"] - counts["counted_qty"]).sum() > 0


def test_purchases_arrive_some_late_some_short(sim):
    buys = sim.stock.purchases
    led = sim.stock.ledger
    arrived = buys[buys["received_day"] >= 0]
    got = arrived.groupby(["store", "ingredient", "received_day"])["qty_received"].sum()
    in_ledger = led[led["received"] > 0].set_index(["store", "ingredient", "day"])["received"]
    in_ledger.index = in_ledger.index.set_names(got.index.names)
    pd.testing.assert_series_equal(got.sort_index(), in_ledger.sort_index(), check_names=False)
    assert (buys["qty_received"] <= buys["qty_ordered"] + 1e-9).all()
    late = arrived[arrived["late"]]
    assert len(late) and (late["received_day"] > late["expected_day"]).all()
    short = arrived[arrived["short"]]
    assert len(short) and (short["qty_received"] < short["qty_ordered"]).all()
    on_time = arrived[~arrived["late"]]
    assert (on_time["received_day"] == on_time["expected_day"]).all()


def test_waste_is_the_ledgers_recorded_waste(sim):
    waste = sim.stock.waste
    assert set(waste["reason"]) <= {"spoiled", "trim"} and len(waste)
    assert waste["qty"].sum() == pytest.approx(sim.stock.ledger["wasted"].sum())


def test_sales_facts_match_the_tickets(sim):
    daily = sim.daily_sales()
    orders = sim.orders()
    sold: dict[tuple[str, str, str], int] = {}
    refunded: dict[tuple[str, str, str], int] = {}
    for order in orders:
        for line in order["lines"]:
            if line.get("void"):
                continue
            key = (order["location"], line["item_code"], order["business_date"])
            table = sold if line["qty"] > 0 else refunded
            table[key] = table.get(key, 0) + abs(line["qty"])
    keys = zip(daily["store"], daily["item"], daily["ds"].dt.strftime("%Y-%m-%d"), strict=True)
    keys = list(keys)
    assert daily["sold"].tolist() == [sold.get(k, 0) for k in keys]
    assert daily["refunded"].tolist() == [refunded.get(k, 0) for k in keys]
    hourly = sim.hourly_sales()
    assert hourly["qty"].sum() == daily["net"].sum()


def test_closures_holidays_promotions_and_menu_changes(sim):
    demand = sim.demand
    lines = sim.lines
    thanksgiving = sim.dates.get_loc(pd.Timestamp("2026-11-26"))
    assert not demand.open[:, thanksgiving].any()
    assert lines[lines["day"] == thanksgiving].empty
    closed = ~demand.open
    assert (closed.sum(axis=1) >= 2).all()  # the holiday and at least one unplanned day
    items = list(demand.items)
    prawns = items.index("MENU-SALT-PEPPER-PRAWNS")
    launch = len(sim.dates) - 120
    wontons = items.index("MENU-WONTONS-CHILI")
    retired = len(sim.dates) - 30
    assert demand.qty[:, wontons, retired:].sum() == 0 and demand.qty[:, wontons].sum() > 0
    assert demand.qty[:, prawns, max(launch, 0) :].sum() > 0
    promo = demand.promo
    assert promo.any()
    on_promo = lines[~lines["refund"]].copy()
    pos = {c: k for k, c in enumerate(items)}
    on_promo["promo"] = promo[on_promo["item"].map(pos), on_promo["day"]]
    full = {it.code: it.price for it in sim.group.items}
    cut = on_promo[on_promo["promo"]]
    assert (cut["unit_price"] < cut["item"].map(full) - 0.01).all()
    assert len(cut)


def test_weather_moves_cold_drinks_and_soup(sim):
    d = sim.demand
    items = list(d.items)
    warm = d.temperature > np.median(d.temperature)
    per_day = d.expected.sum(axis=0)  # items x days
    beer = per_day[items.index("MENU-TSINGTAO")]
    soup = per_day[items.index("MENU-HOT-SOUR-SOUP")]
    assert beer[warm].mean() / beer[~warm].mean() > soup[warm].mean() / soup[~warm].mean()


def test_equipment_failures_with_a_repeat():
    sim = simulate(default_group(3), days=180, end=END, seed=3, orders_per_day=10)
    fails = sim.failures
    assert (fails["repaired_at"] > fails["started_at"]).all()
    assert set(fails["site"]) <= {s.code for s in sim.group.sites}
    repeat = fails[fails["repeat"]].iloc[0]
    before = fails[
        (fails["equipment"] == repeat["equipment"])
        & (fails["fault"] == repeat["fault"])
        & (fails["started_at"] < repeat["started_at"])
    ]
    gap = repeat["started_at"] - before["started_at"].max()
    assert pd.Timedelta(days=3) <= gap <= pd.Timedelta(days=14)
    # Busy equipment fails more often than the cold room over a long run.
    many = simulate(default_group(6), days=1000, end=END, seed=3, orders_per_day=5).failures
    kinds = many["equipment"].str.rsplit("-", n=1).str[-1].value_counts()
    assert kinds.get("DISHWASHER", 0) > kinds.get("COLDROOM", 0)


def _runs(mask: np.ndarray) -> int:
    """Length of the longest run of True."""
    best = cur = 0
    for flag in mask:
        cur = cur + 1 if flag else 0
        best = max(best, cur)
    return best


def test_sensors_doors_and_one_slow_failure(sim):
    readings = sim.sensors
    episode = sim.episode
    assert episode is not None and episode.equipment == "WH-COLDROOM"
    setpoints = {e.code: e.setpoint for e in sim.group.equipment if e.setpoint is not None}
    assert set(readings["equipment"]) == set(setpoints)
    assert readings["door_open"].any()
    for code, grp in readings.groupby("equipment"):
        high = (grp["temperature"] > setpoints[code] + EXCURSION_DEG).to_numpy()
        inside = ((grp["at"] >= episode.start) & (grp["at"] <= episode.end)).to_numpy()
        if code == episode.equipment:
            assert _runs(high & inside) >= 6 * 4  # six hours of 15-minute readings
        # Door openings never hold a unit out of range for long.
        assert _runs(high & ~inside) <= 2, code


def test_staff_work_open_days_and_follow_sales(sim):
    staff = sim.staff
    assert set(staff["role"]) >= {"cook", "server", "manager", "dishwasher"}
    assert (staff["hours"] > 0).all() and (staff["hours"] <= 14).all()
    pos = {c: k for k, c in enumerate(sim.demand.stores)}
    stores = staff[staff["site"].isin(pos)]
    assert sim.demand.open[stores["site"].map(pos), stores["day"]].all()
    cooks = stores[stores["role"] == "cook"].groupby("day")["hours"].mean()
    units = sim.demand.qty.sum(axis=(0, 1))[cooks.index]
    assert np.corrcoef(cooks.to_numpy(), units)[0, 1] > 0.3


def test_bad_arguments_name_the_field():
    group = default_group(1)
    for kwargs, field in (
        ({"days": 0}, "days"),
        ({"days": True}, "days"),
        ({"seed": -1}, "seed"),
        ({"orders_per_day": 0}, "orders_per_day"),
        ({"orders_per_day": "many"}, "orders_per_day"),
        ({"end": "2026-01-01"}, "end"),
    ):
        with pytest.raises(BohError) as info:
            simulate(group, **kwargs)
        assert info.value.field == field


_codes = st.text(st.characters(categories=("Lu", "Nd")), min_size=1, max_size=6)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    raw=st.recursive(
        st.none() | st.booleans() | st.integers() | st.floats(allow_nan=True) | _codes,
        lambda inner: (
            st.lists(inner, max_size=3)
            | st.dictionaries(
                st.sampled_from(
                    ["sites", "items", "code", "name", "price", "recipes", "kind", "size"]
                ),
                inner,
                max_size=4,
            )
        ),
        max_leaves=12,
    )
)
def test_group_from_outside_is_refused_clearly_or_simulates(raw):
    """Whatever JSON comes in, it is a clear BohError or a group that simulates."""
    try:
        group = group_from_dict(raw)
    except BohError as exc:
        assert exc.message and exc.field
        return
    sim = simulate(group, days=14, end=END, seed=1, orders_per_day=5)
    assert validate_push({"source": "x", "orders": sim.orders()[:1000]}).error is None


@settings(max_examples=15, deadline=None)
@given(
    prices=st.lists(st.floats(0, 500), min_size=1, max_size=4),
    size=st.floats(0.05, 5),
    hours=st.tuples(st.integers(0, 23), st.integers(1, 24)).filter(lambda h: h[0] < h[1]),
    tz=st.sampled_from(["Asia/Shanghai", "America/New_York", "Europe/Berlin", "UTC"]),
)
def test_any_valid_group_gives_valid_orders(prices, size, hours, tz):
    raw = {
        "sites": [
            {
                "code": "S1",
                "name": "One",
                "size": size,
                "tz": tz,
                "open_hour": hours[0],
                "close_hour": hours[1],
            }
        ],
        "items": [{"code": f"I{k}", "name": f"Item {k}", "price": p} for k, p in enumerate(prices)],
        "country": "CN",
    }
    sim = simulate(group_from_dict(raw), days=10, end=END, seed=2, orders_per_day=20)
    orders = sim.orders()
    result = validate_push(
        {"source": "s", "orders": orders[:1000]}, now=datetime(2026, 12, 6, tzinfo=timezone.utc)
    )
    assert result.error is None and all(r.ok for r in result.results)
    assert {int(o["closed_at"][11:13]) for o in orders} <= set(range(hours[0], hours[1]))


def test_hourly_summary_tickets_sell_and_deplete_exactly_the_same(sim):
    def totals(orders):
        out: dict[tuple, float] = {}
        for order in orders:
            for line in order["lines"]:
                if line.get("void"):
                    continue
                key = (
                    order["location"],
                    order["business_date"],
                    order["closed_at"][11:13],
                    line["item_code"],
                    tuple(m["code"] for m in line.get("modifiers", [])),
                )
                out[key] = out.get(key, 0) + line["qty"]
        return out

    tickets = sim.orders(since=10, until=30)
    hourly = sim.orders(since=10, until=30, hourly=True)
    assert totals(tickets) == totals(hourly)
    assert sum(o["covers"] for o in tickets) == sum(o["covers"] for o in hourly)
    assert len(hourly) < len(tickets) / 5
    assert all(o["order_ref"].split("-")[2].startswith("H") for o in hourly)
    assert not {o["order_ref"] for o in hourly} & {o["order_ref"] for o in tickets}
    now = datetime(2026, 12, 6, 12, tzinfo=timezone.utc)
    result = validate_push({"source": "s", "orders": hourly[:1000]}, now=now)
    assert all(r.ok for r in result.results)
    days = {o["business_date"] for o in hourly}
    assert min(days) == sim.dates[10].strftime("%Y-%m-%d")
    assert max(days) == sim.dates[30].strftime("%Y-%m-%d")
