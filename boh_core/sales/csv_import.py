"""Read POS exports (CSV or JSON) into ``push_sales`` payloads.

CSV layout: one row per order line, a header row, columns in any order, named as below
(or renamed with ``column_map``, their header -> our field, or chosen one by one with
``columns``, our field -> their header or column position, as the upload wizard's mapping
step does). Cells are stripped.

=================  ========  ==========================================================
column             required  content
=================  ========  ==========================================================
source             no        POS system; rows without it take the ``source`` argument
location           yes       store code
order_ref          yes       the POS's order id
business_date      yes       ``YYYY-MM-DD``
closed_at          yes       ISO 8601 with offset, e.g. ``2026-11-25T12:31:05+08:00``
covers             no        whole number of guests
line_ref           yes       line id, unique within its order
item_code          yes       POS item code
qty                yes       decimal, negative for a refund
unit_price         yes       paid per unit, tax included, after discounts
modifiers          no        ``CODE:qty;CODE:qty`` (``CODE`` alone means qty 1)
void               no        ``1/0``, ``true/false``, ``yes/no``, ``y/n``, ``t/f``; empty = no
restock            no        same as void
parent_line_ref    no        line_ref of the set-meal line this line belongs to
=================  ========  ==========================================================

Rows are grouped into orders by (source, location, order_ref) in order of first
appearance, so the rows of an order need not be adjacent; the order-level cells
(business_date, closed_at, covers) may be left empty on all but one row, but two
different values for one order are an error. Every other required column must be filled
on every row. One payload is returned per source.

This module checks the form of each cell (a number is a number, a flag is a flag) and
reports every problem with its row number (the header is row 1), column and value in one
:class:`CsvImportError`; the rules about the content (dates in range, refs unique...) are
the server's, in :func:`boh_core.sales.payload.validate_push`.
"""

from __future__ import annotations

import csv
import io
import json
import os
import re
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import IO, Any

from boh_core.errors import BohError, msg

#: Our column names, in the documented order.
CSV_FIELDS = (
    "source",
    "location",
    "order_ref",
    "business_date",
    "closed_at",
    "covers",
    "line_ref",
    "item_code",
    "qty",
    "unit_price",
    "modifiers",
    "void",
    "restock",
    "parent_line_ref",
)
#: Columns a CSV file must have (after ``column_map``).
REQUIRED_CSV_FIELDS = (
    "location",
    "order_ref",
    "business_date",
    "closed_at",
    "line_ref",
    "item_code",
    "qty",
    "unit_price",
)
#: Columns a CSV file may have; a row without them takes the default.
OPTIONAL_CSV_FIELDS = tuple(f for f in CSV_FIELDS if f not in REQUIRED_CSV_FIELDS)
#: Most data rows read from one CSV file.
MAX_CSV_ROWS = 1_000_000
#: Most problems listed in one CsvImportError.
MAX_LISTED_ERRORS = 50

_NUMBER = re.compile(r"[+-]?(?:\d+(?:\.\d*)?|\.\d+)")
_INTEGER = re.compile(r"\+?\d+")
_TRUE = {"1", "true", "yes", "y", "t"}
_FALSE = {"", "0", "false", "no", "n", "f"}
_ORDER_FIELDS = ("business_date", "closed_at", "covers")
_LINE_REQUIRED = tuple(f for f in REQUIRED_CSV_FIELDS if f not in _ORDER_FIELDS)


class CsvImportError(BohError):
    """A file could not be read; ``errors`` lists each problem (row, column, value).

    ``str(error)`` is a summary that quotes the first problems, one per line.
    """

    def __init__(self, errors: list[BohError], total: int | None = None):
        total = len(errors) if total is None else total
        shown = [
            msg("sales.csv_import.file.listed", problem=e.detail or e.message) for e in errors[:10]
        ]
        more = msg("sales.csv_import.file.more", more=total - 10) if total > 10 else ""
        if total == 1:
            message = msg("sales.csv_import.file.one_problem", total=total, shown=shown, more=more)
        else:
            message = msg("sales.csv_import.file.problems", total=total, shown=shown, more=more)
        first = errors[0] if errors else BohError("file", "", message)
        super().__init__(first.field, first.value, message)
        self.errors = errors
        self.total = total


class _Errors:
    """Collects problems up to the listing limit, counting the rest."""

    def __init__(self) -> None:
        self.items: list[BohError] = []
        self.total = 0

    def add(self, field: str, value: Any, message: str) -> None:
        self.total += 1
        if len(self.items) < MAX_LISTED_ERRORS:
            self.items.append(BohError(field, value, message))

    def raise_if_any(self) -> None:
        if self.total:
            raise CsvImportError(self.items, self.total)


