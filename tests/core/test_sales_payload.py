"""validate_push and order_fingerprint: the contract of boh.pos.feed.push_sales."""

from __future__ import annotations

import copy
import json
import string
import xmlrpc.client
from datetime import date, datetime, timedelta, timezone
from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from boh_core.errors import BohError
from boh_core.sales.payload import (
    MAX_ISSUES_PER_ORDER,
    Order,
    order_fingerprint,
    validate_push,
)

NOW = datetime(2026, 11, 26, 0, 0, tzinfo=timezone.utc)


def example_payload() -> dict:
    return {
        "source": "toast-eu-1",
        "batch_id": "2026-11-25T10:00:00Z-0042",
        "orders": [
            {
                "order_ref": "A-1001",
                "location": "STORE1",
                "business_date": "2026-11-25",
                "closed_at": "2026-11-25T12:31:05+08:00",
                "covers": 2,
                "lines": [
                    {
                        "line_ref": "1",
                        "item_code": "BURGER",
                        "qty": 2,
                        "unit_price": 12.5,
                        "modifiers": [{"code": "EXTRA_CHEESE", "qty": 1}],
                        "void": False,
                    },
                    {"line_ref": "2", "item_code": "SET_A", "qty": 1, "unit_price": 30},
                    {
                        "line_ref": "3",
                        "item_code": "RICE",
                        "qty": 1,
                        "unit_price": 0,
                        "parent_line_ref": "2",
                    },
                ],
            }
        ],
    }


def one_order(**changes) -> dict:
    order = copy.deepcopy(example_payload()["orders"][0])
    order.update(changes)
    return order


def issues_of(order: dict, **kwargs) -> list:
    result = validate_push({"source": "pos", "orders": [order]}, now=NOW, **kwargs)
    assert result.error is None
    (res,) = result.results
    assert res.order is None, "expected the order to be refused"
    return list(res.issues)


def fields_of(order: dict, **kwargs) -> set[tuple[str, str]]:
    return {(i.line_ref, i.field) for i in issues_of(order, **kwargs)}


def normalized(order: dict) -> Order:
    result = validate_push({"source": "pos", "orders": [order]}, now=NOW)
    (res,) = result.results
    assert res.issues == ()
    return res.order


# --------------------------------------------------------------------------- valid input


def test_contract_example_normalizes_to_typed_order():
    result = validate_push(example_payload(), now=NOW)
    assert result.ok and result.source == "toast-eu-1"
    assert result.batch_id == "2026-11-25T10:00:00Z-0042"
    (order,) = result.orders
    assert order.key == ("toast-eu-1", "STORE1", "A-1001")
    assert order.business_date == date(2026, 11, 25)
    assert order.closed_at == datetime(2026, 11, 25, 4, 31, 5, tzinfo=timezone.utc)
    assert order.closed_at.utcoffset() == timedelta(hours=8)
    assert order.covers == 2
    burger, set_a, rice = order.lines
    assert burger.qty == Decimal("2") and burger.unit_price == Decimal("12.5")
    assert isinstance(burger.qty, Decimal)
    assert burger.modifiers[0].code == "EXTRA_CHEESE" and burger.modifiers[0].qty == 1
    assert isinstance(burger.modifiers, tuple)
    assert rice.parent_line_ref == "2" and set_a.parent_line_ref is None
    assert not burger.void and not burger.restock


def test_refs_are_stripped_and_integers_accepted():
    order = one_order(order_ref="  A-1001 ", location=17)
    order["lines"][0]["line_ref"] = 1
    order["lines"][0]["item_code"] = " BURGER\t"
    got = normalized(order)
    assert got.order_ref == "A-1001" and got.location == "17"
    assert got.lines[0].line_ref == "1" and got.lines[0].item_code == "BURGER"


def test_numbers_as_decimal_strings_and_rounding():
    order = one_order()
    order["lines"][0]["qty"] = "0.5"
    order["lines"][0]["unit_price"] = 10 / 3  # a per-unit price after a "3 for 10" deal
    line = normalized(order).lines[0]
    assert line.qty == Decimal("0.500")
    assert line.unit_price == Decimal("3.3333")


