from odoo import api, fields, models
from odoo.tools import SQL

#: The key of a daily row, and the sums it keeps of the facts with that key.
KEY = ("company_id", "warehouse_id", "product_id", "date")
SUMS = ("qty", "revenue", "covers", "component_qty", "component_revenue", "component_count")

#: One PostgreSQL function per statement kind on ``boh_sales_fact``, each reading the rows the
#: statement touched from its transition tables (``new_facts``, ``old_facts``).
TRIGGERS = {
    "insert": ("INSERT", "REFERENCING NEW TABLE AS new_facts"),
    "update": ("UPDATE", "REFERENCING OLD TABLE AS old_facts NEW TABLE AS new_facts"),
    "delete": ("DELETE", "REFERENCING OLD TABLE AS old_facts"),
}


def _delta_sql(sources):
    """The net change per key of the rows in ``sources`` (``{transition table: sign}``)."""
    keys = ", ".join(KEY)
    parts = " UNION ALL ".join(
        f"SELECT {keys}, {sign} * coalesce(qty, 0) AS qty, {sign} * coalesce(revenue, 0) "
        f"AS revenue, {sign} * coalesce(covers, 0) AS covers, "
        f"CASE WHEN is_component THEN {sign} * coalesce(qty, 0) ELSE 0 END AS component_qty, "
        f"CASE WHEN is_component THEN {sign} * coalesce(revenue, 0) ELSE 0 END "
        f"AS component_revenue, "
        f"CASE WHEN is_component THEN {sign} ELSE 0 END AS component_count, "
        f"{sign} AS n FROM {table}"
        for table, sign in sources.items()
    )
    return (
        f"SELECT {keys}, sum(qty) AS qty, sum(revenue) AS revenue, sum(covers) AS covers, "
        f"sum(component_qty) AS component_qty, sum(component_revenue) AS component_revenue, "
        f"sum(component_count) AS component_count, "
        f"sum(n) AS n FROM ({parts}) AS rows GROUP BY {keys}"
    )


def _added_sums(source):
    """The SET list that adds the sums of the rows ``source`` to the daily row ``d``."""
    return ", ".join(f"{name} = d.{name} + {source}.{name}" for name in SUMS)


def _upsert_sql(sources):
    """Add the deltas of ``sources`` to the daily rows, creating the rows not there yet."""
    keys, sums = ", ".join(KEY), ", ".join(SUMS)
    return f"""
        INSERT INTO boh_sales_daily AS d
               ({keys}, {sums}, fact_count, create_date, write_date)
        SELECT {keys}, {sums}, n, now() at time zone 'UTC', now() at time zone 'UTC'
          FROM ({_delta_sql(sources)}) AS delta
        ON CONFLICT ({keys}) DO UPDATE
           SET {_added_sums("EXCLUDED")}, fact_count = d.fact_count + EXCLUDED.fact_count,
               write_date = EXCLUDED.write_date;
    """


def _subtract_sql():
    """Take deleted facts off their daily rows (which exist: no upsert, so a row that a
    cascade already removed is not brought back with negative sums)."""
    match = " AND ".join(f"d.{name} = delta.{name}" for name in KEY)
    return f"""
        UPDATE boh_sales_daily AS d
           SET {_added_sums("delta")}, fact_count = d.fact_count + delta.n,
               write_date = now() at time zone 'UTC'
          FROM ({_delta_sql({"old_facts": -1})}) AS delta
         WHERE {match};
    """


def _prune_sql(table):
    """Drop the daily rows of the keys in ``table`` that no fact is left in."""
    match = " AND ".join(f"d.{name} = t.{name}" for name in KEY)
    keys = ", ".join(KEY)
    return f"""
        DELETE FROM boh_sales_daily AS d
         USING (SELECT DISTINCT {keys} FROM {table}) AS t
         WHERE {match} AND d.fact_count <= 0;
    """


#: The orders of each location and day, with how many facts each has: the number of orders
#: of a period is a count of rows here, not a DISTINCT over every order line. A plain table
#: of the database (no model: nobody reads it but the store periods' SQL), kept like the
#: daily rows by the same triggers.
ORDERS_TABLE = "boh_sales_daily_order"
ORDER_KEY = ("warehouse_id", "date", "source", "order_ref")
ORDERS_DDL = f"""
    CREATE TABLE IF NOT EXISTS {ORDERS_TABLE} (
        warehouse_id integer NOT NULL REFERENCES stock_warehouse(id) ON DELETE CASCADE,
        date date NOT NULL,
        source varchar NOT NULL,
        order_ref varchar NOT NULL,
        fact_count integer NOT NULL,
        PRIMARY KEY (warehouse_id, date, source, order_ref)
    )
"""


def _order_delta_sql(sources):
    """The net change in facts per order of the rows in ``sources`` (facts with an order)."""
    parts = " UNION ALL ".join(
        f"SELECT warehouse_id, date, coalesce(source, '') AS source, order_ref, {sign} AS n "
        f"FROM {table} WHERE order_ref IS NOT NULL"
        for table, sign in sources.items()
    )
    keys = ", ".join(ORDER_KEY)
    return f"SELECT {keys}, sum(n) AS n FROM ({parts}) AS rows GROUP BY {keys}"


