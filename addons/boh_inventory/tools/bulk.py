"""The one bulk writer of the suite: many rows into one table in one ``INSERT``, or over
their rows by id in one ``UPDATE`` (:func:`bulk_update`); and the one batched ``DELETE`` of
the retention jobs (:func:`delete_in_batches`).

For the few tables written by the thousand per call (POS order lines and consumption,
sales facts, sensor readings), where the ORM's per-record work would dominate. Rows are
plain tuples in ``columns`` order; each column travels as one typed array, so the
statement is the same size whatever the number of rows.

The rules, the same for every caller:

* ``False`` means "not set", as for the ORM: it is written as NULL, except in ``bool``
  columns.
* Quantities are rounded by the database to the decimals ``digits`` gives per column
  (half away from zero, as ``float_round`` does). Money is rounded by its currency
  (``currency.round``) before it is passed, as the ORM rounds monetary fields, or, for a
  currency that rounds to a number of decimals, by the database with those decimals (the
  same rounding, without a Python call per value).
* ``audit`` fills ``create_uid``, ``write_uid``, ``create_date`` and ``write_date`` (with
  the transaction's time, or with the clock's when ``clock``).

Table, column and type names are constants of the calling modules, never input.
"""

import math
import re
from datetime import date

from odoo.tools import SQL, float_is_zero

_TYPE = re.compile(r"[a-z][a-z0-9 ]*")


def insert_query(
    table,
    columns,
    rows,
    *,
    uid=None,
    digits=None,
    clock=False,
    on_conflict=None,
    returning=None,
):
    """The ``INSERT ... SELECT FROM unnest(...)`` that writes ``rows`` (see the module doc).

    ``uid`` adds the audit columns (the user written into ``create_uid``/``write_uid``);
    ``on_conflict`` is the text after ``ON CONFLICT`` and ``returning`` the list of columns
    the statement answers, both constants of the caller.
    """
    names = [name for name, _type in columns]
    arrays = _arrays(columns, rows)
    selected = _selected(names, digits)
    targets = [SQL.identifier(name) for name in names]
    if uid is not None:
        now = SQL("clock_timestamp() at time zone 'UTC'" if clock else "now() at time zone 'UTC'")
        targets += [SQL(name) for name in ("create_uid", "write_uid", "create_date", "write_date")]
        selected += [SQL("%s", uid), SQL("%s", uid), now, now]
    return SQL(
        "INSERT INTO %s (%s) SELECT %s FROM unnest(%s) AS t(%s)%s%s",
        SQL.identifier(table),
        SQL(", ").join(targets),
        SQL(", ").join(selected),
        SQL(", ").join(arrays),
        SQL(", ").join(SQL.identifier(name) for name in names),
        SQL(f" ON CONFLICT {on_conflict}") if on_conflict else SQL(),
        SQL(f" RETURNING {returning}") if returning else SQL(),
    )


def update_query(table, columns, rows, *, uid, digits=None):
    """The ``UPDATE ... FROM unnest(...)`` that writes ``rows`` over the rows of ``table``
    with their ids: ``columns`` starts with ``("id", "int")``, each row with the id; the
    other columns are set (rounded and written as :func:`insert_query` does), and
    ``write_uid``/``write_date`` with ``uid`` and the transaction's time."""
    names = [name for name, _type in columns]
    if names[0] != "id":
        raise ValueError(f"the first column of an update is the id, not {names[0]!r}")
    values = _selected(names, digits, prefix="t")
    sets = [
        SQL("%s = %s", SQL.identifier(name), value)
        for name, value in zip(names[1:], values[1:], strict=True)
    ]
    sets += [
        SQL("write_uid = %s", uid),
        SQL("write_date = now() at time zone 'UTC'"),
    ]
    return SQL(
        "UPDATE %s AS r SET %s FROM unnest(%s) AS t(%s) WHERE r.id = t.id",
        SQL.identifier(table),
        SQL(", ").join(sets),
        SQL(", ").join(_arrays(columns, rows)),
        SQL(", ").join(SQL.identifier(name) for name in names),
    )


def _arrays(columns, rows):
    """One typed array per column of ``rows`` (``False`` as NULL but in ``bool`` columns)."""
    values = list(zip(*rows, strict=True)) if rows else [() for _column in columns]
    arrays = []
    for (_name, sql_type), column in zip(columns, values, strict=True):
        if not _TYPE.fullmatch(sql_type):
            raise ValueError(f"not an SQL type: {sql_type!r}")
        if sql_type != "bool":
            column = [None if value is False else value for value in column]
        arrays.append(SQL(f"%s::{sql_type}[]", _array_text(column, sql_type) or list(column)))
    return arrays


