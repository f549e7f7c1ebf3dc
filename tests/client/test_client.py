"""The XML-RPC client and CLI against a real local server implementing the contract."""

from __future__ import annotations

import copy
import json
import os
import socket
import xmlrpc.client

import pytest
from reference_server import OBJECT, ReferenceFeed, ReferenceServer

from boh_core.client import (
    BohAuthError,
    BohClient,
    BohClientError,
    BohConnectionError,
    BohServerError,
    Journal,
    JournalError,
)
from boh_core.client.cli import EXIT_FAILURE, main
from boh_core.client.xmlrpc import is_retryable_fault

DB, LOGIN, KEY = "boh", "integrator", "secret-key"


def make_order(i: int, **line_changes) -> dict:
    line = {"line_ref": "1", "item_code": "BURGER", "qty": 2, "unit_price": 12.5}
    line.update(line_changes)
    return {
        "order_ref": f"A-{i:04d}",
        "location": "STORE1",
        "business_date": "2025-06-01",
        "closed_at": "2025-06-01T12:31:05+08:00",
        "covers": 2,
        "lines": [line, {"line_ref": "2", "item_code": "COLA", "qty": 1, "unit_price": 3}],
    }


@pytest.fixture
def server():
    feed = ReferenceFeed(availability={"STORE1": [{"item_code": "BURGER", "portions": 12}]})
    with ReferenceServer(feed, db=DB, users={LOGIN: (7, KEY)}) as srv:
        yield srv


class Sleeps(list):
    """Records the waits instead of waiting."""

    def __call__(self, seconds: float) -> None:
        self.append(seconds)


def client_for(srv: ReferenceServer, **kwargs) -> BohClient:
    kwargs.setdefault("sleep", Sleeps())
    kwargs.setdefault("seed", 42)
    kwargs.setdefault("timeout", 5)
    return BohClient(srv.url, DB, LOGIN, KEY, **kwargs)


def free_port_url() -> str:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    return f"http://127.0.0.1:{port}"  # closed again: connections are refused


# --------------------------------------------------------------------------- contract


def test_authenticate_and_bad_key(server):
    assert client_for(server).authenticate() == 7
    bad = BohClient(server.url, DB, LOGIN, "wrong", sleep=Sleeps())
    with pytest.raises(BohAuthError, match="refused login 'integrator'"):
        bad.push_sales({"source": "pos", "orders": []})


def test_created_duplicate_amended_error(server):
    client = client_for(server)
    payload = {"source": "pos", "batch_id": "b1", "orders": [make_order(1), make_order(2)]}
    answer = client.push_sales(payload)
    assert answer["batch"] == 1
    assert [o["status"] for o in answer["orders"]] == ["created", "created"]
    # Same content (numbers formatted differently, keys reordered) -> duplicate.
    again = copy.deepcopy(payload)
    again["orders"][0]["lines"][0]["qty"] = 2.0
    again["orders"][1] = dict(reversed(list(again["orders"][1].items())))
    assert [o["status"] for o in client.push_sales(again)["orders"]] == ["duplicate"] * 2
    changed = {"source": "pos", "orders": [make_order(1, qty=3), make_order(3, qty=1e12)]}
    answer = client.push_sales(changed)
    assert [o["status"] for o in answer["orders"]] == ["amended", "error"]
    (err,) = answer["orders"][1]["errors"]
    assert err["line_ref"] == "1" and err["field"] == "qty" and "1000000000000" in err["message"]
    assert len(server.feed.orders) == 2 and len(server.feed.batches) == 3


def test_whole_payload_error_is_a_fault_and_not_retried(server):
    client = client_for(server)
    with pytest.raises(BohServerError, match="orders") as info:
        client.push_sales({"source": "pos", "orders": "nope"})
    assert info.value.fault_code == 2
    assert server.calls[OBJECT] == 1 and client.retries == 0