def _order_upsert_sql(sources):
    keys = ", ".join(ORDER_KEY)
    return f"""
        INSERT INTO {ORDERS_TABLE} AS o ({keys}, fact_count)
        SELECT {keys}, n FROM ({_order_delta_sql(sources)}) AS delta
        ON CONFLICT ({keys}) DO UPDATE SET fact_count = o.fact_count + EXCLUDED.fact_count;
    """


def _order_subtract_sql():
    match = " AND ".join(f"o.{name} = delta.{name}" for name in ORDER_KEY)
    return f"""
        UPDATE {ORDERS_TABLE} AS o SET fact_count = o.fact_count + delta.n
          FROM ({_order_delta_sql({"old_facts": -1})}) AS delta
         WHERE {match};
    """


def _order_prune_sql(table):
    match = " AND ".join(f"o.{name} = t.{name}" for name in ORDER_KEY)
    return f"""
        DELETE FROM {ORDERS_TABLE} AS o
         USING (SELECT DISTINCT warehouse_id, date, coalesce(source, '') AS source, order_ref
                  FROM {table} WHERE order_ref IS NOT NULL) AS t
         WHERE {match} AND o.fact_count <= 0;
    """


#: The setting the facts' archive (``boh.sales.fact._archive_facts``) turns on with
#: ``set_config(..., true)`` (``SET LOCAL``: for its own transaction) around its DELETE and off
#: right after: the deleted facts stay in their daily rows and orders, which is the archive.
ARCHIVE_SETTING = "boh.sales_archive"
ARCHIVE_GUARD = f"IF current_setting('{ARCHIVE_SETTING}', true) = 'on' THEN RETURN NULL; END IF; "


def _function_body(kind):
    if kind == "insert":
        return _upsert_sql({"new_facts": 1}) + _order_upsert_sql({"new_facts": 1})
    if kind == "update":
        both = {"new_facts": 1, "old_facts": -1}
        return (
            _upsert_sql(both)
            + _prune_sql("old_facts")
            + _order_upsert_sql(both)
            + _order_prune_sql("old_facts")
        )
    return (
        ARCHIVE_GUARD
        + _subtract_sql()
        + _prune_sql("old_facts")
        + _order_subtract_sql()
        + _order_prune_sql("old_facts")
    )


def _live_sql(alias, by):
    """``alias``'s day is not archived: on or after its company's
    ``boh_sales_archived_before`` (the company read from the row, or from its location)."""
    if by == "company":
        bound = (
            "SELECT c.boh_sales_archived_before FROM res_company AS c "
            f"WHERE c.id = {alias}.company_id"
        )
    else:
        bound = (
            "SELECT c.boh_sales_archived_before FROM stock_warehouse AS w "
            f"JOIN res_company AS c ON c.id = w.company_id WHERE w.id = {alias}.warehouse_id"
        )
    return f"{alias}.date >= coalesce(({bound}), '-infinity'::date)"