def _short(value: str, limit: int = 60) -> str:
    return repr(value if len(value) <= limit else value[:limit] + "...")


# --------------------------------------------------------------------------- cells


def _number(text: str) -> int | float:
    """Decimal text to int (no point) or float; raises ValueError on anything else."""
    if not _NUMBER.fullmatch(text) or len(text) > 40:
        raise ValueError(text)
    return int(text) if "." not in text else float(text)


def _flag(text: str) -> bool:
    low = text.lower()
    if low in _TRUE:
        return True
    if low in _FALSE:
        return False
    raise ValueError(text)


def _modifiers(text: str) -> list[dict[str, Any]]:
    """Parse ``CODE:qty;CODE:qty``; raises ValueError naming the bad part."""
    result = []
    for part in text.split(";"):
        part = part.strip()
        if not part:
            continue
        code, sep, qty_text = part.rpartition(":") if ":" in part else (part, "", "")
        code = code.strip()
        if not code:
            raise ValueError(part)
        qty: int | float = 1
        if sep:
            qty = _number(qty_text.strip())
        result.append({"code": code, "qty": qty})
    return result


# --------------------------------------------------------------------------- header


def _resolve_header(
    header: list[str],
    column_map: Mapping[str, str] | None,
    errors: _Errors,
    columns: Mapping[str, str | int] | None = None,
) -> dict[str, int]:
    """Map our field names to column positions, applying ``column_map`` first.

    With ``columns`` (our field -> their header or 0-based position) exactly those columns
    are read and nothing is matched by name.
    """
    if columns is not None:
        return _resolve_columns(header, columns, errors)
    mapping = {str(k).strip(): str(v).strip() for k, v in (column_map or {}).items()}
    for theirs, ours in mapping.items():
        if ours not in CSV_FIELDS:
            errors.add(
                "column_map",
                ours,
                msg(
                    "sales.csv_import.column_map.sends_which_our",
                    theirs=theirs,
                    ours=ours,
                    csv_fields=", ".join(CSV_FIELDS),
                ),
            )
    positions: dict[str, int] = {}
    for pos, raw_name in enumerate(header):
        name = raw_name.strip()
        ours = mapping.get(name)
        if ours is None and name.lower() in CSV_FIELDS and name not in mapping:
            ours = name.lower()
        if ours is None or ours not in CSV_FIELDS:
            continue  # a column we do not use
        if ours in positions:
            errors.add(
                ours,
                name,
                msg(
                    "sales.csv_import.row_columns_both",
                    strip=header[positions[ours]].strip(),
                    name=name,
                    ours=ours,
                ),
            )
            continue
        positions[ours] = pos
    missing = [f for f in REQUIRED_CSV_FIELDS if f not in positions]
    if missing:
        errors.add(
            missing[0],
            "",
            msg("sales.csv_import.row_header_has", missing=", ".join(missing)),
        )
    return positions


def _resolve_columns(
    header: list[str], columns: Mapping[str, str | int], errors: _Errors
) -> dict[str, int]:
    """Positions of the columns chosen field by field (our field -> header or position)."""
    by_name: dict[str, int] = {}
    for pos, raw_name in enumerate(header):
        by_name.setdefault(raw_name.strip(), pos)
    positions: dict[str, int] = {}
    for ours, theirs in columns.items():
        if ours not in CSV_FIELDS:
            errors.add(
                "columns",
                ours,
                msg("sales.csv_import.columns.our", ours=ours, csv_fields=", ".join(CSV_FIELDS)),
            )
            continue
        if theirs is None or theirs == "":
            continue  # not chosen; a required field is reported below
        if isinstance(theirs, int) and not isinstance(theirs, bool):
            pos = theirs if 0 <= theirs < len(header) else None
        else:
            pos = by_name.get(str(theirs).strip())
        if pos is None:
            errors.add(
                ours,
                theirs,
                msg(
                    "sales.csv_import.column_chosen_file",
                    theirs=theirs,
                    ours=ours,
                    value=", ".join(repr(h.strip()) for h in header),
                ),
            )
            continue
        positions[ours] = pos
    for ours in REQUIRED_CSV_FIELDS:
        if ours not in positions and not any(e.field == ours for e in errors.items):
            errors.add(
                ours,
                "",
                msg("sales.csv_import.column_chosen_required", ours=ours),
            )
    return positions


