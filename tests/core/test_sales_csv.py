"""POS export CSV and JSON files into push_sales payloads."""

from __future__ import annotations

import io
import json
from datetime import datetime, timezone

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from boh_core.errors import BohError
from boh_core.sales.csv_import import (
    CsvImportError,
    load_column_map,
    load_sales_file,
    load_sales_json,
    read_sales_csv,
)
from boh_core.sales.payload import validate_push

HEADER = (
    "location,order_ref,business_date,closed_at,covers,line_ref,item_code,qty,unit_price,"
    "modifiers,void,restock,parent_line_ref\n"
)
ROWS = (
    "STORE1,A-1001,2026-11-25,2026-11-25T12:31:05+08:00,2,1,BURGER,2,12.50,"
    "EXTRA_CHEESE:1;NO_ONION,0,,\n"
    "STORE1,A-1001,,,,2,SET_A,1,30,,,,\n"
    "STORE1,A-1001,,,,3,RICE,1,0,,,,2\n"
    "STORE2,B-7,2026-11-25,2026-11-25T13:00:00+08:00,,1,WINE,-1,40,,false,yes,\n"
)
NOW = datetime(2026, 11, 26, tzinfo=timezone.utc)


def parse(text: str, **kwargs):
    return read_sales_csv(io.StringIO(text), **kwargs)


def test_rows_grouped_into_orders_of_the_contract():
    (payload,) = parse(HEADER + ROWS, source="toast-eu-1")
    assert payload["source"] == "toast-eu-1"
    first, second = payload["orders"]
    assert first == {
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
                "void": False,
                "restock": False,
                "modifiers": [{"code": "EXTRA_CHEESE", "qty": 1}, {"code": "NO_ONION", "qty": 1}],
            },
            {
                "line_ref": "2",
                "item_code": "SET_A",
                "qty": 1,
                "unit_price": 30,
                "void": False,
                "restock": False,
            },
            {
                "line_ref": "3",
                "item_code": "RICE",
                "qty": 1,
                "unit_price": 0,
                "void": False,
                "restock": False,
                "parent_line_ref": "2",
            },
        ],
    }
    assert second["lines"][0]["qty"] == -1 and second["lines"][0]["restock"] is True
    assert "covers" not in second
    # What the importer makes, the server accepts.
    result = validate_push(payload, now=NOW)
    assert all(r.ok for r in result.results)


def test_rows_of_an_order_need_not_be_adjacent_and_sources_split_payloads():
    text = (
        "source,"
        + HEADER
        + "pos-a,S1,A,2026-11-25,2026-11-25T12:00:00Z,,1,X,1,1,,,,\n"
        + "pos-b,S1,A,2026-11-25,2026-11-25T12:00:00Z,,1,X,1,1,,,,\n"
        + "pos-a,S1,B,2026-11-25,2026-11-25T12:00:00Z,,1,X,1,1,,,,\n"
        + "pos-a,S1,A,,,,2,Y,1,1,,,,\n"
        + ",S1,C,2026-11-25,2026-11-25T12:00:00Z,,1,X,1,1,,,,\n"
    )
    payloads = parse(text, source="pos-a")
    assert [p["source"] for p in payloads] == ["pos-a", "pos-b"]
    assert [o["order_ref"] for o in payloads[0]["orders"]] == ["A", "B", "C"]
    assert [ln["line_ref"] for ln in payloads[0]["orders"][0]["lines"]] == ["1", "2"]


def test_column_map_semicolons_and_bom():
    text = (
        "\ufeffStore;Ticket;Day;Closed;Line;PLU;Count;Price;Extra\n"
        "S1;T-1;2026-11-25;2026-11-25T12:00:00+01:00;1;123;1;9.90;ICE:2\n"
    )
    mapping = {
        "Store": "location",
        "Ticket": "order_ref",
        "Day": "business_date",
        "Closed": "closed_at",
        "Line": "line_ref",
        "PLU": "item_code",
        "Count": "qty",
        "Price": "unit_price",
    }
    (payload,) = parse(text, source="pos", column_map=mapping)
    line = payload["orders"][0]["lines"][0]
    assert line == {
        "line_ref": "1",
        "item_code": "123",
        "qty": 1,
        "unit_price": 9.9,
        "void": False,
        "restock": False,
    }


def test_errors_name_row_column_and_value_all_at_once():
    text = HEADER + (
        "S1,A,2026-11-25,2026-11-25T12:00:00Z,two,1,X,abc,1,,maybe,,\n"
        "S1,A,2026-11-26,2026-11-25T12:00:00Z,,2,X,1,,,,,\n"
        "S1,B,2026-11-25,2026-11-25T12:00:00Z,,1,X,1,1,CHEESE:lots,,,\n"
    )
    with pytest.raises(CsvImportError) as info:
        parse(text, source="pos")
    messages = [e.message for e in info.value.errors]
    assert "Row 2, column 'covers': value 'two' is not a whole number." in messages
    assert any(m.startswith("Row 2, column 'qty': value 'abc' is not a number") for m in messages)
    assert any(m.startswith("Row 2, column 'void': value 'maybe'") for m in messages)
    assert any(m.startswith("Row 3, column 'unit_price': value '' is empty") for m in messages)
    assert any(m.startswith("Row 4, column 'modifiers': value 'CHEESE:lots'") for m in messages)
    assert info.value.total == 5
    assert "5 problems" in str(info.value)