def test_get_availability(server):
    client = client_for(server)
    assert client.get_availability("STORE1") == [{"item_code": "BURGER", "portions": 12}]
    with pytest.raises(BohServerError, match="not a known location"):
        client.get_availability("NOWHERE")


# --------------------------------------------------------------------------- retries


@pytest.mark.parametrize("kind", ["drop", "conflict", "http503", "drop_after"])
def test_retries_then_succeeds_and_stores_once(server, kind):
    client = client_for(server)
    server.fail_next(2, kind)
    summary = client.push_orders("pos", [make_order(i) for i in range(3)])
    assert summary.retries == 2 and client.retries == 2
    assert server.calls[OBJECT] == 3
    assert len(server.feed.orders) == 3
    if kind == "drop_after":
        # The server stored the batch before the answer was lost: re-sending is harmless.
        assert (summary.created, summary.duplicate) == (0, 3)
    else:
        assert (summary.created, summary.duplicate) == (3, 0)
    assert summary.ok


def test_backoff_is_exponential_with_jitter_and_seedable(server):
    waits = Sleeps()
    client = client_for(server, sleep=waits, backoff=0.5, max_backoff=3.0, max_retries=5)
    server.fail_next(5, "drop")
    client.push_sales({"source": "pos", "orders": [make_order(1)]})
    caps = [0.5, 1.0, 2.0, 3.0, 3.0]
    assert len(waits) == 5
    for wait, cap in zip(waits, caps, strict=True):
        assert cap / 2 <= wait <= cap
    other = Sleeps()
    server.fail_next(5, "drop")
    client_for(server, sleep=other, backoff=0.5, max_backoff=3.0).push_sales(
        {"source": "pos", "orders": [make_order(1)]}
    )
    assert other == waits  # same seed, same waits


def test_gives_up_after_max_retries(server):
    client = client_for(server, max_retries=2)
    server.fail_next(10, "conflict")
    with pytest.raises(BohConnectionError, match="after 3 attempts.*database conflict"):
        client.push_sales({"source": "pos", "orders": [make_order(1)]})
    assert server.calls[OBJECT] == 3


def test_socket_timeout_is_retried(server):
    server.slow_seconds = 1.0
    client = client_for(server, timeout=0.3)
    server.fail_next(1, "slow")
    answer = client.push_sales({"source": "pos", "orders": [make_order(1)]})
    # The slow call may have been stored before the client gave up on it.
    assert answer["orders"][0]["status"] in ("created", "duplicate")
    assert client.retries == 1 and len(server.feed.orders) == 1


def test_connection_refused_is_retried_then_reported():
    waits = Sleeps()
    client = BohClient(free_port_url(), DB, LOGIN, KEY, max_retries=2, sleep=waits)
    with pytest.raises(BohConnectionError, match="authentication failed after 3 attempts"):
        client.authenticate()
    assert len(waits) == 2


def test_http_404_is_not_retried(server):
    client = BohClient(server.url + "/wrong", DB, LOGIN, KEY, sleep=Sleeps())
    with pytest.raises(BohConnectionError, match="HTTP 404"):
        client.authenticate()
    assert client.retries == 0


def test_fault_classification():
    conflict = xmlrpc.client.Fault(1, "psycopg2.errors.SerializationFailure: could not ...")
    assert is_retryable_fault(conflict)
    assert is_retryable_fault(xmlrpc.client.Fault(1, "could not serialize access due to ..."))
    assert not is_retryable_fault(xmlrpc.client.Fault(2, "qty 1e12 is out of range."))
    assert not is_retryable_fault(xmlrpc.client.Fault(3, "Access Denied"))


# --------------------------------------------------------------------------- batches, journal


