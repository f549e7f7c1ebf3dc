"""Context switches that only server code can turn on.

A client sends a context with every XML-RPC or JSON-RPC call, and Odoo passes it on to the
model methods; a switch read as ``env.context.get("boh_...")`` would therefore be a switch
anyone can flip from outside. The suite's own switches carry ``SERVER`` as their value
instead: an object that exists only in this process, which no RPC message can contain.
"""

from odoo.exceptions import AccessError

#: The value of a server-only context switch. Identity is what counts, never equality.
SERVER = object()


def server_switches(*keys: str) -> dict:
    """Context entries that turn the server-only switches ``keys`` on."""
    return dict.fromkeys(keys, SERVER)


def switched_on(env, key: str) -> bool:
    """Whether server code turned the switch ``key`` on for ``env`` (a client cannot)."""
    return env.context.get(key) is SERVER


def check_server_fields(records, vals_list, names):
    """Refuse a client's create or write of ``names``: fields the suite computes and shows
    read-only, which only server code (running as superuser) writes.

    A view's ``readonly`` is a screen hint, not a rule: over RPC any field can be sent. Call
    this first in ``create``/``write`` of a model whose ``names`` must not be set by hand.
    """
    if records.env.su:
        return
    sent = sorted({name for vals in vals_list for name in vals if name in names})
    if sent:
        labels = ", ".join(records._fields[name]._description_string(records.env) for name in sent)
        raise AccessError(
            records.env._(
                "%(fields)s of %(model)s are recorded by the system and cannot be set by hand "
                "or over RPC.",
                fields=labels,
                model=records._description,
            )
        )


def beyond_writable(records, vals, writable):
    """The fields ``vals`` would change on ``records`` other than ``writable`` ones and the
    chatter's (``message_*``, ``activity_*``): what a record that keeps what it recorded
    refuses."""
    return [
        name
        for name in vals
        if name in records._fields
        and name not in writable
        and not name.startswith(("message_", "activity_"))
    ]


def check_server_fields_created(records, vals_list, names):
    """:func:`check_server_fields` for a ``create``, where a client can also set a field
    through the context's ``default_<name>``."""
    sent_default = {name: True for name in names if f"default_{name}" in records.env.context}
    check_server_fields(records, [*vals_list, sent_default], names)
