"""A burst of repair reports from one address against the live server: the limit holds."""

from __future__ import annotations

import http.client
import re
import urllib.parse
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime, timedelta, timezone

import pytest

from boh_core.maintenance.tokens import new_token, token_digest

BURST = 1000
LIMIT = 25
THREADS = 4
#: Long enough that no earlier hit leaves the window while the burst runs.
WINDOW_MINUTES = 24 * 60
ADDRESS = "127.0.0.1"
PARAMS = ("address_limit", "address_minutes", "token_limit", "token_minutes")


def _client(url: str) -> http.client.HTTPConnection:
    parts = urllib.parse.urlsplit(url)
    return http.client.HTTPConnection(parts.hostname, parts.port, timeout=60)


def _open_form(conn: http.client.HTTPConnection, path: str) -> tuple[str, str]:
    """GET the form on this connection: ``(session cookie, csrf token)``."""
    conn.request("GET", path)
    response = conn.getresponse()
    body = response.read().decode()
    assert response.status == 200, body[:500]
    cookie = response.getheader("Set-Cookie", "").split(";")[0]
    assert cookie.startswith("session_id="), "the form opens a session for its CSRF token"
    match = re.search(r'name="csrf_token" value="([^"]+)"', body)
    assert match, "the form carries a CSRF token"
    return cookie, match.group(1)


def _fire(url: str, path: str, count: int, worker: int) -> list[int]:
    """``count`` reports over one keep-alive connection; their status codes."""
    conn = _client(url)
    try:
        cookie, csrf = _open_form(conn, path)
        headers = {"Content-Type": "application/x-www-form-urlencoded", "Cookie": cookie}
        statuses = []
        for index in range(count):
            body = urllib.parse.urlencode(
                {
                    "description": f"E2E burst {worker}-{index}: oil not heating",
                    "urgency": "normal",
                    "csrf_token": csrf,
                }
            )
            conn.request("POST", path, body=body, headers=headers)
            response = conn.getresponse()
            response.read()
            statuses.append(response.status)
        return statuses
    finally:
        conn.close()


@pytest.fixture
def burst_setup(odoo, unique):
    """A labelled equipment and room for exactly ``LIMIT`` more reports from this address;
    everything is put back afterwards."""
    saved = {
        key: odoo.call("ir.config_parameter", "get_param", f"boh_maintenance.{key}")
        for key in PARAMS
    }
    last_hit = odoo.call("boh.maintenance.intake.hit", "search", [], limit=1, order="id desc")
    since = datetime.now(timezone.utc) - timedelta(minutes=WINDOW_MINUTES)
    earlier = odoo.call(
        "boh.maintenance.intake.hit",
        "search_count",
        [
            ("kind", "=", "address"),
            ("key", "=", ADDRESS),
            ("at", ">", since.strftime("%Y-%m-%d %H:%M:%S")),
        ],
    )
    token = new_token()
    equipment = odoo.call(
        "maintenance.equipment",
        "create",
        {
            "name": f"E2E Burst Fryer {unique}",
            # What printing a label does; the token itself is only on the label.
            "boh_token_digest": token_digest(token),
            "boh_label_state": "active",
        },
    )
    limits = {
        "address_limit": earlier + LIMIT,
        "address_minutes": WINDOW_MINUTES,
        "token_limit": BURST * 2,
        "token_minutes": 60,
    }
    for key, value in limits.items():
        odoo.call("ir.config_parameter", "set_param", f"boh_maintenance.{key}", str(value))
    try:
        yield equipment, f"/boh/repair/{token}"
    finally:
        for key, value in saved.items():
            odoo.call("ir.config_parameter", "set_param", f"boh_maintenance.{key}", value)
        requests = odoo.call("maintenance.request", "search", [("equipment_id", "=", equipment)])
        if requests:
            odoo.call("maintenance.request", "unlink", requests)
        odoo.call("maintenance.equipment", "unlink", [equipment])
        hits = odoo.call(
            "boh.maintenance.intake.hit",
            "search",
            [("id", ">", last_hit[0] if last_hit else 0)],
        )
        if hits:
            odoo.call("boh.maintenance.intake.hit", "unlink", hits)


def test_burst_of_reports_from_one_address_holds_the_limit(odoo, burst_setup):
    equipment, path = burst_setup
    share = BURST // THREADS
    with ThreadPoolExecutor(THREADS) as pool:
        runs = pool.map(lambda worker: _fire(odoo.url, path, share, worker), range(THREADS))
        statuses = Counter(status for run in runs for status in run)
    assert sum(statuses.values()) == BURST
    assert not [status for status in statuses if status >= 500], statuses
    assert statuses == {200: LIMIT, 429: BURST - LIMIT}, statuses
    stored = odoo.call(
        "boh.maintenance.intake.report", "search_count", [("equipment_id", "=", equipment)]
    )
    assert stored == LIMIT, "exactly the reports below the limit were stored, none lost"
    # The filing job (run as an administrator's "Run Manually" would) makes each a request.
    odoo.call(
        "ir.cron",
        "method_direct_trigger",
        [odoo.ref("boh_maintenance.ir_cron_boh_file_intake_reports")],
    )
    filed = odoo.call("maintenance.request", "search_count", [("equipment_id", "=", equipment)])
    assert filed == LIMIT, "every stored report became a repair request"