def test_batches_and_summary(server):
    orders = [make_order(i) for i in range(11)]
    orders[4] = make_order(4, qty=0)
    orders[9] = make_order(9, item_code="")
    summary = client_for(server).push_orders("pos", orders, batch_size=4)
    assert summary.batches_sent == 3 and server.calls[OBJECT] == 3
    assert (summary.created, summary.duplicate, summary.amended, summary.error) == (9, 0, 0, 2)
    assert not summary.ok
    assert [f.order_ref for f in summary.failures] == ["A-0004", "A-0009"]
    text = summary.format()
    assert "created: 9" in text and "error: 2" in text
    assert "STORE1/A-0004 line 1 [qty]" in text and "item_code" in text


def test_journal_resume_after_crash_sends_nothing_twice(server, tmp_path):
    journal = tmp_path / "state" / "journal.json"
    orders = [make_order(i) for i in range(10)]
    orders[7] = make_order(7, unit_price=-1)
    seen = []

    def crash_after_second(result):
        seen.append(result.batch_id)
        if len(seen) == 2:
            raise KeyboardInterrupt  # the process is killed after batch 2 was acknowledged

    with pytest.raises(KeyboardInterrupt):
        client_for(server).push_orders(
            "pos", orders, batch_size=2, journal=journal, on_batch=crash_after_second
        )
    assert server.calls[OBJECT] == 2 and len(server.feed.orders) == 4
    assert len(json.loads(journal.read_text())["batches"]) == 2
    assert [p.name for p in journal.parent.iterdir()] == ["journal.json"]  # no temp left

    resumed = client_for(server).push_orders("pos", orders, batch_size=2, journal=journal)
    assert (resumed.batches_skipped, resumed.batches_sent) == (2, 3)
    assert server.calls[OBJECT] == 5  # each batch went over the wire exactly once
    assert server.feed.statuses == {"created": 9, "error": 1}
    assert (resumed.created, resumed.duplicate, resumed.error) == (9, 0, 1)

    # A third run skips everything but still reports the refused order.
    third = client_for(server).push_orders("pos", orders, batch_size=2, journal=journal)
    assert third.batches_skipped == 5 and server.calls[OBJECT] == 5
    assert third.error == 1 and third.failures[0].order_ref == "A-0007"


def test_without_journal_a_restart_resends_and_gets_duplicates(server):
    orders = [make_order(i) for i in range(6)]

    def crash(result):
        raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        client_for(server).push_orders("pos", orders, batch_size=3, on_batch=crash)
    summary = client_for(server).push_orders("pos", orders, batch_size=3)
    assert (summary.created, summary.duplicate) == (3, 3)
    assert len(server.feed.orders) == 6


def test_changed_file_is_resent_despite_the_journal(server, tmp_path):
    journal = tmp_path / "j.json"
    client_for(server).push_orders("pos", [make_order(1)], journal=journal)
    summary = client_for(server).push_orders("pos", [make_order(1, qty=5)], journal=journal)
    assert summary.amended == 1 and summary.batches_skipped == 0


def test_journal_guards(server, tmp_path):
    journal = tmp_path / "j.json"
    client_for(server).push_orders("pos", [make_order(1)], journal=journal)
    with pytest.raises(JournalError, match="belongs to"):
        Journal(journal, server.url, "other_db")
    journal.write_text("{half a json")
    with pytest.raises(JournalError, match="delete it"):
        client_for(server).push_orders("pos", [make_order(1)], journal=journal)


def test_failure_midway_keeps_the_summary_so_far(server):
    client = client_for(server, max_retries=0)
    orders = [make_order(i) for i in range(4)]

    def fail_next_batch(result):
        server.fail_next(1, "drop")

    with pytest.raises(BohConnectionError, match="failed after 1 attempts") as info:
        client.push_orders("pos", orders, batch_size=2, on_batch=fail_next_batch)
    assert info.value.summary is not None
    assert (info.value.summary.created, info.value.summary.batches_sent) == (2, 1)


# --------------------------------------------------------------------------- CLI


CSV_HEADER = (
    "location,order_ref,business_date,closed_at,covers,line_ref,item_code,qty,unit_price,"
    "modifiers,void,restock,parent_line_ref\n"
)


