"""The one way plain SQL of the suite reads fields Odoo stores as JSONB.

Company-dependent fields (``standard_price``) hold one value per company, translated fields
(``name``) one per language; reading them with ``->>`` by hand misses what the ORM adds
(the fallback language, a company's default, a value set to null). These helpers hand back
the ORM's own SQL for a field, so a hand-written query reads what ``record.field`` reads.
Tested against the ORM in ``boh_inventory/tests/test_orm_reader.py``.
"""

from odoo.tools import SQL


def field_sql(model, alias, fname):
    """The value of ``fname`` in the table aliased ``alias``, as the ORM reads it.

    A company-dependent field is read for ``model.env.company`` (with its default), a
    translated one in ``model.env.lang`` (falling back to English); numbers the ORM shows
    as 0 for "not set" come back as 0 here too. Costing reads fields the user may not see
    (a system computation): the check of field groups is left to the caller.
    """
    model = model.sudo()
    sql = model._field_to_sql(alias, fname)
    if model._fields[fname].type in ("float", "monetary", "integer"):
        return SQL("COALESCE(%s, 0)", sql)
    return sql


def company_field_sql(model, alias, fname, company_sql):
    """A company-dependent number read for the company of each row (``company_sql``, an SQL
    expression of a company id), for SQL views that list several companies at once.

    A view is built once and runs for everybody: a company's own default (``ir.default``)
    is not seen, an unset value is 0 as the ORM shows it.
    """
    field = model._fields[fname]
    if not field.company_dependent or field.type not in ("float", "monetary", "integer"):
        raise ValueError(f"{model._name}.{fname} is not a company-dependent number")
    return SQL(
        "COALESCE((%s -> (%s)::text ->> 0)::%s, 0)",
        SQL.identifier(alias, fname),
        company_sql,
        # the ORM turns numeric into a Python float: float8 gives the same number
        SQL("int4" if field.type == "integer" else "float8"),
    )