def read_csv_header(text: str, *, delimiter: str | None = None) -> list[str]:
    """The column names of a CSV text's header row, stripped, in file order.

    ``delimiter`` is guessed as :func:`read_sales_csv` does when not given. Raises
    :class:`BohError` when the text has no header row.
    """
    text = text.removeprefix("\ufeff")
    if not text.strip():
        raise BohError("file", "", msg("sales.csv_import.file.empty_needs_header"))
    if delimiter is None:
        delimiter = _sniff_delimiter(text.split("\n", 1)[0])
    try:
        header = next(csv.reader(io.StringIO(text, newline=""), delimiter=delimiter), [])
    except csv.Error as exc:
        raise BohError("file", "", msg("sales.csv_import.file.csv_cannot_read", exc=exc)) from None
    header = [cell.strip() for cell in header]
    if not any(header):
        raise BohError("file", "", msg("sales.csv_import.file.first_row_empty"))
    return header


def suggest_columns(header: Iterable[str]) -> dict[str, int]:
    """Our field -> position of the header cell of the same name (case-insensitive).

    The first cell of a name wins; fields without a matching cell are left out.
    """
    found: dict[str, int] = {}
    for pos, name in enumerate(header):
        key = name.strip().lower()
        if key in CSV_FIELDS:
            found.setdefault(key, pos)
    return found


def _sniff_delimiter(first_line: str) -> str:
    counts = {d: first_line.count(d) for d in (",", ";", "\t", "|")}
    best = max(counts, key=lambda d: counts[d])
    return best if counts[best] else ","


# --------------------------------------------------------------------------- rows


class _Row:
    """One data row being read; ``fail`` records a problem with one of its cells."""

    def __init__(self, rownum: int, cells: dict[str, str], names: dict[str, str], errors: _Errors):
        self.rownum = rownum
        self.cells = cells
        self.names = names
        self.errors = errors
        self.bad = False

    def fail(self, field: str, message: str) -> None:
        self.bad = True
        value = self.cells.get(field, "")
        column = self.names.get(field, field)
        self.errors.add(
            column,
            value,
            msg(
                "sales.csv_import.row_column_value",
                rownum=self.rownum,
                column=column,
                value=_short(value),
                message=message,
            ),
        )

    def line(self) -> dict[str, Any]:
        """The line dict of the contract, from the line-level cells."""
        cells = self.cells
        for name in _LINE_REQUIRED:
            if not cells.get(name):
                self.fail(name, msg("sales.csv_import.empty_column_required"))
        line: dict[str, Any] = {
            "line_ref": cells.get("line_ref", ""),
            "item_code": cells.get("item_code", ""),
        }
        for name in ("qty", "unit_price"):
            if cells.get(name):
                try:
                    line[name] = _number(cells[name])
                except ValueError:
                    self.fail(name, msg("sales.csv_import.number_write_like"))
        for name in ("void", "restock"):
            try:
                line[name] = _flag(cells.get(name, ""))
            except ValueError:
                self.fail(name, msg("sales.csv_import.yes_value_write"))
        if cells.get("modifiers"):
            try:
                line["modifiers"] = _modifiers(cells["modifiers"])
            except ValueError as exc:
                self.fail(
                    "modifiers",
                    msg("sales.csv_import.modifiers.has_bad_part", exc=_short(str(exc))),
                )
        if cells.get("parent_line_ref"):
            line["parent_line_ref"] = cells["parent_line_ref"]
        return line

    def covers(self) -> int | None:
        text = self.cells.get("covers")
        if not text:
            return None
        if _INTEGER.fullmatch(text) and len(text) < 10:
            return int(text)
        self.fail("covers", msg("sales.csv_import.covers.whole_number"))
        return None