@pytest.fixture
def env(server, monkeypatch):
    monkeypatch.setenv("BOH_URL", server.url)
    monkeypatch.setenv("BOH_DB", DB)
    monkeypatch.setenv("BOH_USER", LOGIN)
    monkeypatch.setenv("BOH_API_KEY", KEY)
    return server


def write_csv(tmp_path, rows: str):
    path = tmp_path / "sales.csv"
    path.write_text(CSV_HEADER + rows)
    return str(path)


GOOD_ROWS = (
    "STORE1,A-1,2025-06-01,2025-06-01T12:31:05+08:00,2,1,BURGER,2,12.50,CHEESE:1,0,,\n"
    "STORE1,A-1,,,,2,SET_A,1,30,,,,\n"
    "STORE1,A-1,,,,3,RICE,1,0,,,,2\n"
    "STORE1,A-2,2025-06-01,2025-06-01T13:00:00+08:00,1,1,WINE,-1,40,,,1,\n"
)


def test_cli_push_csv_ok_then_duplicate(env, tmp_path, capsys):
    path = write_csv(tmp_path, GOOD_ROWS)
    assert main(["push-sales", path, "--source", "toast-eu-1"]) == 0
    out = capsys.readouterr().out
    assert "orders: 2  created: 2  duplicate: 0  amended: 0  error: 0" in out
    assert main(["push-sales", path, "--source", "toast-eu-1"]) == 0
    assert "created: 0  duplicate: 2" in capsys.readouterr().out
    assert set(env.feed.orders) == {
        ("toast-eu-1", "STORE1", "A-1"),
        ("toast-eu-1", "STORE1", "A-2"),
    }


def test_cli_order_error_exit_1_with_reason(env, tmp_path, capsys):
    path = write_csv(
        tmp_path, GOOD_ROWS + "STORE1,A-3,2025-06-01,2025-06-01T13:00:00,,1,X,1,1,,,,\n"
    )
    assert main(["push-sales", path, "--source", "pos", "--batch-size", "2"]) == 1
    out = capsys.readouterr().out
    assert "created: 2" in out and "error: 1" in out
    assert "STORE1/A-3 [closed_at]" in out and "time-zone offset" in out


def test_cli_journal_and_map_file(env, tmp_path, capsys):
    data = tmp_path / "export.csv"
    data.write_text(CSV_HEADER.replace("order_ref", "Ticket") + GOOD_ROWS)
    mapping = tmp_path / "columns.json"
    mapping.write_text(json.dumps({"Ticket": "order_ref"}))
    journal = tmp_path / "journal.json"
    argv = ["push-sales", str(data), "--source", "pos", "--map-file", str(mapping)]
    argv += ["--journal", str(journal)]
    assert main(argv) == 0
    assert main(argv) == 0
    out = capsys.readouterr().out
    assert "skipped (already in the journal): 1" in out
    assert env.calls[OBJECT] == 1


def test_cli_json_file_and_options_over_env(server, tmp_path, capsys, monkeypatch):
    for name in ("BOH_URL", "BOH_DB", "BOH_USER", "BOH_API_KEY"):
        monkeypatch.delenv(name, raising=False)
    path = tmp_path / "push.json"
    path.write_text(json.dumps({"source": "pos", "orders": [make_order(1)]}))
    argv = ["push-sales", str(path), "--url", server.url, "--db", DB, "--user", LOGIN]
    assert main([*argv, "--api-key", KEY]) == 0
    assert "created: 1" in capsys.readouterr().out
    assert main(argv) == 2
    assert "--api-key is missing; pass it or set BOH_API_KEY" in capsys.readouterr().err