def test_refund_with_restock_and_void_lines_are_valid():
    order = one_order()
    order["lines"][0].update(qty=-1, restock=True)
    order["lines"][1].update(qty=-1)
    order["lines"][2].update(qty=-1, void=True)
    lines = normalized(order).lines
    assert lines[0].is_refund and lines[0].restock
    assert lines[2].void


def test_optional_fields_default():
    order = one_order()
    del order["covers"]
    for line in order["lines"]:
        line.pop("void", None)
        line.pop("modifiers", None)
    got = normalized(order)
    assert got.covers == 0
    assert all(ln.modifiers == () and not ln.void for ln in got.lines)


def test_closed_at_in_utc_with_z_and_business_day_after_midnight():
    got = normalized(one_order(closed_at="2026-11-26T01:10Z", business_date="2026-11-25"))
    assert got.closed_at == datetime(2026, 11, 26, 1, 10, tzinfo=timezone.utc)


def test_good_orders_of_a_batch_go_through_next_to_a_bad_one():
    payload = example_payload()
    bad = one_order(order_ref="A-1002", covers=-3)
    good = one_order(order_ref="A-1003")
    payload["orders"] += [bad, good]
    result = validate_push(payload, now=NOW)
    assert [r.ok for r in result.results] == [True, False, True]
    assert [r.order_ref for r in result.results] == ["A-1001", "A-1002", "A-1003"]
    assert [o.order_ref for o in result.orders] == ["A-1001", "A-1003"]


def test_empty_orders_list_is_accepted():
    result = validate_push({"source": "pos", "orders": []}, now=NOW)
    assert result.ok and result.results == ()


# --------------------------------------------------------------------------- bad input


@pytest.mark.parametrize(
    "payload, field",
    [
        ([], "payload"),
        ("orders", "payload"),
        (None, "payload"),
        ({"orders": []}, "source"),
        ({"source": "  ", "orders": []}, "source"),
        ({"source": True, "orders": []}, "source"),
        ({"source": "x" * 10_000, "orders": []}, "source"),
        ({"source": "pos"}, "orders"),
        ({"source": "pos", "orders": {"a": 1}}, "orders"),
        ({"source": "pos", "orders": [], "batch_id": ["x"]}, "batch_id"),
    ],
)
def test_whole_payload_errors(payload, field):
    result = validate_push(payload, now=NOW)
    assert not result.ok and result.results == ()
    assert isinstance(result.error, BohError)
    assert result.error.field == field
    assert field in result.error.message or "payload" in result.error.message
    assert len(str(result.error)) < 400
    json.dumps(result.error.as_dict())


def test_too_many_orders_is_a_whole_payload_error():
    result = validate_push({"source": "pos", "orders": [{}] * 4}, max_orders=3, now=NOW)
    assert result.error.field == "orders"
    assert "4" in result.error.message and "3" in result.error.message


@pytest.mark.parametrize(
    "changes, expected",
    [
        ({"order_ref": ""}, ("", "order_ref")),
        ({"order_ref": None}, ("", "order_ref")),
        ({"location": 1.5}, ("", "location")),
        ({"location": "ST\x00RE"}, ("", "location")),
        ({"business_date": "2026-02-30"}, ("", "business_date")),
        ({"business_date": "25/11/2026"}, ("", "business_date")),
        ({"business_date": "1999-12-31", "closed_at": "1999-12-31T12:00:00+00:00"}, None),
        ({"business_date": "2026-11-15"}, ("", "business_date")),
        ({"closed_at": "2026-11-25T12:31:05"}, ("", "closed_at")),
        ({"closed_at": "2026-11-25T25:31:05+08:00"}, ("", "closed_at")),
        ({"closed_at": "2026-11-25T12:31:05+15:00"}, ("", "closed_at")),
        ({"closed_at": 1764045065}, ("", "closed_at")),
        ({"closed_at": "2027-01-01T00:00:00+00:00", "business_date": "2027-01-01"}, None),
        ({"covers": -1}, ("", "covers")),
        ({"covers": 2.5}, ("", "covers")),
        ({"covers": True}, ("", "covers")),
        ({"covers": 10**5000}, ("", "covers")),
        ({"lines": []}, ("", "lines")),
        ({"lines": "BURGER"}, ("", "lines")),
    ],
)
def test_order_level_problems_are_named(changes, expected):
    found = fields_of(one_order(**changes))
    if expected is None:  # out of range dates: both fields are named
        assert ("", "business_date") in found and ("", "closed_at") in found
    else:
        assert expected in found


