"""Two gateways push the same sensor readings at once: each reading is stored exactly once.

Against the live server (see conftest.py): the database, not the Python code, decides what
is a duplicate (``INSERT ... ON CONFLICT DO NOTHING``), and a push that races another is
run again by Odoo rather than failed.
"""

from __future__ import annotations

import threading
from collections import Counter
from datetime import datetime, timedelta, timezone

import pytest

READINGS = 200
PUSH = 50


@pytest.fixture
def cold_room(odoo, unique):
    """A cold room with a short code and a 0-5 degree threshold (any breach counts)."""
    category = odoo.call(
        "maintenance.equipment.category",
        "create",
        {"name": f"Cold rooms {unique}", "boh_code_prefix": f"C{unique[:5]}"},
    )
    equipment = odoo.call(
        "maintenance.equipment", "create", {"name": f"Walk-in {unique}", "category_id": category}
    )
    metric = odoo.ref("boh_maintenance.metric_temperature_c")
    odoo.call(
        "boh.sensor.threshold",
        "create",
        {
            "equipment_id": equipment,
            "metric_id": metric,
            "has_min": True,
            "min_value": 0.0,
            "has_max": True,
            "max_value": 5.0,
            "min_duration_minutes": 0,
        },
    )
    [record] = odoo.call("maintenance.equipment", "read", [equipment], ["boh_short_code"])
    return equipment, record["boh_short_code"]


def test_two_gateways_pushing_the_same_readings(odoo, cold_room):
    equipment, code = cold_room
    start = datetime.now(timezone.utc).replace(microsecond=0) - timedelta(hours=6)
    readings = [
        {
            "equipment": code,
            "metric": "temperature_c",
            # One breach: out of range from the 50th to the 150th minute.
            "value": 9.0 if 50 <= minute < 150 else 3.0,
            "at": (start + timedelta(minutes=minute)).isoformat(),
        }
        for minute in range(READINGS)
    ]
    pushes = [readings[i : i + PUSH] for i in range(0, READINGS, PUSH)]
    barrier = threading.Barrier(2)
    answers: dict[str, list[list[str]]] = {}
    failures: list[BaseException] = []

    def push(batch: list[dict]) -> list[str]:
        answer = odoo.call("boh.sensor.reading", "push_readings", batch)
        return [reading["status"] for reading in answer["readings"]]

    def gateway(name: str, order: list[list[dict]]) -> None:
        try:
            barrier.wait(timeout=30)
            answers[name] = [push(batch) for batch in order]
        except BaseException as error:  # noqa: BLE001 -- reported by the test below
            failures.append(error)

    threads = [
        threading.Thread(target=gateway, args=("a", pushes)),
        # The other gateway sends the same pushes newest first: late, out-of-order data.
        threading.Thread(target=gateway, args=("b", pushes[::-1])),
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=300)
    assert not failures, failures
    statuses_a = [status for push in answers["a"] for status in push]
    statuses_b = [status for push in answers["b"][::-1] for status in push]
    assert set(statuses_a) | set(statuses_b) <= {"stored", "duplicate"}
    stored_by = Counter(
        (a == "stored") + (b == "stored") for a, b in zip(statuses_a, statuses_b, strict=True)
    )
    assert stored_by == {1: READINGS}, "each reading stored by exactly one of the two pushes"

    stored = odoo.call(
        "boh.sensor.reading", "search_read", [("equipment_id", "=", equipment)], ["at", "value"]
    )
    assert len(stored) == READINGS
    assert len({row["at"] for row in stored}) == READINGS
    episodes = odoo.call(
        "boh.sensor.episode",
        "search_read",
        [("equipment_id", "=", equipment)],
        ["start", "last_out", "state", "request_id"],
    )
    assert len(episodes) == 1, "one breach, one episode, whichever push saw it first"
    first_out = (start + timedelta(minutes=50)).astimezone(timezone.utc)
    assert episodes[0]["start"] == first_out.strftime("%Y-%m-%d %H:%M:%S")
    assert episodes[0]["state"] == "closed"
    requests = odoo.call(
        "maintenance.request",
        "search_count",
        [("equipment_id", "=", equipment), ("boh_source", "=", "sensor")],
    )
    assert requests == 1