class _Grouper:
    """Builds orders from rows, checking that order-level cells agree."""

    def __init__(self, default_source: str | None, errors: _Errors) -> None:
        self.default_source = default_source
        self.errors = errors
        self.orders: dict[tuple[str, str, str], dict[str, Any]] = {}
        self.first_row: dict[tuple[str, ...], int] = {}
        self.names: dict[str, str] = {}

    def add_row(self, rownum: int, cells: dict[str, str], names: dict[str, str]) -> None:
        """Read one data row into its order; problems go to the error list."""
        self.names = names
        row = _Row(rownum, cells, names, self.errors)
        source = cells.get("source") or self.default_source
        if not source:
            row.fail("source", msg("sales.csv_import.source.empty_default_was"))
        line = row.line()
        covers = row.covers()
        if row.bad:
            return
        key = (source, cells["location"], cells["order_ref"])
        order = self.orders.get(key)
        if order is None:
            order = {"order_ref": key[2], "location": key[1], "lines": []}
            self.orders[key] = order
            self.first_row[key] = rownum
        values = {
            "business_date": cells.get("business_date"),
            "closed_at": cells.get("closed_at"),
            "covers": covers,
        }
        for name in _ORDER_FIELDS:
            value = values[name]
            if value in (None, ""):
                continue
            if name not in order:
                order[name] = value
                self.first_row[(*key, name)] = rownum
            elif order[name] != value:
                row.fail(
                    name,
                    msg(
                        "sales.csv_import.differs_from_given",
                        order=order[name],
                        first_row=self.first_row[(*key, name)],
                        name=name,
                    ),
                )
        order["lines"].append(line)

    def payloads(self) -> list[dict[str, Any]]:
        """One payload per source, orders in order of first appearance."""
        by_source: dict[str, list[dict[str, Any]]] = {}
        for key, order in self.orders.items():
            source, location, order_ref = key
            for name in ("business_date", "closed_at"):
                if name not in order:
                    column = self.names.get(name, name)
                    self.errors.add(
                        column,
                        "",
                        msg(
                            "sales.csv_import.row_column_value_2",
                            first_row=self.first_row[key],
                            column=column,
                            order_ref=order_ref,
                            location=location,
                        ),
                    )
            by_source.setdefault(source, []).append(order)
        return [{"source": s, "orders": orders} for s, orders in by_source.items()]


def _open_text(source_file: str | os.PathLike[str] | IO[str]) -> tuple[IO[str], bool]:
    if isinstance(source_file, str | os.PathLike):
        # utf-8-sig drops the byte-order mark spreadsheet programs put in front.
        return open(source_file, encoding="utf-8-sig", newline=""), True
    return source_file, False


def read_sales_csv(
    source_file: str | os.PathLike[str] | IO[str],
    *,
    source: str | None = None,
    column_map: Mapping[str, str] | None = None,
    columns: Mapping[str, str | int] | None = None,
    delimiter: str | None = None,
    max_rows: int = MAX_CSV_ROWS,
) -> list[dict[str, Any]]:
    """Read a POS export CSV (a path or an open text file) into push payloads.

    Returns one ``{"source": ..., "orders": [...]}`` per source, orders in order of first
    appearance. ``source`` is the default for rows without a source cell; ``column_map``
    renames their headers to our fields; ``columns`` instead chooses the column of each of
    our fields (their header name or 0-based position; fields left out or mapped to
    ``None`` are not read, and nothing is matched by name), as a mapping step does;
    ``delimiter`` is guessed from the header row (comma, semicolon, tab or bar) when not
    given. Raises :class:`CsvImportError` listing every problem found (a required field
    without a column names that field), or :class:`BohError` when the file cannot be read.
    """
    if columns is not None and column_map:
        raise BohError("columns", "", msg("sales.csv_import.columns.give_either_column"))
    stream, owned = _open_text(source_file)
    try:
        try:
            text = stream.read()
        except UnicodeDecodeError as exc:
            raise BohError(
                "file", str(source_file), msg("sales.csv_import.file.utf_text", reason=exc.reason)
            ) from None
    finally:
        if owned:
            stream.close()
    text = text.removeprefix("\ufeff")
    if not text.strip():
        raise BohError("file", str(source_file), msg("sales.csv_import.file.empty_needs_header"))
    if delimiter is None:
        delimiter = _sniff_delimiter(text.split("\n", 1)[0])
    return _parse_rows(
        csv.reader(io.StringIO(text, newline=""), delimiter=delimiter),
        source,
        column_map,
        max_rows,
        columns,
    )


def _parse_rows(
    reader: Iterable[list[str]],
    source: str | None,
    column_map: Mapping[str, str] | None,
    max_rows: int,
    columns: Mapping[str, str | int] | None = None,
) -> list[dict[str, Any]]:
    errors = _Errors()
    grouper = _Grouper(source.strip() if source else None, errors)
    rows = iter(reader)
    try:
        header = next(rows)
        positions = _resolve_header(header, column_map, errors, columns)
        errors.raise_if_any()
        names = {ours: header[pos].strip() for ours, pos in positions.items()}
        for rownum, row in enumerate(rows, start=2):
            if rownum - 1 > max_rows:
                errors.add(
                    "file", rownum, msg("sales.csv_import.file.has_more_rows", max_rows=max_rows)
                )
                break
            if not any(cell.strip() for cell in row):
                continue  # blank lines are common at the end of exports
            if len(row) > len(header):
                errors.add(
                    "file",
                    rownum,
                    msg(
                        "sales.csv_import.file.row_has_cells",
                        rownum=rownum,
                        n_row=len(row),
                        n_header=len(header),
                    ),
                )
                continue
            cells = {
                ours: row[pos].strip() if pos < len(row) else "" for ours, pos in positions.items()
            }
            grouper.add_row(rownum, cells, names)
    except csv.Error as exc:
        errors.add("file", "", msg("sales.csv_import.file.csv_cannot_read", exc=exc))
    except StopIteration:
        raise BohError("file", "", msg("sales.csv_import.file.empty_needs_header")) from None
    payloads = grouper.payloads()
    errors.raise_if_any()
    return payloads