@pytest.mark.parametrize(
    "changes, field",
    [
        ({"qty": 1e12}, "qty"),
        ({"qty": float("nan")}, "qty"),
        ({"qty": float("inf")}, "qty"),
        ({"qty": 0}, "qty"),
        ({"qty": 0.0001}, "qty"),
        ({"qty": True}, "qty"),
        ({"qty": "2 units"}, "qty"),
        ({"qty": "1e3"}, "qty"),
        ({"qty": 10**5000}, "qty"),
        ({"unit_price": -1}, "unit_price"),
        ({"unit_price": None}, "unit_price"),
        ({"unit_price": 1e300}, "unit_price"),
        ({"item_code": ""}, "item_code"),
        ({"item_code": "X" * 1_000_000}, "item_code"),
        ({"item_code": {"code": "X"}}, "item_code"),
        ({"void": "yes"}, "void"),
        ({"restock": True}, "restock"),
        ({"modifiers": "EXTRA_CHEESE"}, "modifiers"),
        ({"modifiers": ["EXTRA_CHEESE"]}, "modifiers"),
        ({"modifiers": [{"code": "", "qty": 1}]}, "modifiers.code"),
        ({"modifiers": [{"code": "X", "qty": 0}]}, "modifiers.qty"),
        ({"modifiers": [{"code": "X", "qty": 1e9}]}, "modifiers.qty"),
        ({"modifiers": [{"code": "X"}] * 51}, "modifiers"),
        ({"parent_line_ref": "9"}, "parent_line_ref"),
        ({"parent_line_ref": "1"}, "parent_line_ref"),
    ],
)
def test_line_level_problems_are_named_with_the_line_ref(changes, field):
    order = one_order()
    order["lines"][0].update(changes)
    issues = issues_of(order)
    assert ("1", field) in {(i.line_ref, i.field) for i in issues}
    for issue in issues:
        assert issue.message.endswith(".") and len(issue.message) < 500
        # Names the line and the field (the field name is in the sentence).
        assert "Line '1'" in issue.message or issue.line_ref == ""


def test_every_problem_of_an_order_is_listed_together():
    order = one_order(covers="two", business_date="2026-13-01")
    order["lines"][0]["qty"] = "many"
    order["lines"][1]["unit_price"] = float("nan")
    order["lines"][2]["item_code"] = None
    found = fields_of(order)
    assert found == {
        ("", "covers"),
        ("", "business_date"),
        ("1", "qty"),
        ("2", "unit_price"),
        ("3", "item_code"),
    }


def test_messages_name_field_and_value_without_echoing_huge_input():
    order = one_order()
    order["lines"][0]["item_code"] = "Z" * 100_000
    (issue,) = issues_of(order)
    assert "item_code" in issue.message and "'ZZZZ" in issue.message
    assert "100000 characters" in issue.message and len(issue.message) < 400


def test_line_without_usable_ref_uses_empty_line_ref_and_position():
    order = one_order()
    order["lines"][1]["line_ref"] = "   "
    (issue,) = issues_of(order)
    assert issue.line_ref == "" and issue.field == "line_ref"
    assert "position 2" in issue.message


def test_duplicate_line_ref_is_an_error():
    order = one_order()
    order["lines"][1]["line_ref"] = "1"
    order["lines"][2]["parent_line_ref"] = "1"
    assert ("1", "line_ref") in fields_of(order)


def test_set_meals_are_one_level_deep_and_share_the_sign():
    order = one_order()
    order["lines"].append(
        {"line_ref": "4", "item_code": "SAUCE", "qty": 1, "unit_price": 0, "parent_line_ref": "3"}
    )
    assert fields_of(order) == {("4", "parent_line_ref")}
    order = one_order()
    order["lines"][2]["qty"] = -1
    assert fields_of(order) == {("3", "qty")}


def test_too_many_lines():
    order = one_order()
    assert fields_of(order, max_lines_per_order=2) == {("", "lines")}


def test_duplicate_order_key_in_one_batch_refuses_the_second():
    payload = {"source": "pos", "orders": [one_order(), one_order(), one_order(location="S2")]}
    result = validate_push(payload, now=NOW)
    assert [r.ok for r in result.results] == [True, False, True]
    (issue,) = result.results[1].issues
    assert issue.field == "order_ref" and "more than once" in issue.message