def test_conflicting_order_level_values_are_errors():
    text = HEADER + (
        "S1,A,2026-11-25,2026-11-25T12:00:00Z,2,1,X,1,1,,,,\n"
        "S1,A,2026-11-26,2026-11-25T12:00:00Z,3,2,X,1,1,,,,\n"
    )
    with pytest.raises(CsvImportError) as info:
        parse(text, source="pos")
    messages = [e.message for e in info.value.errors]
    assert any("Row 3, column 'business_date'" in m and "row 2" in m for m in messages)
    assert any("Row 3, column 'covers'" in m for m in messages)


def test_errors_use_their_header_names():
    text = "Store,Ticket,business_date,closed_at,line_ref,item_code,qty,unit_price\n"
    text += "S1,T,2026-11-25,2026-11-25T12:00:00Z,1,X,NaN,1\n"
    with pytest.raises(CsvImportError) as info:
        parse(text, source="pos", column_map={"Store": "location", "Ticket": "order_ref"})
    (err,) = info.value.errors
    assert err.field == "qty" and err.value == "NaN" and "Row 2" in err.message


def test_missing_columns_and_source():
    with pytest.raises(CsvImportError) as info:
        parse("location,order_ref\nS1,A\n", source="pos")
    assert "business_date" in info.value.errors[0].message
    with pytest.raises(CsvImportError) as info:
        parse(HEADER + ROWS)
    assert "--source" in info.value.errors[0].message


def test_bad_column_map_and_duplicate_columns():
    with pytest.raises(CsvImportError, match="not one of our columns"):
        parse(HEADER + ROWS, source="p", column_map={"Store": "store"})
    with pytest.raises(CsvImportError, match="both give 'location'"):
        parse(
            "Loc," + HEADER + "S," + ROWS.splitlines()[0] + "\n",
            source="p",
            column_map={"Loc": "location"},
        )


def test_extra_cells_empty_file_and_blank_lines():
    with pytest.raises(CsvImportError, match="Row 2 has 14 cells"):
        parse(HEADER + ROWS.splitlines()[0] + ",extra\n", source="p")
    with pytest.raises(BohError, match="empty"):
        parse("", source="p")
    (payload,) = parse(HEADER + "\n" + ROWS + ",,,,\n\n", source="p")
    assert len(payload["orders"]) == 2


def test_error_list_is_capped():
    text = HEADER + "S1,A,2026-11-25,2026-11-25T12:00:00Z,,1,X,bad,1,,,,\n" * 200
    with pytest.raises(CsvImportError) as info:
        parse(text, source="p")
    assert info.value.total == 200 and len(info.value.errors) == 50
    assert "190 more problems" in str(info.value)


def test_max_rows():
    with pytest.raises(CsvImportError, match="more than 2 rows"):
        parse(HEADER + ROWS, source="p", max_rows=2)


def test_json_payload_and_list_of_orders(tmp_path):
    (csv_payload,) = parse(HEADER + ROWS, source="toast")
    path = tmp_path / "push.json"
    path.write_text(
        json.dumps({"source": "toast", "batch_id": "b1", "orders": csv_payload["orders"]})
    )
    (payload,) = load_sales_json(path, source="ignored")
    assert payload["source"] == "toast" and payload["batch_id"] == "b1"
    assert payload["orders"] == csv_payload["orders"]
    path.write_text(json.dumps(csv_payload["orders"]))
    (payload,) = load_sales_file(path, source="pos-x")
    assert payload["source"] == "pos-x" and len(payload["orders"]) == 2
    with pytest.raises(BohError, match="names no source"):
        load_sales_json(path)


@pytest.mark.parametrize("text", ["{not json", "[1, NaN]", '{"orders": 5}', '"hello"'])
def test_bad_json_files(tmp_path, text):
    path = tmp_path / "x.json"
    path.write_text(text)
    with pytest.raises(BohError):
        load_sales_json(path, source="p")


def test_load_sales_file_dispatch(tmp_path):
    csv_path = tmp_path / "export.txt"
    csv_path.write_text(HEADER + ROWS)
    assert len(load_sales_file(csv_path, source="p")[0]["orders"]) == 2
    json_path = tmp_path / "export.dat"
    json_path.write_text(json.dumps({"source": "p", "orders": []}))
    assert load_sales_file(json_path) == [{"source": "p", "orders": []}]


def test_load_column_map(tmp_path):
    path = tmp_path / "map.json"
    path.write_text(json.dumps({"Ticket": "order_ref"}))
    assert load_column_map(path) == {"Ticket": "order_ref"}
    path.write_text(json.dumps({"Ticket": "ticket"}))
    with pytest.raises(BohError, match="not one of our columns"):
        load_column_map(path)
    path.write_text("[1]")
    with pytest.raises(BohError, match="JSON object"):
        load_column_map(path)


cell = st.text(alphabet=st.characters(blacklist_categories=("Cs",)), max_size=12)


@settings(max_examples=150, deadline=None)
@given(st.lists(st.lists(cell, min_size=0, max_size=15), max_size=6))
def test_csv_garbage_gives_payloads_or_boh_errors(rows):
    buf = io.StringIO()
    import csv

    writer = csv.writer(buf)
    writer.writerow(HEADER.strip().split(","))
    writer.writerows(rows)
    try:
        payloads = parse(buf.getvalue(), source="p")
    except BohError as exc:
        assert exc.message
        return
    for payload in payloads:
        validate_push(payload, now=NOW)  # never raises either
