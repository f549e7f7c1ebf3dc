from markupsafe import Markup

from odoo import api, fields, models
from odoo.tools import SQL

_PG_TYPES = {
    "date": "timestamp[]",
    "user_id": "int[]",
    "company_id": "int[]",
    "warehouse_id": "int[]",
    "res_model": "varchar[]",
    "res_id": "int[]",
    "record_name": "varchar[]",
    "parent_model": "varchar[]",
    "parent_id": "int[]",
    "parent_name": "varchar[]",
    "operation": "varchar[]",
    "field_name": "varchar[]",
    "old_value": "varchar[]",
    "new_value": "varchar[]",
    "cost_related": "bool[]",
}


class BohChangeLog(models.Model):
    """Who changed what, when, from which value to which: the audit trail of the records
    that decide food cost and stock (recipe lines, ingredient costs and purchase prices,
    count lines). One row per record and field changed, written in one batch per save.

    Changes to costs and prices are marked ``cost_related``: kitchen users do not see them.
    """

    _name = "boh.change.log"
    _description = "Change History"
    _order = "date desc, id desc"
    _rec_name = "record_name"

    date = fields.Datetime(required=True, default=fields.Datetime.now, index=True, readonly=True)
    user_id = fields.Many2one(
        "res.users", string="Changed By", required=True, readonly=True, index=True
    )
    company_id = fields.Many2one("res.company", index=True, readonly=True)
    warehouse_id = fields.Many2one("stock.warehouse", string="Store", index=True, readonly=True)
    res_model = fields.Char(string="Model", required=True, index=True, readonly=True)
    res_id = fields.Integer(string="Record ID", index=True, readonly=True)
    record_name = fields.Char(string="Record", readonly=True)
    parent_model = fields.Char(index=True, readonly=True)
    parent_id = fields.Integer(index=True, readonly=True)
    parent_name = fields.Char(string="In", readonly=True)
    operation = fields.Selection(
        [("create", "Added"), ("write", "Changed"), ("unlink", "Removed")],
        required=True,
        readonly=True,
    )
    field_name = fields.Char(string="Field", readonly=True)
    old_value = fields.Char(string="Before", readonly=True)
    new_value = fields.Char(string="After", readonly=True)
    cost_related = fields.Boolean(
        readonly=True, index=True, help="A cost or price: shown to BOH managers only."
    )

    @api.model
    def _snapshot(self, records, fnames):
        """``{record id: {field: value as shown}}``, read in one batch, for a later
        :meth:`_log`."""
        yes_no = (self.env._("Yes"), self.env._("No"))
        return {
            record.id: {fname: _shown(record, fname, yes_no) for fname in fnames}
            for record in records.sudo()
        }

    @api.model
    def _log(self, records, fnames, before, operation, parent=None, cost_related=False, post=True):
        """Log the fields ``fnames`` of ``records`` that differ from ``before`` (a
        :meth:`_snapshot`; empty for a creation), one row per record and field, in one
        ``create``; ``parent`` names the field of the record the change belongs to (the
        recipe of a line), whose chatter also gets one note per parent when ``post`` (never
        for costs: a chatter is read by everyone who can read the record).
        """
        now = fields.Datetime.now()
        yes_no = (self.env._("Yes"), self.env._("No"))
        model = records._name and self.env[records._name]
        labels = {
            fname: model._fields[fname].get_description(self.env)["string"] for fname in fnames
        }
        rows = []
        for record in records.sudo():
            old = before.get(record.id, {})
            new = {} if operation == "unlink" else {f: _shown(record, f, yes_no) for f in fnames}
            owner = record[parent] if parent else record
            store = next(
                (r.warehouse_id.id for r in (record, owner) if "warehouse_id" in r._fields),
                False,
            )
            for fname in fnames:
                old_value, new_value = old.get(fname, ""), new.get(fname, "")
                if operation == "write" and old_value == new_value:
                    continue
                if operation != "write" and not (old_value or new_value):
                    continue
                rows.append(
                    {
                        "date": now,
                        "user_id": self.env.uid,
                        "company_id": record.company_id.id if "company_id" in record else False,
                        "warehouse_id": store,
                        "res_model": record._name,
                        "res_id": record.id,
                        "record_name": record.display_name,
                        "parent_model": owner._name,
                        "parent_id": owner.id,
                        "parent_name": owner.display_name,
                        "operation": operation,
                        "field_name": labels[fname],
                        "old_value": old_value,
                        "new_value": new_value,
                        "cost_related": cost_related,
                    }
                )
        if not rows:
            return self.browse()
        if parent and post and not cost_related:
            logs = self.sudo().create(rows)
            logs._post_on_parents()
            return logs
        return self._insert(rows)

    def _insert(self, rows):
        """Insert the rows with one statement (a count saved with hundreds of lines logs
        a thousand changes; the ORM's create would cost more than the save itself)."""
        columns = list(rows[0])
        self.env.cr.execute(
            SQL(
                "INSERT INTO boh_change_log (%s, create_uid, create_date, write_uid, write_date) "
                "SELECT *, %s, now() AT TIME ZONE 'UTC', %s, now() AT TIME ZONE 'UTC' "
                "FROM unnest(%s) RETURNING id",
                SQL(", ").join(SQL.identifier(column) for column in columns),
                self.env.uid,
                self.env.uid,
                SQL(", ").join(
                    SQL(
                        "%s::%s",
                        [_db_value(row[column], column) for row in rows],
                        SQL(_PG_TYPES[column]),
                    )
                    for column in columns
                ),
            )
        )
        return self.browse([row[0] for row in self.env.cr.fetchall()])

    def _post_on_parents(self):
        """One chatter note per parent listing its changes (when the parent has a chatter)."""
        by_parent = {}
        for log in self:
            by_parent.setdefault((log.parent_model, log.parent_id), []).append(log)
        labels = dict(self._fields["operation"]._description_selection(self.env))
        for (model, res_id), logs in by_parent.items():
            parent = self.env[model].browse(res_id).exists()
            if not parent or not hasattr(parent, "message_post"):
                continue
            lines = [
                self.env._(
                    "%(op)s %(record)s, %(field)s: %(old)s → %(new)s",
                    op=labels[log.operation],
                    record=log.record_name,
                    field=log.field_name,
                    old=log.old_value or "-",
                    new=log.new_value or "-",
                )
                for log in logs
            ]
            parent.sudo().message_post(
                body=Markup("<br/>").join(lines), subtype_xmlid="mail.mt_note"
            )


def _db_value(value, column):
    """``False`` means NULL in the ORM's values, except in a boolean column."""
    return None if value is False and _PG_TYPES[column] != "bool[]" else value


def _shown(record, fname, yes_no=None):
    """A field's value as a person reads it (names, not ids)."""
    field = record._fields[fname]
    value = record[fname]
    if field.type in ("many2one", "many2many", "one2many"):
        return ", ".join(value.mapped("display_name"))
    if field.type == "selection":
        return dict(field._description_selection(record.env)).get(value, "") if value else ""
    if field.type == "boolean":
        yes, no = yes_no or (record.env._("Yes"), record.env._("No"))
        return yes if value else no
    if field.type in ("float", "monetary"):
        return f"{value:g}"
    return "" if value is False or value is None else str(value)