def _selected(names, digits, prefix=None):
    """Each column as read from the arrays, rounded by the database where ``digits`` says."""
    digits = digits or {}
    columns = [SQL.identifier(prefix, name) if prefix else SQL.identifier(name) for name in names]
    return [
        SQL("round(%s, %s)", column, int(digits[name])) if name in digits else column
        for name, column in zip(names, columns, strict=True)
    ]


#: How a value of each plain type is written in an array's text, by the SQL types it may
#: fill: what the database reads back exactly (``repr`` of a float is its shortest exact
#: spelling).
_TEXT_OF = {
    int: (str, {"int", "integer", "bigint", "smallint", "numeric", "float8"}),
    float: (repr, {"numeric", "float8"}),
    bool: (lambda value: "t" if value else "f", {"bool"}),
    date: (date.isoformat, {"date"}),
}


def _array_text(column, sql_type):
    """The text of a PostgreSQL array holding ``column``, or ``None`` when a value is not
    of a plain type that fits ``sql_type`` (psycopg2 then adapts the list itself).

    Adapting a list value by value is most of the client's time for large inserts; numbers,
    dates and booleans have a text without quoting, so the array is written as one string.
    """
    spelled = []
    for kind in set(map(type, column)) - {type(None)}:
        text, fits = _TEXT_OF.get(kind, (None, ()))
        if sql_type not in fits or (
            kind is float and not all(math.isfinite(v) for v in column if type(v) is float)
        ):
            return None
        spelled.append((kind, text))
    if len(spelled) == 1 and None not in column:
        return "{" + ",".join(map(spelled[0][1], column)) + "}"
    text_of = dict(spelled)
    return (
        "{"
        + ",".join("NULL" if value is None else text_of[type(value)](value) for value in column)
        + "}"
    )


def bulk_insert(env, table, columns, rows, *, digits=None, audit=True, clock=False, returning=None):
    """Insert ``rows`` into ``table`` in one statement; answer the ``returning`` rows.

    Flushes nothing and invalidates nothing: the caller flushes the model first when
    pending ORM writes could collide, and invalidates what it wrote.
    """
    if not rows:
        return []
    query = insert_query(
        table,
        columns,
        rows,
        uid=env.uid if audit else None,
        digits=digits,
        clock=clock,
        returning=returning,
    )
    env.cr.execute(query)
    return env.cr.fetchall() if returning else []


def bulk_update(env, table, columns, rows, *, digits=None):
    """Update the rows of ``table`` whose ids lead ``rows`` in one statement
    (:func:`update_query`). Flushes and invalidates nothing, as :func:`bulk_insert`."""
    if rows:
        env.cr.execute(update_query(table, columns, rows, uid=env.uid, digits=digits))


def delete_in_batches(env, table, condition, *, batch, limit=None, setting=None):
    """Delete the rows of ``table`` that ``condition`` (an ``SQL`` condition on it) selects,
    ``batch`` rows a statement in the order of their ids, at most ``limit`` in all; answer
    how many. Short statements keep what each one locks and leaves dead small.

    ``setting``: the name of a transaction-local setting turned on around each ``DELETE``
    only (``set_config(..., true)``, a constant of the caller, never input), as the archive
    of sales facts does to tell its trigger. Flushes and invalidates nothing (see
    :func:`bulk_insert`).
    """
    cr, total = env.cr, 0
    while limit is None or total < limit:
        size = batch if limit is None else min(batch, limit - total)
        if setting:
            cr.execute(SQL("SELECT set_config(%s, 'on', true)", setting))
        cr.execute(
            SQL(
                "DELETE FROM %s WHERE id IN (SELECT id FROM %s WHERE %s ORDER BY id LIMIT %s)",
                SQL.identifier(table),
                SQL.identifier(table),
                condition,
                size,
            )
        )
        deleted = cr.rowcount
        if setting:
            cr.execute(SQL("SELECT set_config(%s, 'off', true)", setting))
        total += deleted
        if deleted < size:
            break
    return total


def rounds_to_decimals(currency):
    """Whether ``currency`` rounds to a number of decimals (0.01, 1, 0.001: nearly all do),
    which the database's ``round`` then does as ``currency.round`` would."""
    return float_is_zero(currency.rounding - 10**-currency.decimal_places, precision_digits=12)
