"""The one exception type of the core: it names the field, the value and what to do."""

from __future__ import annotations

from typing import Any


class BohError(ValueError):
    """Bad input, described so that a person can act on it.

    ``field`` is the name of the offending field (as the caller knows it), ``value`` the
    value that was refused and ``message`` a complete sentence. The Odoo side turns it
    into a ``ValidationError``/``UserError`` and the XML-RPC side into a fault, both with
    ``str(error)`` as their text.
    """

    def __init__(self, field: str, value: Any, message: str):
        super().__init__(message)
        self.field = field
        self.value = value
        self.message = message

    def __str__(self) -> str:
        return self.message

    def as_dict(self) -> dict[str, Any]:
        """Plain-data form, safe to marshal over XML-RPC."""
        value = self.value
        if not isinstance(value, str | int | float | bool) or value is None:
            value = repr(value)
        return {"field": self.field, "value": value, "message": self.message}