def test_cli_usage_and_connection_failures(env, tmp_path, capsys, monkeypatch):
    assert main([]) == 2
    assert main(["push-sales", str(tmp_path / "nope.csv")]) == 2
    assert "does not exist" in capsys.readouterr().err
    bad_csv = write_csv(tmp_path, "STORE1,A-1,2025-06-01,x,,1,B,two,1,,,,\n")
    assert main(["push-sales", bad_csv, "--source", "pos"]) == 2
    assert "Row 2, column 'qty': value 'two' is not a number" in capsys.readouterr().err
    monkeypatch.setenv("BOH_URL", free_port_url())
    good = write_csv(tmp_path, GOOD_ROWS)
    assert main(["push-sales", good, "--source", "pos", "--retries", "0"]) == 2
    assert "failed after 1 attempts" in capsys.readouterr().err
    monkeypatch.setenv("BOH_URL", env.url)
    monkeypatch.setenv("BOH_API_KEY", "wrong")
    assert main(["push-sales", good, "--source", "pos"]) == 2
    assert "refused login" in capsys.readouterr().err


def test_cli_dry_run_sends_nothing(env, tmp_path, capsys):
    path = write_csv(
        tmp_path, GOOD_ROWS + "STORE1,A-3,2025-06-01,2025-06-01T13:00:00Z,,1,X,0,1,,,,\n"
    )
    assert main(["push-sales", path, "--source", "pos", "--dry-run"]) == 1
    out = capsys.readouterr().out
    assert "2 orders valid, 1 with problems" in out and "A-3 line 1 [qty]" in out
    assert env.calls[OBJECT] == 0


def test_cli_availability(env, capsys):
    assert main(["availability", "STORE1"]) == 0
    out = capsys.readouterr().out.splitlines()
    assert out[0].split() == ["item_code", "portions"] and out[1].split() == ["BURGER", "12"]
    assert main(["availability", "STORE1", "--json"]) == 0
    assert json.loads(capsys.readouterr().out) == [{"item_code": "BURGER", "portions": 12}]
    assert main(["availability", "MARS"]) == 2


def test_module_entry_point_runs(env, tmp_path):
    import subprocess
    import sys

    path = write_csv(tmp_path, GOOD_ROWS)
    proc = subprocess.run(
        [sys.executable, "-m", "boh_core.client", "push-sales", path, "--source", "pos"],
        capture_output=True,
        text=True,
        env={**os.environ},
        timeout=60,
    )
    assert proc.returncode == 0, proc.stderr
    assert "created: 2" in proc.stdout


# ---------------------------------------------------------------- transport security
@pytest.mark.parametrize(
    "url",
    ["http://localhost:8069", "http://127.0.0.1:8069", "http://127.8.9.10", "http://[::1]:8069"],
)
def test_plain_http_to_this_machine_is_allowed(url):
    BohClient(url, DB, LOGIN, KEY)


@pytest.mark.parametrize(
    "url", ["http://odoo.example.com", "http://10.0.0.5:8069", "http://localhost.example.com"]
)
def test_plain_http_to_another_host_is_refused_unless_allowed(url):
    with pytest.raises(BohClientError, match="Refusing plain http://"):
        BohClient(url, DB, LOGIN, KEY)
    BohClient(url, DB, LOGIN, KEY, allow_insecure_http=True)
    BohClient(url.replace("http://", "https://"), DB, LOGIN, KEY)


@pytest.mark.parametrize("url", ["ftp://odoo.example.com", "odoo.example.com", "https://"])
def test_a_url_that_is_not_http_is_refused(url):
    with pytest.raises(BohClientError, match="must look like https://"):
        BohClient(url, DB, LOGIN, KEY, allow_insecure_http=True)


def test_cli_refuses_plain_http_without_the_flag(capsys):
    args = ["availability", "ST01", "--url", "http://odoo.example.com", "--db", DB]
    args += ["--user", LOGIN, "--api-key", KEY, "--retries", "0", "--timeout", "0.5"]
    assert main(args) == EXIT_FAILURE
    assert "Refusing plain http://" in capsys.readouterr().err