class BohSalesDaily(models.Model):
    """Sales of one menu item at one location on one business day: the sums of its facts.

    Kept equal to ``GROUP BY company, location, item, day`` of ``boh.sales.fact`` by
    statement-level triggers on the facts' table, in the transaction that writes the facts,
    whatever writes them (the ORM, the feed's bulk INSERT, plain SQL). A row goes when its
    last fact goes. Nobody writes it but those triggers; the forecast, the store periods
    and the KPI dashboard read it instead of the facts (one row per item and day instead of
    one per order line). The same triggers keep the orders of each location and day
    (:data:`ORDERS_TABLE`).
    """

    _name = "boh.sales.daily"
    _description = "Daily Sales"
    _order = "date desc, warehouse_id, product_id"
    _rec_name = "product_id"

    company_id = fields.Many2one("res.company", required=True, readonly=True, ondelete="cascade")
    warehouse_id = fields.Many2one(
        "stock.warehouse", string="Location", required=True, readonly=True, ondelete="cascade"
    )
    product_id = fields.Many2one(
        "product.product", string="Menu Item", required=True, readonly=True, ondelete="cascade"
    )
    date = fields.Date(string="Business Date", required=True, readonly=True, index=True)
    qty = fields.Float(string="Quantity", digits="Product Unit of Measure", readonly=True)
    revenue = fields.Monetary(
        string="Revenue (net of tax)", currency_field="currency_id", readonly=True
    )
    covers = fields.Integer(readonly=True)
    component_qty = fields.Float(
        string="Quantity in Set Meals",
        digits="Product Unit of Measure",
        readonly=True,
        help="The part of the quantity sold as a component of a set meal (no price of its own).",
    )
    component_revenue = fields.Monetary(
        string="Revenue in Set Meals",
        currency_field="currency_id",
        readonly=True,
        help="The part of the revenue on set-meal component lines (set meals whose own code is "
        "not mapped carry their price on their components).",
    )
    component_count = fields.Integer(
        string="Set-Meal Facts",
        readonly=True,
        help="How many of the facts are set-meal components.",
    )
    fact_count = fields.Integer(
        string="Sales Facts", readonly=True, help="How many sales facts this day sums."
    )
    currency_id = fields.Many2one(related="company_id.currency_id")

    _sql_constraints = [
        (
            "daily_unique",
            "unique(company_id, warehouse_id, product_id, date)",
            "A menu item has one daily sales row per location and day.",
        ),
    ]

    def init(self):
        """Create the triggers that keep this table equal to the facts' sums. A new
        install has no facts yet; the upgrade of a database with facts fills the table in
        its migration (``_rebuild``), and so does an update that added a sum."""
        cr = self.env.cr
        cr.execute("SELECT to_regclass(%s)", [ORDERS_TABLE])
        orders_missing = not cr.fetchone()[0]
        cr.execute(SQL(ORDERS_DDL))
        # the statements are built from this file's constants only: no value comes from outside
        for kind, (event, referencing) in TRIGGERS.items():
            function = f"boh_sales_daily_on_{kind}"
            cr.execute(
                SQL(
                    f"CREATE OR REPLACE FUNCTION {function}() RETURNS trigger LANGUAGE plpgsql "
                    f"AS $body$ BEGIN {_function_body(kind)} RETURN NULL; END $body$"
                )
            )
            cr.execute(SQL(f"DROP TRIGGER IF EXISTS {function} ON boh_sales_fact"))
            cr.execute(
                SQL(
                    f"CREATE TRIGGER {function} AFTER {event} ON boh_sales_fact {referencing} "
                    f"FOR EACH STATEMENT EXECUTE FUNCTION {function}()"
                )
            )
        cr.execute(
            SQL(
                "CREATE OR REPLACE FUNCTION boh_sales_daily_on_truncate() RETURNS trigger "
                "LANGUAGE plpgsql AS $body$ BEGIN DELETE FROM boh_sales_daily; "
                f"DELETE FROM {ORDERS_TABLE}; RETURN NULL; END $body$"
            )
        )
        cr.execute("DROP TRIGGER IF EXISTS boh_sales_daily_on_truncate ON boh_sales_fact")
        cr.execute(
            "CREATE TRIGGER boh_sales_daily_on_truncate AFTER TRUNCATE ON boh_sales_fact "
            "FOR EACH STATEMENT EXECUTE FUNCTION boh_sales_daily_on_truncate()"
        )
        # rows written before a sum or the orders were added: sum them again
        cr.execute("SELECT 1 FROM boh_sales_daily WHERE component_count IS NULL LIMIT 1")
        if cr.fetchone() or orders_missing:
            self._rebuild()

    @api.model
    def _rebuild(self):
        """Recompute every row from the facts (install, upgrade, repair), but for the days a
        company archived the facts of (``res.company.boh_sales_archived_before``): their rows
        are the only record of those sales and stay as they are."""
        self.env["boh.sales.fact"].flush_model()
        self.env["res.company"].flush_model(["boh_sales_archived_before"])
        keys = SQL(", ".join(KEY))
        by_company, by_location = _live_sql("d", "company"), _live_sql("o", "location")
        self.env.cr.execute(SQL(f"DELETE FROM boh_sales_daily AS d WHERE {by_company}"))
        self.env.cr.execute(SQL(f"DELETE FROM {ORDERS_TABLE} AS o WHERE {by_location}"))
        self.env.cr.execute(
            SQL(
                f"INSERT INTO {ORDERS_TABLE} (warehouse_id, date, source, order_ref, fact_count) "
                "SELECT o.warehouse_id, o.date, coalesce(o.source, ''), o.order_ref, count(*) "
                f"FROM boh_sales_fact AS o WHERE o.order_ref IS NOT NULL AND {by_location} "
                "GROUP BY 1, 2, 3, 4"
            )
        )
        self.env.cr.execute(
            SQL(
                """
                INSERT INTO boh_sales_daily
                       (%(keys)s, qty, revenue, covers, component_qty, component_revenue,
                        component_count, fact_count, create_date, write_date)
                SELECT %(keys)s, sum(coalesce(qty, 0)), sum(coalesce(revenue, 0)),
                       sum(coalesce(covers, 0)),
                       sum(CASE WHEN is_component THEN coalesce(qty, 0) ELSE 0 END),
                       sum(CASE WHEN is_component THEN coalesce(revenue, 0) ELSE 0 END),
                       count(*) FILTER (WHERE is_component), count(*),
                       now() at time zone 'UTC', now() at time zone 'UTC'
                  FROM boh_sales_fact AS d
                 WHERE %(live)s
                 GROUP BY %(keys)s
                """,
                keys=keys,
                live=SQL(by_company),
            )
        )
        self.invalidate_model()

    # -- reads see the facts written so far in the transaction --------------------------------

    @api.model
    def _search(self, domain, offset=0, limit=None, order=None, **kwargs):
        self.env["boh.sales.fact"].flush_model()
        return super()._search(domain, offset=offset, limit=limit, order=order, **kwargs)

    def _fetch_query(self, query, fields):
        self.env["boh.sales.fact"].flush_model()
        return super()._fetch_query(query, fields)