def test_issue_list_is_capped_with_a_count_of_the_rest():
    order = one_order()
    order["lines"] = [
        {"line_ref": str(i), "item_code": "", "qty": "x", "unit_price": -1} for i in range(200)
    ]
    issues = issues_of(order)
    assert len(issues) == MAX_ISSUES_PER_ORDER
    assert "more problems" in issues[-1].message


def test_order_ref_is_reported_even_for_a_broken_order():
    result = validate_push({"source": "pos", "orders": [{"order_ref": " B-7 "}, 5]}, now=NOW)
    assert [r.order_ref for r in result.results] == ["B-7", ""]
    assert result.results[1].issues[0].field == "order"


# --------------------------------------------------------------------------- hypothesis

scalars = (
    st.none()
    | st.booleans()
    | st.integers()
    | st.integers(min_value=10**20, max_value=10**6000)
    | st.floats(allow_nan=True, allow_infinity=True)
    | st.text(max_size=30)
    | st.sampled_from(["", " ", "2026-11-25", "2026-11-25T12:31:05+08:00", "1", "-1", "1e12"])
)
junk = st.recursive(
    scalars,
    lambda children: (
        st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=12), children, max_size=4)
    ),
    max_leaves=25,
)


def maybe(valid, default=junk):
    return st.one_of(valid, default)


junk_line = st.fixed_dictionaries(
    {},
    optional={
        "line_ref": maybe(st.sampled_from(["1", "2", 3])),
        "item_code": maybe(st.just("BURGER")),
        "qty": maybe(st.sampled_from([1, -2, 0.5, "3"])),
        "unit_price": maybe(st.sampled_from([0, 12.5, "9.90"])),
        "modifiers": maybe(st.just([{"code": "X", "qty": 1}])),
        "void": maybe(st.booleans()),
        "restock": maybe(st.booleans()),
        "parent_line_ref": maybe(st.sampled_from(["1", "2", None])),
    },
)
junk_order = st.fixed_dictionaries(
    {},
    optional={
        "order_ref": maybe(st.sampled_from(["A-1", "A-2"])),
        "location": maybe(st.just("STORE1")),
        "business_date": maybe(st.just("2026-11-25")),
        "closed_at": maybe(st.just("2026-11-25T12:31:05+08:00")),
        "covers": maybe(st.integers(0, 10)),
        "lines": maybe(st.lists(maybe(junk_line), max_size=4)),
    },
)
junk_payload = junk | st.fixed_dictionaries(
    {},
    optional={
        "source": maybe(st.just("pos")),
        "batch_id": junk,
        "orders": maybe(st.lists(maybe(junk_order), max_size=4)),
    },
)


@settings(max_examples=300, deadline=None)
@given(junk_payload)
def test_garbage_never_raises_and_answers_are_marshallable(payload):
    result = validate_push(payload, now=NOW)
    if result.error is not None:
        assert isinstance(result.error, BohError)
        assert result.results == ()
        assert result.error.message
        xmlrpc.client.dumps((result.error.as_dict(),), allow_none=True)
        return
    assert len(result.results) == len(payload["orders"])
    for res in result.results:
        assert (res.order is None) == bool(res.issues)
        answer = {"order_ref": res.order_ref, "errors": [i.as_dict() for i in res.issues]}
        xmlrpc.client.dumps((answer,), allow_none=True)
        for issue in res.issues:
            assert issue.field and issue.message and len(issue.message) < 1000
        if res.order is not None:
            assert len(order_fingerprint(res.order)) == 64


ref_text = st.text(alphabet=string.ascii_uppercase + string.digits + "-_", min_size=1, max_size=12)
qtys = st.decimals(min_value=-500, max_value=500, places=3).filter(lambda d: d != 0)
prices = st.decimals(min_value=0, max_value=10_000, places=2)


