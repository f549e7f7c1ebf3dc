from odoo import api, fields, models

from ..tools.bulk import bulk_insert

#: Columns ``_replace_origin_facts`` writes with one INSERT, and their SQL types.
BULK_COLUMNS = (
    ("company_id", "int"),
    ("warehouse_id", "int"),
    ("product_id", "int"),
    ("date", "date"),
    ("hour", "int"),
    ("closed_at", "timestamp"),
    ("qty", "numeric"),
    ("revenue", "numeric"),
    ("covers", "int"),
    ("is_component", "bool"),
    ("source", "varchar"),
    ("order_ref", "varchar"),
    ("origin_model", "varchar"),
    ("origin_id", "int"),
)


class BohSalesFact(models.Model):
    """Sales of one menu item at one location in one hour of one business day.

    Append-only facts that any source feeds (external POS pushes, Odoo's own POS, CSV
    uploads): a source replaces its facts for an order by unlinking the rows of that
    origin and creating new ones, so reports never count an amended order twice.

    The database keeps ``boh.sales.daily`` equal to their daily sums (triggers on this
    table): after any write here, that model's cache is stale and is dropped.
    """

    _name = "boh.sales.fact"
    _description = "Sales Fact"
    _order = "date desc, hour, warehouse_id, product_id"
    _check_company_auto = True
    _rec_name = "product_id"

    company_id = fields.Many2one(
        "res.company", required=True, index=True, default=lambda self: self.env.company
    )
    warehouse_id = fields.Many2one(
        "stock.warehouse", string="Location", required=True, index=True, check_company=True
    )
    product_id = fields.Many2one(
        "product.product", string="Menu Item", required=True, index=True, check_company=True
    )
    date = fields.Date(string="Business Date", required=True, index=True)
    hour = fields.Integer(
        aggregator=None, help="Local hour (0-23, store time zone) the order was closed."
    )
    closed_at = fields.Datetime()
    qty = fields.Float(string="Quantity", digits="Product Unit of Measure")
    revenue = fields.Monetary(
        string="Revenue (net of tax)", currency_field="currency_id", aggregator="sum"
    )
    covers = fields.Integer(help="Guests of the order, counted once per order (on its first item).")
    is_component = fields.Boolean(
        string="Set-Meal Component",
        help="Sold as part of a set meal; its parent carries the price.",
    )
    source = fields.Char(index=True, help="Where the sale came from: a POS name, odoo_pos, csv.")
    order_ref = fields.Char(string="Order Reference")
    origin_model = fields.Char(
        index=True, help="Technical: model of the record these facts come from."
    )
    origin_id = fields.Integer(
        index=True, help="Technical: id of the record these facts come from."
    )
    currency_id = fields.Many2one(related="company_id.currency_id")

    @api.model_create_multi
    def create(self, vals_list):
        facts = super().create(vals_list)
        self.env["boh.sales.daily"].invalidate_model()
        return facts

    def write(self, vals):
        # the UPDATE waits for the next flush, which a read of the daily rows asks for
        result = super().write(vals)
        self.env["boh.sales.daily"].invalidate_model()
        return result

    def unlink(self):
        result = super().unlink()
        self.env["boh.sales.daily"].invalidate_model()
        return result

    def _flush(self, fnames=None):
        dirty = self.env.cache.get_dirty_fields()
        written = any(field.model_name == self._name for field in dirty)
        result = super()._flush(fnames)
        if written:
            self.env["boh.sales.daily"].invalidate_model()
        return result

    @api.model
    def _replace_origin_facts(self, origin_model, origin_ids, vals_list):
        """Drop the facts of these origin records and create ``vals_list`` in one batch."""
        if origin_ids:
            self.search(
                [("origin_model", "=", origin_model), ("origin_id", "in", list(origin_ids))]
            ).unlink()
        if not vals_list:
            return self.browse()
        known = {name for name, _type in BULK_COLUMNS}
        if not self.env.su or any(set(vals) - known for vals in vals_list):
            return self.create(vals_list)
        return self._bulk_insert_facts(vals_list)

    def _bulk_insert_facts(self, vals_list):
        """Insert plain fact rows in one statement (superuser callers only, such as the
        sales feed): tens of thousands of facts per push, where the ORM's per-record work
        would dominate. Values are rounded as the ORM would round them."""
        self.flush_model()
        qty_digits = self.env["decimal.precision"].precision_get("Product Unit of Measure")
        default_company = self.env.company.id
        companies = self.env["res.company"].browse(
            {vals.get("company_id") or default_company for vals in vals_list}
        )
        currencies = {company.id: company.currency_id for company in companies}
        rows = []
        for vals in vals_list:
            row = dict(vals)
            row["company_id"] = row.get("company_id") or default_company
            if row.get("revenue") is not None:
                row["revenue"] = currencies[row["company_id"]].round(float(row["revenue"]))
            for name in ("warehouse_id", "product_id"):
                if isinstance(row.get(name), models.BaseModel):
                    row[name] = row[name].id
            rows.append(tuple(row.get(name) for name, _type in BULK_COLUMNS))
        inserted = bulk_insert(
            self.env,
            self._table,
            BULK_COLUMNS,
            rows,
            digits={"qty": qty_digits},
            returning="id",
        )
        ids = [row[0] for row in inserted]
        self.invalidate_model()
        self.env["boh.sales.daily"].invalidate_model()
        return self.browse(ids)