# --------------------------------------------------------------------------- JSON


def _refuse_constant(name: str) -> Any:
    raise ValueError(f"{name} is not a number")


def load_sales_json(
    source_file: str | os.PathLike[str] | IO[str], *, source: str | None = None
) -> list[dict[str, Any]]:
    """Read a JSON file holding one payload (``{"source", "orders"}``) or a list of orders.

    A payload's own ``source`` wins over the ``source`` argument, which is required for a
    bare list of orders. Returns a list with one payload; raises :class:`BohError` when
    the file is not JSON of either shape (NaN and Infinity are refused).
    """
    stream, owned = _open_text(source_file)
    try:
        data = json.load(stream, parse_constant=_refuse_constant)
    except (ValueError, UnicodeDecodeError) as exc:
        raise BohError(
            "file", str(source_file), msg("sales.csv_import.file.valid_json", exc=exc)
        ) from None
    finally:
        if owned:
            stream.close()
    if isinstance(data, list):
        orders, file_source = data, None
    elif isinstance(data, dict) and isinstance(data.get("orders"), list):
        orders, file_source = data["orders"], data.get("source")
    else:
        raise BohError(
            "file",
            str(source_file),
            msg("sales.csv_import.file.json_hold_payload"),
        )
    chosen = file_source if file_source not in (None, "") else source
    if chosen in (None, ""):
        raise BohError(
            "source",
            "",
            msg("sales.csv_import.source.json_file_names"),
        )
    payload: dict[str, Any] = {"source": chosen, "orders": orders}
    if isinstance(data, dict) and data.get("batch_id") not in (None, ""):
        payload["batch_id"] = data["batch_id"]
    return [payload]


def load_sales_file(
    path: str | os.PathLike[str],
    *,
    source: str | None = None,
    column_map: Mapping[str, str] | None = None,
) -> list[dict[str, Any]]:
    """Read a ``.csv`` or ``.json`` file into push payloads (see the two readers).

    Other extensions are read as JSON when the first character is ``{`` or ``[``, else as
    CSV.
    """
    suffix = Path(path).suffix.lower()
    if suffix == ".json":
        return load_sales_json(path, source=source)
    if suffix != ".csv":
        with open(path, encoding="utf-8-sig", errors="replace") as fh:
            start = fh.read(256).lstrip()[:1]
        if start in ("{", "["):
            return load_sales_json(path, source=source)
    return read_sales_csv(path, source=source, column_map=column_map)


def load_column_map(path: str | os.PathLike[str]) -> dict[str, str]:
    """Read a column map file: a JSON object {their header: our field}."""
    try:
        with open(path, encoding="utf-8-sig") as fh:
            data = json.load(fh)
    except (OSError, ValueError) as exc:
        raise BohError(
            "map_file",
            str(path),
            msg("sales.csv_import.map_file.column_cannot_read", path=str(path), exc=exc),
        ) from None
    if not isinstance(data, dict) or not all(
        isinstance(k, str) and isinstance(v, str) for k, v in data.items()
    ):
        raise BohError(
            "map_file",
            str(path),
            msg("sales.csv_import.map_file.column_json_object", path=str(path)),
        )
    bad = [v for v in data.values() if v not in CSV_FIELDS]
    if bad:
        raise BohError(
            "map_file",
            bad[0],
            msg(
                "sales.csv_import.map_file.column_names_which",
                path=str(path),
                bad=bad[0],
                csv_fields=", ".join(CSV_FIELDS),
            ),
        )
    return data


__all__ = [
    "CSV_FIELDS",
    "MAX_CSV_ROWS",
    "OPTIONAL_CSV_FIELDS",
    "REQUIRED_CSV_FIELDS",
    "CsvImportError",
    "load_column_map",
    "load_sales_file",
    "load_sales_json",
    "read_csv_header",
    "read_sales_csv",
    "suggest_columns",
]
