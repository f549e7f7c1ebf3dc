"""Integration keys over XML-RPC against a live Odoo: what a POS key and a sensor key reach.

An administrator creates each integration user with the *Integration Access* wizard (over
XML-RPC, as the suite's admin would in the web client) and takes the API key it issues once.
The keys then push within their grant and are refused everything else, also when the call
carries a hostile context (another company, the suite's own switches).
"""

from __future__ import annotations

import uuid
import xmlrpc.client
from datetime import date, timedelta

import pytest

HOSTILE = {"boh_odoo_pos_feed": True, "boh_pos_skip_feed": True, "boh_skip_recost": True}


def _issue(odoo, kind, login, **values):
    wizard = odoo.call(
        "boh.integration.wizard",
        "create",
        {"kind": kind, "name": login, "login": login, "expiry_days": 7, **values},
    )
    odoo.call("boh.integration.wizard", "action_create_user", [wizard])
    (read,) = odoo.call("boh.integration.wizard", "read", [wizard], ["key", "user_id"])
    assert read["key"], "the wizard shows the new key once"
    return read["user_id"][0], read["key"]


def _as(odoo, uid, key):
    proxy = xmlrpc.client.ServerProxy(f"{odoo.url}/xmlrpc/2/object", allow_none=True)

    def call(model, method, *args, **kwargs):
        return proxy.execute_kw(odoo.db, uid, key, model, method, list(args), kwargs)

    return call


@pytest.fixture(scope="module")
def setup(odoo):
    tag = uuid.uuid4().hex[:6]
    unit = odoo.ref("uom.product_uom_unit")
    granted = odoo.call(
        "stock.warehouse", "create", {"name": f"Trust A {tag}", "code": f"A{tag[:4]}"}
    )
    other = odoo.call(
        "stock.warehouse", "create", {"name": f"Trust B {tag}", "code": f"B{tag[:4]}"}
    )
    dish = odoo.create_product(f"Trust Dish {tag}", "menu", unit, list_price=10.0)
    source = f"trust-{tag}"
    odoo.call("boh.pos.item.map", "create", {"source": source, "code": "DISH", "product_id": dish})
    codes = {
        w["id"]: w["code"] for w in odoo.call("stock.warehouse", "read", [granted, other], ["code"])
    }
    pos_uid, pos_key = _issue(
        odoo, "pos", f"trust-pos-{tag}", store_ids=[(6, 0, [granted])], pos_sources=source
    )
    sensor_uid, sensor_key = _issue(odoo, "sensor", f"trust-sensor-{tag}", all_stores=True)
    return {
        "granted": codes[granted],
        "other": codes[other],
        "source": source,
        "pos": _as(odoo, pos_uid, pos_key),
        "sensor": _as(odoo, sensor_uid, sensor_key),
    }


def _order(ref, location):
    day = date.today() - timedelta(days=1)
    return {
        "order_ref": ref,
        "location": location,
        "business_date": day.isoformat(),
        "closed_at": f"{day.isoformat()}T12:00:00+00:00",
        "lines": [{"line_ref": "1", "item_code": "DISH", "qty": 1, "unit_price": "10.00"}],
    }


def test_pos_key_pushes_into_its_stores_only(setup):
    pos = setup["pos"]
    answer = pos(
        "boh.pos.feed",
        "push_sales",
        {
            "source": setup["source"],
            "orders": [_order("T1", setup["granted"]), _order("T2", setup["other"])],
        },
    )
    statuses = [order["status"] for order in answer["orders"]]
    assert statuses == ["created", "error"], answer
    assert answer["orders"][1]["errors"][0]["field"] == "location"
    assert isinstance(pos("boh.pos.feed", "get_availability", setup["granted"]), list)


def test_pos_key_with_a_hostile_context_gets_nothing_more(setup, odoo):
    pos = setup["pos"]
    company_ids = [c["id"] for c in odoo.call("res.company", "search_read", [], fields=["id"])]
    context = dict(HOSTILE, allowed_company_ids=company_ids)
    with pytest.raises(xmlrpc.client.Fault) as refused:
        pos(
            "boh.pos.feed",
            "push_sales",
            {"source": "odoo-pos", "orders": [_order("T3", setup["granted"])]},
            context=context,
        )
    assert "reserved" in refused.value.faultString and "Traceback" not in refused.value.faultString
    try:
        answer = pos(
            "boh.pos.feed",
            "push_sales",
            {"source": setup["source"], "orders": [_order("T4", setup["other"])]},
            context=context,
        )
    except xmlrpc.client.Fault as fault:  # refused whole: the claimed companies are not its own
        assert "Traceback" not in fault.faultString
    else:
        assert [order["status"] for order in answer["orders"]] == ["error"]


@pytest.mark.parametrize("key", ["pos", "sensor"])
@pytest.mark.parametrize(
    ("model", "method", "args"),
    [
        ("res.partner", "search_read", [[]]),
        ("hr.employee", "search_read", [[]]),
        ("stock.quant", "search_read", [[]]),
        ("boh.recipe", "action_recompute_cost", [[]]),
        ("maintenance.request", "action_boh_dispatch", [[]]),
        ("boh.pos.batch", "search_read", [[]]),
    ],
)
def test_integration_keys_reach_nothing_else(setup, key, model, method, args):
    call = setup[key]
    try:
        result = call(model, method, *args)
    except xmlrpc.client.Fault as fault:
        assert "Traceback" not in fault.faultString
        return
    # portal users may read their own contact, never the company's contacts
    assert model == "res.partner" and len(result) <= 2, result


def test_sensor_key_cannot_claim_another_company(setup, odoo):
    company = odoo.call("res.company", "create", {"name": f"Trust Other Co {uuid.uuid4().hex[:4]}"})
    equipment = odoo.call(
        "maintenance.equipment", "create", {"name": "Trust Foreign Fridge", "company_id": company}
    )
    (code,) = odoo.call("maintenance.equipment", "read", [equipment], ["boh_short_code"])
    reading = {
        "equipment": code["boh_short_code"],
        "metric": "temperature_c",
        "value": 3.0,
        "at": "2026-11-25T10:00:00+00:00",
    }
    answer = setup["sensor"](
        "boh.sensor.reading",
        "push_readings",
        [reading],
        context=dict(HOSTILE, allowed_company_ids=[company]),
    )
    assert [r["status"] for r in answer["readings"]] == ["error"]
