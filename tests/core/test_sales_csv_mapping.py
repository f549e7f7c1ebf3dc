"""The mapping step of a POS export upload: header, suggested columns, chosen columns."""

from __future__ import annotations

import io
from datetime import datetime, timezone

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from boh_core.errors import BohError
from boh_core.sales.csv_import import (
    CSV_FIELDS,
    OPTIONAL_CSV_FIELDS,
    REQUIRED_CSV_FIELDS,
    CsvImportError,
    read_csv_header,
    read_sales_csv,
    suggest_columns,
)
from boh_core.sales.payload import validate_push

NOW = datetime(2026, 11, 26, tzinfo=timezone.utc)
THEIRS = (
    "Store;Ticket;Day;Closed;Line;PLU;Count;Price;Extras;ORDER_REF\n"
    "S1;T-1;2026-11-25;2026-11-25T12:00:00+01:00;1;123;2;9.90;ICE:2;ignored\n"
    "S1;T-1;;;2;456;1;0;;ignored\n"
)
CHOSEN = {
    "location": "Store",
    "order_ref": "Ticket",
    "business_date": "Day",
    "closed_at": "Closed",
    "line_ref": "Line",
    "item_code": "PLU",
    "qty": "Count",
    "unit_price": "Price",
    "modifiers": "Extras",
}


def parse(text: str, **kwargs):
    return read_sales_csv(io.StringIO(text), **kwargs)


def test_field_lists_cover_the_layout():
    assert set(REQUIRED_CSV_FIELDS) | set(OPTIONAL_CSV_FIELDS) == set(CSV_FIELDS)
    assert not set(REQUIRED_CSV_FIELDS) & set(OPTIONAL_CSV_FIELDS)


def test_header_is_read_with_the_guessed_delimiter_and_bom():
    assert read_csv_header("\ufeff Store ;Ticket;Day\nS1;T;D\n") == ["Store", "Ticket", "Day"]
    assert read_csv_header("a\tb\n") == ["a", "b"]
    assert read_csv_header('"x,y",z\n1,2\n') == ["x,y", "z"]
    with pytest.raises(BohError, match="empty"):
        read_csv_header("  \n")
    with pytest.raises(BohError, match="header"):
        read_csv_header(",,\n1,2,3\n")


def test_suggestions_match_names_case_insensitively_first_wins():
    header = ["Order_Ref", "LOCATION", "qty", "Qty", "Ticket", " item_code "]
    assert suggest_columns(header) == {
        "order_ref": 0,
        "location": 1,
        "qty": 2,
        "item_code": 5,
    }


def test_chosen_columns_by_name_or_position_read_only_those():
    (payload,) = parse(THEIRS, source="pos", columns=CHOSEN)
    (order,) = payload["orders"]
    # ORDER_REF would match by name, but the chosen column wins and nothing else is read
    assert order["order_ref"] == "T-1"
    assert order["lines"][0]["modifiers"] == [{"code": "ICE", "qty": 2}]
    assert [ln["item_code"] for ln in order["lines"]] == ["123", "456"]
    by_position = {
        field: THEIRS.split("\n", 1)[0].split(";").index(col) for field, col in CHOSEN.items()
    }
    assert parse(THEIRS, source="pos", columns=by_position) == [payload]
    assert all(r.ok for r in validate_push(payload, now=NOW).results)


def test_optional_fields_left_out_or_empty_are_not_read():
    chosen = dict(CHOSEN, modifiers=None, void="")
    (payload,) = parse(THEIRS, source="pos", columns=chosen)
    assert "modifiers" not in payload["orders"][0]["lines"][0]


def test_missing_required_choice_names_the_field():
    chosen = {k: v for k, v in CHOSEN.items() if k not in ("qty", "closed_at")}
    with pytest.raises(CsvImportError) as info:
        parse(THEIRS, source="pos", columns=chosen)
    fields = [e.field for e in info.value.errors]
    assert fields == ["closed_at", "qty"]
    assert "required field 'qty'" in info.value.errors[1].message


def test_chosen_column_not_in_file_and_unknown_field():
    with pytest.raises(CsvImportError) as info:
        parse(THEIRS, source="pos", columns=dict(CHOSEN, qty="Quantity", table="Store"))
    by_field = {e.field: e for e in info.value.errors}
    assert "'Quantity' chosen for 'qty' is not in the file" in by_field["qty"].message
    assert "'table' is not one of our columns" in by_field["columns"].message
    with pytest.raises(CsvImportError, match="'qty'"):
        parse(THEIRS, source="pos", columns=dict(CHOSEN, qty=42))


def test_columns_and_column_map_are_exclusive():
    with pytest.raises(BohError, match="not both"):
        parse(THEIRS, source="pos", columns=CHOSEN, column_map={"Store": "location"})


@settings(max_examples=100, deadline=None)
@given(
    st.lists(st.text(alphabet="abcXYZ_ ;,\t\"'", max_size=8), min_size=1, max_size=6),
    st.dictionaries(
        st.sampled_from(CSV_FIELDS),
        st.one_of(st.none(), st.integers(-2, 8), st.text(max_size=5)),
        max_size=8,
    ),
)
def test_any_header_and_choice_give_payloads_or_boh_errors(header, chosen):
    text = ",".join(f'"{h}"' for h in header) + "\n" + ",".join("1" for _ in header) + "\n"
    try:
        parsed = read_csv_header(text)
        suggest_columns(parsed)
        parse(text, source="p", columns=chosen)
    except BohError as exc:
        assert exc.message
