"""Refusing a step on records in the wrong state, naming them: written once for every model."""

from odoo.exceptions import UserError


def refuse(records, message):
    """Raise ``UserError(message(names))`` when ``records`` holds any record.

    ``names`` is the records' names joined by commas. ``message`` builds the translated text
    from them, so that each model keeps its own words while the refusal is written here.
    """
    if records:
        raise UserError(message(", ".join(records.mapped("name"))))
