"""The one exception type of the core: it names the field, the value and what to do.

Every error has a stable ``code`` and an English template with named parameters in
:mod:`boh_core.messages`; the sentence is rendered from them, so that the Odoo side can
render the same code in the user's language with the same parameters.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from boh_core.messages import MESSAGES, english_template

#: Finds the template of a code, in some language (default: the English registry).
TemplateLookup = Callable[[str], str]


@dataclass(frozen=True)
class Message:
    """A sentence not yet put into words: a code and its parameters.

    A parameter may itself be a :class:`Message` (a sentence inside a sentence, such as
    "Line 'L1': qty 0 is out of range."); it is rendered in the same language.
    """

    code: str
    params: Mapping[str, Any] = field(default_factory=dict, compare=False)

    def render(self, lookup: TemplateLookup | None = None) -> str:
        """The sentence, with templates from ``lookup`` (English when None)."""
        lookup = lookup or english_template
        values = {key: _render_param(value, lookup) for key, value in self.params.items()}
        return lookup(self.code) % values

    def __str__(self) -> str:
        return self.render()


def _render_param(value: Any, lookup: TemplateLookup) -> Any:
    """A parameter as inserted: messages rendered, a list of messages one per line."""
    if isinstance(value, Message):
        return value.render(lookup)
    if isinstance(value, list):
        return "\n".join(str(_render_param(item, lookup)) for item in value)
    return value


def msg(code: str, /, **params: Any) -> Message:
    """A :class:`Message` for ``code`` (a key of :data:`boh_core.messages.MESSAGES`)."""
    if code not in MESSAGES:
        raise KeyError(f"unknown message code {code!r}")
    return Message(code, params)


class BohError(ValueError):
    """Bad input, described so that a person can act on it.

    ``field`` is the name of the offending field (as the caller knows it), ``value`` the
    value that was refused and ``message`` a complete sentence, given as a :class:`Message`
    (code and parameters, kept as ``detail``) or, by callers outside the core, as plain
    text. The Odoo side turns it into a ``ValidationError``/``UserError`` and the XML-RPC
    side into an answer, both in the user's language (``translate_core_error``).
    """

    def __init__(self, field: str, value: Any, message: str | Message):
        detail = message if isinstance(message, Message) else None
        text = detail.render() if detail is not None else message
        super().__init__(text)
        self.field = field
        self.value = value
        self.message = text
        self.detail = detail

    @property
    def code(self) -> str:
        """The stable code of the error (``"error"`` for plain text from outside the core)."""
        return self.detail.code if self.detail is not None else "error"

    def __str__(self) -> str:
        return self.message

    def as_dict(self) -> dict[str, Any]:
        """Plain-data form, safe to marshal over XML-RPC."""
        value = self.value
        if not isinstance(value, str | int | float | bool) or value is None:
            value = repr(value)
        return {"code": self.code, "field": self.field, "value": value, "message": self.message}
