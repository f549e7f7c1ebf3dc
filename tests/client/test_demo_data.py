"""``boh demo-data``: simulated sales through the feed of the reference server, idempotently."""

from __future__ import annotations

import json
from collections import Counter
from datetime import date

import pytest
from reference_server import OBJECT, ReferenceFeed, ReferenceServer

from boh_core.client.cli import main
from boh_core.simulator import default_group, simulate

DB, LOGIN, KEY = "boh", "integrator", "secret-key"
ARGS = ["demo-data", "--stores", "2", "--days", "6", "--end", "2026-11-30"]
ARGS += ["--orders-per-day", "15", "--seed", "4", "--batch-size", "40"]


@pytest.fixture
def server(monkeypatch):
    with ReferenceServer(ReferenceFeed(), db=DB, users={LOGIN: (7, KEY)}) as srv:
        monkeypatch.setenv("BOH_URL", srv.url)
        monkeypatch.setenv("BOH_DB", DB)
        monkeypatch.setenv("BOH_USER", LOGIN)
        monkeypatch.setenv("BOH_API_KEY", KEY)
        yield srv


def expected_orders():
    sim = simulate(
        default_group(2),
        days=6,
        end=date(2026, 11, 30),
        seed=4,
        orders_per_day=15,
        sensor_days=0,
    )
    return sim.orders()


def test_pushes_the_simulated_sales_in_batches_then_resends_as_duplicates(server, capsys):
    orders = expected_orders()
    assert main(ARGS) == 0
    out = capsys.readouterr().out
    assert f"simulated {len(orders)} orders at 2 store(s) (ST01, ST02)" in out
    assert f"created: {len(orders)}" in out
    feed = server.feed
    assert feed.statuses == {"created": len(orders)}
    assert server.calls[OBJECT] == -(-len(orders) // 40)  # ceil: batches of 40
    sent = {(k[1], k[2]) for k in feed.orders}
    assert sent == {(o["location"], o["order_ref"]) for o in orders}
    assert {k[0] for k in feed.orders} == {"boh-sim"}
    stored = Counter(line.item_code for v in feed.orders.values() for line in v["order"].lines)
    assert stored == Counter(ln["item_code"] for o in orders for ln in o["lines"])

    # The same command again: same orders, answered duplicate, nothing changes.
    assert main(ARGS) == 0
    assert f"duplicate: {len(orders)}" in capsys.readouterr().out
    assert feed.statuses == {"created": len(orders), "duplicate": len(orders)}
    assert all(v["versions"] == 1 for v in feed.orders.values())


def test_journal_skips_acknowledged_batches(server, tmp_path, capsys):
    journal = str(tmp_path / "demo.journal")
    assert main([*ARGS, "--journal", journal]) == 0
    calls = server.calls[OBJECT]
    assert main([*ARGS, "--journal", journal]) == 0
    assert server.calls[OBJECT] == calls  # nothing went over the wire again
    assert "skipped" in capsys.readouterr().out


def test_store_codes_source_and_another_seed(server, capsys):
    argv = [*ARGS, "--store-codes", "HBR1,HBR2", "--source", "loadtest"]
    assert main(argv) == 0
    first = len(server.feed.orders)
    assert {k[1] for k in server.feed.orders} == {"HBR1", "HBR2"}
    assert {k[0] for k in server.feed.orders} == {"loadtest"}
    other = [a if a != "4" else "5" for a in argv]
    assert main(other) == 0
    # Another seed is other tickets: they add up, none is amended.
    assert server.feed.statuses["amended"] == 0
    assert len(server.feed.orders) > first
    assert all(k[2].endswith(("-s5", "-s5-R")) for k in list(server.feed.orders)[first:])


def test_dry_run_sends_nothing(server, capsys):
    assert main([*ARGS, "--dry-run"]) == 0
    assert "0 with problems; nothing sent" in capsys.readouterr().out
    assert server.calls[OBJECT] == 0


def test_a_group_file(server, tmp_path, capsys):
    group = {
        "sites": [{"code": "K1", "name": "Kiosk", "tz": "Asia/Shanghai"}],
        "items": [{"code": "TEA", "name": "Tea", "price": 4}],
        "country": "CN",
    }
    path = tmp_path / "group.json"
    path.write_text(json.dumps(group))
    assert main([*ARGS, "--group", str(path)]) == 0
    orders = list(server.feed.orders.values())
    assert orders and all(v["order"].location == "K1" for v in orders)
    assert all(v["order"].closed_at.utcoffset().total_seconds() == 8 * 3600 for v in orders)


@pytest.mark.parametrize(
    "extra, message",
    [
        (["--stores", "9"], "stores must be from 1 to 6"),
        (["--days", "0"], "days must be from 1"),
        (["--orders-per-day", "-3"], "orders_per_day must be a number above 0"),
        (["--end", "yesterday"], "--end 'yesterday' is not a date"),
        (["--store-codes", "A"], "--store-codes 'A' must name 2 different store(s)"),
        (["--store-codes", "A,A"], "must name 2 different store(s)"),
        (["--batch-size", "0"], "--batch-size must be at least 1"),
        (["--group", "/nonexistent.json"], "does not exist"),
    ],
)
def test_bad_options_exit_2_and_say_why(server, extra, message, capsys):
    assert main([*ARGS, *extra]) == 2
    assert message in capsys.readouterr().err
    assert server.calls[OBJECT] == 0


def test_a_bad_group_file_names_the_field(server, tmp_path, capsys):
    path = tmp_path / "group.json"
    path.write_text(
        json.dumps(
            {
                "sites": [{"code": "K1", "name": "K", "size": -1}],
                "items": [{"code": "T", "name": "T", "price": 1}],
            }
        )
    )
    assert main([*ARGS, "--group", str(path)]) == 2
    assert "size must be above 0" in capsys.readouterr().err
    path.write_text("{not json")
    assert main([*ARGS, "--group", str(path)]) == 2
    assert "is not JSON" in capsys.readouterr().err