@st.composite
def valid_orders(draw):
    business_date = draw(st.dates(date(2001, 1, 1), date(2026, 11, 1)))
    offset = timedelta(minutes=15 * draw(st.integers(-12 * 4, 14 * 4)))
    local = datetime.combine(business_date, datetime.min.time()) + timedelta(
        minutes=draw(st.integers(6 * 60, 29 * 60))
    )
    closed_at = local.replace(tzinfo=timezone(offset))
    lines = []
    refs = draw(st.lists(ref_text, min_size=1, max_size=8, unique=True))
    for ref in refs:
        qty = draw(qtys)
        lines.append(
            {
                "line_ref": ref,
                "item_code": draw(ref_text),
                "qty": qty,
                "unit_price": draw(prices),
                "modifiers": [
                    {"code": code, "qty": draw(st.integers(1, 5))}
                    for code in draw(st.lists(ref_text, max_size=3))
                ],
                "void": draw(st.booleans()),
                "restock": qty < 0 and draw(st.booleans()),
            }
        )
    return {
        "order_ref": draw(ref_text),
        "location": draw(ref_text),
        "business_date": business_date.isoformat(),
        "closed_at": closed_at.isoformat(),
        "covers": draw(st.integers(0, 50)),
        "lines": lines,
    }


def as_wire(order: dict, number_style: str) -> dict:
    """The order as a sender would put it on the wire: numbers as float, int or text."""
    out = copy.deepcopy(order)
    for line in out["lines"]:
        for name in ("qty", "unit_price"):
            value = line[name]
            if number_style == "float":
                line[name] = float(value)
            elif number_style == "text":
                line[name] = str(value)
            else:
                line[name] = int(value) if value == int(value) else float(value)
    return out


@settings(max_examples=150, deadline=None)
@given(valid_orders(), st.sampled_from(["float", "text", "int"]))
def test_valid_orders_normalize_to_what_was_sent(order, number_style):
    got = normalized(as_wire(order, number_style))
    assert got.order_ref == order["order_ref"] and got.location == order["location"]
    assert got.business_date.isoformat() == order["business_date"]
    assert got.closed_at == datetime.fromisoformat(order["closed_at"])
    assert got.covers == order["covers"]
    for line, sent in zip(got.lines, order["lines"], strict=True):
        assert line.qty == sent["qty"] and line.unit_price == sent["unit_price"]
        assert line.void == sent["void"] and line.restock == sent["restock"]
        assert [m.code for m in line.modifiers] == [m["code"] for m in sent["modifiers"]]


@settings(max_examples=150, deadline=None)
@given(valid_orders(), st.randoms(use_true_random=False))
def test_fingerprint_ignores_formatting_and_ordering(order, rnd):
    base = order_fingerprint(normalized(as_wire(order, "float")))
    reshuffled = as_wire(order, rnd.choice(["text", "int"]))
    rnd.shuffle(reshuffled["lines"])
    for line in reshuffled["lines"]:
        rnd.shuffle(line["modifiers"])
    reshuffled = {k: reshuffled[k] for k in rnd.sample(list(reshuffled), len(reshuffled))}
    closed = datetime.fromisoformat(order["closed_at"])
    reshuffled["closed_at"] = closed.astimezone(timezone.utc).isoformat()
    assert order_fingerprint(normalized(reshuffled)) == base


@settings(max_examples=100, deadline=None)
@given(valid_orders(), st.integers(0, 7))
def test_fingerprint_changes_when_content_changes(order, which):
    base = order_fingerprint(normalized(as_wire(order, "float")))
    changed = as_wire(order, "float")
    line = changed["lines"][which % len(changed["lines"])]
    if line["qty"] < 0:
        line["restock"] = False
    line["qty"] = line["qty"] + (1 if line["qty"] != -1 else 2)
    assert order_fingerprint(normalized(changed)) != base


def test_fingerprint_examples():
    base = order_fingerprint(normalized(one_order()))
    same = one_order()
    same["lines"][0]["qty"] = 2.0
    same["lines"][0]["unit_price"] = "12.50"
    same["closed_at"] = "2026-11-25T04:31:05Z"
    assert order_fingerprint(normalized(same)) == base
    for change in (
        {"covers": 3},
        {"business_date": "2026-11-24"},
        {"closed_at": "2026-11-25T12:31:06+08:00"},
    ):
        assert order_fingerprint(normalized(one_order(**change))) != base
    modified = one_order()
    modified["lines"][0]["modifiers"][0]["qty"] = 2
    assert order_fingerprint(normalized(modified)) != base
    voided = one_order()
    voided["lines"][0]["void"] = True
    assert order_fingerprint(normalized(voided)) != base
